"""Celery tasks of the portal package: the outbox sender (see `portal.outbox`)."""

from __future__ import annotations

from celery import shared_task

from . import outbox


@shared_task(name="portal.tasks.send_outbox", ignore_result=True)
def send_outbox() -> int:
    return outbox.send_pending()


def wake_outbox_sender() -> None:
    """Ask the worker to send the outbox once the current transaction commits.

    If the broker is down this does nothing: beat runs the sender every minute anyway."""
    from .background import enqueue_on_commit

    enqueue_on_commit(send_outbox)
