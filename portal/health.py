"""GET /health/: is this app server able to do its work? JSON for a load balancer or monitor.

Reports the database, the broker (and its queue length), the file storage and the age of
the oldest unsent email. 200 when all are well, 503 when any is not; never a secret (no
URLs, hosts or error text beyond the exception's class).
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .outbox import oldest_unsent_age


def _database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"ok": True}


def _broker() -> dict:
    if not settings.CELERY_BROKER_URL:
        return {"ok": True, "mode": "eager (no broker configured)"}
    from .celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=settings.BROKER_TIMEOUT)
        queued = conn.default_channel.client.llen(app.conf.task_default_queue)
    return {"ok": True, "queue_length": queued}


def _storage() -> dict:
    default_storage.exists("health-check")
    return {"ok": True}


def _outbox() -> dict:
    age = oldest_unsent_age()
    seconds = None if age is None else int(age.total_seconds())
    return {
        "ok": seconds is None or seconds <= settings.OUTBOX_MAX_AGE,
        "oldest_unsent_seconds": seconds,
    }


CHECKS = {"database": _database, "broker": _broker, "storage": _storage, "outbox": _outbox}


def _run(check) -> dict:
    try:
        return check()
    except Exception as error:  # a failing dependency is the answer, not a server error
        return {"ok": False, "error": type(error).__name__}


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    results = {name: _run(check) for name, check in CHECKS.items()}
    healthy = all(result["ok"] for result in results.values())
    return JsonResponse(
        {"status": "ok" if healthy else "failing", **results}, status=200 if healthy else 503
    )
