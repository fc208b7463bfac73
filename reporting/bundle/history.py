"""Approved history and comparator values: the two long-format files of a bundle.

History is written with the admin's open-data export (`HistoricValueResource`) and read by
the historic import (`indicators.historic`), so the bundle holds exactly what the portal
publishes as open data and loads it with the same checks. Every figure lands approved, as
version 1 (earlier versions stay in the portal they came from), with an audit event
naming the bundle and the importing user, or "partnership bundle import" when none.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from indicators import comparators, historic
from indicators.columns import OPEN_DATA_COLUMNS
from indicators.import_files import FileRefused
from indicators.models import ImportBatch, SubmissionEvent
from indicators.resources import HistoricValueResource

from .files import Problem, Sheet, write_csv

_ROW_ERROR = re.compile(r"^Row (\d+), column (\S+): (.*)$", re.S)


def export_history(path: Path) -> int:
    data = HistoricValueResource().export()
    return write_csv(path, list(data.headers), [list(row) for row in data])


def _as_version_one(content: bytes) -> bytes:
    """Blank the revision column: a bundle's figures start their life here as version 1."""
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    if rows and "revision" in rows[0]:
        at = rows[0].index("revision")
        for row in rows[1:]:
            if len(row) > at:
                row[at] = ""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def load_history(path: Path, source: str, actor) -> tuple[int, list[Problem]]:
    """Check every row, then write, inside the caller's transaction; (created, problems)."""
    batch = ImportBatch(
        kind=ImportBatch.Kind.HISTORIC,
        filename=f"{source}/{path.name}",
        content=_as_version_one(path.read_bytes()),
    )
    try:
        lookups = historic.Lookups.load()
        outcome = historic.check(batch, lookups, lambda done: None)
        if outcome.errors:
            return 0, [_problem(path.name, e) for e in outcome.errors if e]
        written = historic.write(batch, lookups, actor, lambda done: None)
    except FileRefused as refused:
        return 0, [Problem(path.name, message) for message in refused.messages]
    SubmissionEvent.objects.filter(
        action=SubmissionEvent.Action.IMPORTED,
        comment=f"Historic approved value imported from {batch.filename}.",
    ).update(comment=audit_comment(batch.filename, actor))
    return written.created, []


def audit_comment(filename: str, actor) -> str:
    by = actor.get_username() if actor else "partnership bundle import"
    return f"Approved figure imported from the partnership bundle file {filename}, by {by}."


def _problem(name: str, message: str, lines: dict[int, int] | None = None) -> Problem:
    match = _ROW_ERROR.match(message)
    if match:
        row = int(match[1])
        return Problem(name, match[3], (lines or {}).get(row, row), match[2])
    return Problem(name, message)


REQUIRED = historic.REQUIRED
VALUE_REQUIRED = comparators.REQUIRED


def history_columns() -> list[str]:
    return list(OPEN_DATA_COLUMNS)


def value_columns() -> list[str]:
    return list(comparators.PEER_VALUE_COLUMNS)


def export_values(path: Path) -> int:
    rows = comparators.export_peer_values()
    header = value_columns()
    return write_csv(path, header, [[row.get(h, "") for h in header] for row in rows])


def load_values(sheet: Sheet) -> tuple[int, list[Problem]]:
    count, errors = comparators.load_peer_values(
        [cells for _line, cells in sheet.rows], dry_run=False
    )
    # load_peer_values numbers the rows it was given from 2; give back the file's lines.
    lines = {n: line for n, (line, _cells) in enumerate(sheet.rows, start=2)}
    return count, [_problem(sheet.name, e, lines) for e in errors]
