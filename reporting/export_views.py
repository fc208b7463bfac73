"""Export views: start a job (POST), watch it, download the file; open data."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from portal import access

from . import exports
from .access import area_or_404, period_or_404, publication_or_404, require_viewer
from .models import ExportJob, Publication
from .tasks import published_values, run_export

FORMATS = {"csv", "xlsx", "pdf"}


def _start(request, source: str, period, area, fmt: str) -> ExportJob:
    job = ExportJob.objects.create(
        format=fmt,
        source=source,
        period=period,
        area=area,
        layout_slug=request.GET.get("layout", "")[:80],
        requested_by=request.user if request.user.is_authenticated else None,
    )
    transaction.on_commit(lambda: run_export.delay(job.id))
    return job


@require_POST
def public_export(request, period: str, area: str, fmt: str):
    if fmt not in FORMATS:
        raise Http404("No such format.")
    publication = publication_or_404(period, area)
    # A published snapshot does not change, so one file per revision and format serves
    # every visitor: repeated clicks (or scripts) do not queue more work.
    job = (
        ExportJob.objects.filter(
            source=ExportJob.Source.PUBLISHED,
            format=fmt,
            period=publication.period,
            area=publication.area,
            layout_slug=request.GET.get("layout", "")[:80],
            created_at__gte=publication.published_at,
        )
        .exclude(status=ExportJob.Status.FAILED)
        .order_by("-created_at")
        .first()
    ) or _start(request, ExportJob.Source.PUBLISHED, publication.period, publication.area, fmt)
    return redirect("reporting:export_status", token=job.token)


@require_POST
def committee_export(request, period: str, area: str, fmt: str):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    require_viewer(request.user)
    if fmt not in FORMATS:
        raise Http404("No such format.")
    job = _start(request, ExportJob.Source.LIVE, period_or_404(period), area_or_404(area), fmt)
    return redirect("reporting:export_status", token=job.token)


def _job_or_404(request, token) -> ExportJob:
    """Anyone with the link may fetch a published export; committee exports need a viewer."""
    job = get_object_or_404(ExportJob.objects.select_related("period", "area"), token=token)
    if job.source == ExportJob.Source.LIVE and not access.is_viewer(request.user):
        raise Http404("No such export.")
    return job


def export_status(request, token):
    job = _job_or_404(request, token)
    return render(request, "reporting/export_status.html", {"job": job})


def export_download(request, token):
    job = _job_or_404(request, token)
    if job.status != ExportJob.Status.DONE or not job.file:
        return redirect("reporting:export_status", token=job.token)
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.filename)


def open_data(request):
    """Every published value in long format (the current revision of each publication)."""
    if not Publication.objects.exists():
        raise Http404("Nothing has been published yet.")
    response = HttpResponse(exports.open_data_csv(published_values()), content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="open-data.csv"'
    return response
