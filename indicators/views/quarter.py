"""A quarter's return on one page: every figure the officer's organisation owes, together.

"Save all" and "Submit" run in one transaction: one bad value, or one row changed by
someone else meanwhile, and nothing on the page is saved; each error is shown on its row
and listed at the top. With JavaScript, a row is saved as a draft when the officer leaves
it (`quarter_row_save`), so a timed-out session loses nothing typed.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from portal import access

from .. import tasks, workflow
from ..access import get_submission_for_owner, require_submitter
from ..forms import QuarterRowForm
from ..models import ReportingPeriod, Submission
from ..quarters import Quarter
from .rows import (
    RELATED,
    Row,
    figure_of,
    has_figure,
    missing_pairs,
    owned_indicators,
    populations_by_area,
    row_sort_key,
    rows_for,
)

EDITABLE = (Submission.State.DRAFT, Submission.State.RETURNED)


class _RolledBack(Exception):
    """Raised inside the page's transaction when any row failed, to undo every row."""


@dataclass
class QuarterRow:
    """One figure on the page: what the list shows, and its form when it can be edited."""

    row: Row
    form: QuarterRowForm | None
    lock: str | None
    swing: str | None = None  # the swing rule's message when this row is to be submitted

    @property
    def submission(self) -> Submission:
        return self.row.submission

    @property
    def anchor(self) -> str:
        return f"row-{self.submission.pk}"

    @property
    def label(self) -> str:
        return f"{self.submission.indicator.title} – {self.submission.area.name}"

    @property
    def has_errors(self) -> bool:
        return bool(self.form is not None and self.form.errors)


def _period(quarter: Quarter) -> ReportingPeriod:
    return get_object_or_404(ReportingPeriod, year=quarter.year, quarter=quarter.number)


def quarter_rows(
    period: ReportingPeriod, organisation_ids: set[int], data=None
) -> list[QuarterRow]:
    """The organisations' current figures for the period, each with a form if editable."""
    submissions = (
        Submission.objects.current()
        .for_organisations(organisation_ids)
        .filter(period=period)
        .select_related(*RELATED)
    )
    out = []
    for row in sorted(rows_for(submissions), key=row_sort_key):
        lock = workflow.edit_lock(row.submission)
        form = None if lock else QuarterRowForm(data, submission=row.submission)
        out.append(QuarterRow(row, form, lock))
    return out


def error_list(rows: list[QuarterRow]) -> list[tuple[str, str]]:
    """(anchor, message) for the GOV.UK error summary, each linking to its field."""
    found = []
    for item in rows:
        if not item.has_errors:
            continue
        for error in item.form.non_field_errors():
            found.append((item.anchor, f"{item.label}: {error}"))
        for field in item.form.visible_fields():
            for error in field.errors:
                found.append((field.id_for_label, f"{item.label}: {error}"))
    return found


def _preview(item: QuarterRow) -> Submission:
    preview = copy.copy(item.submission)
    for name, value in item.form.changes().items():
        setattr(preview, name, value)
    return preview


def _swing(item: QuarterRow, populations) -> str | None:
    preview = _preview(item)
    previous = item.row.previous
    if previous is None or not has_figure(preview):
        return None
    return workflow.swing_warning(preview, previous.value, figure_of(preview, populations).value)


def _to_submit(rows: list[QuarterRow], action: str) -> list[QuarterRow]:
    """Ticked rows for "Submit ticked"; every complete row for "Submit all complete"."""
    editable = [r for r in rows if r.form is not None]
    if action == "submit_ticked":
        return [r for r in editable if r.form.cleaned_data.get("selected")]
    return [r for r in editable if not r.form.missing_figures()]


def _check_submittable(chosen: list[QuarterRow]) -> None:
    """Missing figures and unexplained swings become errors on their rows."""
    populations = populations_by_area()
    for item in chosen:
        missing = item.form.missing_figures()
        for name, message in missing.items():
            item.form.add_error(name, message)
        if missing:
            continue
        item.swing = _swing(item, populations)
        if item.swing and not item.form.cleaned_data.get("commentary"):
            item.form.add_error("commentary", item.swing)


def _save_row(item: QuarterRow, actor) -> Submission:
    saved = workflow.save_draft(
        item.submission,
        actor,
        item.form.changes(),
        expected_row_version=item.form.cleaned_data["row_version"],
    )
    item.row.submission = saved
    return saved


def _record(item: QuarterRow, error: Exception) -> None:
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            item.form.add_error(name if name in item.form.fields else None, errors)
    else:
        item.form.add_error(None, getattr(error, "message", str(error)))


def save_page(rows: list[QuarterRow], action: str, actor) -> list[Submission] | None:
    """Save every changed row, then submit the chosen ones, all or nothing.

    Returns the submitted figures ([] for "Save all"), or None when a row has an error
    (shown on its form) and nothing was saved.
    """
    editable = [r for r in rows if r.form is not None]
    if not all([r.form.is_valid() for r in editable]):
        return None
    chosen = _to_submit(rows, action) if action != "save" else []
    _check_submittable(chosen)
    if any(r.has_errors for r in editable):
        return None
    submitted = []
    try:
        with transaction.atomic():
            for item in editable:
                try:
                    if item.form.has_changed():
                        _save_row(item, actor)
                except (workflow.WorkflowError, ValidationError) as error:
                    _record(item, error)
            if any(r.has_errors for r in editable):
                raise _RolledBack
            for item in chosen:
                # A row saved above was checked for freshness there; an unchanged one here.
                expected = (
                    item.row.submission.row_version
                    if item.form.has_changed()
                    else item.form.cleaned_data["row_version"]
                )
                try:
                    submitted.append(
                        workflow.submit(
                            item.row.submission,
                            actor,
                            expected_row_version=expected,
                            swing_message=item.swing,
                        )
                    )
                except workflow.WorkflowError as error:
                    _record(item, error)
            if any(r.has_errors for r in editable):
                raise _RolledBack
    except _RolledBack:
        return None
    return submitted


def _groups(rows: list[QuarterRow]) -> list[dict]:
    return [
        {"indicator": indicator, "rows": list(items)}
        for indicator, items in groupby(rows, key=lambda r: r.submission.indicator)
    ]


def _done_message(action: str, submitted: list[Submission], left: int) -> str:
    if action == "save":
        return "Your figures were saved as drafts."
    count = len(submitted)
    text = f"{count} figure{'s' if count != 1 else ''} submitted for review."
    if left:
        text += f" {left} figure{'s are' if left != 1 else ' is'} still to submit."
    return text


@login_required
def quarter_return(request: HttpRequest, quarter: Quarter) -> HttpResponse:
    """The whole quarter for the officer's organisation: enter, save all, submit."""
    organisation_ids = require_submitter(request)
    period = _period(quarter)
    rows = quarter_rows(
        period, organisation_ids, request.POST if request.method == "POST" else None
    )
    if request.method == "POST":
        action = request.POST.get("action", "save")
        if action not in ("save", "submit_all", "submit_ticked"):
            action = "save"
        submitted = save_page(rows, action, request.user)
        if submitted is not None:
            if submitted:
                tasks.queue(tasks.notify_submitted_batch, [s.pk for s in submitted])
            left = (
                Submission.objects.current()
                .for_organisations(organisation_ids)
                .filter(period=period, state__in=EDITABLE)
                .count()
            )
            messages.success(request, _done_message(action, submitted, left))
            return redirect("indicators:quarter_return", period.as_quarter)
    errors = error_list(rows)
    missing = missing_pairs(owned_indicators(organisation_ids), [r.row for r in rows])
    organisations = [m.organisation for m in access.memberships(request.user)]
    return render(
        request,
        "indicators/quarter_return.html",
        {
            "period": period,
            "groups": _groups(rows),
            "errors": errors,
            "editable": any(r.form is not None for r in rows),
            "missing": missing if period.is_open() else [],
            "organisations": sorted({o.name for o in organisations if o.pk in organisation_ids}),
            "today": timezone.localdate(),
        },
        status=400 if errors else 200,
    )


@login_required
@require_POST
def quarter_row_save(request: HttpRequest, quarter: Quarter, pk: int) -> JsonResponse:
    """Save one row as a draft (the page's script calls this as the officer moves on)."""
    submission = get_submission_for_owner(request, pk)
    if submission.period.as_quarter != quarter or not submission.is_current:
        return JsonResponse(
            {"saved": False, "message": "This figure is not on this page."}, status=404
        )
    lock = workflow.edit_lock(submission)
    if lock:
        return JsonResponse({"saved": False, "message": lock}, status=409)
    rows = rows_for([submission])
    item = QuarterRow(rows[0], QuarterRowForm(request.POST, submission=submission), None)
    if not item.form.is_valid():
        return JsonResponse({"saved": False, "errors": dict(item.form.errors)}, status=400)
    try:
        with transaction.atomic():
            saved = _save_row(item, request.user) if item.form.has_changed() else submission
    except (workflow.WorkflowError, ValidationError) as error:
        _record(item, error)
        status = 409 if getattr(error, "code", "") == "stale" else 400
        return JsonResponse({"saved": False, "errors": dict(item.form.errors)}, status=status)
    when = timezone.localtime(saved.updated_at).strftime("%H:%M")
    return JsonResponse(
        {
            "saved": True,
            "row_version": saved.row_version,
            "message": f"Draft saved at {when}.",
            "url": reverse("indicators:submission_edit", args=[saved.pk]),
        }
    )
