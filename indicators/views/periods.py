"""Quarters for performance managers: list, open the next, deadlines, close, tracker,
overrides."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from portal.models import Area
from portal.tasks import wake_outbox_sender

from .. import notifications, workflow
from ..access import get_period_for_approver, require_approver
from ..forms import OVERRIDE_FORMS, DeadlineForm, OpenQuarterForm
from ..import_files import neutralise
from ..models import Override, ReportingPeriod
from ..quarters import Quarter
from . import tracker as tracking


@login_required
def period_list(request: HttpRequest) -> HttpResponse:
    require_approver(request)
    periods = list(ReportingPeriod.objects.order_by("-year", "-quarter"))
    counts = tracking.state_counts(periods)
    expected = len(workflow.expected_pairs())
    listed = []
    for p in periods:
        c = counts[p.pk]
        received = c.get("submitted", 0) + c.get("approved", 0)
        listed.append(
            {
                "period": p,
                "counts": c,
                "received": received,
                "total": max(sum(c.values()), expected if not p.is_closed() else 0),
                "closed": p.is_closed(),
            }
        )
    for item in listed:
        item["completeness"] = tracking.percent(item["received"], item["total"])
    return render(
        request,
        "indicators/period_list.html",
        {"periods": listed, "next_quarter": _next_quarters(periods)[0]},
    )


def _next_quarters(periods: list[ReportingPeriod]) -> list[Quarter]:
    """The quarter after the latest one held, and the one after that."""
    if periods:
        latest = max(p.as_quarter for p in periods)
    else:
        latest = Quarter.containing(timezone.localdate()).previous().previous()
    return [latest.next(), latest.next().next()]


@login_required
def period_open(request: HttpRequest) -> HttpResponse:
    require_approver(request)
    quarters = _next_quarters(list(ReportingPeriod.objects.all()))
    defaults = workflow.default_period_dates(quarters[0])
    form = OpenQuarterForm(
        request.POST or None,
        quarters=quarters,
        initial={"quarter": quarters[0].code, **defaults},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            period, created = workflow.open_quarter(
                data["quarter"], request.user, opens_on=data["opens_on"], deadline=data["deadline"]
            )
        except workflow.WorkflowError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                f"{period.label} is open: {created} expected figure"
                f"{'s' if created != 1 else ''} created as drafts for the partners.",
            )
            return redirect("indicators:tracker", period.as_quarter)
    return render(
        request,
        "indicators/period_open.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@login_required
def period_deadline(request: HttpRequest, quarter: Quarter) -> HttpResponse:
    period = get_period_for_approver(request, quarter)
    form = DeadlineForm(request.POST or None, initial={"deadline": period.deadline})
    if request.method == "POST" and form.is_valid():
        try:
            workflow.set_deadline(period, form.cleaned_data["deadline"], request.user)
        except workflow.WorkflowError as error:
            form.add_error("deadline", error.message)
        else:
            messages.success(request, f"The deadline for {period.short_label} was changed.")
            return redirect("indicators:period_list")
    return render(
        request,
        "indicators/period_deadline.html",
        {"period": period, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def period_close(request: HttpRequest, quarter: Quarter) -> HttpResponse:
    """Confirm, then close: partners can no longer change the quarter's figures.

    Closing is its own decision (publishing never closes). With figures not approved yet
    the manager must tick that they mean to close anyway.
    """
    period = get_period_for_approver(request, quarter)
    rows = tracking.tracker_rows(period)
    waiting = [r for r in rows if not (r.submission and r.submission.state == "approved")]
    error = None
    if request.method == "POST":
        if waiting and not request.POST.get("confirm_unfinished"):
            error = (
                f"Tick the box to confirm you want to close {period.short_label} with "
                f"{len(waiting)} figure{'s' if len(waiting) != 1 else ''} not approved."
            )
        else:
            try:
                workflow.close_quarter(period, request.user)
            except workflow.WorkflowError as exc:
                error = exc.message
            else:
                messages.success(request, f"{period.label} is closed.")
                return redirect("indicators:period_list")
    return render(
        request,
        "indicators/period_close.html",
        {"period": period, "waiting": waiting, "error": error},
        status=409 if error else 200,
    )


@login_required
def tracker(request: HttpRequest, quarter: Quarter) -> HttpResponse:
    period = get_period_for_approver(request, quarter)
    rows = tracking.tracker_rows(period)
    return render(
        request,
        "indicators/tracker.html",
        {
            "period": period,
            "rows": rows,
            "summary": tracking.summary(rows),
            "organisations": tracking.by_organisation(rows),
            "can_remind": period.is_open() and any(not r.received for r in rows),
        },
    )


@login_required
@require_POST
def tracker_remind(request: HttpRequest, quarter: Quarter) -> HttpResponse:
    """Email the data officers of figures not yet in, now; once per person per stage."""
    period = get_period_for_approver(request, quarter)
    if not period.is_open():
        messages.error(request, f"{period.short_label} is not open, so no reminders were sent.")
        return redirect("indicators:tracker", period.as_quarter)
    with transaction.atomic():
        sent = notifications.send_reminders_now(period)
        wake_outbox_sender()
    if sent:
        messages.success(
            request,
            f"{sent} reminder email{'s' if sent != 1 else ''} to data officers "
            f"{'are' if sent != 1 else 'is'} on the way.",
        )
    else:
        messages.info(
            request,
            "No reminders were sent: everyone with figures still to send has already been "
            "reminded at this stage.",
        )
    return redirect("indicators:tracker", period.as_quarter)


@login_required
def tracker_csv(request: HttpRequest, quarter: Quarter) -> HttpResponse:
    period = get_period_for_approver(request, quarter)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"submission-tracker-{period.year}-{(period.year + 1) % 100:02d}-q{period.quarter}"
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    writer = csv.writer(response)
    for row in tracking.csv_rows(tracking.tracker_rows(period)):
        writer.writerow([neutralise(cell) for cell in row])
    return response


@login_required
def overrides(request: HttpRequest, quarter: Quarter) -> HttpResponse:
    """Set direction of travel, RAG or an outcome's overall RAG by judgement, with a reason.

    One form per kind of judgement; the posted `kind` says which one was sent.
    """
    period = get_period_for_approver(request, quarter)
    areas = Area.objects.all()
    kind = request.POST.get("kind") if request.method == "POST" else None
    loaded = {"loaded_at": timezone.now()}
    forms = {
        name: form_class(request.POST if name == kind else None, areas=areas, initial=loaded)
        for name, form_class in OVERRIDE_FORMS.items()
    }
    if request.method == "POST":
        form = forms.get(kind)
        if form is None:
            messages.error(request, "Choose what to override: direction, RAG or outcome RAG.")
            return redirect("indicators:overrides", period.as_quarter)
        if form.is_valid():
            data = form.cleaned_data
            try:
                workflow.set_override(
                    kind,
                    form.target,
                    data["area"],
                    period,
                    data["value"],
                    data["reason"],
                    request.user,
                    seen_at=data["loaded_at"],
                )
            except workflow.WorkflowError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, "The override was recorded with its reason.")
                return redirect("indicators:overrides", period.as_quarter)
    recorded = Override.objects.filter(period=period).select_related(
        "indicator", "outcome", "area", "author"
    )
    bound = forms.get(kind)
    return render(
        request,
        "indicators/overrides.html",
        {"period": period, "forms": forms, "bound": bound, "overrides": recorded},
        status=400 if bound is not None and bound.errors else 200,
    )


@login_required
@require_POST
def override_clear(request: HttpRequest, quarter: Quarter, pk: int) -> HttpResponse:
    period = get_period_for_approver(request, quarter)
    override = Override.objects.filter(period=period, pk=pk).first()
    if override is None:
        raise Http404("No such override.")
    try:
        workflow.clear_override(override, request.user)
    except workflow.WorkflowError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "The override was cleared; the computed value shows again.")
    return redirect("indicators:overrides", period.as_quarter)
