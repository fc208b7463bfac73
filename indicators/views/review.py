"""The performance manager's pages: the review queue, approve, return, reopen, bulk approve."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from .. import tasks, workflow
from ..access import get_submission_for_reviewer, require_approver
from ..filters import ReviewFilter
from ..forms import BulkApproveForm, ReopenForm, ReturnForm, ReviewForm
from ..models import Submission
from ..tables import ReviewTable
from .rows import RELATED, PagedRows
from .submitter import _history, _populations, _previous, _with_indicator, figure_of

State = Submission.State
PER_PAGE = 50
# Two forms on one page: distinct ids keep each label tied to its own field.
APPROVE_ID, RETURN_ID = "approve_%s", "return_%s"


def safe_next(request: HttpRequest) -> str:
    """The `next` address the page came with, if it is on this site; else "" (as login does:
    no off-site or javascript: link, in the back link or the redirect)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def _back(request: HttpRequest, default: str = "indicators:review_queue"):
    """Return to the queue the user came from (its filters kept), never off-site."""
    return redirect(safe_next(request) or default)


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    require_approver(request)
    queryset = Submission.objects.current().select_related(*RELATED)
    filterset = ReviewFilter(request.GET, queryset=queryset)
    matching = filterset.qs if filterset.is_valid() else queryset.none()
    rows = PagedRows(matching)
    table = ReviewTable(rows)
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    return render(
        request,
        "indicators/review_queue.html",
        {"filter": filterset, "table": table, "count": len(rows), "more": rows.more},
    )


@login_required
def submission_review(request: HttpRequest, pk: int) -> HttpResponse:
    submission = get_submission_for_reviewer(request, pk)
    return _review_page(request, submission)


def _review_page(request, submission, approve_form=None, return_form=None, status=200):
    populations = _populations(submission.area_id)
    previous = _previous(submission)
    previous_figure = (
        figure_of(_with_indicator(previous, submission), {submission.area_id: populations})
        if previous
        else None
    )
    initial = {"row_version": submission.row_version}
    figure = figure_of(submission, {submission.area_id: populations})
    unit = submission.indicator.unit
    return render(
        request,
        "indicators/submission_review.html",
        {
            "submission": submission,
            "indicator": submission.indicator,
            "figure": figure,
            "figure_text": figure.text(unit),
            "previous_text": previous_figure.text(unit) if previous_figure else "",
            "previous_figure": previous_figure,
            "approve_form": approve_form or ReviewForm(initial=initial, auto_id=APPROVE_ID),
            "return_form": return_form or ReturnForm(initial=initial, auto_id=RETURN_ID),
            "own": submission.submitted_by_id == request.user.pk,
            "history": _history(submission),
            "next": safe_next(request),
        },
        status=status,
    )


@login_required
@require_POST
def submission_approve(request: HttpRequest, pk: int) -> HttpResponse:
    submission = get_submission_for_reviewer(request, pk)
    form = ReviewForm(request.POST, auto_id=APPROVE_ID)
    if not form.is_valid():
        return _review_page(request, submission, approve_form=form, status=400)
    try:
        # The email row is written in the transition's own transaction (the outbox).
        with transaction.atomic():
            approved = workflow.approve(
                submission,
                request.user,
                comment=form.cleaned_data["comment"],
                expected_row_version=form.cleaned_data["row_version"],
            )
            tasks.queue(tasks.notify_approved, approved.pk)
    except workflow.WorkflowError as error:
        form.add_error(None, error.message)
        return _review_page(request, submission, approve_form=form, status=409)
    messages.success(
        request,
        f"Approved {approved.indicator.title} ({approved.area.name}, "
        f"{approved.period.short_label}).",
    )
    return _back(request)


@login_required
@require_POST
def submission_return(request: HttpRequest, pk: int) -> HttpResponse:
    submission = get_submission_for_reviewer(request, pk)
    form = ReturnForm(request.POST, auto_id=RETURN_ID)
    if not form.is_valid():
        return _review_page(request, submission, return_form=form, status=400)
    try:
        with transaction.atomic():
            returned = workflow.return_submission(
                submission,
                request.user,
                form.cleaned_data["comment"],
                expected_row_version=form.cleaned_data["row_version"],
            )
            tasks.queue(tasks.notify_returned, returned.pk)
    except workflow.WorkflowError as error:
        form.add_error(None, error.message)
        return _review_page(request, submission, return_form=form, status=409)
    messages.success(
        request,
        f"Returned {returned.indicator.title} ({returned.area.name}) to "
        f"{returned.indicator.owner.display_name} with your comment.",
    )
    return _back(request)


@login_required
def submission_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm, then start a correction of an approved figure as a new draft version."""
    submission = get_submission_for_reviewer(request, pk)
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                new = workflow.reopen(submission, request.user, form.cleaned_data["reason"])
                tasks.queue(tasks.notify_reopened, new.pk, form.cleaned_data["reason"])
        except workflow.WorkflowError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                f"Reopened for correction: version {new.version} is a draft for "
                f"{new.indicator.owner.display_name}. The approved version stays on the "
                "dashboard until the correction is approved.",
            )
            return redirect("indicators:submission_review", new.pk)
    return render(
        request,
        "indicators/submission_reopen.html",
        {"submission": submission, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def bulk_approve(request: HttpRequest) -> HttpResponse:
    require_approver(request)
    # Any current figure may be ticked; one reviewed meanwhile is refused with its reason.
    form = BulkApproveForm(request.POST, queryset=Submission.objects.all())
    if not form.is_valid():
        messages.error(request, "Select at least one figure to approve.")
        return _back(request)
    selected = form.cleaned_data["selected"].select_related(*RELATED).order_by("pk")
    with transaction.atomic():
        done, refused = workflow.bulk_approve(selected, request.user)
        for submission in done:
            tasks.queue(tasks.notify_approved, submission.pk)
    if done:
        messages.success(request, f"Approved {len(done)} figure{'s' if len(done) != 1 else ''}.")
    for submission, message in refused:
        messages.error(request, f"{submission.indicator.title} ({submission.area.name}): {message}")
    return _back(request)
