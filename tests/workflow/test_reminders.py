"""Reminders with the clock pinned: the right people get the right emails, once."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from indicators import notifications, tasks
from indicators.models import ReminderLog
from portal.outbox import send_pending

from .helpers import make_submission

pytestmark = pytest.mark.django_db
UK = ZoneInfo("Europe/London")


@pytest.fixture
def due(partnership, settings):
    """Q2 due on 11 Nov 2016: org A's crime (county) still a draft, district 1 submitted,
    org B's survey returned."""
    settings.REMINDER_DAYS_BEFORE_DEADLINE = 7
    p = partnership
    p.open_period.deadline = dt.date(2016, 11, 11)
    p.open_period.save()
    make_submission(p, "draft")
    make_submission(p, "submitted", area=p.district_1)
    make_submission(p, "returned", indicator=p.survey, numerator=None)
    return p


def at(day):
    return time_machine.travel(dt.datetime(2016, 11, day, 7, tzinfo=UK), tick=False)


def delivered() -> list:
    """What the outbox sender sends of the queued emails (the worker runs it after the
    reminder tasks and every minute)."""
    send_pending()
    return mail.outbox


def test_no_reminder_before_the_window(due):
    with at(3):
        assert notifications.send_deadline_reminders() == 0
    assert mail.outbox == []


def test_deadline_reminders_go_to_each_owner_once(due):
    with at(4):
        assert tasks.send_deadline_reminders.delay().get() == 2
        assert notifications.send_deadline_reminders() == 0
    with at(8):
        assert notifications.send_deadline_reminders() == 0
    by_person = {m.to[0]: m for m in mail.outbox}
    assert set(by_person) == {"sub_a@example.org.uk", "sub_b@example.org.uk"}
    police = by_person["sub_a@example.org.uk"]
    assert police.subject == "Reminder: 1 figure due by 11 Nov 2016"
    assert "Crime rate (per 1,000 population) – Shire" in police.body
    assert "North" not in police.body  # submitted already
    assert "due 11 Nov 2016" in police.alternatives[0][0]
    assert ReminderLog.objects.filter(stage="due_soon").count() == 2


def test_overdue_notices_after_the_deadline_once(due):
    with at(11):
        assert notifications.send_overdue_notices() == 0  # due by the end of today
    with at(12):
        assert notifications.send_overdue_notices() == 2
        assert notifications.send_overdue_notices() == 0
    sent = delivered()
    assert len(sent) == 2
    assert all(m.subject.startswith("Overdue: 1 figure") for m in sent)


def test_a_closed_quarter_gets_no_overdue_notice(due):
    due.open_period.closes_on = dt.date(2016, 11, 20)
    due.open_period.save()
    with at(25):
        assert notifications.send_overdue_notices() == 0


def test_the_review_digest_goes_to_approvers_once_a_day(due):
    with at(14):
        assert notifications.send_review_digest() == 2
        assert notifications.send_review_digest() == 0
    assert sorted(m.to[0] for m in delivered()) == [
        "approver2@example.org.uk",
        "approver@example.org.uk",
    ]
    assert mail.outbox[0].subject == "1 figure waiting for review"
    assert "North" in mail.outbox[0].body
    with at(15):
        assert notifications.send_review_digest() == 2


def test_a_failed_email_is_tried_again_next_run(due, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("mail server down")

    monkeypatch.setattr(notifications, "send", broken)
    with at(4), pytest.raises(ConnectionError):
        notifications.send_deadline_reminders()
    assert ReminderLog.objects.count() == 0
    monkeypatch.undo()
    with at(4):
        assert notifications.send_deadline_reminders() == 2
