"""Publishing freezes a snapshot; only closing a quarter ends entry (issue 12, item 2)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from indicators import workflow
from indicators.quarters import Quarter
from reporting.models import Publication
from reporting.publishing import publish
from tests.workflow.helpers import make_submission


def test_entering_submitting_and_approving_still_work_after_publishing(partnership):
    p = partnership
    draft = make_submission(p, "draft", numerator=None)
    publish(p.open_period, p.approver)
    p.open_period.refresh_from_db()
    assert p.open_period.is_published and not p.open_period.is_closed()

    saved = workflow.save_draft(draft, p.submitter_a, {"numerator": Decimal(150)})
    submitted = workflow.submit(saved, p.submitter_a)
    approved = workflow.approve(submitted, p.approver)

    assert approved.state == "approved" and approved.numerator == 150
    assert workflow.edit_lock(approved) == workflow.LOCK_APPROVED


def test_a_returned_figure_can_be_corrected_after_publishing(partnership):
    p = partnership
    returned = make_submission(p, "returned")
    publish(p.open_period, p.approver)
    saved = workflow.save_draft(returned, p.submitter_a, {"numerator": Decimal(121)})
    assert workflow.submit(saved, p.submitter_a).state == "submitted"


def test_the_first_snapshot_keeps_its_figures_after_a_later_approval(partnership):
    p = partnership
    draft = make_submission(p, "draft", numerator=None)
    first = {pub.area_id: pub.snapshot for pub in publish(p.open_period, p.approver)}
    saved = workflow.save_draft(draft, p.submitter_a, {"numerator": Decimal(150)})
    workflow.approve(workflow.submit(saved, p.submitter_a), p.approver)
    for pub in Publication.objects.filter(period=p.open_period, revision=1):
        assert pub.snapshot == first[pub.area_id]


def test_the_entry_form_of_a_published_quarter_is_open_to_its_officer(client, partnership):
    p = partnership
    draft = make_submission(p, "draft")
    publish(p.open_period, p.approver)
    client.force_login(p.submitter_a)
    html = client.get(reverse("indicators:submission_edit", args=[draft.pk])).content.decode()
    assert 'name="numerator"' in html
    assert "has been published" not in html


def test_the_publish_page_lists_the_figures_not_approved_by_state(client, partnership):
    p = partnership
    make_submission(p, "returned")
    make_submission(p, "submitted", area=p.district_1)
    make_submission(p, "approved", area=p.district_2)
    client.force_login(p.approver)
    html = client.get(reverse("reporting:publish", args=[p.open_period.code])).content.decode()
    assert "Not finished: 2 figures not approved yet" in html
    assert "Crime rate (per 1,000 population) – Shire (Police A): returned" in html
    assert "Crime rate (per 1,000 population) – North (Police A): submitted" in html
    assert "– South (Police A)" not in html


def test_closing_with_unfinished_figures_asks_for_confirmation(client, partnership):
    p = partnership
    make_submission(p, "draft")
    client.force_login(p.approver)
    url = reverse("indicators:period_close", args=[Quarter(2016, 2)])
    response = client.post(url)
    assert response.status_code == 409
    assert "Tick the box to confirm you want to close Q2 2016/17 with 4 figures" in (
        response.content.decode()
    )
    p.open_period.refresh_from_db()
    assert p.open_period.closed_at is None
    client.post(url, {"confirm_unfinished": "yes"})
    p.open_period.refresh_from_db()
    assert p.open_period.closed_at is not None


@pytest.mark.parametrize(
    ("state", "says"),
    [
        ("approved", "Ask a performance manager to reopen it"),
        ("submitted", "Withdraw it first"),
    ],
)
def test_a_lock_message_says_who_can_lift_it(partnership, state, says):
    submission = make_submission(partnership, state)
    assert says in workflow.edit_lock(submission)


def test_the_quarters_list_shows_a_published_quarter_as_still_open(client, partnership):
    p = partnership
    publish(p.open_period, p.approver)
    client.force_login(p.approver)
    html = client.get(reverse("indicators:period_list")).content.decode()
    row = html[html.index("Q2 2016/17 (Jul–Sep 2016)") :]
    row = row[: row.index("</tr>")]
    assert (
        'govuk-tag--green">Open</strong> <strong class="govuk-tag govuk-tag--purple">Published'
        in row
    )
    assert "Close<span" in row
