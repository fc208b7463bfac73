"""Celery task of the historic import: takes the ImportBatch's primary key, idempotent.

The batch row holds the file, so any worker can run it; a retried or repeated run of an
applied batch does nothing, and a re-run of a failed one starts again from the file (the
write is one transaction, so a crash left nothing behind).
"""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import historic
from .import_files import FileRefused, sniff_format
from .models import ImportBatch


def queue_historic_import(content: bytes, filename: str, owner) -> ImportBatch:
    """Keep the upload as a batch and run the import once the batch is committed."""
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
        transaction.on_commit(lambda: run_historic_import.delay(batch.pk))
    return batch


@shared_task(acks_late=True)
def run_historic_import(batch_id: int) -> str:
    batch = ImportBatch.objects.select_related("owner").get(pk=batch_id)
    if batch.is_finished:
        return batch.status
    return historic.run(batch).status


EXPIRED = "This preview has expired: upload the file again."


def expire_import_previews(now=None) -> int:
    """Drop the stored file of uploads never confirmed within IMPORT_PREVIEW_EXPIRY_DAYS.

    The batch row stays as a record of the attempt; only the uploaded content and parsed
    rows go, and a late click on "confirm" is told to upload again."""
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
    return refused + expired


@shared_task(name="indicators.import_tasks.expire_import_previews")
def expire_import_previews_task() -> int:
    return expire_import_previews()
