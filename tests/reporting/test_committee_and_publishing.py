"""Committee pages (viewer and up), publishing, and what anonymous visitors never see."""

from __future__ import annotations

from decimal import Decimal

import pytest
from conftest import approved
from django.contrib.auth.models import User
from django.urls import reverse
from reporting_helpers import add_indicators

from indicators.models import Indicator, ReportingPeriod, Submission
from portal.models import Area
from reporting.models import ExportJob, Publication

Q2, Q3 = "2016/17-Q2", "2016/17-Q3"
COUNTY = "E10000018"
SECRET_COMMENTARY = "Q3 figure explained to the committee only"
SEED_COMMENTARY = "124 first time entrants, 28 of them in Q1 2016/17"
OVERRIDE_REASON = "judges the outcome on track"


def user(name: str) -> User:
    return User.objects.get(username=name)


@pytest.fixture
def q3_approved(demo):
    """Q3 2016/17 approved but not published: a figure the public must never see."""
    period = ReportingPeriod.objects.get_by_code(Q3)
    county = Area.objects.get(code=COUNTY)
    indicator = Indicator.objects.get(code="asb-victims")
    # The demo may already hold the partner's draft for the open quarter: replace it.
    Submission.objects.filter(indicator=indicator, area=county, period=period).delete()
    approved(
        indicator,
        county,
        period,
        user("council.officer"),
        user("performance.manager"),
        value=Decimal("7.7"),
        commentary=SECRET_COMMENTARY,
    )
    return period


def test_a_committee_member_sees_an_approved_unpublished_quarter(client, q3_approved):
    client.force_login(user("committee.member"))
    index = client.get(reverse("reporting:committee_index")).content.decode()
    assert "Q3 2016/17" in index
    page = client.get(reverse("reporting:committee_dashboard", args=[Q3])).content.decode()
    assert "7.7%" in page
    assert SECRET_COMMENTARY in page
    assert "Not published" in page
    assert "awaiting data" in page


def test_the_committee_sees_overrides_with_their_reasons_and_commentary(client, demo):
    client.force_login(user("committee.member"))
    page = client.get(reverse("reporting:committee_dashboard", args=[Q2])).content.decode()
    assert OVERRIDE_REASON in page
    assert SEED_COMMENTARY in page
    assert "Nothing has changed." in page
    assert "Publish this quarter" not in page  # viewers do not publish


def test_the_committee_sees_what_changed_since_publication(client, demo):
    sub = Submission.objects.approved().get(
        indicator__code="crime-total", area__code=COUNTY, period__year=2016, period__quarter=2
    )
    Submission.objects.filter(pk=sub.pk).update(numerator=Decimal(8511))
    client.force_login(user("committee.member"))
    page = client.get(reverse("reporting:committee_dashboard", args=[Q2])).content.decode()
    assert "Cells that differ from the published dashboard" in page
    assert "47.11*" in page and "47.26*" in page


def test_committee_pages_need_a_viewer(client, demo):
    url = reverse("reporting:committee_dashboard", args=[Q2])
    assert client.get(url).status_code == 302  # anonymous: to the login page
    client.force_login(user("police.officer"))
    assert client.get(url).status_code == 403
    assert client.get(reverse("reporting:committee_index")).status_code == 403


def test_an_approver_publishes_a_quarter_after_confirming(client, q3_approved):
    client.force_login(user("performance.manager"))
    url = reverse("reporting:publish", args=[Q3])
    confirm = client.get(url).content.decode()
    assert "Publish Q3 2016/17" in confirm and "awaiting data" in confirm
    response = client.post(url, {"note": ""})
    assert response.status_code == 302
    q3_approved.refresh_from_db()
    assert q3_approved.published_at is not None
    assert Publication.objects.filter(period=q3_approved).count() == 8
    page = client.get(response.url).content.decode()
    assert "7.7%" in page
    assert SECRET_COMMENTARY not in page


def test_republishing_needs_a_note_and_changes_nothing_without_one(client, demo):
    client.force_login(user("performance.manager"))
    before = Publication.objects.count()
    response = client.post(reverse("reporting:publish", args=[Q2]), {"note": "  "})
    assert response.status_code == 200
    assert "Say what has changed" in response.content.decode()
    assert Publication.objects.count() == before


def test_only_approvers_publish(client, demo):
    url = reverse("reporting:publish", args=[Q2])
    assert client.post(url, {"note": "x"}).status_code == 302  # anonymous: login
    client.force_login(user("committee.member"))
    assert client.post(url, {"note": "x"}).status_code == 403
    assert Publication.objects.filter(revision=2).count() == 0


def test_anonymous_visitors_never_see_unpublished_figures_commentary_or_overrides(
    client, q3_approved
):
    county = Area.objects.get(code=COUNTY)
    live_job = ExportJob.objects.create(
        format="csv", source=ExportJob.Source.LIVE, period=q3_approved, area=county
    )
    public_urls = [
        reverse("reporting:public_index"),
        reverse("reporting:public_dashboard", args=[Q2]),
        reverse("reporting:public_dashboard", args=[Q2, "E07000129"]),
        reverse("reporting:public_csv", args=[Q2, COUNTY]),
        reverse("reporting:open_data"),
        reverse("reporting:indicator_detail", args=["asb-victims"]),
        reverse("reporting:indicator_detail", args=["yos-first-time-entrants"]),
    ]
    for url in public_urls:
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode("utf-8-sig")
        assert SECRET_COMMENTARY not in text, url
        assert SEED_COMMENTARY not in text, url
        assert OVERRIDE_REASON not in text, url
        assert "7.7%" not in text and "2016/17-Q3" not in text, url
    hidden = [
        reverse("reporting:public_dashboard", args=[Q3]),
        reverse("reporting:public_csv", args=[Q3, COUNTY]),
        reverse("reporting:export_status", args=[live_job.token]),
        reverse("reporting:export_download", args=[live_job.token]),
    ]
    for url in hidden:
        assert client.get(url).status_code == 404, url
    assert (
        client.post(reverse("reporting:public_export", args=[Q3, COUNTY, "pdf"])).status_code == 404
    )
    for url in (
        reverse("reporting:committee_index"),
        reverse("reporting:committee_dashboard", args=[Q3]),
        reverse("reporting:publish", args=[Q3]),
    ):
        assert client.get(url).status_code == 302, url
    committee_export = reverse("reporting:committee_export", args=[Q3, COUNTY, "csv"])
    assert client.post(committee_export).status_code == 302
    assert ExportJob.objects.count() == 1


@pytest.mark.parametrize("extra", [0, 288])
def test_the_committee_page_asks_the_same_number_of_queries_at_12_and_300_indicators(
    client, demo, extra, django_assert_num_queries
):
    add_indicators(extra, ReportingPeriod.objects.get_by_code(Q2))
    client.force_login(user("committee.member"))
    url = reverse("reporting:committee_dashboard", args=[Q2])
    with django_assert_num_queries(COMMITTEE_QUERIES):
        response = client.get(url)
    assert response.content.decode().count('<th scope="row"') >= 12 + extra


# Session and user, the layout (itself, its columns, its indicators), the loader's eleven,
# the publications compared with, the area and layout selectors and the page's own lookups.
COMMITTEE_QUERIES = 23
