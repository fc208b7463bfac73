"""Approved data in, dashboard out.

`load_dashboard_data` reads everything one (quarter, area) dashboard needs in a fixed number
of queries, whatever the number of indicators; `assemble` is a pure function of that data,
so it is tested without caring how the data was fetched and never reads the database.
Only the latest approved version of each submission is read: a missing figure shows
"awaiting data", never a stale or unapproved one.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from indicators import figures
from indicators.models import (
    DefinitionChange,
    Direction,
    Indicator,
    Override,
    ReportingPeriod,
    Submission,
)
from indicators.quarters import Quarter, british_date, period_label
from portal.models import Area, Population

from .dashboard import (
    AWAITING_DATA,
    AWAITING_JUDGEMENT,
    BREAK_IN_SERIES,
    Dashboard,
    Footnote,
    InputSubmission,
    OutcomeBlock,
    OverrideNote,
    Row,
)

DEFAULT_TITLE = "Safer Communities Performance Dashboard"
# Rolling 12 months to the quarter, to the previous quarter and to the same quarter last
# year, and the whole previous financial year: all fall within the last eight quarters.
QUARTERS_BACK = 7


@dataclass
class DashboardData:
    """Everything `assemble` reads, fetched up front."""

    quarter: Quarter
    area: Area
    siblings: list[Area]  # the partnership's districts, the area included; [] for a county
    indicators: list[Indicator]  # with .outcome selected, in display order
    # indicator id → area id → quarter → latest approved submission
    submissions: dict[int, dict[int, dict[Quarter, Submission]]]
    populations: dict[int, dict[int, int]]  # area id → year → population
    overrides: list[Override]
    breaks: dict[int, list[dt.date]] = field(default_factory=dict)


def needed_quarters(quarter: Quarter) -> list[Quarter]:
    return [quarter.shift(-n) for n in range(QUARTERS_BACK, -1, -1)]


def _periods(quarters: set[tuple[int, int]]):
    """A subquery of the periods for (year, quarter) pairs, so the filter stays one query."""
    match = Q(pk__in=[])
    for year, number in quarters:
        match |= Q(year=year, quarter=number)
    return ReportingPeriod.objects.filter(match).values("pk")


def load_dashboard_data(period: ReportingPeriod, area: Area) -> DashboardData:
    """Read one dashboard's data in a constant number of queries."""
    quarter = period.as_quarter
    siblings = list(Area.objects.filter(parent_id=area.parent_id)) if area.parent_id else []
    indicators = list(
        Indicator.objects.filter(is_active=True, areas=area)
        .select_related("outcome")
        .order_by("outcome__display_order", "outcome__title", "display_order", "title")
    )
    ids = [ind.id for ind in indicators]
    quarters = needed_quarters(quarter)
    wanted = {(q.year, q.number) for q in quarters}
    rolling = {(q.year, q.number) for q in quarter.rolling_year()}
    sibling_ids = [a.id for a in siblings if a.id != area.id]
    qs = (
        Submission.objects.approved()
        .filter(
            Q(area_id=area.id, period__in=_periods(wanted))
            | Q(area_id__in=sibling_ids, period__in=_periods(rolling)),
            indicator_id__in=ids,
        )
        .select_related("period", "submitted_by", "approved_by")
    )
    submissions: dict[int, dict[int, dict[Quarter, Submission]]] = defaultdict(
        lambda: defaultdict(dict)
    )
    # Siblings are read only for the district rank, which needs the rolling year.
    for sub in qs:
        submissions[sub.indicator_id][sub.area_id][sub.period.as_quarter] = sub
    populations = Population.objects.by_area([area.id, *sibling_ids])
    overrides = list(
        Override.objects.active()
        .filter(area=area, period=period)
        .select_related("author", "indicator", "outcome")
    )
    breaks: dict[int, list[dt.date]] = defaultdict(list)
    for indicator_id, day in DefinitionChange.objects.filter(indicator_id__in=ids).values_list(
        "indicator_id", "effective_from"
    ):
        breaks[indicator_id].append(day)
    return DashboardData(
        quarter=quarter,
        area=area,
        siblings=siblings,
        indicators=indicators,
        submissions=submissions,
        populations=populations,
        overrides=overrides,
        breaks=breaks,
    )


def build_dashboard(period: ReportingPeriod, area: Area) -> Dashboard:
    return assemble(period.as_quarter, area, load_dashboard_data(period, area))


# --- the pure part ---------------------------------------------------------------------


def _person(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def _number_text(figure: figures.Figure, unit: str) -> str:
    shown = figures.format_number(figure.value, figure.decimal_places)
    return shown + "%" if unit == "percentage" else shown


def _cell(figure: figures.Figure, unit: str, markers: str = "") -> tuple[str, str | None]:
    """The printed cell and, when the cell is just a number, that number."""
    if not figure.available:
        return AWAITING_DATA, None
    text = _number_text(figure, unit) + markers
    if figure.label:
        text += f" ({figure.label})"
    plain = unit != "percentage" and not markers and not figure.label
    return text, (figures.format_number(figure.value, figure.decimal_places) if plain else None)


def _note_for(sub: Submission) -> str:
    """The footnote a submission carries: its own text, or one made from its flags."""
    if sub.footnote.strip():
        return " ".join(sub.footnote.split())
    flags = [
        word
        for word, on in (("Provisional", sub.is_provisional), ("Estimated", sub.is_estimated))
        if on
    ]
    if len(flags) == 2:
        return "Provisional and estimated figure"
    return f"{flags[0]} figure" if flags else ""


class _Footnotes:
    """Markers *, **, *** … in order of first appearance; equal texts share one marker."""

    def __init__(self) -> None:
        self.notes: dict[str, str] = {}

    def markers_for(self, subs: list[Submission]) -> str:
        markers = []
        for sub in subs:
            text = _note_for(sub)
            if not text:
                continue
            if text not in self.notes:
                self.notes[text] = "*" * (len(self.notes) + 1)
            if self.notes[text] not in markers:
                markers.append(self.notes[text])
        return ",".join(markers)

    def as_list(self) -> list[Footnote]:
        return [Footnote(marker=m, text=t) for t, m in self.notes.items()]


def _rank(values: dict[int, object], area_id: int, polarity: str) -> str:
    """'k/N' among the areas with a figure; best is 1, ties share a rank."""
    if area_id not in values or polarity not in ("higher", "lower"):
        return ""
    mine = values[area_id]
    if polarity == "higher":
        better = sum(1 for v in values.values() if v > mine)
    else:
        better = sum(1 for v in values.values() if v < mine)
    return f"{better + 1}/{len(values)}"


def assemble(quarter: Quarter, area: Area, data: DashboardData) -> Dashboard:
    """The dashboard for `quarter` and `area` from already-loaded approved data."""
    fy_heading = quarter.financial_year.previous().dashed_label
    indicator_overrides = {
        (o.kind, o.indicator_id): o for o in data.overrides if o.indicator_id is not None
    }
    outcome_overrides = {o.outcome_id: o for o in data.overrides if o.outcome_id is not None}
    notes = _Footnotes()
    override_notes: list[OverrideNote] = []
    values: list[dict] = []
    blocks: dict[int, OutcomeBlock] = {}
    area_pops = data.populations.get(area.id, {})

    for ind in data.indicators:
        by_area = data.submissions.get(ind.id, {})
        subs = by_area.get(area.id, {})
        latest = figures.rolling_12_months(ind, quarter, subs, area_pops)
        earlier_year = figures.previous_year(ind, quarter, subs, area_pops)
        by_id = {s.id: s for s in subs.values()}
        inputs = [by_id[i] for i in latest.submission_ids if i in by_id]
        markers = notes.markers_for(inputs) if latest.available else ""
        latest_text, latest_number = _cell(latest, ind.unit, markers)
        year_text, year_number = _cell(earlier_year, ind.unit)

        # Direction of travel: override, else a break in series, else the rule.
        basis_figure = figures.comparison_figure(ind, ind.direction_basis, quarter, subs, area_pops)
        computed = figures.direction(basis_figure, latest, ind.polarity, ind.stable_band)
        broken = (
            figures.crosses_break(basis_figure, latest, data.breaks.get(ind.id, []))
            if computed
            else None
        )
        direction, direction_reason = computed or "", ""
        if broken:
            direction = ""
            direction_reason = (
                f"The definition changed from {british_date(broken)}, so the figures "
                "either side of it are not compared."
            )
        elif not computed:
            direction_reason = basis_figure.reason or latest.reason
        override = indicator_overrides.get((Override.Kind.DIRECTION, ind.id))
        if override:
            override_notes.append(_override_note(override, ind.title, computed or ""))
            direction, direction_reason = override.value, override.reason
        if override or not broken:
            direction_text = Direction(direction).arrow if direction else ""
        else:
            direction_text = BREAK_IN_SERIES

        # Progress RAG: override, else target and tolerance ('n/a' when contextual).
        computed_rag = figures.rag(latest.value, ind)
        if not latest.available and not ind.is_contextual:
            computed_rag = None
        rag, rag_reason = computed_rag or "", ""
        override = indicator_overrides.get((Override.Kind.RAG, ind.id))
        if override:
            override_notes.append(_override_note(override, ind.title, computed_rag or ""))
            rag, rag_reason = override.value, override.reason
        if rag:
            rag_text = rag
        elif latest.available:
            rag_text, rag_reason = AWAITING_JUDGEMENT, "An approver's judgement is needed."
        else:
            rag_text = ""

        # Comparisons are entered with the quarter's submission; on a district's dashboard
        # the district comparison is its rank among the partnership's districts.
        current = subs.get(quarter)
        nn = current.comparison_display("nn") if current else ""
        county = current.comparison_display("county") if current else ""
        if data.siblings:
            by_sibling = {}
            for sibling in data.siblings:
                fig = figures.rolling_12_months(
                    ind, quarter, by_area.get(sibling.id, {}), data.populations.get(sibling.id)
                )
                if fig.available:
                    by_sibling[sibling.id] = fig.value
            district = _rank(by_sibling, area.id, ind.polarity)
        else:
            district = current.comparison_display("district") if current else ""

        row = Row(
            indicator_id=ind.id,
            code=ind.code,
            title=ind.title,
            unit=ind.unit,
            decimal_places=ind.decimal_places,
            previous_year=year_text,
            previous_year_number=year_number,
            previous_year_reason=earlier_year.reason,
            latest=latest_text,
            latest_number=latest_number,
            latest_reason=latest.reason,
            latest_value=str(latest.value) if latest.available else None,
            latest_period=(
                latest.label or period_label(latest.start, latest.end)
                if latest.available and latest.start and latest.end
                else ""
            ),
            markers=markers,
            direction=direction,
            direction_text=direction_text,
            direction_overridden=bool(indicator_overrides.get((Override.Kind.DIRECTION, ind.id))),
            direction_reason=direction_reason,
            break_date=broken.isoformat() if broken else None,
            rag=rag,
            rag_text=rag_text,
            rag_overridden=bool(indicator_overrides.get((Override.Kind.RAG, ind.id))),
            rag_reason=rag_reason,
            nn=nn,
            county=county,
            district=district,
            commentary=current.commentary if current else "",
            inputs=list(latest.inputs),
            submissions=[
                InputSubmission(
                    id=s.id,
                    quarter=s.period.code,
                    version=s.version,
                    submitted_by=_person(s.submitted_by),
                    approved_by=_person(s.approved_by),
                    approved_at=(
                        british_date(timezone.localtime(s.approved_at).date())
                        if s.approved_at
                        else ""
                    ),
                )
                for s in inputs
            ],
        )
        if current is not None:
            values.append(_open_data_record(ind, area, quarter, current, area_pops))
        outcome = ind.outcome
        if outcome.id not in blocks:
            blocks[outcome.id] = OutcomeBlock(
                outcome_id=outcome.id,
                title=outcome.title,
                rag="",
                rag_overridden=False,
                rag_reason="",
                rows=[],
            )
        blocks[outcome.id].rows.append(row)

    outcomes_by_id = {ind.outcome_id: ind.outcome for ind in data.indicators}
    for outcome_id, block in blocks.items():
        computed = figures.outcome_rag(
            [r.rag or None for r in block.rows], outcomes_by_id[outcome_id].rollup_rule
        )
        block.rag = computed
        override = outcome_overrides.get(outcome_id)
        if override:
            override_notes.append(_override_note(override, block.title, computed))
            block.rag, block.rag_overridden, block.rag_reason = (
                override.value,
                True,
                override.reason,
            )

    return Dashboard(
        title=getattr(settings, "DASHBOARD_TITLE", DEFAULT_TITLE),
        period_code=quarter.code,
        period_label=f"Quarter {quarter.number}, {quarter.financial_year.label}",
        area_code=area.code,
        area_name=area.name,
        area_is_district=bool(data.siblings),
        previous_year_heading=f"Previous Year ({fy_heading})",
        outcomes=list(blocks.values()),
        footnotes=notes.as_list(),
        overrides=override_notes,
        values=values,
    )


def _plain(value) -> str:
    if value is None:
        return ""
    return f"{value.normalize():f}" if value == value.to_integral() else f"{value:f}"


def _open_data_record(ind, area, quarter: Quarter, sub: Submission, pops) -> dict:
    """One published value in the long format of `indicators.columns.OPEN_DATA_COLUMNS`."""
    own = figures.submission_figure(ind, sub, quarter, pops)
    yes_no = {True: "yes", False: "no"}
    return {
        "indicator_code": ind.code,
        "indicator_title": ind.title,
        "area_code": area.code,
        "area_name": area.name,
        "quarter": quarter.code,
        "figure": figures.format_number(own.value, own.decimal_places) if own.available else "",
        "value": _plain(sub.value),
        "numerator": _plain(sub.numerator),
        "denominator": _plain(sub.denominator),
        "unit": ind.unit,
        "covered_start": sub.covered_start.isoformat() if sub.covered_start else "",
        "covered_end": sub.covered_end.isoformat() if sub.covered_end else "",
        "covered_label": sub.covered_label,
        "nil_return": yes_no[sub.is_nil_return],
        "provisional": yes_no[sub.is_provisional],
        "estimated": yes_no[sub.is_estimated],
        "footnote": sub.footnote,
        "revision": sub.version,
    }


def _override_note(override: Override, target: str, computed: str) -> OverrideNote:
    return OverrideNote(
        kind=override.kind,
        target=target,
        value=override.value,
        computed=computed,
        reason=override.reason,
        author=_person(override.author),
        created_at=british_date(timezone.localtime(override.created_at).date()),
    )
