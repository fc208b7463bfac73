"""`make run` always starts: `load_demo` after the README's journeys (issue 12, item 10).

`make run` runs `load_demo` before the server on every start, so the command must finish
(exit 0) whatever a person did with the demo in between, and keep what they did.
"""

from __future__ import annotations

from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from indicators import workflow
from indicators.models import ReportingPeriod, Submission, SubmissionEvent
from portal.models import Organisation

OPEN_QUARTER = {"period__year": 2016, "period__quarter": 3, "area__code": "E10000018"}


def load_demo() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def current(code: str) -> Submission:
    return Submission.objects.current().get(indicator__code=code, **OPEN_QUARTER)


def person(username: str) -> User:
    return User.objects.get(username=username)


def open_quarter_state() -> list[tuple]:
    return sorted(
        Submission.objects.filter(period__year=2016, period__quarter=3).values_list(
            "indicator__code", "area__code", "version", "state", "numerator", "value", "row_version"
        )
    )


@pytest.fixture
def manager(demo) -> User:
    return person("performance.manager")


def test_load_demo_keeps_a_figure_approved_then_reopened(manager):
    approved = workflow.approve(current("crime-total"), manager, "Matches the police return.")
    reopened = workflow.reopen(approved, manager, "The October count was revised.")
    before = open_quarter_state()

    output = load_demo()

    kept = current("crime-total")
    assert (kept.pk, kept.version, kept.state) == (reopened.pk, 2, "draft")
    assert open_quarter_state() == before
    assert "Demo partnership ready" in output


def test_load_demo_keeps_a_figure_submitted_returned_and_edited(manager):
    police = person("police.officer")
    returned = workflow.return_submission(current("crime-total"), manager, "Check October.")
    workflow.save_draft(returned, police, {"numerator": Decimal(7961)})
    before = open_quarter_state()

    load_demo()

    edited = current("crime-total")
    assert (edited.state, edited.numerator) == ("returned", Decimal(7961))
    assert open_quarter_state() == before


def test_load_demo_keeps_the_returned_figure_corrected_and_resubmitted(demo):
    yos = person("yos.officer")
    saved = workflow.save_draft(
        current("yos-first-time-entrants"), yos, {"numerator": Decimal(121)}
    )
    workflow.submit(saved, yos)
    events = SubmissionEvent.objects.count()

    load_demo()

    assert (current("yos-first-time-entrants").state, SubmissionEvent.objects.count()) == (
        "submitted",
        events,
    )


def test_load_demo_after_the_quarter_was_closed_leaves_it_closed(manager):
    period = ReportingPeriod.objects.get(year=2016, quarter=3)
    workflow.close_quarter(period, manager)
    before = open_quarter_state()

    load_demo()

    period.refresh_from_db()
    assert period.is_closed()
    assert open_quarter_state() == before


def test_load_demo_says_in_one_line_how_to_start_the_open_quarter_afresh(manager):
    workflow.approve(current("crime-total"), manager)

    lines = [line for line in load_demo().splitlines() if "--reset" in line]

    assert len(lines) == 1
    assert "Q3 2016/17" in lines[0] and "left as it is" in lines[0]


def test_a_fresh_load_does_not_mention_reset(db):
    assert "--reset" not in load_demo()


def test_load_demo_after_a_clashing_admin_change_says_what_to_run_and_keeps_it(demo):
    police = Organisation.objects.get(slug="leicestershire-police")
    police.slug = "police"  # renamed in the admin: the demo's own slug is free again
    police.save()
    out, err = StringIO(), StringIO()

    call_command("load_demo", stdout=out, stderr=err)

    [line] = [line for line in err.getvalue().splitlines() if line]
    assert line.startswith("The demo was not reloaded, so the changes made in the portal stay")
    assert "portal_organisation" in line  # the clash, in the database's words
    assert line.endswith("`.venv/bin/python manage.py load_demo --reset` starts the demo afresh.")
    assert list(Organisation.objects.filter(name="Leicestershire Police").values_list("slug")) == [
        ("police",)
    ]
    assert "Demo partnership ready" not in out.getvalue()
