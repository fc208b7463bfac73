"""Measures: one small function per kind of layout column, each turning one row's data into a cell.

The vocabulary (which measures and options exist) is `reporting.vocabulary`; the figures come
from the figure engine (`indicators.figures`). A measure reads a `RowData` (one indicator in
one area, already loaded) and its column's spec, and returns a `Cell`. Value columns are
worked out first (`column_figure`), so change, direction, rating and benchmark columns name
them as operands by key. Nothing here touches the database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from indicators import figures
from indicators.models import Direction
from indicators.quarters import Quarter, british_date

from .dashboard import (
    AWAITING_DATA,
    AWAITING_JUDGEMENT,
    BREAK_IN_SERIES,
    DIRECTION_WORDS,
    NO_TARGET,
    NOT_YET_AVAILABLE,
    RAG_WORDS,
    Cell,
)

HUNDRED = Decimal(100)
STATUS_WORDS = {
    "figure": "Figure supplied",
    "not_yet_available": "Not yet available",
    "no_new_data": "No new data published",
}


@dataclass
class RowData:
    """Everything the measures read for one indicator in one area (loaded up front)."""

    indicator: object  # an Indicator (rules, polarity, targets, comparator group)
    quarter: Quarter
    area_name: str
    is_district: bool
    submissions: Mapping[Quarter, object]  # the area's approved submissions by quarter
    populations: Mapping[int, int]
    specs: Mapping[str, dict]  # every column spec of the layout, by key
    # sibling district id → (its submissions by quarter, its populations); the area included
    siblings: Mapping[int, tuple[Mapping[Quarter, object], Mapping[int, int]]] = field(
        default_factory=dict
    )
    area_id: int = 0
    peers: Mapping[Quarter, list[Decimal]] = field(default_factory=dict)  # comparator values
    targets: list = field(default_factory=list)  # the indicator's IndicatorTargets
    breaks: list[dt.date] = field(default_factory=list)
    overrides: Mapping[str, object] = field(default_factory=dict)  # kind → active Override
    notes: Callable[[list], str] | None = None  # footnote markers for submissions and notes
    figures: dict[str, figures.Figure] = field(default_factory=dict)  # value columns, by key
    computed: dict[str, str] = field(default_factory=dict)  # override kind → rule's result

    @property
    def current(self):
        """The quarter's own submission, if approved."""
        return self.submissions.get(self.quarter)

    def figure(self, key: str) -> figures.Figure:
        return self.figures.get(key) or figures.missing("No such column.")

    def anchor(self, key: str) -> Quarter:
        """The quarter a value column's window ends in."""
        return figures.anchor(self.quarter, self.specs[key]["options"].get("offset", "current"))


def decimals(spec: Mapping, default: int) -> int:
    chosen = (spec.get("format") or {}).get("decimals")
    return default if chosen is None else chosen


def _shown(value: Decimal, spec: Mapping, dp: int, signed: bool = False) -> str:
    fmt = spec.get("format") or {}
    return figures.format_number(
        value, dp, thousands=fmt.get("thousands", False), signed=signed or fmt.get("signed", False)
    )


# --- value -----------------------------------------------------------------------------


def column_figure(row: RowData, spec: Mapping) -> figures.Figure:
    """A value column's figure: its window, ending at its offset from the quarter."""
    options = spec["options"]
    end = figures.anchor(row.quarter, options.get("offset", "current"))
    return figures.window_figure(
        row.indicator, options["window"], end, row.submissions, row.populations
    )


def value(row: RowData, spec: Mapping) -> Cell:
    """'47.11*', '41% (2015-16)', 'awaiting data' or 'not yet available'."""
    figure = row.figure(spec["key"])
    unit = row.indicator.unit
    if not figure.available:
        if figure.status == "not_yet_available":
            return Cell(
                text=NOT_YET_AVAILABLE,
                reason=figure.reason,
                value=figure.status,
                words=figure.reason,
            )
        return Cell(text=AWAITING_DATA, reason=figure.reason)
    dp = decimals(spec, figure.decimal_places)
    number = _shown(figure.value, spec, dp)
    markers = ""
    if (spec.get("format") or {}).get("markers", True) and row.notes:
        by_id = {getattr(s, "id", None): s for s in row.submissions.values()}
        inputs = [by_id[i] for i in figure.submission_ids if i in by_id]
        markers = row.notes([*inputs, figure.note] if figure.note else inputs)
    text = number + ("%" if unit == "percentage" else "") + markers
    if figure.label:
        text += f" ({figure.label})"
    plain = unit != "percentage" and not markers and not figure.label
    shown = figures.format_number(figure.value, dp)
    return Cell(
        text=text,
        number=shown if plain else None,
        figure=shown,
        value=figure.status,
        words=figure.note,
    )


# --- change and direction --------------------------------------------------------------


def change(row: RowData, spec: Mapping) -> Cell:
    """The signed difference ('-312') or percentage change ('+4.2%') between two columns."""
    options = spec["options"]
    earlier, later = row.figure(options["from"]), row.figure(options["to"])
    missing = [
        key for key, f in ((options["from"], earlier), (options["to"], later)) if not f.available
    ]
    if missing:
        return Cell(reason=f"No figure in column '{missing[0]}', so no change is shown.")
    if options["kind"] == "volume":
        dp = decimals(spec, row.indicator.decimal_places)
        difference = later.value - earlier.value
        plain = figures.format_number(difference, dp)
        return Cell(text=_shown(difference, spec, dp), number=plain, figure=plain)
    if earlier.value == 0:
        return Cell(reason="The earlier figure is 0, so no percentage change can be formed.")
    percent = (later.value - earlier.value) * HUNDRED / abs(earlier.value)
    dp = decimals(spec, 1)
    return Cell(text=_shown(percent, spec, dp) + "%", figure=figures.format_number(percent, dp))


def _arrow(direction: str) -> str:
    return Direction(direction).arrow if direction else ""


def _months(figure: figures.Figure) -> int:
    return (figure.end.year - figure.start.year) * 12 + figure.end.month - figure.start.month + 1


def _same_span(earlier: figures.Figure, later: figures.Figure) -> bool:
    if not (earlier.start and earlier.end and later.start and later.end):
        return True
    return _months(earlier) == _months(later)


def _basis_figure(row: RowData, spec: Mapping) -> tuple[figures.Figure, bool]:
    """The earlier figure and whether it is the indicator's own basis (overrides apply)."""
    options = spec["options"]
    if options.get("from"):
        return row.figure(options["from"]), False
    to_spec = row.specs[options["to"]]
    basis = figures.comparison_figure(
        row.indicator,
        row.indicator.direction_basis,
        row.quarter,
        row.submissions,
        row.populations,
        window=to_spec["options"]["window"],
    )
    return basis, True


def direction(row: RowData, spec: Mapping) -> Cell:
    """An arrow by polarity and stable band, 'Break in series', or none with the reason why."""
    options = spec["options"]
    if options.get("kind") == "none":
        return Cell(reason="This column shows no direction of travel.")
    ind = row.indicator
    later = row.figure(options["to"])
    earlier, own_basis = _basis_figure(row, spec)
    computed = figures.direction(earlier, later, ind.polarity, ind.stable_band)
    result, reason, broken = computed or "", "", None
    if computed and ind.aggregation == "sum" and not _same_span(earlier, later):
        result, reason = (
            "",
            "The figures cover different lengths of time, so they are not compared.",
        )
    elif computed:
        broken = figures.crosses_break(earlier, later, row.breaks)
        if broken:
            result = ""
            reason = (
                f"The definition changed from {british_date(broken)}, so the figures "
                "either side of it are not compared."
            )
    else:
        reason = earlier.reason or later.reason
    override = row.overrides.get("direction") if own_basis else None
    if override:
        row.computed["direction"] = computed or ""
        result, reason = override.value, override.reason
    text = _arrow(result) if (override or not broken) else BREAK_IN_SERIES
    return Cell(
        text=text,
        reason=reason,
        value=result,
        words=DIRECTION_WORDS.get(result, ""),
        overridden=bool(override),
    )


# --- targets and ratings ---------------------------------------------------------------


def computed_rag(row: RowData, figure: figures.Figure, year: int) -> str | None:
    """G / A / R, 'n/a' (contextual), 'none' (no target set), or None (needs a judgement)."""
    ind = row.indicator
    if ind.rag_method == "contextual":
        return "n/a"
    if ind.rag_method == "judgement" or not figure.available:
        return None
    return figures.rag_against(figure.value, ind.target_for(year, row.targets), ind.polarity)


def rag(row: RowData, spec: Mapping) -> Cell:
    """Progress against target: the letter, 'no target set', or 'awaiting judgement'."""
    key = spec["options"]["of"]
    figure = row.figure(key)
    computed = computed_rag(row, figure, row.anchor(key).year)
    result, reason = computed or "", ""
    override = row.overrides.get("rag")
    if override:
        row.computed["rag"] = computed or ""
        result, reason = override.value, override.reason
    if result == figures.NO_TARGET:
        text = NO_TARGET
    elif result:
        text = result
    elif figure.available:
        text, reason = AWAITING_JUDGEMENT, "An approver's judgement is needed."
    else:
        text = ""
    return Cell(
        text=text,
        reason=reason,
        value=result,
        words=RAG_WORDS.get(result, ""),
        overridden=bool(override),
    )


def target(row: RowData, spec: Mapping) -> Cell:
    """The year's target as text: '≤ 47.0', '≥ 80%', '25–35%' or 'no target set'."""
    ind = row.indicator
    if ind.rag_method == "contextual":
        return Cell(text="n/a", value="n/a", words=RAG_WORDS["n/a"])
    found = ind.target_for(row.quarter.year, row.targets)
    dp = decimals(spec, ind.decimal_places)
    text = figures.target_text(found, ind.unit, dp)
    if found is None:
        return Cell(text=text, value=figures.NO_TARGET, words=RAG_WORDS["none"])
    return Cell(text=text)


# --- benchmarks ------------------------------------------------------------------------


def _group(row: RowData, key: str, years_back: int = 0) -> tuple[Decimal | None, list[Decimal]]:
    """(own value, every member's value including own) for a value column's quarter."""
    end = row.anchor(key).shift(-4 * years_back)
    if years_back:
        spec = row.specs[key]
        own = figures.window_figure(
            row.indicator, spec["options"]["window"], end, row.submissions, row.populations
        )
    else:
        own = row.figure(key)
    peers = list(row.peers.get(end, []))
    if not own.available or not peers:
        return None, peers
    return own.value, [own.value, *peers]


def _no_group(own: Decimal | None) -> Cell:
    if own is None:
        return Cell(reason="No figure of our own, or no comparator values, for this quarter.")
    return Cell()


def rank_of(mine: Decimal, values: list[Decimal], order: str) -> int:
    """1 + how many are strictly ahead: ties share a rank."""
    if order == "highest":
        return 1 + sum(1 for v in values if v > mine)
    return 1 + sum(1 for v in values if v < mine)


def _rank_order(spec: Mapping, polarity: str) -> str | None:
    order = spec["options"].get("order", "best")
    if order != "best":
        return order
    return {"higher": "highest", "lower": "lowest"}.get(polarity)


def group_rank(row: RowData, spec: Mapping) -> Cell:
    """'10/15' among the comparator group (1 = best, or lowest/highest as the column says)."""
    own, values = _group(row, spec["options"]["of"])
    order = _rank_order(spec, row.indicator.polarity)
    if own is None:
        return _no_group(own)
    if order is None:
        return Cell(reason="The indicator has no polarity, so no best is ranked.")
    return Cell(text=f"{rank_of(own, values, order)}/{len(values)}")


def _mean(values: list[Decimal]) -> Decimal:
    return sum(values, Decimal(0)) / len(values)


def group_mean(row: RowData, spec: Mapping) -> Cell:
    own, values = _group(row, spec["options"]["of"])
    if own is None:
        return _no_group(own)
    dp = decimals(spec, row.indicator.decimal_places)
    mean = _mean(values)
    plain = figures.format_number(mean, dp)
    return Cell(text=_shown(mean, spec, dp), number=plain, figure=plain)


def _distance(own: Decimal, values: list[Decimal]) -> Decimal | None:
    mean = _mean(values)
    return None if mean == 0 else (own - mean) * HUNDRED / abs(mean)


def group_distance(row: RowData, spec: Mapping) -> Cell:
    """Signed percentage from the group mean: '+4.2%'."""
    own, values = _group(row, spec["options"]["of"])
    if own is None:
        return _no_group(own)
    distance = _distance(own, values)
    if distance is None:
        return Cell(reason="The group mean is 0, so no distance can be formed.")
    dp = decimals(spec, 1)
    return Cell(
        text=_shown(distance, spec, dp, signed=True) + "%",
        figure=figures.format_number(distance, dp),
    )


POSITIONS = ["below", "in_line", "above"]
POSITION_TEXT = {"below": "Below", "in_line": "In line", "above": "Above"}


def position_of(distance: Decimal, band: Decimal) -> str:
    if abs(distance) <= band:
        return "in_line"
    return "above" if distance > 0 else "below"


def _position_move(before: str, now: str, polarity: str) -> str:
    step = POSITIONS.index(now) - POSITIONS.index(before)
    if step == 0:
        return "stable"
    if polarity == "higher":
        return "improving" if step > 0 else "worsening"
    if polarity == "lower":
        return "improving" if step < 0 else "worsening"
    return "up" if step > 0 else "down"


def group_position(row: RowData, spec: Mapping) -> Cell:
    """Below / In line / Above the group mean (within ± band %), with an arrow against the
    same position a year earlier."""
    key, band = spec["options"]["of"], Decimal(str(spec["options"].get("band", 5)))
    own, values = _group(row, key)
    distance = _distance(own, values) if own is not None else None
    if distance is None:
        return _no_group(own) if own is None else Cell(reason="The group mean is 0.")
    now = position_of(distance, band)
    before_own, before_values = _group(row, key, years_back=1)
    before = _distance(before_own, before_values) if before_own is not None else None
    move = (
        _position_move(position_of(before, band), now, row.indicator.polarity)
        if before is not None
        else ""
    )
    text = POSITION_TEXT[now] + (f" {_arrow(move)}" if move else "")
    words = POSITION_TEXT[now].lower() + " the group mean"
    words += f", {DIRECTION_WORDS[move]} against a year earlier" if move else ""
    return Cell(text=text, value=now, words=words)


def typed_comparison(row: RowData, spec: Mapping) -> Cell:
    """A rank or band as the source publishes it ('3/9', 'Top', '-' not benchmarked)."""
    current = row.current
    return Cell(text=current.comparison_display(spec["options"]["source"]) if current else "")


def district_rank(row: RowData, spec: Mapping) -> Cell:
    """A district's rank among the partnership's districts (1 = best); blank with fewer than two
    ranked. On the partnership's own dashboard it is the district comparison as entered."""
    if not row.is_district:
        return typed_comparison(row, {"options": {"source": "district"}})
    order = _rank_order({"options": {}}, row.indicator.polarity)
    key = spec["options"]["of"]
    options = row.specs[key]["options"]
    end = row.anchor(key)
    values = {}
    for area_id, (subs, pops) in row.siblings.items():
        found = figures.window_figure(row.indicator, options["window"], end, subs, pops)
        if found.available:
            values[area_id] = found.value
    if order is None or row.area_id not in values or len(values) < 2:
        return Cell(reason="Fewer than two districts have a figure, so none is ranked.")
    return Cell(text=f"{rank_of(values[row.area_id], list(values.values()), order)}/{len(values)}")


# --- words -----------------------------------------------------------------------------


def commentary(row: RowData, spec: Mapping) -> Cell:
    current = row.current
    return Cell(text=current.commentary if current else "")


def status(row: RowData, spec: Mapping) -> Cell:
    """The quarter's data status in words: a figure, not yet available, no new data."""
    current = row.current
    if current is None:
        return Cell(text=AWAITING_DATA, value="awaiting")
    key = getattr(current, "status", "figure") or "figure"
    return Cell(text=STATUS_WORDS[key], value=key)


def indicator(row: RowData, spec: Mapping) -> Cell:
    return Cell(text=row.indicator.title)


def area(row: RowData, spec: Mapping) -> Cell:
    return Cell(text=row.area_name)


def outcome(row: RowData, spec: Mapping) -> Cell:
    return Cell(text=row.indicator.outcome.title)


def outcome_rag(row: RowData, spec: Mapping) -> Cell:
    """Filled in once the outcome's rows are rated (see assembly.rate_outcomes)."""
    return Cell()


MEASURE_FUNCTIONS: dict[str, Callable[[RowData, Mapping], Cell]] = {
    "outcome": outcome,
    "outcome_rag": outcome_rag,
    "area": area,
    "indicator": indicator,
    "value": value,
    "change": change,
    "direction": direction,
    "rag": rag,
    "target": target,
    "group_rank": group_rank,
    "group_mean": group_mean,
    "group_distance": group_distance,
    "group_position": group_position,
    "typed_comparison": typed_comparison,
    "district_rank": district_rank,
    "commentary": commentary,
    "status": status,
}


def cells_for(row: RowData, specs: list[dict]) -> dict[str, Cell]:
    """Every cell of one row: value columns first (the operands), then the rest in order."""
    for spec in specs:
        if spec["measure"] == "value":
            row.figures[spec["key"]] = column_figure(row, spec)
    return {spec["key"]: MEASURE_FUNCTIONS[spec["measure"]](row, spec) for spec in specs}
