"""Emails of the workflow: notices on transitions, deadline reminders and the review digest.

Plain functions, tested directly; `indicators/tasks.py` wraps them for Celery. Every email
has a plain-text and an HTML body from `templates/emails/`, and is written to the outbox
(`portal.outbox`) in the caller's transaction: the worker sends it after the commit, so a
broker or mail outage delays a notice but never loses it or fails the user's action.
Reminders record what they queued in `ReminderLog`, so a re-run of a task sends nothing twice.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from portal import outbox
from portal.models import Membership

from .models import ReminderLog, ReportingPeriod, Submission, SubmissionEvent

Role = Membership.Role
Stage = ReminderLog.Stage
WAITING = (Submission.State.DRAFT, Submission.State.RETURNED)
RELATED = ("indicator", "indicator__owner", "area", "period", "submitted_by", "returned_by")


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def send(template: str, recipients: Iterable[User], context: dict) -> int:
    """Queue `emails/<template>` (subject, .txt and .html) to each recipient separately.

    The rows join the caller's transaction; returns how many emails were queued."""
    sent = 0
    for user in recipients:
        if not user.email:
            continue
        ctx = {
            **context,
            "recipient": user,
            "site_url": settings.SITE_URL.rstrip("/"),
            "partnership_name": settings.PARTNERSHIP_NAME,
        }
        subject = " ".join(render_to_string(f"emails/{template}_subject.txt", ctx).split())
        outbox.add(
            user.email,
            subject,
            render_to_string(f"emails/{template}.txt", ctx),
            render_to_string(f"emails/{template}.html", ctx),
        )
        sent += 1
    return sent


def approvers() -> list[User]:
    return list(
        User.objects.filter(is_active=True, memberships__role=Role.APPROVER)
        .distinct()
        .order_by("username")
    )


def submitters_by_organisation(organisation_ids: Iterable[int]) -> dict[int, list[User]]:
    found: dict[int, list[User]] = defaultdict(list)
    for m in (
        Membership.objects.filter(
            organisation_id__in=set(organisation_ids), role=Role.SUBMITTER, user__is_active=True
        )
        .select_related("user")
        .order_by("user__username")
    ):
        found[m.organisation_id].append(m.user)
    return found


def _load(submission_id: int) -> Submission | None:
    return Submission.objects.select_related(*RELATED).filter(pk=submission_id).first()


def _links(submission: Submission) -> dict:
    return {
        "edit_url": absolute(reverse("indicators:submission_edit", args=[submission.pk])),
        "review_url": absolute(reverse("indicators:submission_review", args=[submission.pk])),
        "history_url": absolute(reverse("indicators:submission_history", args=[submission.pk])),
    }


def _owners(submission: Submission) -> list[User]:
    """Who hears about a decision: the person who submitted, else the organisation's officers."""
    if submission.submitted_by and submission.submitted_by.is_active:
        return [submission.submitted_by]
    return submitters_by_organisation([submission.indicator.owner_id]).get(
        submission.indicator.owner_id, []
    )


def notify_submitted(submission_id: int) -> int:
    """To the performance managers: a figure waits for review (not to its own submitter)."""
    submission = _load(submission_id)
    if submission is None or submission.state != Submission.State.SUBMITTED:
        return 0
    to = [u for u in approvers() if u.pk != submission.submitted_by_id]
    return send("submitted", to, {"submission": submission, **_links(submission)})


def notify_submitted_batch(submission_ids: list[int]) -> int:
    """To the performance managers: one email for figures submitted together (the quarter
    page's "Submit"), not one per figure."""
    return notify_imported(submission_ids, uploaded=False)


def notify_imported(submission_ids: list[int], uploaded: bool = True) -> int:
    """To the performance managers: one email for a spreadsheet of figures sent for review."""
    submissions = list(
        Submission.objects.select_related(*RELATED)
        .filter(pk__in=submission_ids, state=Submission.State.SUBMITTED)
        .order_by("indicator__display_order", "area__display_order")
    )
    if not submissions:
        return 0
    first = submissions[0]
    to = [u for u in approvers() if u.pk != first.submitted_by_id]
    return send(
        "imported",
        to,
        {
            "submissions": submissions,
            "submitter": first.submitted_by,
            "organisation": first.indicator.owner,
            "period": first.period,
            "uploaded": uploaded,
            "queue_url": absolute(reverse("indicators:review_queue")),
        },
    )


def notify_returned(submission_id: int) -> int:
    submission = _load(submission_id)
    if submission is None or submission.state != Submission.State.RETURNED:
        return 0
    return send("returned", _owners(submission), {"submission": submission, **_links(submission)})


def notify_approved(submission_id: int) -> int:
    submission = _load(submission_id)
    if submission is None or submission.state != Submission.State.APPROVED:
        return 0
    context = {"submission": submission, "comment": _approval_comment(submission)}
    return send("approved", _owners(submission), {**context, **_links(submission)})


def _approval_comment(submission: Submission) -> str:
    """What the approver wrote when approving: kept on the audit event, not the submission."""
    approvals = submission.events.filter(action=SubmissionEvent.Action.APPROVED)
    return approvals.order_by("-at", "-pk").values_list("comment", flat=True).first() or ""


def notify_reopened(submission_id: int, reason: str = "") -> int:
    submission = _load(submission_id)
    if submission is None:
        return 0
    owners = submitters_by_organisation([submission.indicator.owner_id]).get(
        submission.indicator.owner_id, []
    )
    return send(
        "reopened", owners, {"submission": submission, "reason": reason, **_links(submission)}
    )


def _send_once(
    stage: str,
    template: str,
    wanted: dict[User, list[Submission]],
    today: dt.date,
    context: dict,
) -> int:
    """Send each recipient one email about the submissions not yet reminded at this stage.

    The log rows and the outbox rows are written in one transaction: if another run logged
    them first, the unique constraint rolls both back, so no one hears twice.
    """
    logged = ReminderLog.objects.filter(stage=stage, recipient__in=list(wanted))
    if stage == Stage.DIGEST:
        logged = logged.filter(sent_on=today)
    done = set(logged.values_list("indicator_id", "area_id", "period_id", "recipient_id"))
    sent = 0
    for user, submissions in wanted.items():
        new = [
            s for s in submissions if (s.indicator_id, s.area_id, s.period_id, user.pk) not in done
        ]
        if not new or not user.email:
            continue
        try:
            with transaction.atomic():
                ReminderLog.objects.bulk_create(
                    ReminderLog(
                        indicator_id=s.indicator_id,
                        area_id=s.area_id,
                        period_id=s.period_id,
                        stage=stage,
                        recipient=user,
                        sent_on=today,
                    )
                    for s in new
                )
                sent += send(template, [user], {**context, "submissions": new, "today": today})
        except IntegrityError:
            continue
    return sent


def _by_owner(submissions: list[Submission]) -> dict[User, list[Submission]]:
    people = submitters_by_organisation(s.indicator.owner_id for s in submissions)
    wanted: dict[User, list[Submission]] = defaultdict(list)
    for s in submissions:
        for user in people.get(s.indicator.owner_id, []):
            wanted[user].append(s)
    return wanted


def _waiting(periods) -> list[Submission]:
    return list(
        Submission.objects.current()
        .filter(period__in=periods, state__in=WAITING)
        .select_related(*RELATED)
        .order_by("period__year", "period__quarter", "indicator__display_order", "area__name")
    )


def _remind_owners(stage: str, template: str, periods, today: dt.date) -> int:
    """Email each data officer the figures still waiting in `periods`, once per stage."""
    open_periods = [p for p in periods if not p.is_closed(today)]
    return _send_once(
        stage,
        template,
        _by_owner(_waiting(open_periods)),
        today,
        {"my_submissions_url": absolute(reverse("indicators:my_submissions"))},
    )


def send_deadline_reminders(today: dt.date | None = None) -> int:
    """Remind data officers of figures not yet submitted, REMINDER_DAYS_BEFORE_DEADLINE
    days (or fewer) before the deadline. Returns the number of emails sent."""
    today = today or timezone.localdate()
    days = settings.REMINDER_DAYS_BEFORE_DEADLINE
    periods = ReportingPeriod.objects.filter(
        closed_at__isnull=True,
        opens_on__lte=today,
        deadline__gte=today,
        deadline__lte=today + dt.timedelta(days=days),
    )
    return _remind_owners(Stage.DUE_SOON, "deadline_reminder", periods, today)


def send_reminders_now(period: ReportingPeriod, today: dt.date | None = None) -> int:
    """A performance manager's "send reminders now" for one quarter, through the same
    once-only log as the scheduled reminders: nobody is reminded twice at one stage."""
    today = today or timezone.localdate()
    if today > period.deadline:
        return _remind_owners(Stage.OVERDUE, "overdue_notice", [period], today)
    return _remind_owners(Stage.DUE_SOON, "deadline_reminder", [period], today)


def send_overdue_notices(today: dt.date | None = None) -> int:
    """Tell data officers which figures are past their deadline, once per figure."""
    today = today or timezone.localdate()
    periods = ReportingPeriod.objects.filter(closed_at__isnull=True, deadline__lt=today)
    return _remind_owners(Stage.OVERDUE, "overdue_notice", periods, today)


def send_review_digest(today: dt.date | None = None) -> int:
    """Once a day, tell each performance manager which figures wait for review."""
    today = today or timezone.localdate()
    pending = list(
        Submission.objects.current()
        .filter(state=Submission.State.SUBMITTED)
        .select_related(*RELATED)
        .order_by("submitted_at")
    )
    if not pending:
        return 0
    wanted = {user: pending for user in approvers()}
    return _send_once(
        Stage.DIGEST,
        "review_digest",
        wanted,
        today,
        {"queue_url": absolute(reverse("indicators:review_queue"))},
    )
