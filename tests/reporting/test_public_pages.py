"""Public pages: published snapshots only, arrows and RAG as text, revisions shown."""

from __future__ import annotations

from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth.models import User
from django.urls import reverse
from reporting_seed import SEED_FOOTNOTES, SEED_ROWS, SEED_TITLE

from indicators.models import ReportingPeriod, Submission
from portal.models import Area
from reporting.models import Publication
from reporting.publishing import publish

Q2 = "2016/17-Q2"
COUNTY = "E10000018"


def dashboard_url(period=Q2, area=None):
    args = [period] + ([area] if area else [])
    return reverse("reporting:public_dashboard", args=args)


def test_the_index_lists_the_published_quarters_with_the_latest_first(client, demo):
    page = client.get(reverse("reporting:public_index")).content.decode()
    assert page.index("Q2 2016/17") < page.index("Q1 2016/17") < page.index("Q1 2015/16")
    assert "Q3 2016/17" not in page


def test_latest_goes_to_the_latest_published_quarter(client, demo):
    response = client.get(reverse("reporting:public_latest"))
    assert response.url == dashboard_url()


def test_the_public_dashboard_shows_the_seed_with_arrows_and_rag_in_words(client, demo):
    response = client.get(dashboard_url())
    page = response.content.decode()
    assert response.status_code == 200
    assert SEED_TITLE in page
    for row in SEED_ROWS:
        assert row[2].replace("&", "&amp;") in page
        assert row[3] in page and row[4] in page
    assert '<span aria-hidden="true">↑</span><span class="govuk-visually-hidden">improving' in page
    assert '<span class="govuk-visually-hidden">worsening' in page
    assert 'G<span class="govuk-visually-hidden"> (green: on track' in page
    assert 'A<span class="govuk-visually-hidden"> (amber: close to target' in page
    assert '<th scope="rowgroup" rowspan="4"' in page
    assert "<caption" in page
    for note in SEED_FOOTNOTES:
        assert note.split(" ", 1)[1][:60] in page


def test_a_district_dashboard_is_published_too(client, demo):
    page = client.get(dashboard_url(area="E07000129")).content.decode()
    assert "Blaby" in page and "/7" in page
    assert "Domestic Burglary" in page and "MARAC" not in page


def test_an_unpublished_quarter_is_not_found(client, demo):
    assert client.get(dashboard_url("2016/17-Q3")).status_code == 404
    assert client.get(dashboard_url("2030/31-Q1")).status_code == 404
    assert client.get(dashboard_url(area="NOPE")).status_code == 404


def test_the_public_page_serves_the_snapshot_not_later_approved_figures(client, demo):
    q2 = Submission.objects.approved().get(
        indicator__code="crime-total", area__code=COUNTY, period__year=2016, period__quarter=2
    )
    Submission.objects.filter(pk=q2.pk).update(numerator=Decimal(9000))
    page = client.get(dashboard_url()).content.decode()
    assert "47.11*" in page


def test_a_correction_is_republished_as_a_revision_with_a_note_the_public_sees(client, demo):
    period = ReportingPeriod.objects.get_by_code(Q2)
    q2 = Submission.objects.approved().get(
        indicator__code="crime-total", area__code=COUNTY, period=period
    )
    Submission.objects.filter(pk=q2.pk).update(numerator=Decimal(8511))
    approver = User.objects.get(username="performance.manager")
    with time_machine.travel("2017-01-12 10:00 +00:00"):
        publish(period, approver, note="Total crime for Q2 corrected after a police audit.")
    page = client.get(dashboard_url()).content.decode()
    assert "Revised 12 Jan 2017:" in page
    assert "Total crime for Q2 corrected after a police audit." in page
    assert "47.26*" in page and "47.11*" not in page
    # The first revision is kept, and still shown to anyone who asks for it.
    old = client.get(dashboard_url() + "?revision=1").content.decode()
    assert "47.11*" in old and "has been replaced" in old
    first = Publication.objects.get(period=period, area__code=COUNTY, revision=1)
    assert first.dashboard.table() == SEED_ROWS


def test_the_indicator_page_shows_the_trend_as_a_chart_and_a_table(client, demo):
    url = reverse("reporting:indicator_detail", args=["crime-total"])
    page = client.get(url).content.decode()
    assert "All police recorded crime per 1,000 residents" in page
    assert '<svg role="img" aria-labelledby="trend-title trend-desc"' in page
    assert page.count("<circle") == 10  # ten published quarters in the demo: 2014/15 Q1 on
    for quarter in ("Q1 2015/16", "Q4 2015/16", "Q2 2016/17"):
        assert f">{quarter}</a>" in page
    assert "47.11*" in page and "3/9" in page
    assert "* Provisional Q2 Crime figures" in page


def test_the_indicator_page_for_a_district_shows_its_rank(client, demo):
    url = reverse("reporting:indicator_detail", args=["crime-total"]) + "?area=E07000129"
    page = client.get(url).content.decode()
    assert "46.24" in page and "3/7" in page


def test_an_indicator_never_published_for_the_area_is_not_found(client, demo):
    url = reverse("reporting:indicator_detail", args=["marac-repeat"]) + "?area=E07000129"
    assert client.get(url).status_code == 404
    assert client.get(reverse("reporting:indicator_detail", args=["nope"])).status_code == 404


@pytest.mark.parametrize("fmt", ["xlsx", "pdf"])
def test_an_unknown_or_unpublished_export_is_not_found(client, demo, fmt):
    bad = reverse("reporting:public_export", args=["2016/17-Q3", COUNTY, fmt])
    assert client.post(bad).status_code == 404
    wrong = reverse("reporting:public_export", args=[Q2, COUNTY, "exe"])
    assert client.post(wrong).status_code == 404


def test_a_break_in_series_is_published_instead_of_an_arrow(client, demo):
    from datetime import date

    from indicators.models import DefinitionChange, Indicator

    DefinitionChange.objects.create(
        indicator=Indicator.objects.get(code="crime-vehicle"),
        effective_from=date(2016, 9, 1),
        description="Vehicle interference no longer counted.",
    )
    period = ReportingPeriod.objects.get_by_code(Q2)
    publish(period, User.objects.get(username="performance.manager"), note="Break recorded.")
    page = client.get(dashboard_url()).content.decode()
    assert "Break in series" in page
    area = Area.objects.get(code=COUNTY)
    row = Publication.objects.latest_for(period, area).dashboard.rows[2]
    assert row["direction"].text == "Break in series"
