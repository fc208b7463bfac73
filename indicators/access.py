"""Per-object access for the workflow's views (rule 11).

Each helper loads the object and answers 404 to anyone who may not know it exists (a
submitter of another organisation) and 403 to someone who may see it but not do this (a
viewer, or an approver trying to edit a partner's figure).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from portal import access

from .models import ReportingPeriod, Submission
from .quarters import Quarter

_RELATED = ("indicator", "indicator__owner", "indicator__outcome", "area", "period")


def can_read_submission(user, submission: Submission) -> bool:
    if access.is_viewer(user):
        return True
    return submission.indicator.owner_id in access.submitter_organisation_ids(user)


def get_submission_for_user(request: HttpRequest, pk: int) -> Submission:
    """Any role may read a submission it is entitled to; other organisations get 404."""
    submission = get_object_or_404(Submission.objects.select_related(*_RELATED), pk=pk)
    if not can_read_submission(request.user, submission):
        raise Http404("No such submission.")
    return submission


def get_submission_for_owner(request: HttpRequest, pk: int) -> Submission:
    """For entering figures: only a submitter of the owning organisation."""
    submission = get_submission_for_user(request, pk)
    if submission.indicator.owner_id not in access.submitter_organisation_ids(request.user):
        raise PermissionDenied("Only the owning organisation's data officers enter this figure.")
    return submission


def get_submission_for_reviewer(request: HttpRequest, pk: int) -> Submission:
    """For approving, returning and reopening: performance managers only."""
    submission = get_submission_for_user(request, pk)
    if not access.is_approver(request.user):
        raise PermissionDenied("Only a performance manager can review figures.")
    return submission


def require_submitter(request: HttpRequest) -> set[int]:
    """The organisations the user submits for; 403 for anyone who submits for none."""
    organisation_ids = access.submitter_organisation_ids(request.user)
    if not organisation_ids:
        raise PermissionDenied("This page is for partner data officers.")
    return organisation_ids


def require_approver(request: HttpRequest) -> None:
    if not access.is_approver(request.user):
        raise PermissionDenied("This page is for performance managers.")


def get_period_for_approver(request: HttpRequest, quarter: Quarter) -> ReportingPeriod:
    require_approver(request)
    return get_object_or_404(ReportingPeriod, year=quarter.year, quarter=quarter.number)
