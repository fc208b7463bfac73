"""Sending work to the Celery worker without ever failing a user's request.

Every task the portal sends goes through `enqueue` (or `enqueue_on_commit`). With the broker
down, publishing fails within the short connection timeouts in settings and `enqueue` answers
False instead of raising: mail waits in the outbox (beat retries every minute), and a job
the user asked for raises `BackgroundUnavailable`, which the middleware below turns into a
"try again in a few minutes" page (503).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from kombu.exceptions import OperationalError as KombuOperationalError
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

# What a publish raises when the broker cannot be reached (kombu wraps most of them).
BROKER_ERRORS = (KombuOperationalError, RedisError, ConnectionError, OSError, TimeoutError)

TRY_AGAIN = (
    "The portal's background service is not available just now, so your file could not be "
    "started. Nothing was lost: try again in a few minutes."
)


class BackgroundUnavailable(Exception):
    """A job the user is waiting for could not be handed to the worker."""


def enqueue(task, *args) -> bool:
    """Send `task(*args)` to the worker; False (logged, not raised) if the broker is down.

    `retry=False`: a request must not wait through kombu's publish retries (19 s per action
    was measured with the defaults)."""
    try:
        task.apply_async(args, retry=False)
    except BROKER_ERRORS as error:
        log.warning("Could not send %s%r to the broker: %s", task.name, args, error)
        return False
    return True


def enqueue_on_commit(task, *args, on_refused: Callable[[], None] | None = None) -> None:
    """`enqueue` once the current transaction commits (at once outside a transaction).

    `on_refused` runs if the broker refused the task: a job records that it was never
    started and raises `BackgroundUnavailable` so the user is told to try again."""

    def send() -> None:
        if not enqueue(task, *args) and on_refused is not None:
            on_refused()

    transaction.on_commit(send)


def retry_or_fail(stale, task, requeue: Callable, fail: Callable) -> tuple[int, int]:
    """The sweepers' rule for jobs whose worker died (no heartbeat within the time limit):
    `requeue` and send `task(job.pk)` again, or `fail` the job once it has had
    JOB_MAX_ATTEMPTS runs. Returns (retried, failed)."""
    retried = failed = 0
    for job in stale:
        if job.attempts >= settings.JOB_MAX_ATTEMPTS:
            fail(job)
            failed += 1
        else:
            requeue(job)
            retried += enqueue(task, job.pk)
    return retried, failed


class BackgroundUnavailableMiddleware:
    """Answer `BackgroundUnavailable` with a clear 503 page instead of a server error."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if not isinstance(exception, BackgroundUnavailable):
            return None
        response = render(
            request, "background_unavailable.html", {"message": TRY_AGAIN}, status=503
        )
        response["Retry-After"] = "120"
        return response
