"""The figure engine: pure functions from raw approved values to the figures a dashboard shows.

Nothing here touches the database. Each function takes the raw values it needs and returns a
`Figure`: the value (rounded half-up to the indicator's decimal places, as a spreadsheet
shows it), the period it covers and the inputs it used, so any shown figure can be
explained. When no figure can be formed, `value` is None and `reason` says why.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol

from .quarters import FinancialYear, Quarter, period_label

THOUSAND = Decimal(1000)
HUNDRED = Decimal(100)


class RawValue(Protocol):
    """What the engine reads from a submission (a model instance satisfies it)."""

    id: int | None
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    is_nil_return: bool
    covered_start: dt.date | None
    covered_end: dt.date | None
    covered_label: str


class IndicatorRules(Protocol):
    formula: str
    aggregation: str
    unit: str
    decimal_places: int
    polarity: str


@dataclass(frozen=True)
class Figure:
    value: Decimal | None
    decimal_places: int = 0
    start: dt.date | None = None
    end: dt.date | None = None
    label: str = ""  # the figure's own period label, shown when the data lags
    inputs: tuple[str, ...] = ()
    submission_ids: tuple[int, ...] = ()
    reason: str = ""
    exact: Decimal | None = None
    # "not_yet_available" or "no_new_data" when a submission's status, not a figure, decided
    # the cell; `note` is then the footnote the reader must see ("No new data published
    # since Apr-Jun 2016").
    status: str = ""
    note: str = ""

    @property
    def available(self) -> bool:
        return self.value is not None

    def text(self, unit: str = "") -> str:
        """The figure as the dashboard prints it: '47.21', '40%', '40% (2014-15)'."""
        if self.value is None:
            return ""
        shown = format_number(self.value, self.decimal_places)
        if unit == "percentage":
            shown += "%"
        return f"{shown} ({self.label})" if self.label else shown


def missing(reason: str, decimal_places: int = 0, status: str = "") -> Figure:
    return Figure(value=None, decimal_places=decimal_places, reason=reason, status=status)


def round_half_up(value: Decimal, decimal_places: int) -> Decimal:
    """Round as a spreadsheet shows it: 2.345 → 2.35 (not banker's rounding)."""
    return value.quantize(Decimal(1).scaleb(-decimal_places), rounding=ROUND_HALF_UP)


def format_number(
    value: Decimal, decimal_places: int, thousands: bool = False, signed: bool = False
) -> str:
    """The indicator's decimal places, rounded half-up: '1264', '47.21'.

    A layout may ask for thousands separators ('31,843') and a sign on changes ('+4.2',
    '-312'; zero has no sign).
    """
    rounded = round_half_up(value, decimal_places)
    if rounded == 0:
        rounded = abs(rounded)  # never "-0.0"
    text = f"{rounded:,f}" if thousands else f"{rounded:f}"
    if signed and rounded > 0:
        text = "+" + text
    return text


def _plain(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return f"{value.normalize():f}" if value == value.to_integral() else f"{value:f}"


def rate_per_1000(count: Decimal, population: int | None, decimal_places: int) -> Figure:
    if not population:
        return missing("No population figure for the area, so no rate can be formed.")
    exact = Decimal(count) * THOUSAND / Decimal(population)
    return Figure(
        value=round_half_up(exact, decimal_places),
        exact=exact,
        decimal_places=decimal_places,
        inputs=(f"{_plain(Decimal(count))} ÷ population {population} × 1,000",),
    )


def percentage(numerator: Decimal, denominator: Decimal, decimal_places: int) -> Figure:
    if not denominator:
        return missing("The denominator is 0, so no percentage can be formed.", decimal_places)
    exact = Decimal(numerator) * HUNDRED / Decimal(denominator)
    return Figure(
        value=round_half_up(exact, decimal_places),
        exact=exact,
        decimal_places=decimal_places,
        inputs=(f"{_plain(Decimal(numerator))} ÷ {_plain(Decimal(denominator))} × 100",),
    )


def population_for(populations: Mapping[int, int], day: dt.date) -> tuple[int | None, int | None]:
    """The mid-year estimate for the financial year `day` falls in, or the latest before it."""
    wanted = FinancialYear.containing(day).start_year
    years = [y for y in populations if y <= wanted]
    if not years:
        return None, None
    year = max(years)
    return year, populations[year]


def _counted(raw: RawValue) -> tuple[Decimal | None, Decimal | None, Decimal | None]:
    """(value, numerator, denominator) with a nil return read as confirmed zeros."""
    if raw.is_nil_return:
        zero = Decimal(0)
        return zero, zero, raw.denominator
    return raw.value, raw.numerator, raw.denominator


def _form(
    indicator: IndicatorRules,
    value: Decimal | None,
    numerator: Decimal | None,
    denominator: Decimal | None,
    populations: Mapping[int, int],
    end: dt.date,
) -> Figure:
    """Apply the indicator's formula to (possibly summed) raw values."""
    dp = indicator.decimal_places
    if indicator.formula == "direct":
        if value is None:
            return missing("No figure was entered.", dp)
        return Figure(
            value=round_half_up(value, dp),
            exact=value,
            decimal_places=dp,
            inputs=(f"value {_plain(value)}",),
        )
    if numerator is None:
        return missing("No count was entered.", dp)
    if indicator.formula == "count":
        return Figure(
            value=round_half_up(numerator, dp),
            exact=numerator,
            decimal_places=dp,
            inputs=(f"count {_plain(numerator)}",),
        )
    if indicator.formula == "percentage":
        if denominator is None:
            return missing("No denominator was entered.", dp)
        return percentage(numerator, denominator, dp)
    if indicator.formula == "rate_per_1000":
        year, population = population_for(populations, end)
        figure = rate_per_1000(numerator, population, dp)
        if figure.available:
            figure = Figure(
                **{
                    **figure.__dict__,
                    "inputs": (
                        f"{_plain(numerator)} ÷ {year} mid-year population {population} × 1,000",
                    ),
                }
            )
        return figure
    raise ValueError(f"Unknown formula {indicator.formula!r}")


def _with(figure: Figure, **changes) -> Figure:
    return Figure(**{**figure.__dict__, **changes})


def submission_figure(
    indicator: IndicatorRules,
    raw: RawValue,
    quarter: Quarter,
    populations: Mapping[int, int] | None = None,
) -> Figure:
    """The figure one submission gives on its own, for its own covered period."""
    start = raw.covered_start or quarter.start
    end = raw.covered_end or quarter.end
    value, numerator, denominator = _counted(raw)
    figure = _form(indicator, value, numerator, denominator, populations or {}, end)
    label = raw.covered_label or ""
    if figure.available:
        return _with(
            figure,
            start=start,
            end=end,
            label=label,
            submission_ids=(raw.id,) if raw.id else (),
            inputs=(
                f"{quarter.short_label}: "
                + "; ".join(figure.inputs)
                + (" (nil return)" if raw.is_nil_return else ""),
            ),
        )
    return _with(figure, reason=f"{quarter.short_label}: {figure.reason}")


def sum_of_quarters(
    indicator: IndicatorRules,
    quarters: list[Quarter],
    submissions: Mapping[Quarter, RawValue],
    populations: Mapping[int, int] | None = None,
) -> Figure:
    """Sum the raw values of consecutive quarters, then apply the formula once."""
    dp = indicator.decimal_places
    absent = [q for q in quarters if q not in submissions]
    if absent:
        names = ", ".join(q.label for q in absent)
        return missing(f"No approved figure for {names}.", dp)
    for q in quarters:
        status = _status(submissions[q])
        if status != FIGURE:
            return missing(f"{q.short_label}: {STATUS_WORDS[status]}.", dp, status=status)
    totals = {"value": Decimal(0), "numerator": Decimal(0), "denominator": Decimal(0)}
    seen = {"value": True, "numerator": True, "denominator": True}
    lines, ids = [], []
    for q in quarters:
        raw = submissions[q]
        value, numerator, denominator = _counted(raw)
        for name, part in (
            ("value", value),
            ("numerator", numerator),
            ("denominator", denominator),
        ):
            if part is None:
                seen[name] = False
            else:
                totals[name] += part
        shown = value if indicator.formula == "direct" else numerator
        extra = f"/{_plain(denominator)}" if indicator.formula == "percentage" else ""
        nil = " (nil return)" if raw.is_nil_return else ""
        lines.append(f"{q.short_label}: {_plain(shown)}{extra}{nil}")
        if raw.id:
            ids.append(raw.id)
    start, end = quarters[0].start, quarters[-1].end
    figure = _form(
        indicator,
        totals["value"] if seen["value"] else None,
        totals["numerator"] if seen["numerator"] else None,
        totals["denominator"] if seen["denominator"] else None,
        populations or {},
        end,
    )
    if not figure.available:
        return figure
    return _with(
        figure, start=start, end=end, inputs=tuple(lines) + figure.inputs, submission_ids=tuple(ids)
    )


FIGURE, NOT_YET_AVAILABLE, NO_NEW_DATA = "figure", "not_yet_available", "no_new_data"
STATUS_WORDS = {NOT_YET_AVAILABLE: "not yet available", NO_NEW_DATA: "no new data published"}
# How far back a "latest" window, or a "no new data" quarter, looks for a figure.
LOOK_BACK = 12


def _status(raw: RawValue) -> str:
    return getattr(raw, "status", FIGURE) or FIGURE


def single_quarter(
    indicator: IndicatorRules,
    quarter: Quarter,
    submissions: Mapping[Quarter, RawValue],
    populations: Mapping[int, int] | None = None,
) -> Figure:
    """The figure one quarter's submission gives, its data status honoured.

    "Not yet available" is no figure, said in words. "No new data published" lets the last
    approved figure before it stand, with its own period label and a note, never silently.
    """
    dp = indicator.decimal_places
    raw = submissions.get(quarter)
    if raw is None:
        return missing(f"No approved figure for {quarter.label}.", dp)
    status = _status(raw)
    if status == NOT_YET_AVAILABLE:
        return missing(f"{quarter.short_label}: not yet available.", dp, status=status)
    if status == FIGURE:
        return submission_figure(indicator, raw, quarter, populations)
    for back in range(1, LOOK_BACK + 1):
        earlier = quarter.shift(-back)
        raw = submissions.get(earlier)
        if raw is not None and _status(raw) == FIGURE:
            figure = submission_figure(indicator, raw, earlier, populations)
            label = figure.label or period_label(figure.start, figure.end)
            return _with(
                figure,
                label=label,
                status=NO_NEW_DATA,
                note=f"No new data published since {label}",
            )
    return missing(
        f"{quarter.short_label}: no new data published, and no earlier figure.", dp, status=status
    )


def latest_figure(
    indicator: IndicatorRules,
    quarter: Quarter,
    submissions: Mapping[Quarter, RawValue],
    populations: Mapping[int, int] | None = None,
) -> Figure:
    """The latest approved figure up to `quarter`; an earlier one is labelled with its period."""
    for back in range(LOOK_BACK):
        earlier = quarter.shift(-back)
        if earlier in submissions:
            figure = single_quarter(indicator, earlier, submissions, populations)
            if figure.available and back and not figure.label:
                figure = _with(figure, label=period_label(figure.start, figure.end))
            return figure
    return missing(f"No approved figure up to {quarter.label}.", indicator.decimal_places)


def anchor(quarter: Quarter, offset: str) -> Quarter:
    """The quarter a window ends in, for a column's offset from the dashboard's quarter."""
    if offset == "current":
        return quarter
    if offset == "previous_period":
        return quarter.previous()
    if offset == "same_period_last_year":
        return quarter.shift(-4)
    if offset == "previous_year":
        return Quarter(quarter.year - 1, 4)
    if offset in ("fy_q1", "fy_q2", "fy_q3", "fy_q4"):
        return Quarter(quarter.year, int(offset[-1]))
    raise ValueError(f"Unknown offset {offset!r}")


def window_quarters(window: str, end: Quarter) -> list[Quarter]:
    """The quarters a summed window adds up, oldest first."""
    if window == "quarter":
        return [end]
    if window == "year_to_date":
        return [q for q in end.financial_year.quarters() if q <= end]
    if window == "rolling_12_months":
        return end.rolling_year()
    if window == "financial_year":
        return end.financial_year.quarters()
    raise ValueError(f"Unknown window {window!r}")


def window_figure(
    indicator: IndicatorRules,
    window: str,
    end: Quarter,
    submissions: Mapping[Quarter, RawValue],
    populations: Mapping[int, int] | None = None,
) -> Figure:
    """The figure for `window` ending with the quarter `end`.

    A summed indicator adds up the window's quarters and applies its formula once. For a
    figure whose latest value stands, the window's last quarter's value stands (with its
    own period): a whole financial year is the value reported at the year's end (Q4).
    """
    if window == "latest":
        return latest_figure(indicator, end, submissions, populations)
    quarters = window_quarters(window, end)
    if indicator.aggregation == "sum" and window != "quarter":
        return sum_of_quarters(indicator, quarters, submissions, populations)
    return single_quarter(indicator, quarters[-1], submissions, populations)


def rolling_12_months(
    indicator: IndicatorRules,
    quarter: Quarter,
    submissions: Mapping[Quarter, RawValue],
    populations: Mapping[int, int] | None = None,
) -> Figure:
    """ "Latest data, rolling 12 months" to the end of `quarter`."""
    return window_figure(indicator, "rolling_12_months", quarter, submissions, populations)


def previous_year(
    indicator: IndicatorRules,
    quarter: Quarter,
    submissions: Mapping[Quarter, RawValue],
    populations: Mapping[int, int] | None = None,
) -> Figure:
    """The previous financial year's figure (the value at its Q4 for a standing value)."""
    end = anchor(quarter, "previous_year")
    return window_figure(indicator, "financial_year", end, submissions, populations)


# An indicator's direction-of-travel basis, as the offset of the figure it compares against.
BASIS_OFFSETS = {
    "previous_quarter": "previous_period",
    "same_quarter_last_year": "same_period_last_year",
    "previous_year": "previous_year",
}


def comparison_figure(
    indicator: IndicatorRules,
    basis: str,
    quarter: Quarter,
    submissions: Mapping[Quarter, RawValue],
    populations: Mapping[int, int] | None = None,
    window: str = "rolling_12_months",
) -> Figure:
    """The earlier figure that direction of travel compares a `window` figure against."""
    if basis not in BASIS_OFFSETS:
        raise ValueError(f"Unknown direction basis {basis!r}")
    end = anchor(quarter, BASIS_OFFSETS[basis])
    return window_figure(indicator, window, end, submissions, populations)


def percent_change(earlier: Decimal, later: Decimal) -> Decimal | None:
    if earlier == 0:
        return None if later == 0 else Decimal("Infinity") * (1 if later > 0 else -1)
    return (later - earlier) * HUNDRED / abs(earlier)


def direction(earlier: Figure, later: Figure, polarity: str, stable_band: Decimal) -> str | None:
    """'improving' / 'stable' / 'worsening' (or 'up' / 'down' with no polarity).

    Compares the figures as shown (rounded), so a reader can check the arrow from the page.
    A change within `stable_band` percent of the earlier figure is stable. None when
    either figure is missing.
    """
    if earlier.value is None or later.value is None:
        return None
    change = percent_change(earlier.value, later.value)
    if change is None or abs(change) <= stable_band:
        return "stable"
    went_up = change > 0
    if polarity == "higher":
        return "improving" if went_up else "worsening"
    if polarity == "lower":
        return "worsening" if went_up else "improving"
    return "up" if went_up else "down"


def crosses_break(earlier: Figure, later: Figure, breaks: Iterable[dt.date]) -> dt.date | None:
    """The first break in series that falls between two figures' periods, if any.

    A break on date d splits old and new basis; the comparison is sound only if both
    figures lie wholly before d or wholly from d on.
    """
    if not (earlier.start and later.end):
        return None
    for day in sorted(breaks):
        if earlier.start < day <= later.end:
            return day
    return None


def rag(
    value: Decimal | None,
    indicator,
    target: Decimal | None = None,
    tolerance: Decimal | None = None,
) -> str | None:
    """Progress RAG from target and tolerance; 'n/a' for contextual indicators.

    Returns None when it cannot be judged here: no figure, or the approver's judgement.
    """
    if indicator.rag_method == "contextual":
        return "n/a"
    if indicator.rag_method == "judgement" or value is None:
        return None
    target = indicator.target if target is None else target
    tolerance = (indicator.target_tolerance if tolerance is None else tolerance) or Decimal(0)
    if target is None:
        return None
    if indicator.polarity == "higher":
        gap = target - value
    elif indicator.polarity == "lower":
        gap = value - target
    else:
        gap = abs(value - target)
    if gap <= 0:
        return "G"
    return "A" if gap <= tolerance else "R"


@dataclass(frozen=True)
class Target:
    """A target as judged: green within [low, high]; either bound may be open.

    `tolerance` (None = 0) is the amber band outside the bounds. `source_year` is the
    financial year the target was set for, or None for the indicator's standing target.
    """

    low: Decimal | None
    high: Decimal | None
    tolerance: Decimal | None = None
    source_year: int | None = None


NO_TARGET = "none"  # the rating key for "no target set", shown grey with those words


def rag_against(value: Decimal, target: Target | None, polarity: str) -> str:
    """'G' inside the target, 'A' within its tolerance outside it, else 'R'.

    A point target (low == high) is one-sided by polarity: "higher" is green at or above
    it, "lower" at or below it, no polarity only on it. With no target it is "none".
    """
    if target is None:
        return NO_TARGET
    low, high = target.low, target.high
    if low is not None and low == high:
        if polarity == "higher":
            high = None
        elif polarity == "lower":
            low = None
    gap = Decimal(0)
    if low is not None and value < low:
        gap = low - value
    elif high is not None and value > high:
        gap = value - high
    if gap <= 0:
        return "G"
    return "A" if gap <= (target.tolerance or Decimal(0)) else "R"


def target_text(target: Target | None, unit: str, decimal_places: int) -> str:
    """The target as a reader sees it: '≤ 47.0', '≥ 80%', '25–35%', or 'no target set'."""
    if target is None:
        return "no target set"
    sign = "%" if unit == "percentage" else ""

    def shown(bound: Decimal) -> str:
        return format_number(bound, decimal_places)

    if target.low is not None and target.high is not None:
        if target.low == target.high:
            return f"{shown(target.low)}{sign}"
        return f"{shown(target.low)}–{shown(target.high)}{sign}"
    if target.low is not None:
        return f"≥ {shown(target.low)}{sign}"
    return f"≤ {shown(target.high)}{sign}"


_SEVERITY = {"R": 3, "A": 2, "G": 1}


def outcome_rag(rags: Iterable[str | None], rule: str) -> str:
    """Roll indicator RAGs up to the outcome's overall RAG.

    'worst': the worst of them. 'majority': the most common; a tie goes to the worse.
    Contextual (n/a) and unjudged indicators do not count; with none left it is 'n/a'.
    """
    judged = [r for r in rags if r in _SEVERITY]
    if not judged:
        return "n/a"
    if rule == "worst":
        return max(judged, key=_SEVERITY.__getitem__)
    counts = Counter(judged)
    return max(counts, key=lambda r: (counts[r], _SEVERITY[r]))
