"""Rule 4 under real row locks: two people at once, one wins, the other is told clearly.

Needs PostgreSQL (SQLite has no row locks to race on): run with DATABASE_URL set, e.g.
DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_test pytest tests/workflow -m postgres
"""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from indicators import workflow
from indicators.models import Submission, SubmissionEvent

from .helpers import make_submission

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL row locks: set DATABASE_URL=postgres://… to run",
    ),
]


def race(*calls):
    """Run each call in its own thread and connection, released together."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait(timeout=10)
            results[i] = call()
        except workflow.WorkflowError as error:
            results[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results


@pytest.mark.parametrize("with_row_version", [False, True])
def test_two_approvers_at_once_give_one_approval_and_one_clear_conflict(
    transactional_db, partnership, with_row_version
):
    p = partnership
    submission = make_submission(p, "submitted")
    version = submission.row_version if with_row_version else None

    def approve_as(user):
        return lambda: workflow.approve(
            Submission(pk=submission.pk), user, expected_row_version=version
        )

    results = race(approve_as(p.approver), approve_as(p.approver_2))
    errors = [r for r in results if isinstance(r, workflow.WorkflowError)]
    wins = [r for r in results if isinstance(r, Submission)]
    assert len(wins) == 1 and len(errors) == 1
    assert (
        "changed by someone else" in errors[0].message
        or "It may have been reviewed by someone else" in errors[0].message
    )
    assert SubmissionEvent.objects.filter(submission=submission, action="approved").count() == 1
    submission.refresh_from_db()
    assert submission.state == "approved" and submission.approved_by == wins[0].approved_by


def test_approve_and_return_at_once_give_exactly_one_transition(transactional_db, partnership):
    p = partnership
    submission = make_submission(p, "submitted")
    results = race(
        lambda: workflow.approve(Submission(pk=submission.pk), p.approver),
        lambda: workflow.return_submission(Submission(pk=submission.pk), p.approver_2, "No"),
    )
    assert sum(isinstance(r, Submission) for r in results) == 1
    decisions = SubmissionEvent.objects.filter(
        submission=submission, action__in=["approved", "returned"]
    )
    assert decisions.count() == 1


def test_a_stale_edit_is_refused_and_overwrites_nothing(transactional_db, partnership):
    p = partnership
    submission = make_submission(p, "draft")
    seen = submission.row_version
    results = race(
        lambda: workflow.save_draft(
            Submission(pk=submission.pk), p.submitter_a, {"numerator": Decimal(200)}, seen
        ),
        lambda: workflow.save_draft(
            Submission(pk=submission.pk), p.submitter_a, {"numerator": Decimal(300)}, seen
        ),
    )
    errors = [r for r in results if isinstance(r, workflow.WorkflowError)]
    assert len(errors) == 1 and errors[0].message == workflow.STALE
    winner = next(r for r in results if isinstance(r, Submission))
    submission.refresh_from_db()
    assert submission.numerator == winner.numerator
    assert submission.row_version == seen + 1
    assert SubmissionEvent.objects.filter(submission=submission, action="saved").count() == 1
