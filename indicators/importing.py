"""The quarterly-return import: template → upload → preview → confirm, all or nothing.

1. `read_return` parses the file into plain rows (JSON, kept on the ImportBatch, so the
   preview and the confirm may run on different workers). A row with neither an area code
   nor a quarter (a note, a total, a signature under the table) is kept only to be listed
   as ignored; a cell shown as a percentage is marked, for the planner to check its unit.
2. `plan_return` checks every row against the portal (ownership, codes, quarter, the locks of
   rule 10, the unit rules of `Indicator.validate_figures`) and works out, per row, new /
   changed (old → new) / unchanged / blank / error / ignored. It reads what it needs in a fixed
   number of queries, whatever the number of rows. Nothing is written.
3. `apply_return` re-plans under row locks and, only when nothing has moved since the
   preview and no row has an error, writes every row in one transaction, with the audit
   events typing each figure in would have made (created, imported, submitted).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from portal.models import Area, Organisation, Population

from . import figures, tasks, workflow
from .columns import parse_status
from .import_files import (
    CellError,
    FileRefused,
    Percentage,
    Table,
    date_window,
    fix_for,
    misplaced_percentage,
    neutralise,
    open_table,
    parse_date,
    parse_decimal,
    parse_flag,
    parse_text,
    plain,
    restore_neutralised,
)
from .models import ImportBatch, Indicator, ReportingPeriod, Submission, SubmissionEvent
from .quarters import Quarter

State = Submission.State
Action = SubmissionEvent.Action

RETURN_COLUMNS = [
    "indicator_code",
    "indicator_title",
    "area_code",
    "area_name",
    "quarter",
    "unit",
    "what_to_fill",
    "value",
    "numerator",
    "denominator",
    "covered_start",
    "covered_end",
    "covered_label",
    "nil_return",
    "provisional",
    "estimated",
    "footnote",
    "commentary",
    "status",  # blank: a figure; or "not yet available", "no new data published"
    "last_quarter_figure",
]
REQUIRED_COLUMNS = {"indicator_code", "area_code", "quarter", "value", "numerator", "denominator"}
# For reference only: read by people, ignored on upload.
REFERENCE_COLUMNS = {"indicator_title", "area_name", "unit", "what_to_fill", "last_quarter_figure"}
COLUMN_FIELDS = {
    "status": "status",
    "value": "value",
    "numerator": "numerator",
    "denominator": "denominator",
    "covered_start": "covered_start",
    "covered_end": "covered_end",
    "covered_label": "covered_label",
    "nil_return": "is_nil_return",
    "provisional": "is_provisional",
    "estimated": "is_estimated",
    "footnote": "footnote",
    "commentary": "commentary",
}
FIELD_COLUMNS = {f: c for c, f in COLUMN_FIELDS.items()}
NUMBER_FIELDS = {"value", "numerator", "denominator"}
DATE_FIELDS = {"covered_start", "covered_end"}
FLAG_FIELDS = {"is_nil_return", "is_provisional", "is_estimated"}
TEXT_LIMITS = {"covered_label": 60, "footnote": 2000, "commentary": 10000}
SHEET_NAME = "Return"
STALE_PREVIEW = (
    "Figures in this file were changed by someone else after your preview. Nothing has "
    "been saved: upload the file again to see the changes it would make now."
)


class ImportRefused(Exception):
    """The import cannot be applied; nothing was written. `messages` say why."""

    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__("; ".join(messages))


# 1. Reading the file.


IGNORED = "ignored: not a row of the return"
INSTRUCTIONS_TITLE = "Quarterly return:"  # the first words of the template's Instructions sheet
INSTRUCTIONS_SAVED = (
    "This CSV file holds the template's Instructions sheet, not its figures: you saved the "
    "Instructions sheet; save the Return sheet as CSV. A CSV file keeps only the sheet that "
    "was showing: open the workbook, click the 'Return' tab at the bottom, then save as CSV "
    "again (or upload the .xlsx workbook itself)."
)


Window = tuple[dt.date, dt.date] | None


def _read_cell(column: str, value: Any, window: Window) -> Any:
    name = COLUMN_FIELDS[column]
    if name in NUMBER_FIELDS:
        number = parse_decimal(value)
        return None if number is None else f"{number:f}"
    if name in DATE_FIELDS:
        day = parse_date(value, window)
        return day.isoformat() if day else None
    if name in FLAG_FIELDS:
        return parse_flag(value)
    if name == "status":
        return parse_status(value)
    return restore_neutralised(parse_text(value, TEXT_LIMITS.get(name, 10000)))


def _read(content: bytes, filename: str, period: ReportingPeriod | None) -> tuple[list, Table]:
    table = open_table(
        content,
        filename,
        RETURN_COLUMNS,
        REQUIRED_COLUMNS,
        sheet_names=(SHEET_NAME,),
        key_columns=("area_code", "quarter"),
        other_sheets={INSTRUCTIONS_TITLE: INSTRUCTIONS_SAVED},
    )
    window = date_window(period.as_quarter) if period else None
    rows: list[dict] = []

    def passed_over() -> list[dict]:
        """Rows the table skipped since the last call, in their place in the file."""
        found = [{"row": number, "ignored": text} for number, text in table.ignored]
        table.ignored.clear()
        return found

    for number, cells in table.rows:
        rows += passed_over()
        rows.append(_read_row(table, number, cells, window))
    return rows + passed_over(), table


def _read_row(table: Table, number: int, cells: dict[str, Any], window: Window) -> dict:
    row: dict[str, Any] = {"row": number, "fields": {}, "errors": [], "percent": {}}
    for key in ("indicator_code", "area_code", "quarter", "indicator_title", "area_name"):
        try:
            row[key] = parse_text(cells.get(key), 400)
        except CellError as error:
            row[key] = ""
            row["errors"].append([key, table.message(error)])
    for column in COLUMN_FIELDS:
        if column not in table.header:
            continue
        raw = cells.get(column)
        try:
            value = row["fields"][COLUMN_FIELDS[column]] = _read_cell(column, raw, window)
        except CellError as error:
            row["errors"].append([column, table.message(error)])
            continue
        if COLUMN_FIELDS[column] in NUMBER_FIELDS and (
            isinstance(raw, Percentage) or str(raw).endswith("%")
        ):
            # Only the planner knows the unit: it keeps the percentage or names the slip.
            row["percent"][column] = [value, fix_for("percent", table.program)]
    return row


def read_return(content: bytes, filename: str, period: ReportingPeriod | None = None) -> list:
    """Parse a filled-in template into JSON rows; raises FileRefused for the whole file.

    Rows that are not part of the return (notes, totals) come back as {"row", "ignored"}.
    """
    return _read(content, filename, period)[0]


def _typed(fields: dict[str, Any]) -> dict[str, Any]:
    data = {}
    for name, value in fields.items():
        if name in NUMBER_FIELDS:
            data[name] = None if value is None else Decimal(value)
        elif name in DATE_FIELDS:
            data[name] = None if value is None else dt.date.fromisoformat(value)
        else:
            data[name] = value
    if data.get("status") is None:
        # A blank status is a figure when the row gives one, else it leaves the status be.
        data.pop("status", None)
        if any(data.get(n) is not None for n in NUMBER_FIELDS) or data.get("is_nil_return"):
            data["status"] = Submission.Status.FIGURE
    return data


# 2. Planning: what each row would do.


@dataclass
class RowPlan:
    number: int
    indicator_code: str
    area_code: str
    indicator_title: str = ""
    area_name: str = ""
    status: str = "unchanged"  # new / changed / unchanged / blank / error / ignored
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    errors: list[tuple[str, str]] = field(default_factory=list)
    ignored: str = ""  # what a row that is not part of the return holds
    submit: bool = False
    indicator: Indicator | None = None
    area: Area | None = None
    submission: Submission | None = None
    data: dict[str, Any] = field(default_factory=dict)

    def error(self, column: str, message: str) -> None:
        self.errors.append((column, message))
        self.status = "error"

    @property
    def ignored_message(self) -> str:
        return f"{IGNORED} ({self.ignored})" if self.ignored else ""

    @property
    def change_list(self) -> list[tuple[str, str, str]]:
        """(column, old, new) as the preview shows them."""
        return [
            (FIELD_COLUMNS[f], plain(old), plain(new)) for f, (old, new) in self.changes.items()
        ]


@dataclass
class ReturnPlan:
    organisation: Organisation
    period: ReportingPeriod
    submit: bool
    rows: list[RowPlan]

    @property
    def has_errors(self) -> bool:
        return any(r.errors for r in self.rows)

    @property
    def counts(self) -> dict[str, int]:
        found = {
            "new": 0,
            "changed": 0,
            "unchanged": 0,
            "blank": 0,
            "error": 0,
            "ignored": 0,
            "submit": 0,
        }
        for row in self.rows:
            found[row.status] += 1
            found["submit"] += row.submit
        return found

    @property
    def error_messages(self) -> list[str]:
        return [
            f"Row {row.number}, column {column}: {message}"
            for row in self.rows
            for column, message in row.errors
        ]

    @property
    def digest(self) -> str:
        """What confirming would do; a confirm whose digest differs was overtaken."""
        summary = [
            [
                r.number,
                r.status,
                r.submit,
                r.submission.pk if r.submission else None,
                r.submission.row_version if r.submission else None,
                sorted((k, plain(v[0]), plain(v[1])) for k, v in r.changes.items()),
            ]
            for r in self.rows
        ]
        return hashlib.sha256(json.dumps(summary).encode()).hexdigest()


def _period_lock(period: ReportingPeriod) -> str | None:
    """Why new figures cannot be entered for the period, as the workflow would say it."""
    probe = Submission(period=period, version=1, state=State.DRAFT)
    lock = workflow.edit_lock(probe)
    if lock:
        return lock
    if period.opens_on > timezone.localdate():
        return workflow.LOCK_NOT_OPEN.format(
            period=period.short_label, opens=period.opens_on.strftime("%-d %b %Y")
        )
    return None


def _what_to_fill(indicator: Indicator) -> str:
    if indicator.formula == Indicator.Formula.DIRECT:
        return "value"
    if indicator.formula == Indicator.Formula.PERCENTAGE:
        return "numerator and denominator"
    return f"numerator (the count of {indicator.numerator_label or 'events'})"


def _check_shape(row: RowPlan, indicator: Indicator, data: dict[str, Any]) -> None:
    """Figures in the columns this indicator uses, and only those."""
    fill = _what_to_fill(indicator)
    if indicator.formula == Indicator.Formula.DIRECT:
        for name in ("numerator", "denominator"):
            if data.get(name) is not None:
                row.error(name, f"This indicator takes a value: leave {name} empty.")
        return
    if data.get("value") is not None:
        row.error("value", f"This indicator is worked out from the {fill}: leave value empty.")
    if not indicator.needs_denominator and data.get("denominator") is not None:
        row.error("denominator", f"This indicator takes a {fill}: leave denominator empty.")


def _validate(row: RowPlan, indicator: Indicator, merged: dict[str, Any]) -> None:
    """The unit rules of the figure as it will be saved (file values over the current ones)."""
    nil = merged.get("is_nil_return", False)
    if nil and any(merged.get(n) not in (None, 0) for n in ("value", "numerator")):
        row.error("nil_return", "A nil return cannot carry a figure other than 0.")
    for name, message in indicator.validate_figures(
        merged.get("value"),
        merged.get("numerator"),
        merged.get("denominator"),
        nil,
        merged.get("status", Submission.Status.FIGURE),
    ).items():
        row.error(FIELD_COLUMNS.get(name, name), message)
    start, end = merged.get("covered_start"), merged.get("covered_end")
    if start and end and end < start:
        row.error("covered_end", "The covered period must end after it starts.")


def _is_blank(data: dict[str, Any]) -> bool:
    # `0 == False`, so test identity: a figure of 0 is an entry, not a blank.
    return all(v is None or v is False or v == "" for v in data.values())


@dataclass
class _Lookups:
    indicators: dict[str, Indicator]
    areas: dict[str, Area]
    area_ids: dict[int, set[int]]
    periods: dict[Quarter, ReportingPeriod]
    current: dict[tuple[int, int], Submission]
    previous: dict[tuple[int, int], Submission]
    populations: dict[int, dict[int, int]]


def _lookups(rows: list[dict], period: ReportingPeriod, lock: bool) -> _Lookups:
    """Everything planning reads, in seven queries whatever the number of rows."""
    rows = [r for r in rows if "ignored" not in r]
    codes = {r.get("indicator_code", "").lower() for r in rows}
    indicators = {
        ind.code.lower(): ind
        for ind in Indicator.objects.filter(code__in=codes).select_related("owner")
    }
    area_codes = {r.get("area_code", "").upper() for r in rows}
    areas = {a.code.upper(): a for a in Area.objects.filter(code__in=area_codes)}
    area_ids: dict[int, set[int]] = defaultdict(set)
    through = Indicator.areas.through.objects.filter(
        indicator_id__in=[i.pk for i in indicators.values()]
    )
    for indicator_id, area_id in through.values_list("indicator_id", "area_id"):
        area_ids[indicator_id].add(area_id)
    periods = {p.as_quarter: p for p in ReportingPeriod.objects.all()}
    current_qs = Submission.objects.current().filter(
        period=period, indicator_id__in=[i.pk for i in indicators.values()]
    )
    if lock:
        current_qs = current_qs.select_for_update()
    current = {}
    by_id = {i.pk: i for i in indicators.values()}
    for sub in current_qs:
        sub.period, sub.indicator = period, by_id[sub.indicator_id]
        current[(sub.indicator_id, sub.area_id)] = sub
    previous = {}
    before = periods.get(period.as_quarter.previous())
    if before:
        for sub in Submission.objects.approved().filter(
            period=before, indicator_id__in=[i.pk for i in indicators.values()]
        ):
            previous[(sub.indicator_id, sub.area_id)] = sub
    populations = Population.objects.by_area(a.pk for a in areas.values())
    return _Lookups(indicators, areas, area_ids, periods, current, previous, populations)


def _check_quarter(row: RowPlan, text: str, period: ReportingPeriod, lookups: _Lookups) -> None:
    try:
        quarter = Quarter.from_code(text or "")
    except ValueError as error:
        row.error("quarter", str(error))
        return
    if quarter == period.as_quarter:
        return
    other = lookups.periods.get(quarter)
    lock = _period_lock(other) if other else None
    message = (
        f"This row is for {quarter.label}, but this upload is for {period.label}. Use a "
        f"template for {quarter.short_label}, or correct the quarter."
    )
    row.error("quarter", f"{lock} {message}" if lock else message)


def _swing(row: RowPlan, indicator: Indicator, merged: dict, lookups: _Lookups, period) -> None:
    """A submitted figure far from last quarter's needs commentary, as on the form."""
    before = lookups.previous.get((indicator.pk, row.area.pk))
    if before is None:
        return
    pops = lookups.populations.get(row.area.pk, {})
    quarter = period.as_quarter
    earlier = figures.submission_figure(indicator, before, quarter.previous(), pops)
    raw = Submission(indicator=indicator, **{k: v for k, v in merged.items()})
    later = figures.submission_figure(indicator, raw, quarter, pops)
    message = workflow.swing_warning(raw, earlier.value, later.value)
    if message and not (merged.get("commentary") or "").strip():
        row.error("commentary", message)


def _current_values(sub: Submission | None) -> dict[str, Any]:
    if sub is None:
        return {
            name: Submission._meta.get_field(name).get_default() for name in COLUMN_FIELDS.values()
        }
    return {name: getattr(sub, name) for name in COLUMN_FIELDS.values()}


def _check_percentages(row: RowPlan, indicator: Indicator, raw: dict) -> None:
    """A cell shown as a percentage is read as one only where the figure is a percentage."""
    for column, (shown, fix) in raw.get("percent", {}).items():
        if message := misplaced_percentage(column, shown, indicator.unit, indicator.code):
            row.error(column, f"{message} {fix}")
        elif not 0 <= Decimal(shown) <= 100:
            # 88.2 typed into a cell already showing % becomes 8820%: say so, once.
            meant = f"{(Decimal(shown) / 100).normalize():f}"
            row.error(
                column,
                f"The cell shows {shown}%, but a percentage is between 0 and 100. If the "
                f"figure is {meant}%, clear the cell and type {meant}% with its % sign.",
            )


def _check_keys(
    row: RowPlan, raw: dict, plan: ReturnPlan, lookups: _Lookups, seen: dict
) -> tuple[Indicator | None, Area | None]:
    """The row's indicator and area, once the file's codes and quarter are checked."""
    for column, message in raw.get("errors", []):
        row.error(column, message)
    indicator = lookups.indicators.get(row.indicator_code.lower())
    area = lookups.areas.get(row.area_code.upper())
    if not row.indicator_code:
        row.error("indicator_code", "Enter the indicator code.")
    elif indicator is None:
        row.error("indicator_code", f"There is no indicator with the code '{row.indicator_code}'.")
    elif indicator.owner_id != plan.organisation.pk:
        row.error(
            "indicator_code",
            f"{indicator.code} is reported by {indicator.owner.name}, not "
            f"{plan.organisation.name}: you cannot import its figures.",
        )
    elif not indicator.is_active:
        row.error("indicator_code", f"{indicator.code} is no longer reported.")
    if not row.area_code:
        row.error("area_code", "Enter the area code.")
    elif area is None:
        row.error("area_code", f"There is no area with the code '{row.area_code}'.")
    elif indicator and area.pk not in lookups.area_ids[indicator.pk]:
        row.error("area_code", f"{indicator.code} is not reported for {area.name}.")
    _check_quarter(row, raw.get("quarter", ""), plan.period, lookups)
    key = (row.indicator_code.lower(), row.area_code.upper())
    if key in seen:
        row.error(
            "indicator_code",
            f"This row repeats row {seen[key]} (the same indicator and area). Keep one of them.",
        )
    seen.setdefault(key, row.number)
    return indicator, area


def _plan_row(raw: dict, plan: ReturnPlan, lookups: _Lookups, seen: dict, lock_new) -> RowPlan:
    if "ignored" in raw:
        return RowPlan(raw["row"], "", "", status="ignored", ignored=raw["ignored"])
    row = RowPlan(
        number=raw["row"],
        indicator_code=raw.get("indicator_code", ""),
        area_code=raw.get("area_code", ""),
        indicator_title=raw.get("indicator_title", ""),
        area_name=raw.get("area_name", ""),
    )
    indicator, area = _check_keys(row, raw, plan, lookups, seen)
    if row.errors:
        return row
    row.indicator, row.area = indicator, area
    row.indicator_title, row.area_name = indicator.title, area.name
    _check_percentages(row, indicator, raw)
    if row.errors:
        return row
    data = _typed(raw["fields"])
    if _is_blank(data):
        row.status = "blank"
        return row
    sub = lookups.current.get((indicator.pk, area.pk))
    if sub is not None:
        sub.area = area
    row.submission = sub
    current = _current_values(sub)
    merged = {**current, **data}
    _check_shape(row, indicator, data)
    _validate(row, indicator, merged)
    if row.errors:
        return row
    row.changes = {n: (current[n], v) for n, v in data.items() if current[n] != v}
    row.data = data
    editable = sub is not None and sub.state in (State.DRAFT, State.RETURNED)
    if sub is None:
        row.status = "new"
        if lock_new:
            row.error("quarter", lock_new)
    elif row.changes:
        row.status = "changed"
        lock = workflow.edit_lock(sub)
        if lock:
            row.error("value", lock)
    else:
        row.status = "unchanged"
    if row.errors:
        return row
    row.submit = plan.submit and (sub is None or editable)
    if row.submit:
        if editable and workflow.edit_lock(sub):
            row.error("quarter", workflow.edit_lock(sub))
        _swing(row, indicator, merged, lookups, plan.period)
    return row


def plan_return(
    rows: list[dict],
    organisation: Organisation,
    period: ReportingPeriod,
    submit: bool = False,
    lock: bool = False,
) -> ReturnPlan:
    """Work out what each row would do; writes nothing. `lock` locks the rows it reads."""
    plan = ReturnPlan(organisation=organisation, period=period, submit=submit, rows=[])
    lookups = _lookups(rows, period, lock)
    lock_new = _period_lock(period)
    seen: dict = {}
    plan.rows = [_plan_row(raw, plan, lookups, seen, lock_new) for raw in rows]
    return plan


# 3. Confirming: write it all, or nothing.


def preview_upload(
    content: bytes,
    filename: str,
    organisation: Organisation,
    period: ReportingPeriod,
    owner,
    submit: bool = False,
) -> tuple[ImportBatch, ReturnPlan | None]:
    """Read and plan an upload, keeping it as an ImportBatch for the confirm."""
    batch = ImportBatch(
        kind=ImportBatch.Kind.QUARTERLY_RETURN,
        owner=owner,
        organisation=organisation,
        period=period,
        filename=filename[:255],
        submit=submit,
    )
    plan = None
    try:
        batch.rows, table = _read(content, filename, period)
        batch.file_format, batch.encoding = table.file_format, table.encoding
        plan = plan_return(batch.rows, organisation, period, submit)
    except FileRefused as refused:
        batch.status = ImportBatch.Status.INVALID
        batch.errors = refused.messages
    else:
        batch.content = content
        batch.row_count = len(batch.rows)
        batch.counts = plan.counts
        batch.errors = plan.error_messages
        batch.plan_digest = plan.digest
        batch.status = (
            ImportBatch.Status.INVALID if plan.has_errors else ImportBatch.Status.PREVIEWED
        )
    batch.save()
    return batch, plan


def _event(sub, action, actor, at, from_state, to_state, comment="", changes=None):
    return SubmissionEvent(
        submission=sub,
        action=action,
        actor=actor,
        at=at,
        from_state=from_state,
        to_state=to_state,
        comment=comment,
        changes=changes or {},
    )


def _clean(sub: Submission) -> None:
    """The model's own field and unit checks; uniqueness is left to the database."""
    try:
        # Foreign keys come from the look-ups: checking each would cost a query per row.
        sub.clean_fields(exclude=[f.name for f in Submission._meta.fields if f.is_relation])
        sub.clean()
    except ValidationError as error:
        raise ImportRefused([f"{sub.indicator.code} · {sub.area.name}: {error}"]) from None


ALWAYS_WRITTEN = ["row_version", "updated_at", "updated_by"]
SUBMIT_FIELDS = ["state", "submitted_at", "submitted_by"]


def _write(plan: ReturnPlan, actor, comment: str) -> None:
    now = timezone.now()
    new, updated, events, sent_for_review = [], [], [], []
    # Only the columns that change are written: fewer parameters, more rows per query.
    fields = set(ALWAYS_WRITTEN)
    for row in plan.rows:
        if row.status not in ("new", "changed", "unchanged") or not (row.changes or row.submit):
            continue
        changes = {
            f: [workflow.audit_value(old), workflow.audit_value(new)]
            for f, (old, new) in row.changes.items()
        }
        sub = row.submission
        if sub is None:
            sub = Submission(
                indicator=row.indicator,
                area=row.area,
                period=plan.period,
                version=1,
                created_at=now,
                created_by=actor,
                **row.data,
            )
            new.append(sub)
            events.append(_event(sub, Action.CREATED, actor, now, "", State.DRAFT))
        else:
            for name in row.changes:
                setattr(sub, name, row.data[name])
            fields.update(row.changes)
            fields.update(SUBMIT_FIELDS if row.submit else ())
            updated.append(sub)
        sub.updated_at, sub.updated_by = now, actor
        if row.changes or sub.pk is None:
            sub.row_version += 1
            events.append(
                _event(sub, Action.IMPORTED, actor, now, sub.state, sub.state, comment, changes)
            )
        if row.submit:
            events.append(_event(sub, Action.SUBMITTED, actor, now, sub.state, State.SUBMITTED))
            sub.state = State.SUBMITTED
            sub.submitted_at, sub.submitted_by = now, actor
            sub.row_version += 1
            sent_for_review.append(sub)
        _clean(sub)
    Submission.objects.bulk_create(new, batch_size=500)
    if updated:
        Submission.objects.bulk_update(updated, sorted(fields), batch_size=500)
    SubmissionEvent.objects.bulk_create(events, batch_size=500)
    if sent_for_review:
        # One email to the approvers for the whole file, where typing would send one each.
        tasks.queue(tasks.notify_imported, [sub.pk for sub in sent_for_review])


def apply_return(batch: ImportBatch, actor) -> ReturnPlan:
    """Apply a previewed upload in one transaction; raises ImportRefused, writing nothing."""
    if batch.status == ImportBatch.Status.APPLIED:
        raise ImportRefused(["This file has already been imported."])
    if batch.status != ImportBatch.Status.PREVIEWED:
        raise ImportRefused(batch.errors or ["This upload cannot be imported: upload it again."])
    with transaction.atomic():
        locked = (
            ImportBatch.objects.select_for_update(of=("self",))
            .select_related("organisation", "period")
            .get(pk=batch.pk)
        )
        if locked.status != ImportBatch.Status.PREVIEWED:
            raise ImportRefused(["This file has already been imported."])
        plan = plan_return(
            locked.rows, locked.organisation, locked.period, locked.submit, lock=True
        )
        if plan.has_errors:
            raise ImportRefused(plan.error_messages)
        if plan.digest != locked.plan_digest:
            raise ImportRefused([STALE_PREVIEW])
        _write(plan, actor, f"Imported from {locked.filename}.")
        locked.status = ImportBatch.Status.APPLIED
        locked.finished_at = timezone.now()
        locked.counts = plan.counts
        locked.content = b""  # the figures now live in submissions; keep no copy
        locked.save(update_fields=["status", "finished_at", "counts", "content"])
    batch.refresh_from_db()
    return plan


# The template: one row per indicator × area the organisation reports, for one quarter.

INSTRUCTIONS = [
    "How to fill in this return",
    "",
    "Fill in the sheet called 'Return': one row for each indicator and area your "
    "organisation reports. Then upload the file on the portal's 'Import a quarterly "
    "return' page. You will see a preview of every change before anything is saved.",
    "",
    "Fill in the column named in 'what_to_fill': value for a figure entered as it is (a "
    "survey percentage); numerator for a count or a rate (the portal divides by the "
    "population); numerator and denominator for a percentage worked out from them.",
    "Write numbers as plain digits: 1234, not 1,234. A percentage may be typed as 12.5 or 12.5%.",
    "Write dates as 30/09/2016 or 2016-09-30. Leave the covered columns empty when the figure "
    "covers the quarter itself.",
    "Flags (nil_return, provisional, estimated): write yes, or leave empty for no. A nil "
    "return is a confirmed zero, not a missing figure.",
    "status: leave it empty when you give a figure. When there is none this quarter, write "
    "'not yet available' or 'no new data published' and leave the figures empty.",
    "A row left empty changes nothing. Do not add, remove or rename columns, merge cells "
    "or use formulas: such files are refused.",
    "Columns indicator_title, area_name, unit, what_to_fill and last_quarter_figure are for "
    "reference: changes to them are ignored.",
]


def _template_rows(organisation: Organisation, period: ReportingPeriod) -> list[list[Any]]:
    indicators = list(
        Indicator.objects.filter(owner=organisation, is_active=True)
        .select_related("outcome")
        .prefetch_related("areas")
    )
    ids = [i.pk for i in indicators]
    current = {
        (s.indicator_id, s.area_id): s
        for s in Submission.objects.current().filter(period=period, indicator_id__in=ids)
    }
    quarter = period.as_quarter
    previous = {
        (s.indicator_id, s.area_id): s
        for s in Submission.objects.approved().filter(
            period__year=quarter.previous().year,
            period__quarter=quarter.previous().number,
            indicator_id__in=ids,
        )
    }
    populations = Population.objects.by_area()
    rows = []
    for ind in indicators:
        for area in sorted(ind.areas.all(), key=lambda a: (a.display_order, a.name)):
            sub = current.get((ind.pk, area.pk))
            before = previous.get((ind.pk, area.pk))
            last = (
                figures.submission_figure(
                    ind, before, quarter.previous(), populations.get(area.pk, {})
                ).text(ind.unit)
                if before
                else ""
            )
            values = _current_values(sub)
            rows.append(
                [
                    ind.code,
                    ind.title,
                    area.code,
                    area.name,
                    quarter.code,
                    ind.get_unit_display(),
                    _what_to_fill(ind),
                    *(_cell_out(values[COLUMN_FIELDS[c]]) for c in RETURN_COLUMNS[7:18]),
                    _status_out(values["status"]),
                    last,
                ]
            )
    return rows


def _status_out(status: str) -> str:
    """Blank for a figure, so an untouched template row stays blank on upload."""
    return "" if status == Submission.Status.FIGURE else Submission.Status(status).label


def _cell_out(value: Any) -> Any:
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, Decimal):
        value = value.normalize()
        return int(value) if value == value.to_integral() else value
    return value if value not in ("",) else None


def build_template(
    organisation: Organisation, period: ReportingPeriod, file_format: str = "xlsx"
) -> tuple[bytes, str, str]:
    """(content, filename, content type) of the return template, pre-filled with any drafts."""
    rows = _template_rows(organisation, period)
    stem = f"return-{organisation.slug}-{period.code.replace('/', '-')}"
    if file_format == "csv":
        import csv
        import io

        out = io.StringIO()
        # Every text quoted: a ";" in a commentary must survive Calc's import dialog, which
        # splits at semicolons as well as commas by default.
        writer = csv.writer(out, quoting=csv.QUOTE_NONNUMERIC)
        writer.writerow(RETURN_COLUMNS)
        for row in rows:
            writer.writerow(
                [
                    c.isoformat()
                    if isinstance(c, dt.date)
                    else ("" if c is None else neutralise(c))
                    for c in row
                ]
            )
        return out.getvalue().encode("utf-8-sig"), f"{stem}.csv", "text/csv; charset=utf-8"
    return (
        _xlsx_template(organisation, period, rows),
        f"{stem}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def _xlsx_template(organisation, period, rows) -> bytes:
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    notes = book.active
    notes.title = "Instructions"
    notes.append([f"{INSTRUCTIONS_TITLE} {organisation.name}, {period.label}"])
    notes["A1"].font = Font(bold=True, size=14)
    for line in INSTRUCTIONS:
        notes.append([line])
    notes.column_dimensions["A"].width = 120
    sheet = book.create_sheet(SHEET_NAME)
    sheet.append(RETURN_COLUMNS)
    grey = PatternFill("solid", fgColor="F3F2F1")
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text, never a formula: it reads back unchanged
    for index, column in enumerate(RETURN_COLUMNS, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = 40 if "title" in column else 16
        if column in REFERENCE_COLUMNS:
            for cell in sheet[letter][1:]:
                cell.fill = grey
        if column in ("covered_start", "covered_end"):
            for cell in sheet[letter][1:]:
                cell.number_format = "DD/MM/YYYY"
    sheet.freeze_panes = "C2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
