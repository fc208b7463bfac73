"""Comparator values in long format: one member's figure for one indicator and quarter a row.

Columns: indicator_code, period (2016/17-Q2), member (its name in the indicator's comparator
group), value, source, as_at. The admin import, the partnership bundle and the demo all load
through `plan_peer_values`, so a file is judged by the same rules wherever it comes from:
all or nothing, each bad row and column listed, nothing written while any row is wrong.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from .import_files import CellError, parse_date, parse_decimal, parse_text, plain
from .models import ComparatorMember, Indicator, PeerValue, ReportingPeriod
from .quarters import Quarter

PEER_VALUE_COLUMNS = ["indicator_code", "period", "member", "value", "source", "as_at"]
REQUIRED = ("indicator_code", "period", "member", "value")
FIRST_ROW = 2  # row 1 is the header, so row numbers match the spreadsheet's


@dataclass
class PeerRow:
    """One row of the file: what it says, the value it would write, or what is wrong."""

    number: int
    cells: dict[str, Any]
    errors: dict[str, list[str]] = field(default_factory=dict)
    instance: PeerValue | None = None
    change: str = ""  # "new", "update" or "skip" (held unchanged)

    def error(self, column: str, message: str) -> None:
        self.errors.setdefault(column, []).append(message)


@dataclass
class PeerPlan:
    rows: list[PeerRow]
    file_errors: list[str] = field(default_factory=list)

    @property
    def has_errors(self) -> bool:
        return bool(self.file_errors) or any(row.errors for row in self.rows)

    def error_messages(self) -> list[str]:
        return [*self.file_errors] + [
            f"Row {row.number}, column {column}: {message}"
            for row in self.rows
            for column, messages in row.errors.items()
            for message in messages
        ]

    @property
    def writes(self) -> list[PeerRow]:
        return [row for row in self.rows if row.change in ("new", "update")]


@dataclass
class _Lookups:
    indicators: dict[str, Indicator]
    periods: dict[Quarter, ReportingPeriod]
    members: dict[tuple[int, str], ComparatorMember]  # (group id, name folded)
    held: dict[tuple[int, int, int], PeerValue]

    @classmethod
    def load(cls) -> _Lookups:
        """Everything a file may refer to, in four queries whatever its length."""
        return cls(
            indicators={
                i.code.lower(): i for i in Indicator.objects.select_related("comparator_group")
            },
            periods={p.as_quarter: p for p in ReportingPeriod.objects.all()},
            members={(m.group_id, m.name.casefold()): m for m in ComparatorMember.objects.all()},
            held={},
        )

    def load_held(self, codes: set[str]) -> None:
        """The values already held for the file's indicators, not the whole table."""
        ids = [self.indicators[c].pk for c in codes if c in self.indicators]
        self.held = {
            (v.indicator_id, v.period_id, v.member_id): v
            for v in PeerValue.objects.filter(indicator_id__in=ids)
        }


def _read(row: PeerRow) -> dict[str, Any]:
    """The row's cells as typed values; a cell that cannot be read is an error on it."""
    readers = {
        "indicator_code": lambda v: parse_text(v, 40).lower(),
        "period": lambda v: parse_text(v, 20),
        "member": lambda v: parse_text(v, 200),
        "value": parse_decimal,
        "source": lambda v: parse_text(v, 200),
        "as_at": parse_date,
    }
    data: dict[str, Any] = {}
    for column, reader in readers.items():
        try:
            data[column] = reader(row.cells.get(column))
        except CellError as error:
            row.error(column, str(error))
    for column in REQUIRED:
        if column not in row.errors and data.get(column) in (None, ""):
            row.error(column, "This column needs a value.")
    return data


def _period(row: PeerRow, text: str, lookups: _Lookups) -> ReportingPeriod | None:
    try:
        quarter = Quarter.from_code(text)
    except ValueError as error:
        row.error("period", str(error))
        return None
    period = lookups.periods.get(quarter)
    if period is None:
        row.error("period", f"There is no reporting period {quarter.code} yet.")
    return period


def _member(
    row: PeerRow, indicator: Indicator, name: str, lookups: _Lookups
) -> ComparatorMember | None:
    """The named member of the indicator's own group; never the partnership itself."""
    group = indicator.comparator_group
    if group is None:
        row.error("member", f"{indicator.code} has no comparator group: set one first.")
        return None
    member = lookups.members.get((group.pk, name.casefold()))
    if member is None:
        row.error("member", f"'{name}' is not a member of {group}.")
    elif member.is_self:
        row.error(
            "member",
            f"{member.name} is this partnership: its own approved figure is used, so leave it "
            "out of the file.",
        )
    return member


def _check(row: PeerRow, lookups: _Lookups, seen: dict[tuple, int]) -> None:
    data = _read(row)
    code = data.get("indicator_code") or ""
    indicator = lookups.indicators.get(code)
    if code and indicator is None:
        row.error("indicator_code", f"There is no indicator with the code '{code}'.")
    period = _period(row, data["period"], lookups) if data.get("period") else None
    member = None
    if indicator is not None and data.get("member"):
        member = _member(row, indicator, data["member"], lookups)
    if row.errors:
        return
    key = (indicator.pk, period.pk, member.pk)
    if key in seen:
        row.error("member", f"This repeats row {seen[key]} (same indicator, period and member).")
        return
    seen[key] = row.number
    held = lookups.held.get(key)
    fields = {"value": data["value"], "source": data["source"], "as_at": data["as_at"]}
    if held is None:
        row.instance, row.change = (
            PeerValue(indicator=indicator, period=period, member=member, **fields),
            "new",
        )
        return
    unchanged = all(getattr(held, name) == wanted for name, wanted in fields.items())
    for name, wanted in fields.items():
        setattr(held, name, wanted)
    row.instance, row.change = held, "skip" if unchanged else "update"


def plan_peer_values(rows: Iterable[dict[str, Any]]) -> PeerPlan:
    """Judge every row of a long-format file against the portal, writing nothing."""
    rows = list(rows)
    plan = PeerPlan(rows=[PeerRow(n, dict(r)) for n, r in enumerate(rows, start=FIRST_ROW)])
    if rows:
        missing = [c for c in REQUIRED if c not in rows[0]]
        if missing:
            plan.file_errors.append(
                f"The file has no {', '.join(missing)} column. Its columns are: "
                f"{', '.join(PEER_VALUE_COLUMNS)}."
            )
            return plan
    lookups = _Lookups.load()
    lookups.load_held({str(r.get("indicator_code") or "").strip().lower() for r in rows})
    seen: dict[tuple, int] = {}
    for row in plan.rows:
        _check(row, lookups, seen)
    return plan


def apply_peer_plan(plan: PeerPlan) -> int:
    """Write a plan without errors, in one transaction; returns the rows created or updated."""
    if plan.has_errors:
        raise ValueError("A plan with errors cannot be applied.")
    new = [row.instance for row in plan.rows if row.change == "new"]
    changed = [row.instance for row in plan.rows if row.change == "update"]
    with transaction.atomic():
        PeerValue.objects.bulk_create(new)
        PeerValue.objects.bulk_update(changed, ["value", "source", "as_at"])
    return len(new) + len(changed)


def load_peer_values(rows: Iterable[dict[str, Any]], *, dry_run: bool) -> tuple[int, list[str]]:
    """Load comparator values all or nothing: (rows created or updated, error messages).

    With any error nothing is written and the count is 0. A dry run checks and counts
    without writing. A value already held unchanged is skipped, so loading twice is harmless.
    """
    plan = plan_peer_values(rows)
    if plan.has_errors:
        return 0, plan.error_messages()
    if dry_run:
        return len(plan.writes), []
    return apply_peer_plan(plan), []


def export_peer_values() -> list[dict[str, str]]:
    """Every comparator value in the long format `load_peer_values` reads back unchanged."""
    values = PeerValue.objects.select_related("indicator", "period", "member").order_by(
        "indicator__code", "period__year", "period__quarter", "member__name"
    )
    return [
        {
            "indicator_code": v.indicator.code,
            "period": v.period.code,
            "member": v.member.name,
            "value": plain(v.value),
            "source": v.source,
            "as_at": v.as_at.isoformat() if v.as_at else "",
        }
        for v in values
    ]
