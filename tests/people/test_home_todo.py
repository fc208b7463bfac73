"""The home page as a to-do list per role (issue 12, item 3)."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import time_machine
from django.urls import reverse
from django.utils import timezone

from indicators.quarters import Quarter
from tests.workflow.helpers import make_submission

UK = ZoneInfo("Europe/London")


def home_text(client, user) -> str:
    client.force_login(user)
    html = client.get(reverse("home")).content.decode()
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_a_submitter_sees_returned_figures_and_the_deadline(client, partnership):
    p = partnership
    make_submission(p, "returned")
    make_submission(p, "draft", area=p.district_1)
    make_submission(p, "submitted", area=p.district_2)
    p.open_period.deadline = dt.date(2016, 11, 11)
    p.open_period.save()
    with time_machine.travel(dt.datetime(2016, 11, 1, 12, 0, tzinfo=UK), tick=False):
        text = home_text(client, p.submitter_a)
    assert "1 figure was returned to you for correction" in text
    assert "Crime rate (per 1,000 population) – Shire, Q2 2016/17" in text
    assert "“Check the count against the crime system.”" in text
    assert "Q2 2016/17 (Jul–Sep 2016) : Due 11 Nov 2016 (10 days left)" in text
    assert "2 figures to send, 1 waiting for review, 0 approved." in text
    assert "Enter your Q2 2016/17 figures on one page" in text


def test_a_submitter_of_another_organisation_sees_none_of_it(client, partnership):
    p = partnership
    make_submission(p, "returned")
    text = home_text(client, p.submitter_b)
    assert "returned to you" not in text
    assert "0 figures to send, 0 waiting for review, 0 approved." in text


def test_an_approver_sees_the_queue_and_the_overdue_organisations(client, partnership):
    p = partnership
    make_submission(p, "submitted")
    make_submission(p, "submitted", area=p.district_1)
    make_submission(p, "draft", area=p.district_2)
    make_submission(p, "draft", indicator=p.survey, numerator=None)
    p.open_period.deadline = dt.date(2016, 11, 11)
    p.open_period.save()
    with time_machine.travel(dt.datetime(2016, 11, 20, 12, 0, tzinfo=UK), tick=False):
        text = home_text(client, p.approver)
    assert "2 figures waiting for review" in text
    assert "Council B: 1 figure for Q2 2016/17" in text
    assert "Police A: 1 figure for Q2 2016/17" in text


def test_an_approver_before_the_deadline_sees_no_one_overdue(client, partnership):
    p = partnership
    make_submission(p, "draft")
    text = home_text(client, p.approver)
    assert "0 figures waiting for review" in text
    assert "No organisation is past a deadline." in text


def test_a_viewer_sees_the_latest_quarter_and_what_was_approved_since_publication(
    client, partnership
):
    p = partnership
    p.open_period.published_at = timezone.now() - dt.timedelta(days=1)
    p.open_period.save()
    make_submission(p, "approved", period=p.closed_period)
    latest = make_submission(p, "approved")
    latest.approved_at = timezone.now()
    latest.save()
    html_text = home_text(client, p.viewer)
    assert "Latest quarter Q2 2016/17 (Jul–Sep 2016) : 1 figure approved, published" in html_text
    assert "1 approved since publication" in html_text
    client.force_login(p.viewer)
    html = client.get(reverse("home")).content.decode()
    committee = reverse("reporting:committee_dashboard", args=[p.open_period.code])
    assert f'href="{committee}"' in html
    assert "Your figures" not in html and "Reviewing" not in html


def test_the_home_page_asks_few_queries_for_a_busy_approver(
    client, partnership, django_assert_max_num_queries
):
    p = partnership
    for area in (p.county, p.district_1, p.district_2):
        make_submission(p, "submitted", area=area)
    client.force_login(p.approver)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("home")).status_code == 200


def test_the_quarter_in_a_to_do_link_is_the_open_one(client, partnership):
    make_submission(partnership, "draft")
    client.force_login(partnership.submitter_a)
    html = client.get(reverse("home")).content.decode()
    assert reverse("indicators:quarter_return", args=[Quarter(2016, 2)]) in html
