"""Public dashboards (published snapshots only), committee pages and publishing.

Public pages read `Publication.snapshot` and nothing else about figures, so an anonymous
visitor can never see an unpublished figure, commentary or an override's reason.
Committee pages (viewer and up) assemble the approved figures live.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from indicators.models import Indicator, ReportingPeriod
from portal import access
from portal.models import Area

from . import exports
from . import indicator_page as page
from .access import (
    area_or_404,
    default_area,
    period_or_404,
    publication_or_404,
    require_viewer,
)
from .assembly import build_dashboard
from .export_views import (  # noqa: F401  (re-exported for urls.py)
    committee_export,
    export_download,
    export_status,
    open_data,
    public_export,
)
from .models import Layout, Publication
from .publishing import PublishError, changes_between, publishable_areas
from .publishing import publish as publish_quarter
from .tables import CommitteePeriodTable

# --- public --------------------------------------------------------------------------------


def public_index(request):
    latest = (
        Publication.objects.latest_revisions()
        .filter(area__parent__isnull=True)
        .select_related("period", "area")
        .order_by("-period__year", "-period__quarter")
    )
    return render(request, "reporting/public_index.html", {"publications": latest})


def public_latest(request):
    publication = (
        Publication.objects.filter(area__parent__isnull=True)
        .select_related("period")
        .order_by("-period__year", "-period__quarter")
        .first()
    )
    if publication is None:
        raise Http404("Nothing has been published yet.")
    return redirect("reporting:public_dashboard", period=publication.period.code)


def _published_dashboard(publication: Publication, slug: str | None):
    dashboard = publication.dashboard_for(slug)
    if dashboard is None:
        raise Http404("This quarter was not published in that layout.")
    return dashboard


def public_dashboard(request, period: str, area: str | None = None):
    publication = publication_or_404(period, area, request.GET.get("revision"))
    slug = request.GET.get("layout") or None
    dashboard = _published_dashboard(publication, slug)
    revisions = list(
        Publication.objects.filter(period=publication.period, area=publication.area)
        .order_by("revision")
        .only("revision", "published_at", "revision_note", "period_id", "area_id")
    )
    areas = Area.objects.filter(
        pk__in=Publication.objects.filter(period=publication.period).values("area_id")
    ).parents_first()
    return render(
        request,
        "reporting/public_dashboard.html",
        {
            "publication": publication,
            "dashboard": dashboard,
            "revisions": revisions,
            "current_revision": revisions[-1].revision,
            "areas": areas,
            "layouts": publication.layout_choices(),
            "layout_query": slug or "",
        },
    )


def public_csv(request, period: str, area: str):
    publication = publication_or_404(period, area)
    dashboard = _published_dashboard(publication, request.GET.get("layout") or None)
    response = HttpResponse(exports.dashboard_csv(dashboard), content_type="text/csv")
    response["Content-Disposition"] = (
        f'attachment; filename="{exports.filename_for(dashboard, "csv")}"'
    )
    return response


def indicator_detail(request, code: str):
    """The indicator page: what it measures, how it is judged, its years and its trend.

    The public sees published quarters only; committee members and approvers also see
    approved quarters not yet published.
    """
    indicator = get_object_or_404(
        Indicator.objects.select_related("outcome", "owner", "comparator_group"), code=code
    )
    area = area_or_404(request.GET.get("area"))
    context = page.page_context(indicator, area, sees_approved=access.is_viewer(request.user))
    if context is None:
        raise Http404("This indicator has no figures for this area that you may see.")
    areas = Area.objects.filter(
        pk__in=Publication.objects.values("area_id"), indicators=indicator
    ).parents_first()
    return render(
        request,
        "reporting/indicator_detail.html",
        {"indicator": indicator, "area": area, "areas": areas, **context},
    )


# --- committee -----------------------------------------------------------------------------


@login_required
def committee_index(request):
    require_viewer(request.user)
    periods = (
        ReportingPeriod.objects.annotate(
            approved=Count("submissions", filter=Q(submissions__is_latest_approved=True))
        )
        .filter(approved__gt=0)
        .order_by("-year", "-quarter")
    )
    table = CommitteePeriodTable(periods)
    return render(request, "reporting/committee_index.html", {"table": table})


@login_required
def committee_dashboard(request, period: str, area: str | None = None):
    require_viewer(request.user)
    period_obj = period_or_404(period)
    area_obj = area_or_404(area)
    slug = request.GET.get("layout") or None
    layout = Layout.objects.by_slug_or_default(slug)
    if slug and layout is None:
        raise Http404("No such layout.")
    dashboard = build_dashboard(period_obj, area_obj, layout)
    if not dashboard.rows:
        raise Http404("No indicators are reported for this area.")
    last = Publication.objects.latest_for(period_obj, area_obj)
    compared_with = last
    if last is None:
        compared_with = (
            Publication.objects.filter(area=area_obj, period__year__lte=period_obj.year)
            .exclude(period__year=period_obj.year, period__quarter__gt=period_obj.quarter)
            .select_related("period")
            .order_by("-period__year", "-period__quarter", "-revision")
            .first()
        )
    changes = []
    if compared_with:
        published = compared_with.dashboard_for(dashboard.layout_slug) or compared_with.dashboard
        changes = changes_between(published, dashboard)
    return render(
        request,
        "reporting/committee_dashboard.html",
        {
            "period": period_obj,
            "area": area_obj,
            "dashboard": dashboard,
            "publication": last,
            "compared_with": compared_with,
            "changes": changes,
            "areas": publishable_areas(),
            "layouts": list(Layout.objects.values_list("slug", "title")),
            "layout_query": slug or "",
            "can_publish": access.is_approver(request.user),
            "export_formats": [
                ("pdf", "Prepare the PDF paper"),
                ("xlsx", "Prepare the Excel (XLSX) paper"),
                ("csv", "Prepare a CSV file"),
            ],
        },
    )


class PublishForm(forms.Form):
    note = forms.CharField(
        label="Revision note",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Say what changed since the last publication. The public sees this note.",
    )


@require_http_methods(["GET", "POST"])
@login_required
def publish(request, period: str):
    """Confirm (GET) and publish (POST) a quarter for every area; approvers only."""
    if not access.is_approver(request.user):
        raise PermissionDenied("Only approvers publish a quarter.")
    period_obj = period_or_404(period)
    published = Publication.objects.filter(period=period_obj).exists()
    form = PublishForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            made = publish_quarter(period_obj, request.user, note=form.cleaned_data["note"])
        except PublishError as exc:
            form.add_error("note", exc.message)
        else:
            revision = max(p.revision for p in made)
            messages.success(
                request,
                f"{period_obj.label} published for {len(made)} areas"
                + (f" as revision {revision}." if revision > 1 else "."),
            )
            return redirect("reporting:public_dashboard", period=period_obj.code)
    county = build_dashboard(period_obj, default_area())
    awaiting = [row.title for row in county.rows if row.is_awaiting]
    return render(
        request,
        "reporting/publish_confirm.html",
        {
            "period": period_obj,
            "form": form,
            "republishing": published,
            "awaiting": awaiting,
            "areas": publishable_areas(),
            "cancel_url": reverse("reporting:committee_dashboard", args=[period_obj.code]),
        },
    )
