"""The submission tracker of a quarter: who has sent what, on time or late.

Completeness is the share of expected figures received (submitted or approved).
Timeliness, shown only once the deadline has passed (end of the day, UK time), is the
share of expected figures received whose first submission was by the deadline, so it can
never exceed completeness. A figure returned and sent again counts by its first submission.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Min
from django.utils import timezone

from ..models import Indicator, ReportingPeriod, Submission, SubmissionEvent
from .rows import status_of

State = Submission.State
RECEIVED = (State.SUBMITTED, State.APPROVED)


@dataclass
class TrackerRow:
    indicator: Indicator
    area: object
    submission: Submission | None
    first_submitted_at: object
    deadline_passed: bool
    deadline: object

    @property
    def organisation(self):
        return self.indicator.owner

    @property
    def status(self) -> str:
        return status_of(self.submission) if self.submission else "Not started"

    @property
    def received(self) -> bool:
        return bool(self.submission and self.submission.state in RECEIVED)

    @property
    def timeliness(self) -> str:
        """'On time', 'Late', 'Overdue' (not in after the deadline) or 'Not yet due'."""
        if self.received and self.first_submitted_at:
            day = timezone.localtime(self.first_submitted_at).date()
            return "On time" if day <= self.deadline else "Late"
        return "Overdue" if self.deadline_passed else "Not yet due"

    @property
    def on_time(self) -> bool:
        return self.timeliness == "On time"

    @property
    def late(self) -> bool:
        return self.timeliness in ("Late", "Overdue")


def tracker_rows(period: ReportingPeriod) -> list[TrackerRow]:
    """Every expected figure of the quarter, and any submission for a retired indicator."""
    submissions = {
        (s.indicator_id, s.area_id): s
        for s in Submission.objects.current()
        .filter(period=period)
        .select_related("submitted_by", "approved_by", "returned_by")
    }
    first = {
        (e["submission__indicator_id"], e["submission__area_id"]): e["first"]
        for e in SubmissionEvent.objects.filter(
            submission__period=period, action=SubmissionEvent.Action.SUBMITTED
        )
        .values("submission__indicator_id", "submission__area_id")
        .annotate(first=Min("at"))
    }
    ids = {k[0] for k in submissions}
    indicators = (
        (Indicator.objects.filter(is_active=True) | Indicator.objects.filter(pk__in=ids))
        .select_related("owner", "outcome")
        .prefetch_related("areas")
        .distinct()
    )
    passed = period.deadline_passed()
    rows = []
    for ind in indicators:
        areas = list(ind.areas.all())
        for area in areas:
            key = (ind.pk, area.pk)
            sub = submissions.get(key)
            if sub is not None:
                sub.indicator, sub.area, sub.period = ind, area, period
            rows.append(TrackerRow(ind, area, sub, first.get(key), passed, period.deadline))
    rows.sort(
        key=lambda r: (
            r.organisation.name,
            r.indicator.outcome.display_order,
            r.indicator.display_order,
            r.area.display_order,
            r.area.name,
        )
    )
    return rows


def percent(part: int, whole: int) -> int | None:
    return round(part * 100 / whole) if whole else None


def summary(rows: list[TrackerRow]) -> dict:
    """Counts and shares of `rows`; timeliness is None until the deadline has passed."""
    expected = len(rows)
    received = sum(r.received for r in rows)
    on_time = sum(r.on_time for r in rows)
    passed = bool(rows) and rows[0].deadline_passed
    approved = sum(bool(r.submission and r.submission.state == State.APPROVED) for r in rows)
    return {
        "expected": expected,
        "received": received,
        "submitted": received - approved,
        "approved": approved,
        "on_time": on_time,
        "late": sum(r.late for r in rows),
        "deadline_passed": passed,
        "completeness": percent(received, expected),
        "timeliness": percent(on_time, expected) if passed else None,
    }


def by_organisation(rows: list[TrackerRow]) -> list[dict]:
    """The summary for each organisation, in name order (rows are sorted that way)."""
    groups: dict[int, list[TrackerRow]] = {}
    for row in rows:
        groups.setdefault(row.organisation.pk, []).append(row)
    return [{"organisation": found[0].organisation, **summary(found)} for found in groups.values()]


def state_counts(periods) -> dict[int, dict[str, int]]:
    """Current submissions by state for each period, in one query (the quarters list)."""
    found: dict[int, dict[str, int]] = {p.pk: {} for p in periods}
    for row in (
        Submission.objects.current()
        .filter(period__in=periods)
        .values("period_id", "state")
        .annotate(n=Count("id"))
    ):
        found[row["period_id"]][row["state"]] = row["n"]
    return found


CSV_HEADER = [
    "Organisation",
    "Indicator code",
    "Indicator",
    "Area",
    "State",
    "Submitted on time",
    "First submitted",
    "Submitted by",
    "Last submitted",
    "Approved by",
    "Approved",
]


def _when(value) -> str:
    return timezone.localtime(value).strftime("%-d %b %Y %H:%M") if value else ""


def _who(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


def csv_rows(rows: list[TrackerRow]):
    yield CSV_HEADER
    for r in rows:
        s = r.submission
        yield [
            r.organisation.name,
            r.indicator.code,
            r.indicator.title,
            r.area.name,
            r.status,
            r.timeliness,
            _when(r.first_submitted_at),
            _who(s.submitted_by) if s else "",
            _when(s.submitted_at) if s else "",
            _who(s.approved_by) if s else "",
            _when(s.approved_at) if s else "",
        ]
