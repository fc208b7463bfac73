"""Approved data and a layout in, dashboard out.

`load_dashboard_data` reads everything one (quarter, area, layout) dashboard needs in a fixed
number of queries, whatever the layout and the number of indicators; `assemble` is a pure
loop over the layout's columns calling the measures (`reporting.measures`), so it is tested
without caring how the data was fetched and never reads the database. Only the latest
approved version of each submission is read: a missing figure shows "awaiting data", never
a stale or unapproved one.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import F, Q
from django.utils import timezone

from indicators import figures
from indicators.models import (
    DefinitionChange,
    Indicator,
    IndicatorTarget,
    Override,
    PeerValue,
    ReportingPeriod,
    Submission,
)
from indicators.quarters import Quarter, british_date, period_label
from portal.models import Area, Population

from . import measures
from .dashboard import Block, Cell, Column, Dashboard, Footnote, InputSubmission, OverrideNote, Row
from .layouts import layout_to_data
from .models import Layout
from .vocabulary import NUMERIC

# Twelve quarters cover every window at every offset, a year earlier for positions, and
# the look-back of "latest" and "no new data".
QUARTERS_BACK = 11


@dataclass(frozen=True)
class RawFigure:
    """A sibling district's raw values: what the figure engine reads, and nothing more."""

    id: int
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    is_nil_return: bool
    covered_start: dt.date | None
    covered_end: dt.date | None
    covered_label: str
    status: str


@dataclass
class DashboardData:
    """Everything `assemble` reads, fetched up front."""

    quarter: Quarter
    area: Area
    layout: dict  # the layout's JSON form (reporting.layouts)
    row_areas: list[Area]  # the area, and its districts when rows are grouped by area
    siblings: list[Area]  # the partnership's districts, the area included; [] for a county
    indicators: list[Indicator]  # with .outcome selected, in the layout's order
    reported: set[tuple[int, int]]  # (indicator id, area id) an indicator is reported for
    # indicator id → area id → quarter → latest approved submission (siblings: RawFigure)
    submissions: dict[int, dict[int, dict[Quarter, object]]]
    populations: dict[int, dict[int, int]]  # area id → year → population
    overrides: list[Override]
    breaks: dict[int, list[dt.date]] = field(default_factory=dict)
    targets: dict[int, list[IndicatorTarget]] = field(default_factory=dict)
    peers: dict[int, dict[Quarter, list[Decimal]]] = field(default_factory=dict)
    people: dict[int, str] = field(default_factory=dict)  # user id → name
    title: str = ""


def needed_quarters(quarter: Quarter) -> list[Quarter]:
    return [quarter.shift(-n) for n in range(QUARTERS_BACK, -1, -1)]


def _periods(quarters) -> dict[int, Quarter]:
    """Period id → quarter for the wanted quarters, in one query."""
    match = Q(pk__in=[])
    for q in quarters:
        match |= Q(year=q.year, quarter=q.number)
    return {
        pk: Quarter(year, number)
        for pk, year, number in ReportingPeriod.objects.filter(match)
        .order_by()
        .values_list("pk", "year", "quarter")
    }


def _indicators(layout: dict, area_ids: list[int]) -> list[Indicator]:
    found = (
        Indicator.objects.filter(is_active=True, areas__in=area_ids)
        .select_related("outcome")
        .distinct()
    )
    chosen = layout.get("indicators") or []
    if chosen:
        by_code = {ind.code: ind for ind in found.filter(code__in=chosen).order_by()}
        return [by_code[code] for code in chosen if code in by_code]
    return list(
        found.order_by("outcome__display_order", "outcome__title", "display_order", "title")
    )


def _sibling_figures(ids, sibling_ids, periods) -> list[tuple]:
    """Sibling rows as values only: the district rank needs their raw figures, nothing else."""
    names = [f.name for f in RawFigure.__dataclass_fields__.values()]
    return list(
        Submission.objects.approved()
        .filter(indicator_id__in=ids, area_id__in=sibling_ids, period_id__in=list(periods))
        .order_by()
        .values_list("indicator_id", "area_id", "period_id", *names)
    )


def _people(subs) -> dict[int, str]:
    ids = {s.submitted_by_id for s in subs} | {s.approved_by_id for s in subs}
    users = get_user_model().objects.filter(pk__in=ids - {None}).order_by()
    return {u.pk: u.get_full_name() or u.get_username() for u in users}


def _peer_values(ids, periods) -> dict[int, dict[Quarter, list[Decimal]]]:
    """Comparator values of each indicator's own group (the partnership's member excluded:
    its value is its approved figure)."""
    peers: dict[int, dict[Quarter, list[Decimal]]] = defaultdict(lambda: defaultdict(list))
    rows = (
        PeerValue.objects.filter(
            indicator_id__in=ids,
            period_id__in=list(periods),
            member__is_self=False,
            member__group_id=F("indicator__comparator_group_id"),
        )
        .order_by()
        .values_list("indicator_id", "period_id", "value")
    )
    for indicator_id, period_id, value in rows:
        peers[indicator_id][periods[period_id]].append(value)
    return peers


def load_dashboard_data(
    period: ReportingPeriod, area: Area, layout: Layout | dict | None = None
) -> DashboardData:
    """Read one dashboard's data in a constant number of queries, whatever the layout."""
    spec = _layout_spec(layout)
    quarter = period.as_quarter
    siblings = (
        list(Area.objects.filter(parent_id=area.parent_id).order_by()) if area.parent_id else []
    )
    children = list(Area.objects.filter(parent_id=area.id).parents_first())
    row_areas = [area, *children] if spec["grouping"] == "area" else [area]
    row_ids = [a.id for a in row_areas]
    indicators = _indicators(spec, row_ids)
    ids = [ind.id for ind in indicators]
    periods = _periods(needed_quarters(quarter))
    subs = list(
        Submission.objects.approved()
        .filter(indicator_id__in=ids, area_id__in=row_ids, period_id__in=list(periods))
        .order_by()
    )
    submissions: dict[int, dict[int, dict[Quarter, object]]] = defaultdict(
        lambda: defaultdict(dict)
    )
    for sub in subs:
        submissions[sub.indicator_id][sub.area_id][periods[sub.period_id]] = sub
    sibling_ids = [a.id for a in siblings if a.id != area.id]
    for ind_id, area_id, period_id, *raw in _sibling_figures(ids, sibling_ids, periods):
        submissions[ind_id][area_id][periods[period_id]] = RawFigure(*raw)
    reported = set(
        Indicator.areas.through.objects.filter(indicator_id__in=ids, area_id__in=row_ids)
        .order_by()
        .values_list("indicator_id", "area_id")
    )
    breaks: dict[int, list[dt.date]] = defaultdict(list)
    for indicator_id, day in (
        DefinitionChange.objects.filter(indicator_id__in=ids)
        .order_by()
        .values_list("indicator_id", "effective_from")
    ):
        breaks[indicator_id].append(day)
    targets: dict[int, list[IndicatorTarget]] = defaultdict(list)
    for target in IndicatorTarget.objects.filter(indicator_id__in=ids).order_by():
        targets[target.indicator_id].append(target)
    return DashboardData(
        quarter=quarter,
        area=area,
        layout=spec,
        row_areas=row_areas,
        siblings=siblings,
        indicators=indicators,
        reported=reported,
        submissions=submissions,
        populations=Population.objects.by_area([*row_ids, *sibling_ids]),
        overrides=list(
            Override.objects.active()
            .filter(area_id__in=row_ids, period=period)
            .select_related("author", "indicator", "outcome")
            .order_by()
        ),
        breaks=breaks,
        targets=targets,
        peers=_peer_values(ids, periods),
        people=_people(subs),
    )


def _layout_spec(layout: Layout | dict | None) -> dict:
    if isinstance(layout, dict):
        return layout
    layout = layout or Layout.objects.default()
    if layout is None:
        from .layouts import SEED_LAYOUT

        return SEED_LAYOUT
    return layout_to_data(layout)


def build_dashboard(
    period: ReportingPeriod, area: Area, layout: Layout | dict | None = None
) -> Dashboard:
    return assemble(period.as_quarter, area, load_dashboard_data(period, area, layout))


# --- the pure part ---------------------------------------------------------------------


def _note_for(sub) -> str:
    """The footnote a submission carries: its own text, or one made from its flags."""
    footnote = getattr(sub, "footnote", "")  # sibling raw values carry no notes
    if footnote.strip():
        return " ".join(footnote.split())
    flags = [
        word
        for word, flag in (("Provisional", "is_provisional"), ("Estimated", "is_estimated"))
        if getattr(sub, flag, False)
    ]
    if len(flags) == 2:
        return "Provisional and estimated figure"
    return f"{flags[0]} figure" if flags else ""


class Footnotes:
    """Markers *, **, *** … in order of first appearance; equal texts share one marker."""

    def __init__(self) -> None:
        self.notes: dict[str, str] = {}

    def markers_for(self, items: list) -> str:
        """Markers for submissions (their footnote or flags) and notes given as text."""
        markers = []
        for item in items:
            text = item if isinstance(item, str) else _note_for(item)
            if not text:
                continue
            if text not in self.notes:
                self.notes[text] = "*" * (len(self.notes) + 1)
            if self.notes[text] not in markers:
                markers.append(self.notes[text])
        return ",".join(markers)

    def as_list(self) -> list[Footnote]:
        return [Footnote(marker=m, text=t) for t, m in self.notes.items()]


def heading_for(spec: dict, specs: dict[str, dict], quarter: Quarter) -> str:
    """The column heading with its placeholders filled from the quarter the column covers."""
    options = spec.get("options") or {}
    operand = options.get("of") or options.get("to")
    value_spec = spec if spec["measure"] == "value" else specs.get(operand)
    end, window = quarter, "quarter"
    if value_spec is not None:
        end = figures.anchor(quarter, value_spec["options"].get("offset", "current"))
        window = value_spec["options"]["window"]
    covered = figures.window_quarters(window, end) if window != "latest" else [end]
    return spec["heading"].format_map(
        {
            "fy": end.financial_year.dashed_label,
            "fy_slash": end.financial_year.label,
            "quarter": end.short_label,
            "months": period_label(covered[0].start, covered[-1].end),
            "period": f"Quarter {quarter.number}, {quarter.financial_year.label}",
            "year": quarter.financial_year.label,
        }
    )


def _input_submissions(figure: figures.Figure, subs: dict, people: dict) -> list[InputSubmission]:
    by_id = {s.id: (q, s) for q, s in subs.items()}
    made = []
    for sub_id in figure.submission_ids:
        if sub_id not in by_id:
            continue
        quarter, sub = by_id[sub_id]
        made.append(
            InputSubmission(
                id=sub.id,
                quarter=quarter.code,
                version=sub.version,
                submitted_by=people.get(sub.submitted_by_id, ""),
                approved_by=people.get(sub.approved_by_id, ""),
                approved_at=(
                    british_date(timezone.localtime(sub.approved_at).date())
                    if sub.approved_at
                    else ""
                ),
            )
        )
    return made


def _row_data(
    data: DashboardData, ind: Indicator, area: Area, notes: Footnotes
) -> measures.RowData:
    by_area = data.submissions.get(ind.id, {})
    overrides = {
        o.kind: o for o in data.overrides if o.indicator_id == ind.id and o.area_id == area.id
    }
    siblings = {
        s.id: (by_area.get(s.id, {}), data.populations.get(s.id, {})) for s in data.siblings
    }
    return measures.RowData(
        indicator=ind,
        quarter=data.quarter,
        area_name=area.name,
        is_district=bool(data.siblings) and area.id == data.area.id,
        submissions=by_area.get(area.id, {}),
        populations=data.populations.get(area.id, {}),
        specs={spec["key"]: spec for spec in data.layout["columns"]},
        siblings=siblings,
        area_id=area.id,
        peers=data.peers.get(ind.id, {}),
        targets=data.targets.get(ind.id, []),
        breaks=data.breaks.get(ind.id, []),
        overrides=overrides,
        notes=notes.markers_for,
    )


def _headline_key(specs: list[dict]) -> str | None:
    """The first value column of the quarter itself: what charts and 'awaiting' read."""
    values = [s for s in specs if s["measure"] == "value"]
    current = [s for s in values if s["options"].get("offset", "current") == "current"]
    return (current or values or [{"key": None}])[0]["key"]


def build_row(
    data: DashboardData, ind: Indicator, area: Area, notes: Footnotes
) -> tuple[Row, measures.RowData]:
    """One row: the cells of every column, and what the committee needs to trace them."""
    specs = data.layout["columns"]
    row_data = _row_data(data, ind, area, notes)
    cells = measures.cells_for(row_data, specs)
    key = _headline_key(specs)
    headline = row_data.figures.get(key) if key else None
    subs = row_data.submissions
    current = subs.get(data.quarter)
    row = Row(
        indicator_id=ind.id,
        code=ind.code,
        title=ind.title,
        unit=ind.unit,
        decimal_places=ind.decimal_places,
        cells=cells,
        area_code=area.code,
        area_name=area.name,
        commentary=current.commentary if current else "",
    )
    if headline is not None:
        shown = cells[key]
        by_id = {s.id: s for s in subs.values()}
        inputs = [by_id[i] for i in headline.submission_ids if i in by_id]
        row.markers = notes.markers_for(inputs) if headline.available else ""
        row.headline_text = shown.text
        row.headline_value = str(headline.value) if headline.available else None
        row.headline_period = (
            headline.label or period_label(headline.start, headline.end)
            if headline.available and headline.start and headline.end
            else ""
        )
        row.inputs = list(headline.inputs) or ([headline.reason] if headline.reason else [])
        row.submissions = _input_submissions(headline, subs, data.people)
    return row, row_data


def _block_key(data: DashboardData, ind: Indicator, area: Area) -> tuple[str, str]:
    grouping = data.layout["grouping"]
    if grouping == "outcome":
        return str(ind.outcome_id), ind.outcome.title
    if grouping == "area":
        return area.code, area.name
    return "", ""


def rate_outcomes(data: DashboardData, blocks: list[Block], notes_out: list[OverrideNote]) -> None:
    """Each outcome's overall RAG, rolled up from the layout's first rating column."""
    specs = data.layout["columns"]
    rag_key = next((s["key"] for s in specs if s["measure"] == "rag"), None)
    group_key = next((s["key"] for s in specs if s["measure"] == "outcome_rag"), None)
    if data.layout["grouping"] != "outcome":
        return
    outcomes = {str(ind.outcome_id): ind.outcome for ind in data.indicators}
    outcome_overrides = {
        str(o.outcome_id): o
        for o in data.overrides
        if o.outcome_id is not None and o.area_id == data.area.id
    }
    for block in blocks:
        rags = [row[rag_key].value or None for row in block.rows] if rag_key else []
        rags = [r for r in rags if r != figures.NO_TARGET]
        computed = figures.outcome_rag(rags, outcomes[block.key].rollup_rule)
        block.rag = computed
        override = outcome_overrides.get(block.key)
        if override:
            notes_out.append(_override_note(override, block.title, computed))
            block.rag, block.rag_overridden, block.rag_reason = (
                override.value,
                True,
                override.reason,
            )
        if group_key:
            for row in block.rows:
                row.cells[group_key] = Cell(
                    text=block.rag,
                    value=block.rag,
                    words=block.rag_words,
                    overridden=block.rag_overridden,
                    reason=block.rag_reason,
                )


def assemble(quarter: Quarter, area: Area, data: DashboardData) -> Dashboard:
    """The dashboard for `quarter` and `area` in the data's layout, from loaded approved data."""
    layout = data.layout
    specs = {spec["key"]: spec for spec in layout["columns"]}
    notes = Footnotes()
    override_notes: list[OverrideNote] = []
    values: list[dict] = []
    blocks: dict[str, Block] = {}
    for row_area in data.row_areas:
        for ind in data.indicators:
            if (ind.id, row_area.id) not in data.reported:
                continue
            row, row_data = build_row(data, ind, row_area, notes)
            for kind, computed in row_data.computed.items():
                override_notes.append(_override_note(row_data.overrides[kind], ind.title, computed))
            current = row_data.submissions.get(quarter)
            if current is not None and row_area.id == area.id:
                values.append(_open_data_record(ind, area, quarter, current, row_data.populations))
            key, title = _block_key(data, ind, row_area)
            blocks.setdefault(key, Block(key=key, title=title, rows=[])).rows.append(row)
    rate_outcomes(data, list(blocks.values()), override_notes)
    return Dashboard(
        title=layout["title"],
        title_prefix=layout.get("title_prefix", ""),
        layout_slug=layout["slug"],
        layout_title=layout["title"],
        grouping=layout["grouping"],
        period_code=quarter.code,
        period_label=f"Quarter {quarter.number}, {quarter.financial_year.label}",
        area_code=area.code,
        area_name=area.name,
        area_is_district=bool(data.siblings),
        columns=[
            Column(
                key=spec["key"],
                heading=heading_for(spec, specs, quarter),
                measure=spec["measure"],
                numeric=spec["measure"] in NUMERIC,
            )
            for spec in layout["columns"]
        ],
        blocks=list(blocks.values()),
        footnotes=notes.as_list(),
        overrides=override_notes,
        values=values,
        layout=layout,
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
    author = override.author
    return OverrideNote(
        kind=override.kind,
        target=target,
        value=override.value,
        computed=computed,
        reason=override.reason,
        author=(author.get_full_name() or author.get_username()) if author else "",
        created_at=british_date(timezone.localtime(override.created_at).date()),
    )
