"""Access helpers for reporting pages: each answers 404 for what the visitor may not see."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from indicators.models import ReportingPeriod
from portal import access
from portal.models import Area, is_area_code

from .models import Publication


def period_or_404(code: str) -> ReportingPeriod:
    try:
        return ReportingPeriod.objects.get_by_code(code)
    except ReportingPeriod.DoesNotExist:
        raise Http404("No such quarter.") from None


def default_area() -> Area:
    area = Area.objects.filter(parent__isnull=True).order_by("display_order", "name").first()
    if area is None:
        raise Http404("No areas yet.")
    return area


def area_or_404(code: str | None) -> Area:
    if not code:
        return default_area()
    if not is_area_code(code):  # e.g. ?area= with a NUL byte, which PostgreSQL rejects
        raise Http404("No such area.")
    return get_object_or_404(Area, code=code)


def publication_or_404(period_code: str, area_code: str | None, revision=None) -> Publication:
    """The published revision the public may see; 404 for anything unpublished."""
    period = period_or_404(period_code)
    area = area_or_404(area_code)
    found = Publication.objects.filter(period=period, area=area).select_related("period", "area")
    if revision:
        try:
            return found.get(revision=int(revision))
        except (ValueError, Publication.DoesNotExist):
            raise Http404("No such revision.") from None
    publication = found.order_by("-revision").first()
    if publication is None:
        raise Http404("This quarter has not been published for this area.")
    return publication


def require_viewer(user) -> None:
    if not access.is_viewer(user):
        raise PermissionDenied("Committee pages are for committee members and approvers.")
