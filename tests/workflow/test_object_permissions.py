"""Rule 11: a submitter of B gets 404 for A's figures, a viewer changes nothing,
anonymous visitors are sent to log in."""

from __future__ import annotations

import pytest
from django.urls import reverse

from indicators.models import Submission, SubmissionEvent
from indicators.quarters import Quarter

from .helpers import make_submission

pytestmark = pytest.mark.django_db

SUBMISSION_PAGES = [
    ("GET", "submission_edit"),
    ("POST", "submission_edit"),
    ("POST", "submission_withdraw"),
    ("GET", "submission_history"),
    ("GET", "submission_review"),
    ("POST", "submission_approve"),
    ("POST", "submission_return"),
    ("GET", "submission_reopen"),
    ("POST", "submission_reopen"),
]
FORM = {"row_version": "1", "numerator": "5", "comment": "x", "reason": "x", "action": "submit"}


def snapshot():
    return (
        list(Submission.objects.values_list("pk", "state", "row_version", "numerator")),
        SubmissionEvent.objects.count(),
    )


def call(client, method, url):
    return client.post(url, FORM) if method == "POST" else client.get(url)


@pytest.mark.parametrize(("method", "name"), SUBMISSION_PAGES)
@pytest.mark.parametrize("state", ["draft", "submitted", "approved"])
def test_a_submitter_of_another_organisation_gets_404(client, partnership, method, name, state):
    submission = make_submission(partnership, state)
    client.force_login(partnership.submitter_b)
    before = snapshot()
    response = call(client, method, reverse(f"indicators:{name}", args=[submission.pk]))
    assert response.status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize(("method", "name"), SUBMISSION_PAGES)
def test_a_viewer_cannot_change_anything(client, partnership, method, name):
    submission = make_submission(partnership, "submitted")
    client.force_login(partnership.viewer)
    before = snapshot()
    response = call(client, method, reverse(f"indicators:{name}", args=[submission.pk]))
    if name == "submission_history":
        assert response.status_code == 200  # committee members may read the record
    else:
        assert response.status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize("name", ["my_submissions", "review_queue", "period_list", "period_open"])
def test_a_viewer_is_refused_the_work_pages(client, partnership, name):
    client.force_login(partnership.viewer)
    assert client.get(reverse(f"indicators:{name}")).status_code == 403


def test_an_approver_cannot_enter_a_partners_figure(client, partnership, draft):
    client.force_login(partnership.approver)
    before = snapshot()
    url = reverse("indicators:submission_edit", args=[draft.pk])
    assert client.post(url, FORM).status_code == 403
    assert snapshot() == before


def test_a_submitter_cannot_review_their_own_organisations_figure(client, partnership, submitted):
    client.force_login(partnership.submitter_a)
    before = snapshot()
    url = reverse("indicators:submission_approve", args=[submitted.pk])
    assert client.post(url, FORM).status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize("name", ["period_list", "period_open", "review_queue", "bulk_approve"])
def test_submitters_are_refused_approver_pages(client, partnership, name):
    client.force_login(partnership.submitter_b)
    assert client.post(reverse(f"indicators:{name}")).status_code == 403


@pytest.mark.parametrize(
    "name", ["tracker", "tracker_csv", "period_deadline", "period_close", "overrides"]
)
def test_submitters_are_refused_quarter_pages(client, partnership, name):
    client.force_login(partnership.submitter_a)
    url = reverse(f"indicators:{name}", args=[Quarter(2016, 2)])
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403
    assert partnership.open_period.closed_at is None


def test_anonymous_visitors_are_sent_to_log_in(client, partnership, submitted):
    urls = [reverse(f"indicators:{n}", args=[submitted.pk]) for _, n in SUBMISSION_PAGES]
    urls += [reverse(f"indicators:{n}") for n in ["my_submissions", "review_queue", "period_list"]]
    urls += [reverse("indicators:tracker_csv", args=[Quarter(2016, 2)])]
    before = snapshot()
    for url in urls:
        for response in (client.get(url), client.post(url, FORM)):
            assert response.status_code in (302, 405), url
            if response.status_code == 302:
                assert response["Location"].startswith(reverse("login")), url
    assert snapshot() == before


def test_an_unknown_quarter_in_the_address_answers_404(client, partnership):
    client.force_login(partnership.approver)
    assert client.get("/quarters/2016-18-Q3/").status_code == 404
    assert client.get("/quarters/2030-31-Q1/").status_code == 404
