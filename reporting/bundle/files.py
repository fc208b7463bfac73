"""The files of a partnership bundle: what each holds, and reading and writing them safely.

A bundle is a folder of UTF-8 CSV files in the admin's import formats, `layouts.json` and
`manifest.json`. Text cells that a spreadsheet would run as a formula are written with a
leading quote (the dashboard exports' rule, `reporting.exports.neutralise`) and read back
without it; numbers are never quoted, so "-312" stays a number.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from indicators.import_files import neutralise, restore_neutralised

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
LAYOUTS = "layouts.json"
MAX_FILE_BYTES = 200 * 1024 * 1024


@dataclass(frozen=True)
class BundleFile:
    name: str
    about: str
    required: bool = True


# In the order they are loaded: each file refers only to files above it. A file that is not
# required may be left out (nothing of that kind), unless the manifest lists it.
FILES = [
    BundleFile("organisations.csv", "Partner organisations (admin import format)."),
    BundleFile("areas.csv", "The partnership area and its districts, parents first."),
    BundleFile(
        "populations.csv", "Mid-year population estimates per area and year.", required=False
    ),
    BundleFile("outcomes.csv", "Outcomes (priorities) that group the indicators."),
    BundleFile(
        "comparator_groups.csv", "Benchmarking groups with their source and date.", required=False
    ),
    BundleFile("comparator_members.csv", "The members of each comparator group.", required=False),
    BundleFile("indicators.csv", "Indicator definitions, with their comparator group."),
    BundleFile("indicator_targets.csv", "Targets per financial year.", required=False),
    BundleFile(
        "definition_changes.csv", "Breaks in series: changes of definition.", required=False
    ),
    BundleFile("periods.csv", "Reporting quarters with their dates and closure.", required=False),
    BundleFile("history.csv", "Approved figures in the open-data columns."),
    BundleFile(
        "comparator_values.csv", "Comparator members' values (long format).", required=False
    ),
    BundleFile(
        "overrides.csv", "Approvers' judgements (RAG, direction) with reasons.", required=False
    ),
    BundleFile(LAYOUTS, "Report layouts (the layout JSON schema)."),
]
FILE_NAMES = [f.name for f in FILES]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a bundle: where it is and what to do about it."""

    file: str
    message: str
    row: int | None = None  # the file's line: a CSV's heading row is row 1
    column: str = ""

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"{'line' if self.file.endswith('.json') else 'row'} {self.row}")
        if self.column:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.message}"


class BundleRefused(Exception):
    """The bundle cannot be loaded; nothing was written. `problems` say why."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def cell_text(value: Any) -> str:
    """A value as written to a bundle CSV: text neutralised, numbers (signed too) untouched."""
    return neutralise("" if value is None else str(value))


def restore_text(text: str) -> str:
    """Undo `cell_text`'s quote, so a title starting with '=' round-trips unchanged."""
    return restore_neutralised(text)


def write_csv(path: Path, header: list[str], rows: list[list[Any]]) -> int:
    """Write UTF-8 CSV (with a BOM, for spreadsheets); returns the number of data rows."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([cell_text(cell) for cell in row])
    path.write_text("\ufeff" + out.getvalue(), encoding="utf-8")
    return len(rows)


def write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


@dataclass
class Sheet:
    """A bundle CSV read whole: its header and its rows as (line number, {column: text})."""

    name: str
    header: list[str]
    rows: list[tuple[int, dict[str, str]]]


def _decode(path: Path, name: str) -> str:
    if path.stat().st_size > MAX_FILE_BYTES:
        raise BundleRefused([Problem(name, "The file is too large to be a bundle file.")])
    content = path.read_bytes()
    if b"\x00" in content[:8192]:
        raise BundleRefused([Problem(name, "This is not a CSV file: it holds binary data.")])
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise BundleRefused(
            [
                Problem(
                    name, f"The file is not UTF-8 text (byte {error.start}). Save it as CSV UTF-8."
                )
            ]
        ) from None


def read_csv(path: Path, columns: list[str], required: set[str]) -> Sheet:
    """Read one bundle CSV, refusing a malformed file or a heading row that does not fit."""
    name = path.name
    reader = csv.reader(io.StringIO(_decode(path, name), newline=""), strict=True)
    try:
        table = list(reader)
    except csv.Error as error:
        raise BundleRefused(
            [Problem(name, f"The CSV is malformed: {error}.", row=reader.line_num)]
        ) from None
    if not table or not any(c.strip() for c in table[0]):
        raise BundleRefused([Problem(name, "The file has no heading row.", row=1)])
    header = [c.strip().lower() for c in table[0]]
    problems = _header_problems(name, header, columns, required)
    rows = []
    for line, cells in enumerate(table[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            problems.append(
                Problem(
                    name,
                    f"The row has {len(cells)} cells but the heading row has {len(header)}: "
                    "a comma or quote is out of place.",
                    row=line,
                )
            )
            continue
        rows.append(
            (line, {h: restore_text(c.strip()) for h, c in zip(header, cells, strict=True)})
        )
    if problems:
        raise BundleRefused(problems)
    return Sheet(name, header, rows)


def _header_problems(
    name: str, header: list[str], columns: list[str], required: set[str]
) -> list[Problem]:
    problems = []
    for column in columns:
        if column in required and column not in header:
            problems.append(Problem(name, "This required column is missing.", 1, column))
    for column in header:
        if column not in columns:
            problems.append(
                Problem(name, f"Unknown column; the columns are: {', '.join(columns)}.", 1, column)
            )
        elif header.count(column) > 1:
            problems.append(Problem(name, "This column appears twice.", 1, column))
    return list(dict.fromkeys(problems))


def read_json(path: Path) -> Any:
    try:
        return json.loads(_decode(path, path.name))
    except json.JSONDecodeError as error:
        raise BundleRefused(
            [Problem(path.name, f"The JSON is malformed: {error.msg}.", row=error.lineno)]
        ) from None
