"""Celery tasks: thin wrappers over `perform_export`, which is tested directly.

Tasks take primary keys and are sent on commit through `portal.background`; running one
twice is harmless (a finished job is left as it is, and a job ends with exactly one file).
A worker that dies mid-export gives its message back (acks_late, reject_on_worker_lost, the
broker's visibility_timeout), and the sweeper retries or fails a job with no heartbeat.
"""

from __future__ import annotations

import datetime as dt
import logging

from celery import shared_task
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from portal.background import retry_or_fail

from . import exports
from .assembly import build_dashboard
from .models import ExportJob, Layout, Publication

log = logging.getLogger(__name__)

EXTENSIONS = {"csv": "csv", "xlsx": "xlsx", "pdf": "pdf", "open_data": "csv"}
RENDERERS = {
    "csv": exports.dashboard_csv,
    "xlsx": exports.dashboard_xlsx,
    "pdf": exports.dashboard_pdf,
}


class ExportSourceMissing(Exception):
    pass


def export_bytes(job: ExportJob) -> tuple[bytes, str]:
    """The file for a job and its download name."""
    if job.format == ExportJob.Format.OPEN_DATA:
        return exports.open_data_csv(published_values()), "open-data.csv"
    if job.source == ExportJob.Source.PUBLISHED:
        publication = Publication.objects.latest_for(job.period, job.area)
        if publication is None:
            raise ExportSourceMissing("This quarter has not been published for this area.")
        dashboard = publication.dashboard_for(job.layout_slug or None)
        if dashboard is None:
            raise ExportSourceMissing("This quarter was not published in that layout.")
    else:
        layout = Layout.objects.by_slug_or_default(job.layout_slug or None)
        dashboard = build_dashboard(job.period, job.area, layout)
    content = RENDERERS[job.format](dashboard)
    return content, exports.filename_for(dashboard, EXTENSIONS[job.format])


def published_values():
    """Every value of every current published revision, in open-data form."""
    for publication in (
        Publication.objects.latest_revisions()
        .select_related("period", "area")
        .order_by("period__year", "period__quarter", "area__display_order")
    ):
        yield from publication.snapshot.get("values", [])


def _claim(job_id: int) -> ExportJob | None:
    """Mark the job running (a heartbeat and one more attempt); None if it is already done."""
    with transaction.atomic():
        job = (
            ExportJob.objects.select_for_update(of=("self",))
            .select_related("period", "area")
            .get(pk=job_id)
        )
        if job.status == ExportJob.Status.DONE and job.file:
            return None
        job.status = ExportJob.Status.RUNNING
        job.attempts += 1
        job.updated_at = timezone.now()
        job.save(update_fields=["status", "attempts", "updated_at"])
    return job


def _store(job_id: int, content: bytes, filename: str) -> None:
    """Save the file under the job's own name, unless another run got there first.

    The row lock orders two runs of one job (a redelivered message and a sweeper retry);
    the second finds it done and keeps nothing, and a half-written file of a run that died
    is replaced, so the job ends with exactly one file."""
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().get(pk=job_id)
        if job.status == ExportJob.Status.DONE and job.file:
            return
        name = f"{job.token}-{filename}"
        path = job.file.field.generate_filename(job, name)
        if job.file.storage.exists(path):
            job.file.storage.delete(path)
        job.file.save(name, ContentFile(content), save=False)
        job.filename = filename
        job.status = ExportJob.Status.DONE
        job.error = ""
        job.finished_at = job.updated_at = timezone.now()
        job.save(update_fields=["file", "filename", "status", "error", "finished_at", "updated_at"])


def perform_export(job_id: int) -> int:
    """Build the job's file once; a second run of a finished job changes nothing."""
    job = _claim(job_id)
    if job is None:
        return job_id
    try:
        content, filename = export_bytes(job)
    except Exception as exc:  # a failed export must say so on the status page
        log.exception("Export %s failed", job.token)
        job.fail(
            str(exc)
            if isinstance(exc, ExportSourceMissing)
            else "The export could not be made. Try again, or ask an administrator."
        )
        return job.id
    _store(job.id, content, filename)
    return job.id


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=settings.EXPORT_TIME_LIMIT,
    soft_time_limit=max(settings.EXPORT_TIME_LIMIT - 30, 10),
)
def run_export(job_id: int) -> int:
    return perform_export(job_id)


WORKER_LOST = "The file could not be made: the server preparing it stopped. Ask for the file again."


def sweep_stale_exports(now: dt.datetime | None = None) -> tuple[int, int]:
    """Retry each export whose worker died (no heartbeat within the time limit), or fail it
    with a message after JOB_MAX_ATTEMPTS runs. Returns (retried, failed)."""
    return retry_or_fail(
        ExportJob.objects.stale(now), run_export, requeue=ExportJob.requeue, fail=_worker_lost
    )


def _worker_lost(job: ExportJob) -> None:
    job.fail(WORKER_LOST)


@shared_task(name="reporting.tasks.sweep_stale_exports")
def sweep_stale_exports_task() -> list[int]:
    return list(sweep_stale_exports())


def purge_old_exports(now=None) -> int:
    """Delete export jobs, and their files, older than EXPORT_RETENTION_DAYS.

    Exports are rebuilt on request from the snapshot or the approved figures, so nothing is
    lost; without this the media folder grows with every download. A job some worker may
    still be on (a heartbeat within the time limit) is left for the next night."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.EXPORT_RETENTION_DAYS)
    live = ExportJob.objects.unfinished().exclude(pk__in=ExportJob.objects.stale(now).values("pk"))
    removed = 0
    for job in ExportJob.objects.filter(created_at__lt=cutoff).exclude(pk__in=live.values("pk")):
        if job.file:
            job.file.delete(save=False)
        job.delete()
        removed += 1
    return removed


@shared_task(name="reporting.tasks.purge_old_exports")
def purge_old_exports_task() -> int:
    return purge_old_exports()
