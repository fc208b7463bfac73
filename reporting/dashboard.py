"""The assembled dashboard as plain data: what a page, an export and a snapshot all read.

A dashboard is its layout's resolved column headings and rows of cells, grouped by the
layout's grouping. Everything here is JSON-safe (strings, numbers, lists), so a published
snapshot is just `Dashboard.to_dict()` and a public page rebuilds the same object with
`Dashboard.from_dict`. Snapshots written before layouts existed (format 1: the seed's ten
columns as named fields) are converted on reading, so they render unchanged.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields

FORMAT = 2
AWAITING_DATA = "awaiting data"
AWAITING_JUDGEMENT = "awaiting judgement"
BREAK_IN_SERIES = "Break in series"
NO_TARGET = "no target set"
NOT_YET_AVAILABLE = "not yet available"

RAG_WORDS = {
    "G": "green: on track",
    "A": "amber: close to target",
    "R": "red: off target",
    "n/a": "no rating: contextual indicator",
    "none": "no rating: no target set",
}
DIRECTION_WORDS = {
    "improving": "improving",
    "stable": "stable",
    "worsening": "worsening",
    "up": "increasing (no judgement)",
    "down": "decreasing (no judgement)",
}
# Measures whose cell belongs to the row group (shown once per block, spanning its rows).
BLOCK_MEASURES = {"outcome", "outcome_rag", "area"}


@dataclass
class InputSubmission:
    """One approved submission a shown figure was formed from (for the committee)."""

    id: int
    quarter: str
    version: int
    submitted_by: str
    approved_by: str
    approved_at: str


@dataclass
class Cell:
    """One printed cell, with what a screen reader, a spreadsheet and a committee need."""

    text: str = ""
    number: str | None = None  # the cell as a plain number, when it is one
    figure: str | None = None  # the figure in the cell ("47.11" of "47.11* (2015-16)"), if any
    reason: str = ""  # why there is no figure, no arrow, or why it was overridden
    value: str = ""  # kind-specific: RAG letter, direction, position band, status
    words: str = ""  # the value in words (RAG and arrows are never colour alone)
    overridden: bool = False


@dataclass
class Column:
    key: str
    heading: str  # resolved: "Previous Year (2015-16)"
    measure: str
    numeric: bool = False


@dataclass
class Row:
    indicator_id: int
    code: str
    title: str
    unit: str
    decimal_places: int
    cells: dict[str, Cell]
    area_code: str = ""
    area_name: str = ""
    markers: str = ""
    # The first current-quarter value column's figure, unrounded for display: charts read it.
    headline_value: str | None = None
    headline_text: str = ""
    headline_period: str = ""
    commentary: str = ""
    inputs: list[str] = field(default_factory=list)
    submissions: list[InputSubmission] = field(default_factory=list)

    def __getitem__(self, key: str) -> Cell:
        # A KeyError for anything else, so templates fall back to attributes (row.code).
        return self.cells[key]

    def cell(self, key: str) -> Cell:
        """The cell in column `key`, or an empty one if this row's layout has no such column."""
        return self.cells.get(key) or Cell()

    @property
    def is_awaiting(self) -> bool:
        return self.headline_text == AWAITING_DATA


@dataclass
class Block:
    """A row group: an outcome (with its overall RAG), an area, or the whole table."""

    key: str
    title: str
    rows: list[Row]
    rag: str = ""
    rag_overridden: bool = False
    rag_reason: str = ""

    @property
    def rag_words(self) -> str:
        return RAG_WORDS.get(self.rag, "")


@dataclass
class Footnote:
    marker: str
    text: str


@dataclass
class OverrideNote:
    kind: str  # direction / rag / outcome_rag
    target: str  # indicator or outcome title
    value: str
    computed: str  # what the rules gave before the override
    reason: str
    author: str
    created_at: str


@dataclass
class Dashboard:
    title: str
    period_code: str
    period_label: str  # "Quarter 2, 2016/17"
    area_code: str
    area_name: str
    area_is_district: bool
    columns: list[Column]
    blocks: list[Block]
    footnotes: list[Footnote]
    title_prefix: str = ""
    layout_slug: str = ""
    layout_title: str = ""
    grouping: str = "outcome"
    overrides: list[OverrideNote] = field(default_factory=list)
    # The quarter's own approved values in open-data form (OPEN_DATA_COLUMNS), frozen with
    # the snapshot so the open data is what was published.
    values: list[dict] = field(default_factory=list)
    # The layout as published (its JSON form), so a later edit never alters a snapshot.
    layout: dict = field(default_factory=dict)
    format: int = FORMAT

    @property
    def heading(self) -> str:
        """'Safer Communities Performance Dashboard Quarter 2, 2016/17'."""
        return " ".join(p for p in (self.title_prefix, self.title, self.period_label) if p)

    @property
    def headings(self) -> list[str]:
        return [column.heading for column in self.columns]

    @property
    def outcomes(self) -> list[Block]:
        """The row groups (named for the seed's outcome grouping)."""
        return self.blocks

    @property
    def rows(self) -> list[Row]:
        return [row for block in self.blocks for row in block.rows]

    def block_column(self, column: Column) -> bool:
        """Whether `column` is printed once per row group (spanning its rows)."""
        return column.measure in BLOCK_MEASURES and self.grouping != "none"

    def table(self) -> list[list[str]]:
        """Every row's printed cells in column order; group cells repeated on each row."""
        return [[row.cell(c.key).text for c in self.columns] for row in self.rows]

    def grid(self) -> list[tuple[Block, list[tuple[Row, list[tuple[Column, Cell, bool]]]]]]:
        """For templates: each block's rows as (column, cell, spans the block) in order."""
        return [
            (
                block,
                [
                    (row, [(c, row.cell(c.key), self.block_column(c)) for c in self.columns])
                    for row in block.rows
                ],
            )
            for block in self.blocks
        ]

    def footnote_lines(self) -> list[str]:
        return [f"{note.marker} {note.text}" for note in self.footnotes]

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Dashboard:
        if "blocks" not in data:
            data = _from_format_1(data)
        blocks = []
        for block in data["blocks"]:
            rows = []
            for row in block["rows"]:
                row = dict(row)
                row["cells"] = {k: _build(Cell, c) for k, c in row.get("cells", {}).items()}
                row["submissions"] = [
                    _build(InputSubmission, s) for s in row.get("submissions", [])
                ]
                rows.append(_build(Row, row))
            blocks.append(_build(Block, {**block, "rows": rows}))
        return _build(
            cls,
            {
                **data,
                "columns": [_build(Column, c) for c in data["columns"]],
                "blocks": blocks,
                "footnotes": [_build(Footnote, f) for f in data["footnotes"]],
                "overrides": [_build(OverrideNote, o) for o in data.get("overrides", [])],
            },
        )


def _build(klass, values: dict):
    names = {f.name for f in fields(klass)}
    return klass(**{k: v for k, v in values.items() if k in names})


# --- snapshots from before layouts -----------------------------------------------------

SEED_LAYOUT_SLUG = "performance-dashboard"
_FORMAT_1_COLUMNS = [
    ("outcome", "Outcomes", "outcome"),
    ("outcome_rag", "Overall Progress RAG", "outcome_rag"),
    ("indicator", "Supporting Indicators", "indicator"),
    ("previous_year", None, "value"),
    ("latest", "Latest Data Rolling 12 months", "value"),
    ("direction", "Current Direction of Travel", "direction"),
    ("progress", "Progress", "rag"),
    ("nn", "Nearest Neighbour Comparison", "typed_comparison"),
    ("county", "County Comparison", "typed_comparison"),
    ("district", "District Comparison", "district_rank"),
]


def _format_1_cells(block: dict, row: dict) -> dict[str, dict]:
    rag, direction = row.get("rag", ""), row.get("direction", "")
    return {
        "outcome": {"text": block["title"]},
        "outcome_rag": {
            "text": block.get("rag", ""),
            "value": block.get("rag", ""),
            "words": RAG_WORDS.get(block.get("rag", ""), ""),
            "overridden": block.get("rag_overridden", False),
            "reason": block.get("rag_reason", ""),
        },
        "indicator": {"text": row["title"]},
        "previous_year": {
            "text": row.get("previous_year", ""),
            "number": row.get("previous_year_number"),
            "reason": row.get("previous_year_reason", ""),
        },
        "latest": {
            "text": row.get("latest", ""),
            "number": row.get("latest_number"),
            "reason": row.get("latest_reason", ""),
        },
        "direction": {
            "text": row.get("direction_text", ""),
            "value": direction,
            "words": DIRECTION_WORDS.get(direction, ""),
            "overridden": row.get("direction_overridden", False),
            "reason": row.get("direction_reason", ""),
        },
        "progress": {
            "text": row.get("rag_text", ""),
            "value": rag,
            "words": RAG_WORDS.get(rag, ""),
            "overridden": row.get("rag_overridden", False),
            "reason": row.get("rag_reason", ""),
        },
        "nn": {"text": row.get("nn", "")},
        "county": {"text": row.get("county", "")},
        "district": {"text": row.get("district", "")},
    }


def _from_format_1(data: dict) -> dict:
    """A snapshot of the seed's ten named columns, as the equivalent layout dashboard."""
    blocks = []
    for block in data["outcomes"]:
        rows = []
        for row in block["rows"]:
            rows.append(
                {
                    **row,
                    "cells": _format_1_cells(block, row),
                    "area_code": data.get("area_code", ""),
                    "area_name": data.get("area_name", ""),
                    "headline_value": row.get("latest_value"),
                    "headline_text": row.get("latest", ""),
                    "headline_period": row.get("latest_period", ""),
                }
            )
        blocks.append({**block, "key": str(block.get("outcome_id", "")), "rows": rows})
    columns = [
        {
            "key": key,
            "heading": heading or data.get("previous_year_heading", "Previous Year"),
            "measure": measure,
            "numeric": measure == "value",
        }
        for key, heading, measure in _FORMAT_1_COLUMNS
    ]
    return {
        **data,
        "columns": columns,
        "blocks": blocks,
        "layout_slug": SEED_LAYOUT_SLUG,
        "grouping": "outcome",
        "format": 1,
    }
