"""Helpers for the workflow tests: a submission of the crime indicator in a given state."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from indicators.models import Indicator, Submission


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


def many_submissions(partnership, n: int) -> None:
    """n submitted figures (and n approved last-quarter ones) across n indicators of org A."""
    p = partnership
    subs, before = [], []
    for i in range(n):
        ind = Indicator.objects.create(
            code=f"c{i}",
            title=f"Count {i}",
            outcome=p.outcome,
            owner=p.org_a,
            unit="count",
            formula="count",
            aggregation="sum",
            polarity="lower",
            rag_method="contextual",
        )
        ind.areas.add(p.county)
        for period, target, state in (
            (p.open_period, subs, "submitted"),
            (p.closed_period, before, "approved"),
        ):
            target.append(
                Submission(
                    indicator=ind,
                    area=p.county,
                    period=period,
                    state=state,
                    is_latest_approved=state == "approved",
                    numerator=Decimal(i),
                    submitted_by=p.submitter_a,
                    submitted_at=timezone.now(),
                    commentary="Steady.",
                )
            )
    Submission.objects.bulk_create(subs + before)
