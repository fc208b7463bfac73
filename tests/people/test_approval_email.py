"""The approval email carries the approver's comment (issue 12, item 9)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from tests.workflow.helpers import make_submission

pytestmark = pytest.mark.django_db


def approve(client, p, comment: str, capture) -> mail.EmailMultiAlternatives:
    submitted = make_submission(p, "submitted")
    client.force_login(p.approver)
    with capture(execute=True):
        client.post(
            reverse("indicators:submission_approve", args=[submitted.pk]),
            {"row_version": submitted.row_version, "comment": comment},
        )
    [email] = mail.outbox
    return email


def test_the_approval_email_gives_the_approvers_comment(
    client, partnership, django_capture_on_commit_callbacks
):
    email = approve(
        client,
        partnership,
        "Matches the crime system.\nWell done on the early return.",
        django_capture_on_commit_callbacks,
    )

    assert email.to == ["sub_a@example.org.uk"]
    assert "with this comment:\n\nMatches the crime system.\nWell done on the early return." in (
        email.body
    )
    html = email.alternatives[0][0]
    assert "Matches the crime system.<br>Well done on the early return." in html


def test_the_comment_is_escaped_in_the_html_email(
    client, partnership, django_capture_on_commit_callbacks
):
    email = approve(
        client, partnership, "Checked <b>twice</b> & fine", django_capture_on_commit_callbacks
    )

    assert "Checked <b>twice</b> & fine" in email.body
    assert "Checked &lt;b&gt;twice&lt;/b&gt; &amp; fine" in email.alternatives[0][0]


def test_an_approval_without_a_comment_mentions_none(
    client, partnership, django_capture_on_commit_callbacks
):
    email = approve(client, partnership, "", django_capture_on_commit_callbacks)

    assert "was approved by" in email.body
    assert "comment" not in email.body
    assert "blockquote" not in email.alternatives[0][0]


def test_the_review_page_says_where_the_approval_comment_goes(client, partnership):
    submitted = make_submission(partnership, "submitted")
    client.force_login(partnership.approver)
    html = client.get(reverse("indicators:submission_review", args=[submitted.pk])).content
    assert b"Sent to the submitter with the approval email" in html
