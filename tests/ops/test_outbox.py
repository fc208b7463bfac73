"""Workflow emails go through the outbox: written with the change, sent once, never lost."""

from __future__ import annotations

import time

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.urls import reverse
from workflow.helpers import make_submission

from indicators import tasks, workflow
from portal.models import OutboxEmail
from portal.outbox import send_pending

pytestmark = pytest.mark.django_db


def approve(client, partnership, submission):
    client.force_login(partnership.approver)
    return client.post(
        reverse("indicators:submission_approve", args=[submission.pk]),
        {"row_version": submission.row_version},
    )


def test_an_approval_queues_its_email_and_the_sender_sends_it_once(
    client, partnership, django_capture_on_commit_callbacks
):
    submission = make_submission(partnership, "submitted")
    with django_capture_on_commit_callbacks(execute=False):
        assert approve(client, partnership, submission).status_code == 302
    email = OutboxEmail.objects.get()
    assert (email.to, email.sent_at) == ("sub_a@example.org.uk", None)
    assert email.subject.startswith("Approved: Crime rate") and email.html
    assert mail.outbox == []  # nothing leaves before the worker sends it

    assert send_pending() == 1
    assert send_pending() == 0  # a second run (or a second worker) finds nothing to send
    assert [m.to for m in mail.outbox] == [["sub_a@example.org.uk"]]
    assert mail.outbox[0].alternatives[0][1] == "text/html"
    email.refresh_from_db()
    assert email.sent_at is not None and email.attempts == 1


def test_a_transition_that_rolls_back_leaves_no_email(partnership):
    submission = make_submission(partnership, "draft")
    with pytest.raises(RuntimeError), transaction.atomic():
        saved = workflow.submit(
            submission, partnership.submitter_a, expected_row_version=submission.row_version
        )
        tasks.queue(tasks.notify_submitted, saved.pk)
        assert OutboxEmail.objects.count() == 2  # one per approver, inside the transaction
        raise RuntimeError("the request failed after the transition")
    assert not OutboxEmail.objects.exists()


def test_a_mail_server_failure_keeps_the_email_for_the_next_run(partnership, monkeypatch):
    tasks.queue(tasks.notify_approved, make_submission(partnership, "approved").pk)

    def down(self, *args, **kwargs):
        raise ConnectionRefusedError("SMTP server down")

    monkeypatch.setattr(EmailMultiAlternatives, "send", down)
    assert send_pending() == 0
    email = OutboxEmail.objects.get()
    assert (email.sent_at, email.attempts) == (None, 1)
    assert "SMTP server down" in email.last_error
    monkeypatch.undo()
    assert send_pending() == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_approve_answers_at_once_and_the_email_waits(
    client, partnership, broker_down
):
    submission = make_submission(partnership, "submitted")
    started = time.monotonic()
    response = approve(client, partnership, submission)
    elapsed = time.monotonic() - started
    assert response.status_code == 302 and elapsed < 3
    submission.refresh_from_db()
    assert submission.state == "approved"
    assert OutboxEmail.objects.unsent().count() == 1
    assert mail.outbox == []
    assert send_pending() == 1  # what the worker does once the broker is back
    assert len(mail.outbox) == 1


def test_the_outbox_sender_runs_every_minute():
    from portal.celery import app

    schedule = {spec["task"]: spec["schedule"] for spec in app.conf.beat_schedule.values()}
    assert schedule["portal.tasks.send_outbox"] == 60.0
