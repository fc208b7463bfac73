"""Helpers for the workflow tests: a submission of the crime indicator in a given state."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from indicators.models import Submission


def make_submission(p, state: str = "draft", period=None, area=None, indicator=None, **values):
    """A current submission of org A's crime indicator, in `state`, with a count entered."""
    submitted = state in ("submitted", "returned", "approved")
    values.setdefault("numerator", Decimal(120))
    return Submission.objects.create(
        indicator=indicator or p.crime,
        area=area or p.county,
        period=period or p.open_period,
        state=state,
        is_latest_approved=state == "approved",
        submitted_by=p.submitter_a if submitted else None,
        submitted_at=timezone.now() if submitted else None,
        approved_by=p.approver if state == "approved" else None,
        returned_by=p.approver if state == "returned" else None,
        return_reason="Check the count against the crime system." if state == "returned" else "",
        **values,
    )
