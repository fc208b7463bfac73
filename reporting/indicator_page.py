"""What the indicator page shows: the indicator's definition, how it is judged, and its history.

Who sees what: the public sees published quarters only, read from the published snapshots
(their frozen raw values and figures), so the page never shows an unpublished figure or
changes without a republication. Committee members and approvers see every approved
quarter, published or not, computed live by the figure engine.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from indicators import figures
from indicators.figures import Figure, Target, format_number
from indicators.models import DefinitionChange, Indicator, IndicatorTarget, Submission
from indicators.quarters import FinancialYear, Quarter
from portal.models import Area

from .charts import trend_chart
from .dashboard import BLOCK_MEASURES
from .models import Publication

GOOD = {
    "higher": "Higher is better: a rise is an improvement.",
    "lower": "Lower is better: a fall is an improvement.",
    "none": "No judgement: the figure is reported for context, and a rise or a fall is not "
    "judged either way.",
}


def _published_value(record: Mapping) -> Submission:
    """A value as published, read back from a snapshot's open-data record (never saved)."""

    def number(name: str) -> Decimal | None:
        text = record.get(name)
        return Decimal(str(text)) if text not in (None, "") else None

    def day(name: str) -> dt.date | None:
        text = record.get(name)
        return dt.date.fromisoformat(text) if text else None

    return Submission(
        value=number("value"),
        numerator=number("numerator"),
        denominator=number("denominator"),
        is_nil_return=record.get("nil_return") == "yes",
        covered_start=day("covered_start"),
        covered_end=day("covered_end"),
        covered_label=record.get("covered_label") or "",
        nn_rank=number("nn_rank"),
        nn_of=number("nn_of"),
    )


def published_values(indicator: Indicator, area: Area) -> dict[Quarter, Submission]:
    """The indicator's raw values for the area as the current published revisions hold them."""
    found = {}
    publications = Publication.objects.latest_revisions().filter(area=area).select_related("period")
    for publication in publications:
        for record in publication.snapshot.get("values", []):
            if (record.get("indicator_code"), record.get("area_code")) == (
                indicator.code,
                area.code,
            ):
                found[publication.period.as_quarter] = _published_value(record)
    return found


def approved_values(indicator: Indicator, area: Area) -> dict[Quarter, Submission]:
    """Every approved value of the indicator for the area, published or not."""
    return {
        sub.period.as_quarter: sub
        for sub in Submission.objects.approved()
        .filter(indicator=indicator, area=area)
        .select_related("period")
    }


def what_good_looks_like(indicator: Indicator) -> str:
    return GOOD.get(indicator.polarity, "")


def _bound(value: Decimal, indicator: Indicator) -> str:
    shown = format_number(value, indicator.decimal_places)
    return f"{shown}%" if indicator.unit == Indicator.Unit.PERCENTAGE else shown


def rating_rule(indicator: Indicator, target: Target | None) -> str:
    """How the progress rating is given, in words a committee member can check."""
    if indicator.rag_method == Indicator.RagMethod.CONTEXTUAL:
        return "Contextual: this indicator has no target and no rating (shown as n/a)."
    if indicator.rag_method == Indicator.RagMethod.JUDGEMENT:
        return "Rated by the performance manager's judgement, with the reason recorded."
    if target is None:
        return "No target set: the rating shows “no target set”, in grey."
    low, high = target.low, target.high
    if low is not None and low == high:
        low = None if indicator.polarity == "lower" else low
        high = None if indicator.polarity == "higher" else high
    if low is not None and high is not None:
        green = (
            f"exactly {_bound(low, indicator)}"
            if low == high
            else f"from {_bound(low, indicator)} to {_bound(high, indicator)}"
        )
    elif low is not None:
        green = f"at {_bound(low, indicator)} or above"
    else:
        green = f"at {_bound(high, indicator)} or below"
    tolerance = target.tolerance or Decimal(0)
    if tolerance:
        amber = f"amber within {format_number(tolerance, indicator.decimal_places)} of it"
        return f"Green {green}; {amber}; red beyond that."
    return f"Green {green}; red otherwise (there is no amber band)."


@dataclass
class YearTarget:
    year: str
    text: str
    note: str


def year_targets(indicator: Indicator, targets: Iterable[IndicatorTarget]) -> list[YearTarget]:
    return [
        YearTarget(
            FinancialYear(t.year).label,
            figures.target_text(t.as_target(), indicator.unit, indicator.decimal_places),
            t.note,
        )
        for t in targets
    ]


def _count(indicator: Indicator, year: FinancialYear, raws: Mapping) -> Decimal | None:
    """The year's total count, for counts and rates summed over quarters."""
    if indicator.aggregation != Indicator.Aggregation.SUM_OF_QUARTERS:
        return None
    if indicator.formula not in (Indicator.Formula.COUNT, Indicator.Formula.RATE_PER_1000):
        return None
    total = Decimal(0)
    for quarter in year.quarters():
        raw = raws.get(quarter)
        if raw is None or (raw.numerator is None and not raw.is_nil_return):
            return None
        total += raw.numerator or 0
    return total


def _change(earlier: Decimal | None, later: Decimal | None) -> str:
    if earlier is None or later is None or earlier == 0:
        return ""
    change = figures.round_half_up(figures.percent_change(earlier, later), 0)
    return "no change" if change == 0 else f"{change:+}%"


def _figure_text(indicator: Indicator, figure: Figure) -> str:
    """'47.21 per 1,000', '41% (2015-16)', '1264 (2014-15)'."""
    shown = format_number(figure.value, figure.decimal_places)
    if indicator.unit == Indicator.Unit.PERCENTAGE:
        shown += "%"
    elif indicator.unit == Indicator.Unit.RATE_PER_1000:
        shown += " per 1,000"
    return f"{shown} ({figure.label})" if figure.label else shown


def yearly_history(
    indicator: Indicator,
    raws: Mapping,
    populations: Mapping[int, int],
    ranks: Mapping[Quarter, str],
) -> list[str]:
    """One line per complete financial year, newest first.

    "2015/16: 31,843 recorded crimes (-2%), 47.21 per 1,000 (3/9)": the count where the
    figure is formed from one, the change on the year before, the figure and the rank at
    the year's end, each where held.
    """
    lines = []
    years = sorted({q.year for q in raws})
    previous_count = previous_value = None
    for start in years:
        year = FinancialYear(start)
        figure = figures.previous_year(indicator, Quarter(start + 1, 1), raws, populations)
        if not figure.available:
            previous_count = previous_value = None
            continue
        count = _count(indicator, year, raws)
        shown = _figure_text(indicator, figure)
        if count is not None:
            label = indicator.numerator_label or "counted"
            change = _change(previous_count, count)
            text = f"{count:,.0f} {label}" + (f" ({change})" if change else "") + f", {shown}"
        else:
            change = _change(previous_value, figure.value)
            text = shown + (f" ({change})" if change else "")
        rank = ranks.get(Quarter(start, 4), "")
        if rank and "/" in rank:
            text += f" ({rank})"
        lines.append(f"{year.label}: {text}")
        previous_count, previous_value = count, figure.value
    return lines[::-1]


@dataclass
class SeriesPoint:
    quarter: Quarter
    value: Decimal | None
    text: str


def engine_series(indicator: Indicator, raws: Mapping, populations: Mapping[int, int]):
    """The latest figure (rolling 12 months, or the latest value) at each quarter."""
    if not raws:
        return []
    quarter, last = min(raws), max(raws)
    points = []
    while quarter <= last:
        figure = figures.rolling_12_months(indicator, quarter, raws, populations)
        points.append(
            SeriesPoint(quarter, figure.value, figure.text(indicator.unit) if figure.value else "")
        )
        quarter = quarter.next()
    while points and points[0].value is None:
        points.pop(0)
    return points


def published_series(history) -> list[SeriesPoint]:
    """The latest figure as published at each quarter; an unpublished quarter is a gap."""
    shown = {
        p.period.as_quarter: (
            Decimal(r.headline_value) if r.headline_value else None,
            r.headline_text,
        )
        for p, _, r in history
    }
    if not shown:
        return []
    quarter, last, points = min(shown), max(shown), []
    while quarter <= last:
        value, text = shown.get(quarter, (None, ""))
        points.append(SeriesPoint(quarter, value, text))
        quarter = quarter.next()
    return points


def breaks_before(points: list[SeriesPoint], breaks: Iterable[dt.date]) -> set[int]:
    """Indexes of the quarters in which a break in series takes effect."""
    found = set()
    for day in breaks:
        for index, point in enumerate(points):
            if index and point.quarter.start <= day <= point.quarter.end:
                found.add(index)
            elif index and points[index - 1].quarter.end < day < point.quarter.start:
                found.add(index)
    return found


def published_rows(indicator: Indicator, area: Area) -> list[tuple]:
    """(publication, dashboard, row) for each published quarter showing the indicator."""
    publications = (
        Publication.objects.latest_revisions()
        .filter(area=area)
        .select_related("period")
        .order_by("period__year", "period__quarter")
    )
    history = []
    for publication in publications:
        dashboard = publication.dashboard
        row = next((r for r in dashboard.rows if r.code == indicator.code), None)
        if row is not None:
            history.append((publication, dashboard, row))
    return history


def _visible(indicator: Indicator, area: Area, history, sees_approved: bool, populations):
    """(raw values, ranks, chart points) from what the visitor may see."""
    if sees_approved:
        raws = approved_values(indicator, area)
        ranks = {q: sub.comparison_display("nn") for q, sub in raws.items()}
        return raws, ranks, engine_series(indicator, raws, populations)
    raws = published_values(indicator, area)
    ranks = {p.period.as_quarter: r.cell("nn").text for p, _, r in history}
    return raws, ranks, published_series(history)


def page_context(indicator: Indicator, area: Area, *, sees_approved: bool) -> dict | None:
    """Everything the indicator page shows, or None when the visitor may see no figure."""
    history = published_rows(indicator, area)
    if not history and not sees_approved:
        return None
    populations = dict(area.populations.values_list("year", "population"))
    raws, ranks, points = _visible(indicator, area, history, sees_approved, populations)
    if not points:
        return None
    targets = list(indicator.targets.all())
    target = indicator.target_for(points[-1].quarter.year, targets)
    shown_target = figures.target_text(target, indicator.unit, indicator.decimal_places)
    breaks = list(DefinitionChange.objects.filter(indicator=indicator))
    chart = trend_chart(
        [(p.quarter.short_label, p.value, p.text) for p in points],
        breaks_before=breaks_before(points, [b.effective_from for b in breaks]),
        target=target if indicator.rag_method == Indicator.RagMethod.TARGET else None,
        target_text=shown_target,
    )
    latest = history[-1] if history else None
    markers = latest[2].markers.split(",") if latest else []
    # The latest published layout's own columns, without the row's grouping and title.
    columns = (
        [c for c in latest[1].columns if c.measure not in BLOCK_MEASURES | {"indicator"}]
        if latest
        else []
    )
    return {
        "history": history,
        "history_cells": [(p, d, r, [(c, r.cell(c.key)) for c in columns]) for p, d, r in history],
        "detail_columns": columns,
        "latest_cells": [(c, latest[2].cell(c.key)) for c in columns] if latest else [],
        "latest": latest,
        "footnotes": [f for f in latest[1].footnotes if f.marker in markers] if latest else [],
        "sees_approved": sees_approved,
        "points": points,
        "chart": chart,
        "breaks": breaks,
        "good": what_good_looks_like(indicator),
        "target": target,
        "target_text": shown_target,
        "target_year": FinancialYear(points[-1].quarter.year).label,
        "rule": rating_rule(indicator, target),
        "year_targets": year_targets(indicator, targets),
        "years": yearly_history(indicator, raws, populations, ranks),
    }
