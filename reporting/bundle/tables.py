"""Bundle files with no admin import of their own: breaks in series, reporting periods
and overrides.

Each kind has `export_X() -> (header, rows)` and `load_X(sheet) -> problems`. Loading goes
row by row through the model's own `full_clean`, keyed on natural keys (updating a row
that is already there), so a second import of the same bundle changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.utils import timezone

from indicators.import_files import CellError, parse_date, parse_flag
from indicators.models import (
    DefinitionChange,
    Indicator,
    Outcome,
    Override,
    ReportingPeriod,
)
from indicators.quarters import Quarter
from portal.models import Area

from .files import Problem, Sheet

Table = tuple[list[str], list[list[Any]]]


def _iso(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


class RowErrors(Exception):
    def __init__(self, errors: list[tuple[str, str]]):
        self.errors = errors


class Reader:
    """Typed cells of one row; collects every bad cell instead of stopping at the first."""

    def __init__(self, cells: dict[str, str]):
        self.cells = cells
        self.errors: list[tuple[str, str]] = []

    def _parse(self, column: str, parse: Callable, required: bool):
        text = self.cells.get(column, "")
        if not text:
            if required:
                self.errors.append((column, "This cell is required."))
            return None
        try:
            return parse(text)
        except (CellError, ValueError) as error:
            self.errors.append((column, str(error)))
            return None

    def text(self, column: str, required: bool = False) -> str:
        return self._parse(column, str, required) or ""

    def date(self, column: str, required: bool = False) -> dt.date | None:
        return self._parse(column, parse_date, required)

    def flag(self, column: str) -> bool:
        return bool(self._parse(column, parse_flag, False))

    def quarter(self, column: str = "quarter") -> Quarter | None:
        return self._parse(column, Quarter.from_code, True)

    def lookup(self, column: str, found: dict, what: str, required: bool = True):
        key = self.cells.get(column, "")
        if not key:
            if required:
                self.errors.append((column, "This cell is required."))
            return None
        if key not in found:
            self.errors.append((column, f"There is no {what} '{key}' in the bundle or portal."))
            return None
        return found[key]

    def done(self) -> None:
        if self.errors:
            raise RowErrors(self.errors)


def _validated(instance: models.Model, columns: dict[str, str], exclude=()) -> None:
    """full_clean, its messages keyed by the bundle's column names."""
    try:
        instance.full_clean(exclude=list(exclude))
    except ValidationError as error:
        raise RowErrors(
            [
                (columns.get(field, "" if field == NON_FIELD_ERRORS else field), message)
                for field, messages in error.message_dict.items()
                for message in messages
            ]
        ) from None


def load_rows(sheet: Sheet, load_row: Callable[[Reader], None]) -> list[Problem]:
    """Apply `load_row` to each row; every bad row and cell becomes a Problem."""
    problems = []
    for line, cells in sheet.rows:
        reader = Reader(cells)
        try:
            load_row(reader)
            reader.done()
        except RowErrors as bad:
            problems += [Problem(sheet.name, msg, line, col) for col, msg in bad.errors]
    return problems


def _upsert(model, keys: dict, values: dict, columns: dict[str, str]) -> models.Model:
    instance = model.objects.filter(**keys).first() or model(**keys)
    for name, value in values.items():
        setattr(instance, name, value)
    _validated(instance, columns)
    instance.save()
    return instance


# Breaks in series ---------------------------------------------------------------------------

CHANGE_COLUMNS = ["indicator", "effective_from", "description"]


def _indicators() -> dict[str, Indicator]:
    return {i.code: i for i in Indicator.objects.all()}


def export_changes() -> Table:
    changes = DefinitionChange.objects.select_related("indicator").order_by(
        "indicator__code", "effective_from"
    )
    return CHANGE_COLUMNS, [
        [c.indicator.code, _iso(c.effective_from), c.description] for c in changes
    ]


def load_changes(sheet: Sheet) -> list[Problem]:
    indicators = _indicators()

    def row(r: Reader) -> None:
        indicator = r.lookup("indicator", indicators, "indicator")
        keys = {"indicator": indicator, "effective_from": r.date("effective_from", True)}
        description = r.text("description", True)
        r.done()
        _upsert(DefinitionChange, keys, {"description": description}, {})

    return load_rows(sheet, row)


# Reporting periods ----------------------------------------------------------------------

PERIOD_COLUMNS = ["quarter", "opens_on", "deadline", "closes_on", "closed"]


def export_periods() -> Table:
    periods = ReportingPeriod.objects.order_by("year", "quarter")
    rows = [
        [p.code, _iso(p.opens_on), _iso(p.deadline), _iso(p.closes_on), _yes(bool(p.closed_at))]
        for p in periods
    ]
    return PERIOD_COLUMNS, rows


def load_periods(sheet: Sheet) -> list[Problem]:
    now = timezone.now()

    def row(r: Reader) -> None:
        quarter = r.quarter()
        values = {
            "opens_on": r.date("opens_on", True),
            "deadline": r.date("deadline", True),
            "closes_on": r.date("closes_on"),
        }
        closed = r.flag("closed")
        r.done()
        period = ReportingPeriod.objects.for_quarter(quarter).first()
        if closed and not (period and period.closed_at):
            values["closed_at"] = now
        _upsert(ReportingPeriod, {"year": quarter.year, "quarter": quarter.number}, values, {})

    return load_rows(sheet, row)


# Overrides --------------------------------------------------------------------------------

OVERRIDE_COLUMNS = ["kind", "indicator", "outcome", "area", "quarter", "value", "reason"]


def export_overrides() -> Table:
    overrides = (
        Override.objects.active()
        .select_related("indicator", "outcome", "area", "period")
        .order_by("period__year", "period__quarter", "kind", "id")
    )
    rows = [
        [
            o.kind,
            o.indicator.code if o.indicator else "",
            o.outcome.slug if o.outcome else "",
            o.area.code,
            o.period.code,
            o.value,
            o.reason,
        ]
        for o in overrides
    ]
    return OVERRIDE_COLUMNS, rows


def load_overrides(sheet: Sheet) -> list[Problem]:
    indicators = _indicators()
    outcomes = {o.slug: o for o in Outcome.objects.all()}
    areas = {a.code: a for a in Area.objects.all()}
    periods = {p.code: p for p in ReportingPeriod.objects.all()}

    def row(r: Reader) -> None:
        kind = r.text("kind", True)
        target = (
            {"outcome": r.lookup("outcome", outcomes, "outcome"), "indicator": None}
            if kind == Override.Kind.OUTCOME_RAG
            else {"indicator": r.lookup("indicator", indicators, "indicator"), "outcome": None}
        )
        keys = {
            "kind": kind,
            **target,
            "area": r.lookup("area", areas, "area"),
            "period": r.lookup("quarter", periods, "quarter"),
        }
        value, reason = r.text("value", True), r.text("reason", True)
        r.done()
        current = Override.objects.active().filter(**keys).first()
        if current and (current.value, current.reason) == (value, reason):
            return
        override = Override(**keys, value=value, reason=reason, author=None)
        # An imported judgement keeps its reason; its author stays in the portal it came from.
        _validated(override, {}, exclude=["author"])
        if current:
            current.is_active = False
            current.save(update_fields=["is_active"])
        override.save()

    return load_rows(sheet, row)
