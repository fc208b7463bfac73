"""The entry form's data status: a figure, "not yet available" or "no new data published"."""

from __future__ import annotations

import pytest
from django.urls import reverse

from indicators import workflow
from indicators.models import Submission

from .helpers import make_submission
from .test_entry_form import field_error, post, state_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def rate(partnership):
    return make_submission(partnership, "draft", numerator=None)


def test_the_form_offers_a_figure_or_the_reason_there_is_none(client, partnership, rate):
    client.force_login(partnership.submitter_a)
    html = client.get(reverse("indicators:submission_edit", args=[rate.pk])).content.decode()
    for value, label in Submission.Status.choices:
        assert f'value="{value}"' in html
        assert label in html


@pytest.mark.parametrize("status", ["not_yet_available", "no_new_data"])
def test_a_quarter_without_a_figure_is_submitted_and_approved_like_a_figure(
    client, partnership, rate, status
):
    p = partnership
    client.force_login(p.submitter_a)
    response = post(client, rate, "submit", status=status)
    assert response.status_code == 302
    rate.refresh_from_db()
    assert (rate.state, rate.status, rate.numerator) == ("submitted", status, None)
    workflow.approve(rate, p.approver)
    approved = Submission.objects.approved().get()
    assert approved.get_status_display() == dict(Submission.Status.choices)[status]


def test_a_figure_is_the_default_and_still_needs_its_count(client, partnership, rate):
    client.force_login(partnership.submitter_a)
    html = post(client, rate, "submit", status="figure").content.decode()
    assert "Enter the crimes." in field_error(html, "numerator")


@pytest.mark.parametrize(
    ("status", "words"),
    [("not_yet_available", "not yet available"), ("no_new_data", "no new data published")],
)
def test_a_status_with_a_figure_is_refused_next_to_the_field(
    client, partnership, rate, status, words
):
    client.force_login(partnership.submitter_a)
    before = state_of(rate)
    for action in ("save", "submit"):
        html = post(client, rate, action, status=status, numerator="120").content.decode()
        assert field_error(html, "numerator") == f"Leave this empty when the figure is “{words}”."
        assert "There is a problem" in html
    assert state_of(rate) == before


def test_a_nil_return_is_a_figure_not_a_status(client, partnership, rate):
    client.force_login(partnership.submitter_a)
    html = post(client, rate, status="no_new_data", is_nil_return="on").content.decode()
    assert "A nil return is a figure" in field_error(html, "is_nil_return")


def test_the_locked_summary_says_there_is_no_figure_this_quarter(client, partnership):
    p = partnership
    submitted = make_submission(p, "submitted", numerator=None, status="not_yet_available")
    client.force_login(p.submitter_a)
    html = client.get(reverse("indicators:submission_edit", args=[submitted.pk])).content.decode()
    assert "Not yet available" in html
