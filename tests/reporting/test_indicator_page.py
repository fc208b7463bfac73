"""The indicator page a committee member opens from a row, and what the public sees of it."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from indicators.models import DefinitionChange, Indicator, Submission

CRIME = reverse("reporting:indicator_detail", args=["crime-total"])
ASB = reverse("reporting:indicator_detail", args=["asb-victims"])


def text(response) -> str:
    html = response.content.decode()
    html = re.sub(r"<svg.*?</svg>", "", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split()).replace("&#x27;", "'")


def years(response) -> list[str]:
    block = re.search(r'<ul class="govuk-list" id="years">(.*?)</ul>', response.content.decode())
    return re.findall(r"<li>(.*?)</li>", block.group(1)) if block else []


def svg_runs(response) -> list[str]:
    path = re.search(r'class="trend-line" d="([^"]*)"', response.content.decode())
    return re.findall(r"M[^M]+", path.group(1)) if path else []


@pytest.fixture
def viewer(client, demo):
    client.force_login(User.objects.get(username="committee.member"))
    return client


def test_the_page_explains_the_indicator_to_anyone(client, demo):
    page = text(client.get(CRIME))
    assert "All police recorded crime per 1,000 residents" in page
    assert "What good looks like Lower is better: a fall is an improvement." in page
    assert "Target 2016/17 ≤ 47.50 (the standing target). Green at 47.50 or below; amber " in page
    assert "2015/16: ≤ 48.00" in page  # the target set for that year
    assert "Submitted each quarter by Leicestershire Police: the number of recorded crimes." in page
    assert "Owner Leicestershire Police" in page


def test_the_public_sees_published_years_and_quarters_only(client, demo):
    response = client.get(CRIME)
    assert years(response) == [
        "2015/16: 31,843 recorded crimes (-2%), 47.21 per 1,000",
        "2014/15: 32,340 recorded crimes, 48.31 per 1,000",  # 2013/14 was never published
    ]
    asb = text(client.get(ASB))
    assert "5.3%" not in asb and "Q3 2016/17" not in asb  # approved, not published
    assert "Includes approved figures not yet published" not in asb


def test_a_committee_member_also_sees_approved_unpublished_figures(viewer):
    asb = text(viewer.get(ASB))
    assert "Q3 2016/17: 5.3%" in asb
    assert "Includes approved figures not yet published." in asb


def test_the_yearly_history_gives_count_rate_change_and_rank_where_held(viewer):
    Submission.objects.approved().filter(
        indicator__code="crime-total",
        area__code="E10000018",
        period__year=2015,
        period__quarter=4,
    ).update(nn_rank=3, nn_of=9)
    assert years(viewer.get(CRIME)) == [
        "2015/16: 31,843 recorded crimes (-2%), 47.21 per 1,000 (3/9)",
        "2014/15: 32,340 recorded crimes (-3%), 48.31 per 1,000",
        "2013/14: 33,450 recorded crimes, 50.32 per 1,000",
    ]


def test_a_lagged_figure_keeps_its_own_period_in_the_history(client, demo):
    response = client.get(reverse("reporting:indicator_detail", args=["da-referrals"]))
    assert years(response)[0] == "2015/16: 1264 (2014-15) (+6%)"


def test_the_trend_line_breaks_at_a_change_of_definition(client, demo):
    assert len(svg_runs(client.get(CRIME))) == 1
    DefinitionChange.objects.create(
        indicator=Indicator.objects.get(code="crime-total"),
        effective_from=dt.date(2015, 7, 1),
        description="Violence recording changed after the HMIC audit.",
    )
    response = client.get(CRIME)
    assert len(svg_runs(response)) == 2
    assert "Break in series from 1 Jul 2015" in text(response)


def test_the_chart_marks_the_target(client, demo):
    html = client.get(CRIME).content.decode()
    assert 'class="trend-target"' in html and "Target ≤ 47.50" in html


def test_the_page_needs_a_fixed_number_of_queries(client, demo, django_assert_max_num_queries):
    with django_assert_max_num_queries(20):
        assert client.get(CRIME).status_code == 200
