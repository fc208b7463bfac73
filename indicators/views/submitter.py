"""The partner data officer's pages: my submissions, the entry form, withdraw, history."""

from __future__ import annotations

import copy
from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from portal.models import Area, Population

from .. import tasks, workflow
from ..access import get_submission_for_owner, get_submission_for_user, require_submitter
from ..forms import SubmissionForm
from ..models import Indicator, ReportingPeriod, Submission, SubmissionEvent
from .rows import (
    RELATED,
    figure_of,
    has_figure,
    missing_pairs,
    open_periods,
    owned_indicators,
    row_sort_key,
    rows_for,
    status_of,
)

State = Submission.State


@login_required
def my_submissions(request: HttpRequest) -> HttpResponse:
    """Every indicator × area the user's organisation owns, per open quarter."""
    organisation_ids = require_submitter(request)
    periods = open_periods()
    # Two reads, each on its own index (an OR of the two defeats both): the open quarters'
    # figures, and corrections still being made in any quarter.
    mine = Submission.objects.current().for_organisations(organisation_ids)
    mine = mine.select_related(*RELATED)
    in_open = mine.filter(period__in=periods)
    corrections_elsewhere = mine.filter(
        version__gt=1, state__in=[State.DRAFT, State.RETURNED]
    ).exclude(period__in=periods)
    rows = rows_for([*in_open, *corrections_elsewhere])
    indicators = owned_indicators(organisation_ids)
    by_period = defaultdict(list)
    for row in rows:
        by_period[row.submission.period_id].append(row)
    sections = []
    for period in periods:
        missing = missing_pairs(indicators, by_period[period.pk])
        sections.append(
            {
                "period": period,
                "rows": sorted(by_period.pop(period.pk, []), key=row_sort_key),
                "missing": missing,
            }
        )
    corrections = sorted((r for rs in by_period.values() for r in rs), key=row_sort_key)
    return render(
        request,
        "indicators/my_submissions.html",
        {"sections": sections, "corrections": corrections, "today": timezone.localdate()},
    )


@login_required
@require_POST
def submission_start(request: HttpRequest) -> HttpResponse:
    """Start an expected figure that has no draft yet (an indicator added after opening)."""
    organisation_ids = require_submitter(request)
    try:
        indicator = get_object_or_404(
            Indicator, pk=int(request.POST.get("indicator", "")), owner_id__in=organisation_ids
        )
        area = get_object_or_404(Area, pk=int(request.POST.get("area", "")))
        period = get_object_or_404(ReportingPeriod, pk=int(request.POST.get("period", "")))
    except ValueError as exc:
        raise Http404("No such figure.") from exc
    try:
        submission = workflow.start_submission(indicator, area, period, request.user)
    except workflow.WorkflowError as error:
        messages.error(request, error.message)
        return redirect("indicators:my_submissions")
    return redirect("indicators:submission_edit", submission.pk)


def _populations(area_id: int) -> dict[int, int]:
    return Population.objects.by_area([area_id]).get(area_id, {})


def _previous(submission: Submission) -> Submission | None:
    q = submission.period.as_quarter.previous()
    return (
        Submission.objects.approved()
        .filter(
            indicator_id=submission.indicator_id,
            area_id=submission.area_id,
            period__year=q.year,
            period__quarter=q.number,
        )
        .select_related("period")
        .first()
    )


def _history(submission: Submission) -> list[dict]:
    """The last eight approved quarters before this one, newest first."""
    populations = _populations(submission.area_id)
    before = (
        Submission.objects.approved()
        .filter(indicator_id=submission.indicator_id, area_id=submission.area_id)
        .filter(
            Q(period__year__lt=submission.period.year)
            | Q(period__year=submission.period.year, period__quarter__lt=submission.period.quarter)
        )
        .select_related("period", "approved_by")
        .order_by("-period__year", "-period__quarter")[:8]
    )
    out = []
    for s in before:
        s.indicator = submission.indicator
        figure = figure_of(s, {s.area_id: populations})
        out.append(
            {"submission": s, "figure": figure, "text": figure.text(submission.indicator.unit)}
        )
    return out


def _apply_validation_error(form: SubmissionForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _preview(submission: Submission, form: SubmissionForm | None) -> Submission:
    """The submission as the form would leave it, for showing its figure before saving."""
    preview = copy.copy(submission)
    if form is not None and form.is_bound and hasattr(form, "cleaned_data"):
        for name, value in form.cleaned_data.items():
            if name in workflow.EDITABLE_FIELDS and name in form.fields:
                setattr(preview, name, value)
    return preview


@login_required
def submission_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The entry form: save a draft, check the figure, submit for review."""
    submission = get_submission_for_owner(request, pk)
    if not submission.is_current:
        messages.info(request, "This is an earlier version of the figure, kept on record.")
        return redirect("indicators:submission_history", submission.pk)
    lock = workflow.edit_lock(submission)
    previous = _previous(submission)
    populations = _populations(submission.area_id)
    previous_figure = (
        figure_of(_with_indicator(previous, submission), {submission.area_id: populations})
        if previous
        else None
    )
    form = None
    checked = False
    if not lock:
        if request.method == "POST":
            form = SubmissionForm(request.POST, submission=submission)
            action = request.POST.get("action", "save")
            if form.is_valid():
                if action == "check":
                    checked = True
                else:
                    done = _save(request, submission, form, action, previous_figure, populations)
                    if done:
                        return done
        else:
            form = SubmissionForm(submission=submission)
    preview = _preview(submission, form if checked or (form and form.is_bound) else None)
    figure = figure_of(preview, {submission.area_id: populations})
    swing = (
        workflow.swing_warning(preview, previous_figure.value, figure.value)
        if previous_figure and has_figure(preview)
        else None
    )
    return render(
        request,
        "indicators/submission_edit.html",
        {
            "submission": submission,
            "status": status_of(submission),
            "indicator": submission.indicator,
            "form": form,
            "lock": lock,
            "figure": figure if has_figure(preview) else None,
            "figure_text": figure.text(submission.indicator.unit),
            "previous_text": previous_figure.text(submission.indicator.unit)
            if previous_figure
            else "",
            "checked": checked,
            "previous": previous,
            "previous_figure": previous_figure,
            "swing": swing,
            "history": _history(submission),
        },
    )


def _with_indicator(sub: Submission, like: Submission) -> Submission:
    sub.indicator = like.indicator
    sub.area = like.area
    return sub


def _save(request, submission, form, action, previous_figure, populations):
    """Save (and maybe submit) in one transaction; errors go next to the field or on top."""
    if action == "submit":
        missing = form.missing_figures()
        for name, message in missing.items():
            form.add_error(name, message)
        if missing:
            return None
    preview = _preview(submission, form)
    figure = figure_of(preview, {submission.area_id: populations})
    swing = (
        workflow.swing_warning(preview, previous_figure.value, figure.value)
        if previous_figure
        else None
    )
    if action == "submit" and swing and not form.cleaned_data.get("commentary"):
        form.add_error("commentary", swing)
        return None
    try:
        with transaction.atomic():
            saved = workflow.save_draft(
                submission,
                request.user,
                form.changes(),
                expected_row_version=form.cleaned_data["row_version"],
            )
            if action == "submit":
                saved = workflow.submit(
                    saved, request.user, expected_row_version=saved.row_version, swing_message=swing
                )
                tasks.queue(tasks.notify_submitted, saved.pk)
    except workflow.WorkflowError as error:
        form.add_error("commentary" if error.code == "swing" else None, error.message)
        return None
    except ValidationError as error:
        _apply_validation_error(form, error)
        return None
    if action == "submit":
        messages.success(
            request,
            f"{saved.indicator.title} ({saved.area.name}, {saved.period.short_label}) was "
            "submitted for review.",
        )
        return redirect("indicators:my_submissions")
    messages.success(request, "Draft saved. The computed figure is shown below.")
    return redirect(reverse("indicators:submission_edit", args=[saved.pk]) + "#figure")


@login_required
@require_POST
def submission_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    submission = get_submission_for_owner(request, pk)
    try:
        row_version = int(request.POST.get("row_version", ""))
    except ValueError:
        row_version = None
    try:
        workflow.withdraw(submission, request.user, expected_row_version=row_version)
    except workflow.WorkflowError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "The figure was withdrawn and is a draft again.")
    return redirect("indicators:submission_edit", submission.pk)


FIELD_LABELS = {
    name: (SubmissionForm.base_fields[name].label if name in SubmissionForm.base_fields else name)
    for name in workflow.EDITABLE_FIELDS
}
FIELD_LABELS.update(
    {
        "value": "Figure",
        "numerator": "Count / numerator",
        "denominator": "Denominator",
        "new_version": "Version",
        "previous_version": "Previous version",
    }
)


@login_required
def submission_history(request: HttpRequest, pk: int) -> HttpResponse:
    """Who did what and when to every version of this figure, with old → new values."""
    submission = get_submission_for_user(request, pk)
    events = (
        SubmissionEvent.objects.filter(
            submission__indicator_id=submission.indicator_id,
            submission__area_id=submission.area_id,
            submission__period_id=submission.period_id,
        )
        .select_related("actor", "submission")
        .order_by("-at", "-id")
    )
    shown = []
    for event in events:
        changes = [
            {
                "field": FIELD_LABELS.get(name, name.replace("_", " ").capitalize()),
                "old": "" if pair[0] is None else pair[0],
                "new": "" if pair[1] is None else pair[1],
            }
            for name, pair in (event.changes or {}).items()
            if isinstance(pair, list | tuple) and len(pair) == 2
        ]
        shown.append({"event": event, "changes": changes})
    return render(
        request,
        "indicators/submission_history.html",
        {"submission": submission, "events": shown},
    )
