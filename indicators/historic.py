"""The historic import: approved values of past quarters, in the open-data long format.

All or nothing, in bounded memory: the file is streamed twice. The first pass checks every
row (codes, quarter, unit rules, clashes with figures already held) and keeps only the
set of keys seen; the second pass, run only when the first found no error, writes in
chunks with `bulk_create` inside one transaction. A value already held unchanged is
skipped, so importing the same file again changes nothing (a retried task is harmless).
Missing quarters are created, closed. Progress goes to the ImportBatch row while
checking and to the cache while writing (the write transaction is not visible until it
commits).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from portal.models import Area

from .columns import COMPARISON_COLUMNS, OPEN_DATA_COLUMNS, parse_status, read_comparisons
from .import_files import (
    MAX_ERRORS_SHOWN,
    CellError,
    FileRefused,
    Percentage,
    Table,
    date_window,
    fix_for,
    misplaced_percentage,
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

REQUIRED = {"indicator_code", "area_code", "quarter", "value", "numerator", "denominator"}
VALUE_FIELDS = [
    "value",
    "numerator",
    "denominator",
    "is_nil_return",
    "covered_start",
    "covered_end",
    "covered_label",
    "is_provisional",
    "is_estimated",
    "footnote",
    "status",
    *COMPARISON_COLUMNS,
]
CHUNK = 1000
# The open-data CSV prefixes text starting with these with "'" so spreadsheets do not run it.
FAILED = (
    "The import stopped on an error the portal did not expect. Nothing was saved. Try again; "
    "if it stops again, send the file to the portal's administrators."
)
logger = logging.getLogger(__name__)


def progress_key(batch_id: int) -> str:
    return f"import-progress-{batch_id}"


Key = tuple[int, int, Quarter]  # indicator id, area id, quarter


@dataclass
class Lookups:
    indicators: dict[str, Indicator]
    areas: dict[str, Area]
    area_ids: dict[int, set[int]]
    periods: dict[Quarter, ReportingPeriod]
    # Figures already held, for the keys of the chunk of rows in hand only: the database
    # may hold millions of submissions, and a file names a few of them.
    held: dict[Key, tuple] = field(default_factory=dict)  # latest approved values
    in_progress: dict[Key, str] = field(default_factory=dict)  # current, not approved: state

    @classmethod
    def load(cls) -> Lookups:
        """Reference data: indicators, areas and where each is reported, quarters."""
        indicators = {i.code.lower(): i for i in Indicator.objects.all()}
        areas = {a.code.upper(): a for a in Area.objects.all()}
        area_ids: dict[int, set[int]] = defaultdict(set)
        for ind_id, area_id in Indicator.areas.through.objects.values_list(
            "indicator_id", "area_id"
        ):
            area_ids[ind_id].add(area_id)
        periods = {p.as_quarter: p for p in ReportingPeriod.objects.all()}
        return cls(indicators, areas, area_ids, periods)

    def where(self, keys: Iterable[Key]) -> tuple[Q, dict[int, Quarter]]:
        """A filter for the submissions of `keys`, one term per indicator and quarter, and
        the quarters by period id. Quarters the portal has not got hold nothing."""
        by_cell: dict[tuple[int, int], set[int]] = defaultdict(set)
        quarters = {}
        for indicator_id, area_id, quarter in keys:
            period = self.periods.get(quarter)
            if period is not None:
                by_cell[(indicator_id, period.pk)].add(area_id)
                quarters[period.pk] = quarter
        where = Q()
        for (indicator_id, period_id), area_ids in by_cell.items():
            where |= Q(indicator_id=indicator_id, period_id=period_id, area_id__in=area_ids)
        return where, quarters

    def fetch_existing(self, keys: Iterable[Key]) -> None:
        """Load what is held for `keys` (one chunk of the file): two queries on the
        unique (indicator, area, period) indexes of current and latest approved figures."""
        self.held, self.in_progress = {}, {}
        where, quarters = self.where(keys)
        if not quarters:
            return
        fields = ("indicator_id", "area_id", "period_id")
        for row in (
            Submission.objects.approved()
            .filter(where)
            .order_by()
            .values_list(*fields, *VALUE_FIELDS)
        ):
            self.held[(row[0], row[1], quarters[row[2]])] = tuple(row[3:])
        for i, a, p, state in (
            Submission.objects.current()
            .filter(where)
            .exclude(state=Submission.State.APPROVED)
            .order_by()
            .values_list(*fields, "state")
        ):
            self.in_progress[(i, a, quarters[p])] = state


def _chunks(rows: Iterator[tuple[int, dict]], size: int = CHUNK) -> Iterator[list]:
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _text(value: Any, limit: int) -> str:
    text = parse_text(value, limit)
    return restore_neutralised(text)


def _window(cells: dict[str, Any]) -> tuple[dt.date, dt.date] | None:
    """The row's own quarter bounds the dates a two-digit year may mean."""
    try:
        return date_window(Quarter.from_code(parse_text(cells.get("quarter"), 20)))
    except (CellError, ValueError):
        return None


def _read(cells: dict[str, Any], table: Table) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    data: dict[str, Any] = {"percent": {}}
    errors: list[tuple[str, str]] = []
    window = _window(cells)
    readers: list[tuple[str, str, Callable]] = [
        ("indicator_code", "code", lambda v: parse_text(v, 40).lower()),
        ("area_code", "area", lambda v: parse_text(v, 20).upper()),
        ("quarter", "quarter", lambda v: parse_text(v, 20)),
        ("value", "value", parse_decimal),
        ("numerator", "numerator", parse_decimal),
        ("denominator", "denominator", parse_decimal),
        ("covered_start", "covered_start", lambda v: parse_date(v, window)),
        ("covered_end", "covered_end", lambda v: parse_date(v, window)),
        ("covered_label", "covered_label", lambda v: _text(v, 60)),
        ("nil_return", "is_nil_return", parse_flag),
        ("provisional", "is_provisional", parse_flag),
        ("estimated", "is_estimated", parse_flag),
        ("footnote", "footnote", lambda v: _text(v, 2000)),
        ("revision", "version", parse_decimal),
        ("status", "status", lambda v: parse_status(v) or Submission.Status.FIGURE),
    ]
    for column, name, reader in readers:
        try:
            data[name] = reader(cells.get(column))
        except CellError as error:
            errors.append((column, table.message(error)))
        if isinstance(data.get(name), Percentage):
            shown = plain(data[name]).rstrip("%")
            data["percent"][column] = (shown, fix_for("percent", table.program))
            data[name] = Decimal(data[name])
    comparisons, comparison_errors = read_comparisons(cells)
    return {**data, **comparisons}, errors + comparison_errors


def _check(data: dict, lookups: Lookups, seen: set, today: dt.date) -> list[tuple[str, str]]:
    """What is wrong with one row, as (column, message); empty when it can be imported."""
    errors: list[tuple[str, str]] = []
    indicator = lookups.indicators.get(data["code"])
    area = lookups.areas.get(data["area"])
    if indicator is None:
        errors.append(("indicator_code", f"There is no indicator with the code '{data['code']}'."))
    if area is None:
        errors.append(("area_code", f"There is no area with the code '{data['area']}'."))
    elif indicator and area.pk not in lookups.area_ids[indicator.pk]:
        errors.append(("area_code", f"{indicator.code} is not reported for {area.name}."))
    try:
        quarter = Quarter.from_code(data["quarter"])
    except ValueError as error:
        return [*errors, ("quarter", str(error))]
    if quarter.end >= today:
        errors.append(
            (
                "quarter",
                f"{quarter.label} is not over yet: enter its figures through the quarterly "
                "return, not as history.",
            )
        )
    version = Decimal(1) if data.get("version") is None else data["version"]
    if version < 1 or version != version.to_integral():
        errors.append(("revision", "The revision is a whole number, 1 or more."))
    for column, (shown, fix) in data["percent"].items() if indicator else ():
        if message := misplaced_percentage(column, shown, indicator.unit, indicator.code):
            errors.append((column, f"{message} {fix}"))
    if errors:
        return errors
    data["version"] = int(version)
    key = (indicator.pk, area.pk, quarter)
    # One int per row seen (not a tuple of objects): 200,000 rows keep a few MB.
    compact = (indicator.pk << 42) | (area.pk << 21) | (quarter.year * 4 + quarter.number)
    if compact in seen:
        return [("quarter", f"{indicator.code} for {area.name} in {quarter.code} appears twice.")]
    seen.add(compact)
    data["key"] = key
    if data["is_nil_return"] and any(data[n] not in (None, 0) for n in ("value", "numerator")):
        errors.append(("nil_return", "A nil return cannot carry a figure other than 0."))
    for name, message in indicator.validate_figures(
        data["value"], data["numerator"], data["denominator"], data["is_nil_return"], data["status"]
    ).items():
        errors.append(("nil_return" if name == "is_nil_return" else name, message))
    if (
        data["covered_start"]
        and data["covered_end"]
        and data["covered_end"] < data["covered_start"]
    ):
        errors.append(("covered_end", "The covered period must end after it starts."))
    return errors


def _check_existing(data: dict, lookups: Lookups, errors: list) -> list[tuple[str, str]]:
    """Clashes with figures already held, for a row whose key is known (after `_check`)."""
    key = data["key"]
    quarter = key[2]
    code, area = lookups.indicators[data["code"]].code, lookups.areas[data["area"]].name
    what = f"{code} for {area} in {quarter.short_label}"
    found = []
    if key in lookups.in_progress:
        found.append(
            (
                "quarter",
                f"{what} has a figure in progress ({lookups.in_progress[key]}); finish or "
                "withdraw it first.",
            )
        )
    held = lookups.held.get(key)
    if held is not None and not errors and not found and held != _values(data):
        found.append(
            (
                "value",
                f"{what} already has a different approved figure. Correct it by reopening "
                "it in the portal.",
            )
        )
    return found


def _values(data: dict) -> tuple:
    return tuple(data[n] for n in VALUE_FIELDS)


def _table(batch: ImportBatch) -> Table:
    """The file's rows; notes and totals under the data (no area, no quarter) are skipped."""
    return open_table(
        bytes(batch.content),
        batch.filename,
        OPEN_DATA_COLUMNS,
        REQUIRED,
        sheet_names=("Data",),
        key_columns=("area_code", "quarter"),
    )


@dataclass
class Outcome:
    rows: int = 0
    created: int = 0
    unchanged: int = 0
    errors: list[str] | None = None


def check(batch: ImportBatch, lookups: Lookups, report: Callable[[int], None]) -> Outcome:
    """Pass one: every row checked, nothing written."""
    outcome = Outcome(errors=[])
    seen: set = set()
    today = timezone.localdate()
    table = _table(batch)
    for chunk in _chunks(table.rows):
        checked = []
        for number, cells in chunk:
            data, errors = _read(cells, table)
            if not errors:
                errors = _check(data, lookups, seen, today)
            checked.append((number, data, errors))
        lookups.fetch_existing(data["key"] for _, data, _ in checked if "key" in data)
        for number, data, errors in checked:
            outcome.rows += 1
            if "key" in data:
                errors += _check_existing(data, lookups, errors)
            for column, message in errors:
                if len(outcome.errors) < MAX_ERRORS_SHOWN:
                    outcome.errors.append(f"Row {number}, column {column}: {message}")
                else:
                    outcome.errors.append("")  # counted, not shown
        report(outcome.rows)
    return outcome


def _period_for(quarter: Quarter, lookups: Lookups, now: dt.datetime) -> ReportingPeriod:
    period = lookups.periods.get(quarter)
    if period is None:
        opens = quarter.end + dt.timedelta(days=1)
        deadline = opens + dt.timedelta(days=41)
        period = ReportingPeriod.objects.create(
            year=quarter.year,
            quarter=quarter.number,
            opens_on=opens,
            deadline=deadline,
            closes_on=deadline + dt.timedelta(days=14),
            closed_at=now,
        )
        lookups.periods[quarter] = period
    return period


def write(batch: ImportBatch, lookups: Lookups, actor, report: Callable[[int], None]) -> Outcome:
    """Pass two, inside the caller's transaction: bulk inserts in chunks of CHUNK rows."""
    outcome = Outcome()
    now = timezone.now()
    comment = f"Historic approved value imported from {batch.filename}."
    pending: list[Submission] = []

    def flush():
        Submission.objects.bulk_create(pending, batch_size=CHUNK)
        SubmissionEvent.objects.bulk_create(
            [
                SubmissionEvent(
                    submission=sub,
                    action=SubmissionEvent.Action.IMPORTED,
                    actor=actor,
                    at=now,
                    to_state=Submission.State.APPROVED,
                    comment=comment,
                )
                for sub in pending
            ],
            batch_size=CHUNK,
        )
        pending.clear()

    table = _table(batch)
    for chunk in _chunks(table.rows):
        rows = []
        for _number, cells in chunk:
            data, _ = _read(cells, table)
            _check(data, lookups, set(), dt.date.max)  # fills in the key and the version
            rows.append(data)
        lookups.fetch_existing(data["key"] for data in rows)
        for data in rows:
            outcome.rows += 1
            indicator_id, area_id, quarter = data["key"]
            if data["key"] in lookups.held:
                outcome.unchanged += 1
                continue
            pending.append(
                Submission(
                    indicator_id=indicator_id,
                    area_id=area_id,
                    period=_period_for(quarter, lookups, now),
                    version=data["version"],
                    is_current=True,
                    is_latest_approved=True,
                    state=Submission.State.APPROVED,
                    created_at=now,
                    created_by=actor,
                    updated_at=now,
                    updated_by=actor,
                    approved_at=now,
                    approved_by=actor,
                    **{name: data[name] for name in VALUE_FIELDS},
                )
            )
            outcome.created += 1
        flush()
        report(outcome.rows)
    return outcome


def run(batch: ImportBatch, actor=None) -> ImportBatch:
    """Check, then write all or nothing; the batch records the outcome and any errors."""
    actor = actor or batch.owner
    batch.status = ImportBatch.Status.RUNNING
    batch.errors = []
    batch.save(update_fields=["status", "errors"])

    def checked(done: int) -> None:
        batch.progress_done = done
        batch.save(update_fields=["progress_done"])

    def written(done: int) -> None:
        cache.set(progress_key(batch.pk), batch.progress_total // 2 + done, 3600)

    try:
        lookups = Lookups.load()
        outcome = check(batch, lookups, checked)
        batch.row_count = outcome.rows
        batch.progress_total = outcome.rows * 2
        batch.progress_done = outcome.rows
        if outcome.errors:
            shown = [e for e in outcome.errors if e]
            hidden = len(outcome.errors) - len(shown)
            batch.errors = shown + ([f"… and {hidden} more problems."] if hidden else [])
            batch.status = ImportBatch.Status.INVALID
        else:
            with transaction.atomic():
                result = write(batch, lookups, actor, written)
            batch.counts = {"created": result.created, "unchanged": result.unchanged}
            batch.progress_done = batch.progress_total
            batch.status = ImportBatch.Status.APPLIED
    except FileRefused as refused:
        batch.errors = refused.messages
        batch.status = ImportBatch.Status.INVALID
    except Exception:
        # Whatever the file did, the job ends: a batch left "running" would wait for ever.
        logger.exception("Historic import %s failed", batch.pk)
        batch.errors = [FAILED]
        batch.status = ImportBatch.Status.FAILED
    batch.finished_at = timezone.now()
    batch.content = b"" if batch.status == ImportBatch.Status.APPLIED else batch.content
    batch.save()
    cache.delete(progress_key(batch.pk))
    return batch


def current_progress(batch: ImportBatch) -> int:
    """Rows done, counting the writes that the open transaction does not show yet."""
    return max(batch.progress_done, cache.get(progress_key(batch.pk)) or 0)
