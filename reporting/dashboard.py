"""The assembled dashboard as plain data: what a page, an export and a snapshot all read.

Everything here is JSON-safe (strings, numbers, lists), so a published snapshot is just
`Dashboard.to_dict()` and a public page rebuilds the same object with `Dashboard.from_dict`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields

COLUMNS_AFTER_YEAR = [
    "Latest Data Rolling 12 months",
    "Current Direction of Travel",
    "Progress",
    "Nearest Neighbour Comparison",
    "County Comparison",
    "District Comparison",
]

AWAITING_DATA = "awaiting data"
AWAITING_JUDGEMENT = "awaiting judgement"
BREAK_IN_SERIES = "Break in series"

RAG_WORDS = {
    "G": "green: on track",
    "A": "amber: close to target",
    "R": "red: off target",
    "n/a": "no rating: contextual indicator",
}


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
class Row:
    indicator_id: int
    code: str
    title: str
    unit: str
    decimal_places: int
    previous_year: str  # "47.21", "40% (2014-15)" or "awaiting data"
    previous_year_number: str | None  # the cell as a plain number, when it is one
    previous_year_reason: str
    latest: str  # "47.11*", "2003** (2015-16)" or "awaiting data"
    latest_number: str | None
    latest_reason: str
    latest_value: str | None  # the unrounded-for-display value, for charts and ranks
    latest_period: str  # what the latest figure covers, e.g. "Oct 2015-Sep 2016"
    markers: str
    direction: str  # improving / stable / worsening / up / down / "" (none)
    direction_text: str  # "↑", "→", "↓", "Break in series" or ""
    direction_overridden: bool
    direction_reason: str  # override reason, or why there is no direction
    break_date: str | None
    rag: str  # "G", "A", "R", "n/a" or "" (awaiting data / judgement)
    rag_text: str  # the cell as printed: the letter, or "awaiting judgement"
    rag_overridden: bool
    rag_reason: str
    nn: str
    county: str
    district: str
    commentary: str = ""
    inputs: list[str] = field(default_factory=list)
    submissions: list[InputSubmission] = field(default_factory=list)

    @property
    def is_awaiting(self) -> bool:
        return self.latest == AWAITING_DATA

    @property
    def rag_words(self) -> str:
        return RAG_WORDS.get(self.rag, "")

    @property
    def direction_words(self) -> str:
        return {
            "improving": "improving",
            "stable": "stable",
            "worsening": "worsening",
            "up": "increasing (no judgement)",
            "down": "decreasing (no judgement)",
        }.get(self.direction, "")


@dataclass
class OutcomeBlock:
    outcome_id: int
    title: str
    rag: str
    rag_overridden: bool
    rag_reason: str
    rows: list[Row]

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
    previous_year_heading: str  # "Previous Year (2015-16)"
    outcomes: list[OutcomeBlock]
    footnotes: list[Footnote]
    overrides: list[OverrideNote] = field(default_factory=list)
    # The quarter's own approved values in open-data form (OPEN_DATA_COLUMNS), frozen with
    # the snapshot so the open data is what was published.
    values: list[dict] = field(default_factory=list)

    @property
    def heading(self) -> str:
        """'Safer Communities Performance Dashboard Quarter 2, 2016/17'."""
        return f"{self.title} {self.period_label}"

    @property
    def columns(self) -> list[str]:
        """The seed's ten column names."""
        return [
            "Outcomes",
            "Overall Progress RAG",
            "Supporting Indicators",
            self.previous_year_heading,
            *COLUMNS_AFTER_YEAR,
        ]

    @property
    def rows(self) -> list[Row]:
        return [row for block in self.outcomes for row in block.rows]

    def table(self) -> list[list[str]]:
        """The ten seed cells of every row, outcome and overall RAG repeated on each."""
        return [
            [
                block.title,
                block.rag,
                row.title,
                row.previous_year,
                row.latest,
                row.direction_text,
                row.rag_text,
                row.nn,
                row.county,
                row.district,
            ]
            for block in self.outcomes
            for row in block.rows
        ]

    def footnote_lines(self) -> list[str]:
        return [f"{note.marker} {note.text}" for note in self.footnotes]

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Dashboard:
        def build(klass, values: dict):
            names = {f.name for f in fields(klass)}
            return klass(**{k: v for k, v in values.items() if k in names})

        outcomes = []
        for block in data["outcomes"]:
            rows = []
            for row in block["rows"]:
                row = dict(row)
                row["submissions"] = [build(InputSubmission, s) for s in row.get("submissions", [])]
                rows.append(build(Row, row))
            outcomes.append(build(OutcomeBlock, {**block, "rows": rows}))
        return build(
            cls,
            {
                **data,
                "outcomes": outcomes,
                "footnotes": [build(Footnote, f) for f in data["footnotes"]],
                "overrides": [build(OverrideNote, o) for o in data.get("overrides", [])],
            },
        )
