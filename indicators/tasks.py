"""Celery tasks: thin wrappers over `indicators.notifications`, which is tested directly.

Tasks take primary keys and ISO dates (JSON). Workflow notices no longer travel through the
broker: `queue` writes them to the outbox in the caller's transaction and wakes the sender
after the commit (the notify_* tasks stay registered so that messages queued by an older
release still drain). The periodic reminders run in the worker and send what they queued.
"""

from __future__ import annotations

import datetime as dt

from celery import shared_task

from portal.outbox import send_pending
from portal.tasks import wake_outbox_sender

from . import notifications


def _day(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


@shared_task(name="indicators.tasks.send_deadline_reminders")
def send_deadline_reminders(today: str | None = None) -> int:
    queued = notifications.send_deadline_reminders(_day(today))
    send_pending()
    return queued


@shared_task(name="indicators.tasks.send_overdue_notices")
def send_overdue_notices(today: str | None = None) -> int:
    queued = notifications.send_overdue_notices(_day(today))
    send_pending()
    return queued


@shared_task(name="indicators.tasks.send_review_digest")
def send_review_digest(today: str | None = None) -> int:
    queued = notifications.send_review_digest(_day(today))
    send_pending()
    return queued


@shared_task(name="indicators.tasks.notify_submitted")
def notify_submitted(submission_id: int) -> int:
    return notifications.notify_submitted(submission_id)


@shared_task(name="indicators.tasks.notify_imported")
def notify_imported(submission_ids: list[int]) -> int:
    return notifications.notify_imported(submission_ids)


@shared_task(name="indicators.tasks.notify_submitted_batch")
def notify_submitted_batch(submission_ids: list[int]) -> int:
    return notifications.notify_submitted_batch(submission_ids)


@shared_task(name="indicators.tasks.notify_returned")
def notify_returned(submission_id: int) -> int:
    return notifications.notify_returned(submission_id)


@shared_task(name="indicators.tasks.notify_approved")
def notify_approved(submission_id: int) -> int:
    return notifications.notify_approved(submission_id)


@shared_task(name="indicators.tasks.notify_reopened")
def notify_reopened(submission_id: int, reason: str = "") -> int:
    return notifications.notify_reopened(submission_id, reason)


def queue(task, *args) -> None:
    """Write `task`'s emails to the outbox now, in the caller's transaction, and wake the
    sender once it commits. Never talks to the broker before the commit, never raises if
    the broker is down (beat sends the outbox every minute)."""
    task(*args)
    wake_outbox_sender()
