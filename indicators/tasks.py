"""Celery tasks: thin wrappers over `indicators.notifications`, which is tested directly.

Tasks take primary keys and ISO dates (JSON), and are sent with `transaction.on_commit`
(see `queue`) so a worker never reads a row before the transaction that wrote it commits.
"""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.db import transaction

from . import notifications


def _day(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


@shared_task(name="indicators.tasks.send_deadline_reminders")
def send_deadline_reminders(today: str | None = None) -> int:
    return notifications.send_deadline_reminders(_day(today))


@shared_task(name="indicators.tasks.send_overdue_notices")
def send_overdue_notices(today: str | None = None) -> int:
    return notifications.send_overdue_notices(_day(today))


@shared_task(name="indicators.tasks.send_review_digest")
def send_review_digest(today: str | None = None) -> int:
    return notifications.send_review_digest(_day(today))


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
    """Send `task` once the current transaction commits (at once outside a transaction)."""
    transaction.on_commit(lambda: task.delay(*args))
