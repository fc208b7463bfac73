"""The transition table: every (state, action, role) is allowed or refused with its message.

Who may touch an organisation's data at all is the views' access helpers' job (see
test_object_permissions.py); these rows are the workflow's own rules (rules 3 and 10).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from indicators import workflow
from indicators.models import Submission, SubmissionEvent

from .helpers import make_submission

pytestmark = pytest.mark.django_db

NOT_REVIEWABLE = "not waiting for review, so it cannot be {verb}"
OK = None

# (state, action, role) → None when allowed, else a fragment of the refusal message.
TABLE = [
    ("draft", "save", "owner", OK),
    ("returned", "save", "owner", OK),
    ("submitted", "save", "owner", workflow.LOCK_SUBMITTED),
    ("approved", "save", "owner", workflow.LOCK_APPROVED),
    ("draft", "submit", "owner", OK),
    ("returned", "submit", "owner", OK),
    ("submitted", "submit", "owner", workflow.LOCK_SUBMITTED),
    ("approved", "submit", "owner", workflow.LOCK_APPROVED),
    ("draft", "withdraw", "owner", "Only a submitted figure"),
    ("submitted", "withdraw", "owner", OK),
    ("returned", "withdraw", "owner", "Only a submitted figure"),
    ("approved", "withdraw", "owner", "Only a submitted figure"),
    ("submitted", "approve", "approver", OK),
    ("submitted", "approve", "owner", "Only a performance manager can review figures."),
    ("submitted", "approve", "self", "You submitted this figure"),
    ("draft", "approve", "approver", NOT_REVIEWABLE.format(verb="approved")),
    ("returned", "approve", "approver", NOT_REVIEWABLE.format(verb="approved")),
    ("approved", "approve", "approver", NOT_REVIEWABLE.format(verb="approved")),
    ("submitted", "return", "approver", OK),
    ("submitted", "return", "owner", "Only a performance manager can review figures."),
    ("submitted", "return", "self", "You submitted this figure"),
    ("draft", "return", "approver", NOT_REVIEWABLE.format(verb="returned")),
    ("returned", "return", "approver", NOT_REVIEWABLE.format(verb="returned")),
    ("approved", "return", "approver", NOT_REVIEWABLE.format(verb="returned")),
    ("approved", "reopen", "approver", OK),
    ("approved", "reopen", "owner", "Only a performance manager can reopen"),
    ("draft", "reopen", "approver", "Only the current approved version"),
    ("submitted", "reopen", "approver", "Only the current approved version"),
    ("returned", "reopen", "approver", "Only the current approved version"),
]

AFTER = {
    "save": None,
    "submit": "submitted",
    "withdraw": "draft",
    "approve": "approved",
    "return": "returned",
}


def act(action: str, submission: Submission, actor):
    if action == "save":
        return workflow.save_draft(submission, actor, {"numerator": Decimal(121)})
    if action == "submit":
        return workflow.submit(submission, actor)
    if action == "withdraw":
        return workflow.withdraw(submission, actor)
    if action == "approve":
        return workflow.approve(submission, actor)
    if action == "return":
        return workflow.return_submission(submission, actor, "Please check the count.")
    if action == "reopen":
        return workflow.reopen(submission, actor, "The force re-ran its figures.")
    raise AssertionError(action)


@pytest.mark.parametrize(("state", "action", "role", "refusal"), TABLE)
def test_transition_table(partnership, state, action, role, refusal):
    p = partnership
    submission = make_submission(p, state)
    if role == "self":
        submission.submitted_by = p.approver
        submission.save(update_fields=["submitted_by"])
    actor = {"owner": p.submitter_a, "approver": p.approver, "self": p.approver}[role]
    events_before = SubmissionEvent.objects.count()
    row_version = submission.row_version

    if refusal is None:
        result = act(action, submission, actor)
        if action == "reopen":
            assert result.version == 2 and result.state == "draft"
            submission.refresh_from_db()
            assert submission.state == "approved" and submission.is_latest_approved
            assert not submission.is_current
        else:
            submission.refresh_from_db()
            assert submission.state == (AFTER[action] or state)
            assert submission.row_version == row_version + 1
        assert SubmissionEvent.objects.count() > events_before
    else:
        with pytest.raises(workflow.WorkflowError) as refused:
            act(action, submission, actor)
        assert refusal in refused.value.message
        submission.refresh_from_db()
        assert submission.state == state
        assert submission.row_version == row_version
        assert SubmissionEvent.objects.count() == events_before


def test_every_state_action_pair_is_in_the_table():
    pairs = {(s, a) for s, a, _, _ in TABLE}
    states = ["draft", "submitted", "returned", "approved"]
    for action in ["save", "submit", "withdraw", "approve", "return", "reopen"]:
        for state in states:
            assert (state, action) in pairs, (state, action)


def test_a_closed_quarter_refuses_edits_and_says_which_lock(partnership):
    p = partnership
    submission = make_submission(p, "draft", period=p.closed_period)
    for action in ("save", "submit"):
        with pytest.raises(workflow.WorkflowError) as refused:
            act(action, submission, p.submitter_a)
        assert "Q1 2016/17 has closed, so its figures can no longer be changed." in (
            refused.value.message
        )


def test_a_reopened_correction_may_be_edited_in_a_closed_quarter(partnership):
    p = partnership
    approved = make_submission(p, "approved", period=p.closed_period)
    correction = workflow.reopen(approved, p.approver, "Recount")
    saved = workflow.save_draft(correction, p.submitter_a, {"numerator": Decimal(99)})
    assert saved.numerator == 99
    approved.refresh_from_db()
    assert approved.is_latest_approved and approved.numerator == 120


def test_a_return_needs_a_comment(partnership, submitted):
    with pytest.raises(workflow.WorkflowError) as refused:
        workflow.return_submission(submitted, partnership.approver, "   ")
    assert "Say why the figure is being returned" in refused.value.message
