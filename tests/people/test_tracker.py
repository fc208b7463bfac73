"""The tracker tells the truth (issue 12, item 6): hand-worked counts before and after the
deadline, a summary per organisation, and reminders sent once through the reminder log.

The quarter: Q2 2016/17, deadline 11 Nov 2016. Four figures are expected: Police A's
crime figure for Shire, North and South, and Council B's survey figure for Shire.

    Shire   approved, first submitted  1 Nov            on time
    North   submitted, first submitted 12 Nov 00:30 UK  late (after the deadline)
    South   submitted 2 Nov, then returned              not in: overdue after the deadline
    survey  draft                                       not in: overdue after the deadline

Completeness = (approved or submitted) ÷ expected = 2 ÷ 4 = 50%.
Timeliness (after the deadline only) = received and first submitted by the deadline
÷ expected = 1 ÷ 4 = 25%.
Late: Police A 2 (North late, South overdue); Council B 1 (survey overdue).
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from indicators.models import ReminderLog, SubmissionEvent
from indicators.quarters import Quarter
from tests.workflow.helpers import make_submission

UK = ZoneInfo("Europe/London")
URL = reverse("indicators:tracker", args=[Quarter(2016, 2)])


def submitted_at(sub, actor, when: dt.datetime) -> None:
    SubmissionEvent.objects.create(submission=sub, action="submitted", actor=actor, at=when)


@pytest.fixture
def quarter(partnership):
    p = partnership
    p.open_period.deadline = dt.date(2016, 11, 11)
    p.open_period.save()
    shire = make_submission(p, "approved")
    submitted_at(shire, p.submitter_a, dt.datetime(2016, 11, 1, 10, 0, tzinfo=UK))
    south = make_submission(p, "returned", area=p.district_2)
    submitted_at(south, p.submitter_a, dt.datetime(2016, 11, 2, 10, 0, tzinfo=UK))
    north = make_submission(p, "draft", area=p.district_1)
    make_submission(p, "draft", indicator=p.survey, numerator=None)
    return {"north": north}


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_before_the_deadline_timeliness_is_not_shown(client, partnership, quarter):
    p = partnership
    north = quarter["north"]
    north.state = "submitted"
    north.save()
    submitted_at(north, p.submitter_a, dt.datetime(2016, 11, 5, 10, 0, tzinfo=UK))
    client.force_login(p.approver)
    with time_machine.travel(dt.datetime(2016, 11, 11, 12, 0, tzinfo=UK), tick=False):
        page = text_of(client.get(URL).content.decode())
    assert "Completeness 50% (2 of 4 expected figures submitted or approved)" in page
    assert "Timeliness Shown once the deadline has passed" in page
    assert "Police A 3 1 1 Not yet due –" in page
    assert "Council B 1 0 0 Not yet due –" in page
    assert "Overdue" not in page


def test_after_the_deadline_timeliness_and_lateness_are_counted(client, partnership, quarter):
    p = partnership
    north = quarter["north"]
    north.state = "submitted"
    north.save()
    submitted_at(north, p.submitter_a, dt.datetime(2016, 11, 12, 0, 30, tzinfo=UK))
    client.force_login(p.approver)
    with time_machine.travel(dt.datetime(2016, 11, 20, 12, 0, tzinfo=UK), tick=False):
        page = text_of(client.get(URL).content.decode())
    assert "Completeness 50% (2 of 4 expected figures submitted or approved)" in page
    assert "Timeliness 25% (1 of 4 first submitted by the deadline)" in page
    assert "Police A 3 1 1 2" in page
    assert "Council B 1 0 0 1" in page


def test_the_tracker_shows_the_quarters_own_dates(client, partnership, quarter):
    client.force_login(partnership.approver)
    with time_machine.travel(dt.datetime(2016, 11, 1, 12, 0, tzinfo=UK), tick=False):
        page = text_of(client.get(URL).content.decode())
    assert "Q2 2016/17 (Jul–Sep 2016) Submission tracker" in page
    assert "Entry opens 1 Oct 2016 · Due 11 Nov 2016 (10 days left)" in page


def test_send_reminders_now_emails_each_officer_once(
    client, partnership, quarter, django_capture_on_commit_callbacks
):
    p = partnership
    client.force_login(p.approver)
    remind = reverse("indicators:tracker_remind", args=[Quarter(2016, 2)])
    with time_machine.travel(dt.datetime(2016, 11, 1, 12, 0, tzinfo=UK), tick=False):
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            first = client.post(remind, follow=True).content.decode()
        assert "2 reminder emails to data officers are on the way." in first
        assert sorted(m.to[0] for m in mail.outbox) == [
            "sub_a@example.org.uk",
            "sub_b@example.org.uk",
        ]
        with django_capture_on_commit_callbacks(execute=True):
            second = client.post(remind, follow=True).content.decode()
    assert "already been reminded at this stage" in second
    assert len(mail.outbox) == 2
    assert ReminderLog.objects.filter(stage="due_soon").count() == 3  # North, South, survey


def test_reminders_are_for_performance_managers_only(client, partnership, quarter):
    client.force_login(partnership.submitter_a)
    remind = reverse("indicators:tracker_remind", args=[Quarter(2016, 2)])
    assert client.post(remind).status_code == 403
    assert not mail.outbox
