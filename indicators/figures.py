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

from .quarters import FinancialYear, Quarter

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


def missing(reason: str, decimal_places: int = 0) -> Figure:
    return Figure(value=None, decimal_places=decimal_places, reason=reason)


def round_half_up(value: Decimal, decimal_places: int) -> Decimal:
    """Round as a spreadsheet shows it: 2.345 → 2.35 (not banker's rounding)."""
    return value.quantize(Decimal(1).scaleb(-decimal_places), rounding=ROUND_HALF_UP)


def format_number(value: Decimal, decimal_places: int) -> str:
    """No thousands separators, the indicator's decimal places: '1264', '47.21'."""
    return f"{round_half_up(value, decimal_places):f}"


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


def rolling_12_months(
    indicator: IndicatorRules,
    quarter: Quarter,
    submissions: Mapping[Quarter, RawValue],
    populations: Mapping[int, int] | None = None,
) -> Figure:
    """ "Latest data, rolling 12 months" to the end of `quarter`.

    A quarterly count sums the last four approved quarters; a figure whose latest value
    stands (annual or lagged data) is that quarter's approved value with its own period.
    """
    if indicator.aggregation == "sum":
        return sum_of_quarters(indicator, quarter.rolling_year(), submissions, populations)
    raw = submissions.get(quarter)
    if raw is None:
        return missing(f"No approved figure for {quarter.label}.", indicator.decimal_places)
    return submission_figure(indicator, raw, quarter, populations)


def previous_year(
    indicator: IndicatorRules,
    quarter: Quarter,
    submissions: Mapping[Quarter, RawValue],
    populations: Mapping[int, int] | None = None,
) -> Figure:
    """The previous financial year's figure.

    Summed indicators add up that year's four quarters. For a figure whose latest value
    stands, it is the value as reported at the year's end (its Q4), with its own period.
    """
    fy = quarter.financial_year.previous()
    if indicator.aggregation == "sum":
        return sum_of_quarters(indicator, fy.quarters(), submissions, populations)
    year_end = Quarter(fy.start_year, 4)
    raw = submissions.get(year_end)
    if raw is None:
        return missing(f"No approved figure for {year_end.label}.", indicator.decimal_places)
    return submission_figure(indicator, raw, year_end, populations)


def comparison_figure(
    indicator: IndicatorRules,
    basis: str,
    quarter: Quarter,
    submissions: Mapping[Quarter, RawValue],
    populations: Mapping[int, int] | None = None,
) -> Figure:
    """The earlier figure that direction of travel compares the latest one against."""
    if basis == "previous_year":
        return previous_year(indicator, quarter, submissions, populations)
    if basis == "same_quarter_last_year":
        return rolling_12_months(indicator, quarter.shift(-4), submissions, populations)
    if basis == "previous_quarter":
        return rolling_12_months(indicator, quarter.previous(), submissions, populations)
    raise ValueError(f"Unknown direction basis {basis!r}")


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
