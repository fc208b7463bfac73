"""Celery tasks: thin wrappers over `perform_export`, which is tested directly.

Tasks take primary keys and are sent with `transaction.on_commit`; running one twice is
harmless (a finished job is left as it is).
"""

from __future__ import annotations

import datetime as dt
import logging

from celery import shared_task
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

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


def perform_export(job_id: int) -> int:
    """Build the job's file once; a second run of a finished job changes nothing."""
    with transaction.atomic():
        job = (
            ExportJob.objects.select_for_update(of=("self",))
            .select_related("period", "area")
            .get(pk=job_id)
        )
        if job.status == ExportJob.Status.DONE and job.file:
            return job.id
        job.status = ExportJob.Status.RUNNING
        job.save(update_fields=["status"])
    try:
        content, filename = export_bytes(job)
    except Exception as exc:  # a failed export must say so on the status page
        log.exception("Export %s failed", job.token)
        job.status = ExportJob.Status.FAILED
        job.error = (
            str(exc)
            if isinstance(exc, ExportSourceMissing)
            else "The export could not be made. Try again, or ask an administrator."
        )
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "error", "finished_at"])
        return job.id
    job.file.save(f"{job.token}-{filename}", ContentFile(content), save=False)
    job.filename = filename
    job.status = ExportJob.Status.DONE
    job.error = ""
    job.finished_at = timezone.now()
    job.save(update_fields=["file", "filename", "status", "error", "finished_at"])
    return job.id


@shared_task(acks_late=True)
def run_export(job_id: int) -> int:
    return perform_export(job_id)


def purge_old_exports(now=None) -> int:
    """Delete export jobs, and their files, older than EXPORT_RETENTION_DAYS.

    Exports are rebuilt on request from the snapshot or the approved figures, so nothing is
    lost; without this the media folder grows with every download."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.EXPORT_RETENTION_DAYS)
    removed = 0
    for job in ExportJob.objects.filter(created_at__lt=cutoff).exclude(
        status=ExportJob.Status.RUNNING
    ):
        if job.file:
            job.file.delete(save=False)
        job.delete()
        removed += 1
    return removed


@shared_task(name="reporting.tasks.purge_old_exports")
def purge_old_exports_task() -> int:
    return purge_old_exports()
