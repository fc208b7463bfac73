"""Workflow transitions of a submission: draft → submitted → approved, or returned and back.

Each transition is a plain function: it opens a transaction, locks the row
(`select_for_update`), checks the current state and the locks of rule 10, raises a
`WorkflowError` with a message a user can act on, saves with `update_fields` and writes a
`SubmissionEvent`. Permission to touch the organisation's data is the view's access helper's
job; the rules about *who* may make a transition (no approving your own figure) live here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from portal import access

from .models import (
    RAG,
    Direction,
    Indicator,
    Outcome,
    Override,
    ReportingPeriod,
    Submission,
    SubmissionEvent,
)
from .quarters import Quarter, british_date

State = Submission.State
Action = SubmissionEvent.Action

# Fields a submitter edits; everything else is set by transitions.
EDITABLE_FIELDS = [
    "status",
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
    "commentary",
    "nn_rank",
    "nn_of",
    "nn_band",
    "nn_not_benchmarked",
    "county_rank",
    "county_of",
    "county_band",
    "county_not_benchmarked",
    "district_rank",
    "district_of",
    "district_band",
    "district_not_benchmarked",
]


class WorkflowError(Exception):
    """A refused transition. `code` lets callers react; `message` is for the user."""

    def __init__(self, message: str, code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.code = code


# Messages of rule 10: a refused edit says which lock applies.
LOCK_CLOSED = "{period} has closed, so its figures can no longer be changed. Ask a performance manager if a correction is needed."
LOCK_APPROVED = "This figure has been approved, so it cannot be changed. Ask a performance manager to reopen it for correction."
LOCK_SUBMITTED = "This figure has been submitted and is waiting for review. Withdraw it first if you need to change it."
LOCK_PUBLISHED = "{period} has been published. A correction must be reopened by a performance manager and will be republished with a revision note."
LOCK_NOT_OPEN = "{period} is not open for entry until {opens}."
STALE = "This figure was changed by someone else while you were working on it. Your changes have not been saved: reload the page to see the latest version."


def audit_value(value: Any) -> Any:
    """A field value as the audit trail stores it (JSON): Decimals as plain text, dates ISO."""
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _lock(submission: Submission) -> Submission:
    """Re-read the row under a lock; the caller's copy may be stale."""
    return (
        Submission.objects.select_for_update()
        .select_related("indicator", "period", "area")
        .get(pk=submission.pk)
    )


def _check_fresh(locked: Submission, expected_row_version: int | None) -> None:
    if expected_row_version is not None and locked.row_version != expected_row_version:
        raise WorkflowError(STALE, "stale")


def _check_period_open(period: ReportingPeriod, submission: Submission | None = None) -> None:
    """Refuse entry outside the quarter's window. A reopened correction (version 2 and
    later) was let in by an approver, so it may be edited in a closed or published quarter."""
    if submission is not None and submission.version > 1:
        return
    if period.is_published:
        raise WorkflowError(LOCK_PUBLISHED.format(period=period.short_label), "published")
    if period.is_closed():
        raise WorkflowError(LOCK_CLOSED.format(period=period.short_label), "closed")
    today = timezone.localdate()
    if period.opens_on > today:
        raise WorkflowError(
            LOCK_NOT_OPEN.format(
                period=period.short_label, opens=period.opens_on.strftime("%-d %b %Y")
            ),
            "not_open",
        )


def edit_lock(submission: Submission) -> str | None:
    """Why this submission cannot be edited by its owner now, or None when it can."""
    if submission.state == State.APPROVED:
        return LOCK_APPROVED
    if submission.state == State.SUBMITTED:
        return LOCK_SUBMITTED
    if submission.version == 1 and submission.period.is_published:
        return LOCK_PUBLISHED.format(period=submission.period.short_label)
    if submission.version == 1 and submission.period.is_closed():
        return LOCK_CLOSED.format(period=submission.period.short_label)
    return None


def _event(submission, action, actor, from_state="", comment="", changes=None) -> SubmissionEvent:
    return SubmissionEvent.objects.create(
        submission=submission,
        action=action,
        actor=actor,
        at=timezone.now(),
        from_state=from_state,
        to_state=submission.state,
        comment=comment,
        changes=changes or {},
    )


def _touch(submission: Submission, actor, fields: list[str]) -> None:
    submission.row_version += 1
    submission.updated_at = timezone.now()
    submission.updated_by = actor
    submission.save(update_fields=[*fields, "row_version", "updated_at", "updated_by"])


@transaction.atomic
def start_submission(indicator: Indicator, area, period: ReportingPeriod, actor) -> Submission:
    """The current submission for indicator × area × period, created as a draft if none.

    Safe under concurrent clicks: the unique constraint on the current version decides,
    and the loser reads the winner's row.
    """
    existing = Submission.objects.current().filter(indicator=indicator, area=area, period=period)
    found = existing.first()
    if found:
        return found
    if not indicator.areas.filter(pk=area.pk).exists():
        raise WorkflowError(f"{indicator.title} is not reported for {area.name}.", "area")
    _check_period_open(period)
    try:
        with transaction.atomic():
            submission = Submission.objects.create(
                indicator=indicator,
                area=area,
                period=period,
                version=1,
                created_by=actor,
                updated_by=actor,
            )
    except IntegrityError:
        return existing.get()
    _event(submission, Action.CREATED, actor)
    return submission


@transaction.atomic
def save_draft(
    submission: Submission,
    actor,
    data: Mapping[str, Any],
    expected_row_version: int | None = None,
    action: str = Action.SAVED,
    comment: str = "",
) -> Submission:
    """Save edited figures on a draft or returned submission; records old → new values."""
    locked = _lock(submission)
    _check_fresh(locked, expected_row_version)
    if locked.state not in (State.DRAFT, State.RETURNED):
        raise WorkflowError(edit_lock(locked) or LOCK_SUBMITTED, locked.state)
    _check_period_open(locked.period, locked)
    changes = {}
    for name in EDITABLE_FIELDS:
        if name in data and getattr(locked, name) != data[name]:
            changes[name] = [audit_value(getattr(locked, name)), audit_value(data[name])]
            setattr(locked, name, data[name])
    if changes or action != Action.SAVED:
        locked.full_clean(exclude=["indicator", "area", "period", "created_by", "updated_by"])
        _touch(locked, actor, list(changes))
        _event(locked, action, actor, from_state=locked.state, comment=comment, changes=changes)
    return locked


def swing_warning(
    submission: Submission, previous_figure: Decimal | None, figure: Decimal | None
) -> str | None:
    """A message when the figure moves more than the indicator's threshold since last quarter."""
    if previous_figure is None or figure is None or previous_figure == 0:
        return None
    change = (figure - previous_figure) * 100 / abs(previous_figure)
    if abs(change) > submission.indicator.swing_threshold:
        return (
            f"This figure is {abs(change):.0f}% {'higher' if change > 0 else 'lower'} than last "
            f"quarter ({previous_figure:f} → {figure:f}), beyond the "
            f"{submission.indicator.swing_threshold:.0f}% expected. Explain the change in the "
            "commentary before you submit."
        )
    return None


@transaction.atomic
def submit(
    submission: Submission,
    actor,
    expected_row_version: int | None = None,
    comment: str = "",
    swing_message: str | None = None,
) -> Submission:
    """Send a draft or returned figure for review. A large swing needs commentary first."""
    locked = _lock(submission)
    _check_fresh(locked, expected_row_version)
    if locked.state not in (State.DRAFT, State.RETURNED):
        raise WorkflowError(edit_lock(locked) or LOCK_SUBMITTED, locked.state)
    _check_period_open(locked.period, locked)
    errors = locked.indicator.validate_figures(
        locked.value, locked.numerator, locked.denominator, locked.is_nil_return, locked.status
    )
    if errors:
        raise WorkflowError("The figure is incomplete: " + " ".join(errors.values()), "incomplete")
    if swing_message and not locked.commentary.strip():
        raise WorkflowError(swing_message, "swing")
    from_state = locked.state
    locked.state = State.SUBMITTED
    locked.submitted_at = timezone.now()
    locked.submitted_by = actor
    _touch(locked, actor, ["state", "submitted_at", "submitted_by"])
    _event(locked, Action.SUBMITTED, actor, from_state=from_state, comment=comment)
    return locked


@transaction.atomic
def withdraw(submission: Submission, actor, expected_row_version: int | None = None) -> Submission:
    """Take a submitted figure back to draft before anyone has reviewed it."""
    locked = _lock(submission)
    _check_fresh(locked, expected_row_version)
    if locked.state != State.SUBMITTED:
        raise WorkflowError(
            "Only a submitted figure that has not been reviewed can be withdrawn.", locked.state
        )
    _check_period_open(locked.period, locked)
    locked.state = State.DRAFT
    _touch(locked, actor, ["state"])
    _event(locked, Action.WITHDRAWN, actor, from_state=State.SUBMITTED)
    return locked


def _check_reviewer(locked: Submission, actor) -> None:
    if not access.is_approver(actor):
        raise WorkflowError("Only a performance manager can review figures.", "permission")
    if locked.submitted_by_id == actor.pk:
        raise WorkflowError(
            "You submitted this figure, so another performance manager must review it.", "own"
        )


@transaction.atomic
def approve(
    submission: Submission, actor, comment: str = "", expected_row_version: int | None = None
) -> Submission:
    """Approve a submitted figure; it replaces any earlier approved version on dashboards."""
    locked = _lock(submission)
    _check_fresh(locked, expected_row_version)
    if locked.state != State.SUBMITTED:
        raise WorkflowError(
            f"This figure is {locked.get_state_display().lower()}, not waiting for review, so it "
            "cannot be approved. It may have been reviewed by someone else.",
            locked.state,
        )
    _check_reviewer(locked, actor)
    Submission.objects.filter(
        indicator=locked.indicator_id,
        area=locked.area_id,
        period=locked.period_id,
        is_latest_approved=True,
    ).exclude(pk=locked.pk).update(is_latest_approved=False)
    locked.state = State.APPROVED
    locked.is_latest_approved = True
    locked.approved_at = timezone.now()
    locked.approved_by = actor
    _touch(locked, actor, ["state", "is_latest_approved", "approved_at", "approved_by"])
    _event(locked, Action.APPROVED, actor, from_state=State.SUBMITTED, comment=comment)
    return locked


@transaction.atomic
def return_submission(
    submission: Submission, actor, comment: str, expected_row_version: int | None = None
) -> Submission:
    """Send a submitted figure back to its owner with the reason."""
    if not (comment or "").strip():
        raise WorkflowError(
            "Say why the figure is being returned, so the submitter can fix it.", "comment"
        )
    locked = _lock(submission)
    _check_fresh(locked, expected_row_version)
    if locked.state != State.SUBMITTED:
        raise WorkflowError(
            f"This figure is {locked.get_state_display().lower()}, not waiting for review, so it "
            "cannot be returned. It may have been reviewed by someone else.",
            locked.state,
        )
    _check_reviewer(locked, actor)
    locked.state = State.RETURNED
    locked.returned_at = timezone.now()
    locked.returned_by = actor
    locked.return_reason = comment.strip()
    _touch(locked, actor, ["state", "returned_at", "returned_by", "return_reason"])
    _event(locked, Action.RETURNED, actor, from_state=State.SUBMITTED, comment=comment.strip())
    return locked


@transaction.atomic
def reopen(submission: Submission, actor, reason: str) -> Submission:
    """Start a correction of an approved figure as a new draft version for its owner.

    The approved version stays on record, and on dashboards, until the new one is approved.
    A closed quarter may be reopened this way; it is the one edit a closed quarter allows.
    """
    if not access.is_approver(actor):
        raise WorkflowError(
            "Only a performance manager can reopen an approved figure.", "permission"
        )
    if not (reason or "").strip():
        raise WorkflowError("Say why the figure is being reopened.", "comment")
    locked = _lock(submission)
    if locked.state != State.APPROVED or not locked.is_current:
        raise WorkflowError(
            "Only the current approved version of a figure can be reopened.", locked.state
        )
    locked.is_current = False
    locked.save(update_fields=["is_current"])
    new = Submission(
        indicator=locked.indicator,
        area=locked.area,
        period=locked.period,
        version=locked.version + 1,
        is_current=True,
        state=State.DRAFT,
        created_by=actor,
        updated_by=actor,
        **{name: getattr(locked, name) for name in EDITABLE_FIELDS},
    )
    new.save()
    _event(
        locked,
        Action.REOPENED,
        actor,
        from_state=State.APPROVED,
        comment=reason.strip(),
        changes={"new_version": [locked.version, new.version]},
    )
    _event(
        new,
        Action.REOPENED,
        actor,
        comment=reason.strip(),
        changes={"previous_version": [None, locked.version]},
    )
    return new


# Quarters, bulk review and overrides (issue 3). Same shape as the transitions above: one
# transaction, the row locked, a state guard, a domain error and a record of what was done.

QUARTER_CLOSED = "{period} is already closed."
QUARTER_EXISTS = "{period} is already open."


def default_period_dates(quarter: Quarter) -> dict[str, dt.date]:
    """Entry opens the day after the quarter ends; figures are due six weeks later."""
    opens = quarter.end + dt.timedelta(days=1)
    return {"opens_on": opens, "deadline": opens + dt.timedelta(days=41)}


def expected_pairs() -> list[tuple[Indicator, Any]]:
    """Every active indicator × the areas it is reported for."""
    indicators = Indicator.objects.filter(is_active=True).prefetch_related("areas")
    return [(ind, area) for ind in indicators for area in ind.areas.all()]


@transaction.atomic
def open_quarter(
    quarter: Quarter | ReportingPeriod,
    actor,
    opens_on: dt.date | None = None,
    deadline: dt.date | None = None,
) -> tuple[ReportingPeriod, int]:
    """Open a quarter for entry: its period (created if needed) and an expected draft for
    every active indicator × area that has none yet. Returns (period, drafts created).

    Running it again creates nothing new, so it is safe to repeat (the demo does).
    """
    if isinstance(quarter, ReportingPeriod):
        period = quarter
    else:
        dates = default_period_dates(quarter)
        dates["opens_on"] = opens_on or dates["opens_on"]
        dates["deadline"] = deadline or max(dates["deadline"], dates["opens_on"])
        if dates["deadline"] < dates["opens_on"]:
            raise WorkflowError("The deadline must be on or after the day entry opens.", "deadline")
        try:
            with transaction.atomic():
                period, _ = ReportingPeriod.objects.get_or_create(
                    year=quarter.year, quarter=quarter.number, defaults=dates
                )
        except IntegrityError:
            period = ReportingPeriod.objects.get(year=quarter.year, quarter=quarter.number)
    period = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
    if period.is_closed():
        raise WorkflowError(QUARTER_CLOSED.format(period=period.short_label), "closed")
    existing = set(
        Submission.objects.filter(period=period, is_current=True).values_list(
            "indicator_id", "area_id"
        )
    )
    now = timezone.now()
    new = [
        Submission(
            indicator=ind,
            area=area,
            period=period,
            version=1,
            created_at=now,
            updated_at=now,
            created_by=actor,
            updated_by=actor,
        )
        for ind, area in expected_pairs()
        if (ind.pk, area.pk) not in existing
    ]
    Submission.objects.bulk_create(new)
    created = Submission.objects.filter(period=period, is_current=True, events__isnull=True)
    SubmissionEvent.objects.bulk_create(
        SubmissionEvent(
            submission=sub,
            action=Action.CREATED,
            actor=actor,
            at=now,
            to_state=State.DRAFT,
            comment=f"Expected when {period.short_label} was opened.",
        )
        for sub in created
    )
    return period, len(new)


@transaction.atomic
def set_deadline(period: ReportingPeriod, deadline: dt.date, actor) -> ReportingPeriod:
    """Move a quarter's deadline; a closed quarter keeps the deadline it closed with."""
    locked = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
    if locked.is_closed():
        raise WorkflowError(QUARTER_CLOSED.format(period=locked.short_label), "closed")
    if deadline < locked.opens_on:
        raise WorkflowError(
            f"The deadline must be on or after the day entry opens "
            f"({british_date(locked.opens_on)}).",
            "deadline",
        )
    if locked.closes_on is not None and locked.closes_on < deadline:
        locked.closes_on = deadline
    locked.deadline = deadline
    locked.save(update_fields=["deadline", "closes_on"])
    return locked


@transaction.atomic
def close_quarter(period: ReportingPeriod, actor) -> ReportingPeriod:
    """Close a quarter: no more edits except a reopen by an approver (rule 3)."""
    if not access.is_approver(actor):
        raise WorkflowError("Only a performance manager can close a quarter.", "permission")
    locked = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
    if locked.closed_at is not None:
        raise WorkflowError(QUARTER_CLOSED.format(period=locked.short_label), "closed")
    locked.closed_at = timezone.now()
    locked.closed_by = actor
    locked.save(update_fields=["closed_at", "closed_by"])
    return locked


def bulk_approve(
    submissions: Iterable[Submission], actor, comment: str = ""
) -> tuple[list[Submission], list[tuple[Submission, str]]]:
    """Approve each submission in its own transaction, so one refusal does not undo the rest.

    Returns (approved, [(refused submission, message)]).
    """
    done, refused = [], []
    for submission in submissions:
        try:
            done.append(approve(submission, actor, comment=comment))
        except WorkflowError as error:
            refused.append((submission, error.message))
    return done, refused


OVERRIDE_VALUES = {
    Override.Kind.DIRECTION: [c for c in Direction],
    Override.Kind.RAG: [c for c in RAG],
    Override.Kind.OUTCOME_RAG: [c for c in RAG],
}


@transaction.atomic
def set_override(
    kind: str,
    target: Indicator | Outcome,
    area,
    period: ReportingPeriod,
    value: str,
    reason: str,
    actor,
) -> Override:
    """Record an approver's judgement. The previous active override of the same thing is
    kept, inactive, so the record shows every judgement and its reason."""
    if not access.is_approver(actor):
        raise WorkflowError("Only a performance manager can set an override.", "permission")
    if not (reason or "").strip():
        raise WorkflowError("Give the reason for the override.", "reason")
    if kind not in OVERRIDE_VALUES:
        raise WorkflowError("Choose what to override.", "kind")
    if value not in {c.value for c in OVERRIDE_VALUES[kind]}:
        raise WorkflowError("Choose a value for the override.", "value")
    is_outcome = kind == Override.Kind.OUTCOME_RAG
    if is_outcome != isinstance(target, Outcome):
        raise WorkflowError(
            "An outcome's overall RAG is set on an outcome; direction and RAG on an indicator.",
            "kind",
        )
    lookup = {"outcome": target} if is_outcome else {"indicator": target}
    previous = Override.objects.select_for_update().filter(
        kind=kind, area=area, period=period, is_active=True, **lookup
    )
    previous.update(is_active=False)
    return Override.objects.create(
        kind=kind,
        area=area,
        period=period,
        value=value,
        reason=reason.strip(),
        author=actor,
        created_at=timezone.now(),
        **lookup,
    )


@transaction.atomic
def clear_override(override: Override, actor) -> Override:
    """Withdraw a judgement: the computed value shows again; the record stays."""
    if not access.is_approver(actor):
        raise WorkflowError("Only a performance manager can clear an override.", "permission")
    locked = Override.objects.select_for_update().get(pk=override.pk)
    if not locked.is_active:
        raise WorkflowError("This override has already been replaced or cleared.", "inactive")
    locked.is_active = False
    locked.save(update_fields=["is_active"])
    return locked
