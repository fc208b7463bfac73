"""The approver's queue and decisions: approve, return, bulk approve, reopen, emails,
and query counts that do not grow with the number of rows."""

from __future__ import annotations

from decimal import Decimal

import pytest
from conftest import approved
from django.core import mail
from django.urls import reverse

from indicators import workflow
from indicators.models import Submission

from .helpers import make_submission, many_submissions

pytestmark = pytest.mark.django_db


def test_the_queue_shows_figure_last_quarter_change_flags_and_commentary(client, partnership):
    p = partnership
    approved(p.crime, p.county, p.closed_period, p.submitter_a, p.approver, numerator=Decimal(3000))
    make_submission(
        p, "submitted", numerator=Decimal(3300), is_provisional=True, commentary="Up after a drive."
    )
    client.force_login(p.approver)
    html = client.get(reverse("indicators:review_queue")).content.decode()
    for expected in ("11.00", "10.00", "+1.00 (+10%)", "Provisional", "Up after a drive."):
        assert expected in html, expected


def test_the_queue_filters_by_state_and_organisation(client, partnership):
    p = partnership
    make_submission(p, "submitted")
    make_submission(p, "draft", indicator=p.survey, numerator=None, value=Decimal(50))
    client.force_login(p.approver)
    html = client.get(reverse("indicators:review_queue")).content.decode()
    assert "Crime rate" in html and "% feeling safe" not in html  # opens on "submitted"
    html = client.get(
        reverse("indicators:review_queue"), {"state": "", "organisation": p.org_b.pk}
    ).content.decode()
    assert "% feeling safe" in html and "Crime rate (per" not in html
    assert "Q2 2016/17 (Jul–Sep 2016)" in html  # the quarter picker shows months


def test_approving_records_the_event_and_tells_the_submitter(
    client, partnership, submitted, django_capture_on_commit_callbacks
):
    client.force_login(partnership.approver)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("indicators:submission_approve", args=[submitted.pk]),
            {"row_version": submitted.row_version},
        )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.state == "approved" and submitted.is_latest_approved
    assert submitted.events.filter(action="approved", actor=partnership.approver).exists()
    assert [m.to for m in mail.outbox] == [["sub_a@example.org.uk"]]
    assert mail.outbox[0].subject.startswith("Approved: Crime rate")


def test_returning_needs_a_comment_and_tells_the_submitter(
    client, partnership, submitted, django_capture_on_commit_callbacks
):
    client.force_login(partnership.approver)
    url = reverse("indicators:submission_return", args=[submitted.pk])
    response = client.post(url, {"row_version": submitted.row_version, "comment": ""})
    assert response.status_code == 400
    assert "Say why the figure is being returned." in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.state == "submitted"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"row_version": submitted.row_version, "comment": "Count looks low."})
    submitted.refresh_from_db()
    assert submitted.state == "returned" and submitted.return_reason == "Count looks low."
    assert mail.outbox[0].to == ["sub_a@example.org.uk"]
    assert "Count looks low." in mail.outbox[0].body


def test_an_approver_cannot_approve_their_own_submission(client, partnership, submitted):
    submitted.submitted_by = partnership.approver
    submitted.save()
    client.force_login(partnership.approver)
    html = client.get(reverse("indicators:submission_review", args=[submitted.pk])).content.decode()
    assert "another performance manager must review it" in html
    response = client.post(
        reverse("indicators:submission_approve", args=[submitted.pk]),
        {"row_version": submitted.row_version},
    )
    assert response.status_code == 409
    submitted.refresh_from_db()
    assert submitted.state == "submitted"


def test_approving_a_figure_changed_since_the_page_loaded_is_refused(
    client, partnership, submitted
):
    stale = submitted.row_version
    workflow.withdraw(submitted, partnership.submitter_a)
    workflow.submit(submitted, partnership.submitter_a)
    client.force_login(partnership.approver)
    response = client.post(
        reverse("indicators:submission_approve", args=[submitted.pk]), {"row_version": stale}
    )
    assert response.status_code == 409
    assert "changed by someone else" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.state == "submitted"


def test_bulk_approve_approves_the_selected_and_explains_the_refused(client, partnership):
    p = partnership
    a = make_submission(p, "submitted")
    b = make_submission(p, "submitted", area=p.district_1)
    own = make_submission(p, "submitted", area=p.district_2)
    own.submitted_by = p.approver
    own.save()
    client.force_login(p.approver)
    response = client.post(
        reverse("indicators:bulk_approve"), {"selected": [a.pk, b.pk, own.pk]}, follow=True
    )
    html = response.content.decode()
    assert "Approved 2 figures." in html
    assert "You submitted this figure" in html
    states = dict(Submission.objects.values_list("pk", "state"))
    assert (states[a.pk], states[b.pk], states[own.pk]) == ("approved", "approved", "submitted")


def test_bulk_approve_with_nothing_selected_says_so(client, partnership):
    client.force_login(partnership.approver)
    html = client.post(reverse("indicators:bulk_approve"), {}, follow=True).content.decode()
    assert "Select at least one figure to approve." in html


def test_reopen_needs_a_reason_and_keeps_the_approved_version(client, partnership):
    p = partnership
    done = make_submission(p, "approved")
    client.force_login(p.approver)
    url = reverse("indicators:submission_reopen", args=[done.pk])
    assert (
        "Say why the figure is being reopened." in client.post(url, {"reason": ""}).content.decode()
    )
    response = client.post(url, {"reason": "The force re-ran its extract."})
    assert response.status_code == 302
    new = Submission.objects.get(is_current=True, indicator=p.crime, area=p.county)
    assert (new.version, new.state, new.numerator) == (2, "draft", Decimal(120))
    assert Submission.objects.approved().get(indicator=p.crime, area=p.county).pk == done.pk
    history = client.get(reverse("indicators:submission_history", args=[new.pk])).content.decode()
    assert "The force re-ran its extract." in history and "Reopened for correction" in history


def test_the_history_page_shows_who_what_when_and_old_to_new(client, partnership, draft):
    workflow.save_draft(draft, partnership.submitter_a, {"numerator": Decimal(130)})
    workflow.submit(draft, partnership.submitter_a)
    workflow.return_submission(draft, partnership.approver, "Too high?")
    client.force_login(partnership.submitter_a)
    html = client.get(reverse("indicators:submission_history", args=[draft.pk])).content.decode()
    assert "sub_a" in html and "approver" in html
    assert "Too high?" in html
    assert "120 → 130" in html
    assert "Returned" in html and "Saved as draft" in html


@pytest.mark.parametrize("n", [10, 500])
def test_the_queue_asks_the_database_a_fixed_number_of_times(
    client, partnership, django_assert_max_num_queries, n
):
    many_submissions(partnership, n)
    client.force_login(partnership.approver)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("indicators:review_queue"), {"state": ""})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Count 0" in html and f"{2 * n} figures match" in html
    assert html.count('name="selected"') == min(50, 2 * n)  # one page, sorted by quarter


@pytest.mark.parametrize("n", [10, 500])
def test_my_submissions_asks_the_database_a_fixed_number_of_times(
    client, partnership, django_assert_max_num_queries, n
):
    many_submissions(partnership, n)
    client.force_login(partnership.submitter_a)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("indicators:my_submissions"))
    assert response.status_code == 200
    assert response.content.decode().count('href="/submissions/') >= n


def test_a_reopened_correction_in_a_closed_quarter_shows_in_my_submissions(client, partnership):
    p = partnership
    old = make_submission(p, "approved", period=p.closed_period)
    workflow.reopen(old, p.approver, "Recount")
    client.force_login(p.submitter_a)
    html = client.get(reverse("indicators:my_submissions")).content.decode()
    assert "Corrections asked for" in html and "Correction (version 2)" in html
