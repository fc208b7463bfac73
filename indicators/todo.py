"""What each person has to do next, for the home page.

The home view lives in `portal`, which may not import this app (imports run reporting →
indicators → portal), so it asks each app's config for its panels (`home_todo` in
apps.py). Each panel is a dict with a `kind` that templates/portal/home_todo.html renders.
"""

from __future__ import annotations

from collections import Counter

from django.db.models import Count
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from portal import access

from .models import ReportingPeriod, Submission
from .views.rows import open_periods

State = Submission.State
NOT_IN = (State.DRAFT, State.RETURNED)


def submitter_panel(user) -> dict:
    """Returned figures first, then each open quarter's deadline and what is left to send."""
    organisation_ids = access.submitter_organisation_ids(user)
    mine = Submission.objects.current().for_organisations(organisation_ids)
    returned = list(
        mine.filter(state=State.RETURNED)
        .select_related("indicator", "area", "period")
        .order_by("period__year", "period__quarter", "indicator__display_order")
    )
    periods = open_periods()
    counts = {
        (row["period_id"], row["state"]): row["n"]
        for row in mine.filter(period__in=periods)
        .values("period_id", "state")
        .annotate(n=Count("id"))
    }
    quarters = [
        {
            "period": p,
            "to_send": counts.get((p.pk, State.DRAFT), 0) + counts.get((p.pk, State.RETURNED), 0),
            "waiting": counts.get((p.pk, State.SUBMITTED), 0),
            "approved": counts.get((p.pk, State.APPROVED), 0),
        }
        for p in reversed(periods)
    ]
    return {"kind": "submitter", "returned": returned, "quarters": quarters}


def approver_panel(user) -> dict:
    """The review queue's size and the organisations with figures past their deadline."""
    today = timezone.localdate()
    queue = Submission.objects.current().filter(state=State.SUBMITTED).count()
    late_periods = [
        p
        for p in ReportingPeriod.objects.filter(closed_at__isnull=True, deadline__lt=today)
        if not p.is_closed(today)
    ]
    overdue = Counter()
    for row in (
        Submission.objects.current()
        .filter(period__in=late_periods, state__in=NOT_IN)
        .values("indicator__owner__name", "period_id")
        .annotate(n=Count("id"))
    ):
        overdue[(row["indicator__owner__name"], row["period_id"])] += row["n"]
    by_pk = {p.pk: p for p in late_periods}
    late = [
        {"organisation": name, "period": by_pk[period_id], "count": n}
        for (name, period_id), n in sorted(overdue.items())
    ]
    return {"kind": "approver", "queue": queue, "overdue": late}


def viewer_panel(user) -> dict | None:
    """The latest quarter with approved figures, and what was approved since publication."""
    approved = Submission.objects.approved()
    latest = (
        ReportingPeriod.objects.filter(submissions__is_latest_approved=True)
        .order_by("-year", "-quarter")
        .first()
    )
    if latest is None:
        return None
    in_latest = approved.filter(period=latest)
    since = (
        in_latest.filter(approved_at__gt=latest.published_at).count()
        if latest.published_at
        else None
    )
    try:
        url = reverse("reporting:committee_dashboard", args=[latest.code])
    except NoReverseMatch:
        url = None
    return {
        "kind": "viewer",
        "period": latest,
        "approved": in_latest.count(),
        "approved_since_publication": since,
        "url": url,
    }


def panels_for(user) -> list[dict]:
    """The to-do panels for this user's roles, most pressing first."""
    found = []
    if access.is_submitter(user):
        found.append(submitter_panel(user))
    if access.is_approver(user):
        found.append(approver_panel(user))
    if access.is_viewer(user) and (panel := viewer_panel(user)):
        found.append(panel)
    return found
