"""`?next=` on the review page is checked as login checks it: never off-site, never script."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.workflow.helpers import make_submission

HOSTILE = [
    "https://attacker.example/phish",
    "//attacker.example/phish",
    "javascript:alert(document.cookie)",
    "\\\\attacker.example",
]


@pytest.mark.parametrize("target", HOSTILE)
def test_a_hostile_next_never_reaches_the_back_link(client, partnership, target):
    submission = make_submission(partnership, "submitted")
    client.force_login(partnership.approver)
    url = reverse("indicators:submission_review", args=[submission.pk])
    html = client.get(url, {"next": target}).content.decode()
    assert target not in html
    assert f'href="{reverse("indicators:review_queue")}" class="govuk-back-link"' in html


@pytest.mark.parametrize("target", HOSTILE)
def test_a_hostile_next_never_redirects_off_site(client, partnership, target):
    submission = make_submission(partnership, "submitted")
    client.force_login(partnership.approver)
    url = reverse("indicators:submission_approve", args=[submission.pk])
    response = client.post(url, {"row_version": submission.row_version, "next": target})
    assert response.status_code == 302
    assert response["Location"] == reverse("indicators:review_queue")


def test_a_next_on_this_site_keeps_the_queues_filters(client, partnership):
    submission = make_submission(partnership, "submitted")
    client.force_login(partnership.approver)
    url = reverse("indicators:submission_review", args=[submission.pk])
    html = client.get(url, {"next": "/review/?state=submitted"}).content.decode()
    assert 'href="/review/?state=submitted" class="govuk-back-link"' in html
