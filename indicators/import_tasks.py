"""Celery tasks of the historic import: take the ImportBatch's primary key, idempotent.

The batch row holds the file, so any worker can run it; a retried or repeated run of an
applied batch does nothing, and a re-run of a failed one starts again from the file (the
write is one transaction, so a crash left nothing behind). A worker that dies mid-import
gives its message back (acks_late, reject_on_worker_lost); a batch with no heartbeat within
IMPORT_TIME_LIMIT is retried or failed by `sweep_stale_imports`.
"""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.conf import settings
from django.db.models import F
from django.utils import timezone

from portal.background import TRY_AGAIN, BackgroundUnavailable, enqueue_on_commit, retry_or_fail

from . import historic
from .import_files import FileRefused, sniff_format
from .models import ImportBatch

UNFINISHED = (ImportBatch.Status.QUEUED, ImportBatch.Status.RUNNING)
WORKER_LOST = (
    "The import stopped before it finished (the server running it was lost). Nothing was "
    "saved: upload the file again."
)
NOT_STARTED = "The import could not be started. Nothing was saved: upload the file again."


def queue_historic_import(content: bytes, filename: str, owner) -> ImportBatch:
    """Keep the upload as a batch and run the import once the batch is committed.

    If the broker refuses the task, the batch is failed (never left queued) and the request
    answers "try again in a few minutes" (`BackgroundUnavailable`, a 503 page)."""
    batch = ImportBatch(
        kind=ImportBatch.Kind.HISTORIC,
        owner=owner,
        filename=filename[:255],
        status=ImportBatch.Status.QUEUED,
    )
    try:
        batch.file_format = sniff_format(content, filename)
        batch.content = content
    except FileRefused as refused:
        batch.status = ImportBatch.Status.INVALID
        batch.errors = refused.messages
    batch.save()
    if batch.status == ImportBatch.Status.QUEUED:

        def refused() -> None:
            _fail(batch.pk, NOT_STARTED)
            raise BackgroundUnavailable(TRY_AGAIN)

        enqueue_on_commit(run_historic_import, batch.pk, on_refused=refused)
    return batch


def _fail(batch_id: int, message: str) -> None:
    ImportBatch.objects.filter(pk=batch_id).update(
        status=ImportBatch.Status.FAILED,
        errors=[message],
        content=b"",
        finished_at=timezone.now(),
        updated_at=timezone.now(),
    )


@shared_task(
    name="indicators.import_tasks.run_historic_import",
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=settings.IMPORT_TIME_LIMIT,
)
def run_historic_import(batch_id: int) -> str:
    ImportBatch.objects.filter(pk=batch_id, status__in=UNFINISHED).update(
        updated_at=timezone.now(), attempts=F("attempts") + 1
    )
    batch = ImportBatch.objects.select_related("owner").get(pk=batch_id)
    if batch.is_finished:
        return batch.status
    return historic.run(batch).status


def sweep_stale_imports(now: dt.datetime | None = None) -> tuple[int, int]:
    """Retry each historic import whose worker died (no heartbeat within the time limit),
    or fail it with a message after JOB_MAX_ATTEMPTS runs. Returns (retried, failed)."""
    now = now or timezone.now()
    limit = dt.timedelta(seconds=settings.IMPORT_TIME_LIMIT + 60)
    stale = ImportBatch.objects.filter(
        kind=ImportBatch.Kind.HISTORIC, status__in=UNFINISHED, updated_at__lt=now - limit
    ).only("pk", "attempts")
    return retry_or_fail(
        stale,
        run_historic_import,
        requeue=lambda batch: ImportBatch.objects.filter(pk=batch.pk).update(
            status=ImportBatch.Status.QUEUED, updated_at=timezone.now()
        ),
        fail=lambda batch: _fail(batch.pk, WORKER_LOST),
    )


@shared_task(name="indicators.import_tasks.sweep_stale_imports")
def sweep_stale_imports_task() -> list[int]:
    return list(sweep_stale_imports())


EXPIRED = "This preview has expired: upload the file again."


def expire_import_previews(now=None) -> int:
    """Drop the stored file of uploads never confirmed within IMPORT_PREVIEW_EXPIRY_DAYS.

    The batch row stays as a record of the attempt; only the uploaded content and parsed
    rows go, and a late click on "confirm" is told to upload again. A historic import
    left unfinished that long is failed with the reason, so nothing stays "queued"."""
    now = now or timezone.now()
    old = ImportBatch.objects.filter(
        created_at__lt=now - dt.timedelta(days=settings.IMPORT_PREVIEW_EXPIRY_DAYS)
    )
    refused = (
        old.filter(status__in=[ImportBatch.Status.INVALID, ImportBatch.Status.FAILED])
        .exclude(content=b"")
        .update(content=b"", rows=[])
    )
    expired = old.filter(status=ImportBatch.Status.PREVIEWED).update(
        content=b"", rows=[], status=ImportBatch.Status.INVALID, errors=[EXPIRED]
    )
    abandoned = old.filter(status__in=UNFINISHED).update(
        content=b"", rows=[], status=ImportBatch.Status.FAILED, errors=[WORKER_LOST]
    )
    return refused + expired + abandoned


@shared_task(name="indicators.import_tasks.expire_import_previews")
def expire_import_previews_task() -> int:
    return expire_import_previews()
