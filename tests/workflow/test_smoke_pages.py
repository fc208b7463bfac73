"""Every workflow page renders on the demo partnership for the role that uses it."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from indicators.models import Indicator, ReportingPeriod, Submission
from indicators.quarters import Quarter

pytestmark = pytest.mark.django_db


def login(client, username):
    client.force_login(User.objects.get(username=username))


def test_the_police_officer_sees_the_open_quarter_with_last_quarters_figures(client, demo):
    login(client, "police.officer")
    page = client.get(reverse("indicators:my_submissions"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Q3 2016/17 (Oct–Dec 2016)" in text
    assert "Not started" in text
    assert "Total crime" in text or "crime" in text.lower()


def test_the_demo_opens_q3_with_a_draft_for_every_indicator_and_area_once(demo):
    from indicators import demo as demo_module

    period = ReportingPeriod.objects.get(year=2016, quarter=3)
    expected = sum(ind.areas.count() for ind in Indicator.objects.filter(is_active=True))
    assert Submission.objects.filter(period=period).count() == expected
    demo_module.load()
    assert Submission.objects.filter(period=period).count() == expected


def test_the_performance_manager_pages_render(client, demo):
    login(client, "performance.manager")
    q3 = Quarter(2016, 3)
    sub = Submission.objects.filter(period__year=2016, period__quarter=2).first()
    for url in [
        reverse("indicators:review_queue"),
        reverse("indicators:review_queue") + "?state=",
        reverse("indicators:period_list"),
        reverse("indicators:period_open"),
        reverse("indicators:tracker", args=[q3]),
        reverse("indicators:tracker_csv", args=[q3]),
        reverse("indicators:period_deadline", args=[q3]),
        reverse("indicators:period_close", args=[q3]),
        reverse("indicators:overrides", args=[q3]),
        reverse("indicators:submission_review", args=[sub.pk]),
        reverse("indicators:submission_reopen", args=[sub.pk]),
        reverse("indicators:submission_history", args=[sub.pk]),
    ]:
        assert client.get(url).status_code == 200, url


def test_the_entry_form_renders_for_each_kind_of_indicator(client, demo):
    login(client, "police.officer")
    for sub in Submission.objects.filter(
        period__year=2016,
        period__quarter=3,
        indicator__owner__slug="leicestershire-police",
        state="draft",
    ):
        page = client.get(reverse("indicators:submission_edit", args=[sub.pk]))
        assert page.status_code == 200
        assert "Submit for review" in page.content.decode()
