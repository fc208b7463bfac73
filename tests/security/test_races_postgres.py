"""Two approvers at the same instant, under real row locks (PostgreSQL only):
DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_x pytest tests/security -m postgres
"""

from __future__ import annotations

import pytest
from conftest import approved
from django.db import connection
from django.utils import timezone

from indicators import workflow
from indicators.models import Override
from reporting.models import Publication
from reporting.publishing import PublishError, publish
from tests.workflow.test_concurrency import race

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL row locks: set DATABASE_URL=postgres://… to run",
    ),
]


def caught(call):
    """The call's result, or the PublishError it raised (race() itself catches WorkflowError)."""

    def run():
        try:
            return call()
        except PublishError as error:
            return error

    return run


@pytest.mark.parametrize("with_previous", [False, True])
def test_two_approvers_setting_one_override_at_once_give_one_and_a_conflict(
    transactional_db, partnership, with_previous
):
    p = partnership
    if with_previous:
        workflow.set_override("rag", p.crime, p.county, p.open_period, "A", "Earlier", p.approver)

    # Both pages were loaded before either saved, as the override form records; so the
    # outcome is the same whether the two saves overlap or one happens to finish first.
    loaded = timezone.now()

    def set_as(user, value):
        return lambda: workflow.set_override(
            "rag", p.crime, p.county, p.open_period, value, f"{user} judged", user, seen_at=loaded
        )

    results = race(set_as(p.approver, "G"), set_as(p.approver_2, "R"))
    wins = [r for r in results if isinstance(r, Override)]
    conflicts = [r for r in results if isinstance(r, workflow.WorkflowError)]
    assert len(wins) == 1 and len(conflicts) == 1
    assert conflicts[0].code == "conflict"
    assert list(Override.objects.filter(is_active=True)) == wins


def test_two_publishes_of_what_one_page_showed_give_one_revision(transactional_db, partnership):
    p = partnership
    approved(p.crime, p.county, p.closed_period, p.submitter_a, p.approver, numerator=3000)

    def click():
        return publish(p.closed_period, p.approver, expected_count=0)

    results = race(caught(click), caught(click))
    assert sum(isinstance(r, list) for r in results) == 1
    assert [r.code for r in results if isinstance(r, PublishError)] == ["already_published"]
    assert set(Publication.objects.values_list("revision", flat=True)) == {1}
