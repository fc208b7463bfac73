"""The committee index: quarters with approved figures, counted per page, never over history."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from conftest import approved
from django.urls import reverse

from indicators.models import ReportingPeriod
from indicators.quarters import Quarter

pytestmark = pytest.mark.django_db


def _history(p, quarters: int) -> None:
    for n in range(quarters):
        q = Quarter(2000 + n // 4, n % 4 + 1)
        period = ReportingPeriod.objects.create(
            year=q.year, quarter=q.number, opens_on=q.end, deadline=q.end + dt.timedelta(days=40)
        )
        for area in (p.county, p.district_1)[: 1 + n % 2]:
            approved(p.crime, area, period, p.submitter_a, p.approver, numerator=Decimal(n))


@pytest.mark.parametrize("quarters", [3, 60])
def test_the_index_shows_20_quarters_a_page_with_their_counts_in_fixed_queries(
    client, partnership, django_assert_max_num_queries, quarters
):
    _history(partnership, quarters)
    client.force_login(partnership.viewer)
    with django_assert_max_num_queries(8):
        html = client.get(reverse("reporting:committee_index")).content.decode()
    assert html.count('href="/committee/2') == min(20, quarters)
    latest = Quarter(2000 + (quarters - 1) // 4, (quarters - 1) % 4 + 1)
    assert latest.label in html  # newest first
    assert "Q1 2016/17" not in html  # the open and closed quarters have nothing approved


def test_the_counts_are_each_quarters_approved_values(client, partnership):
    _history(partnership, 2)
    client.force_login(partnership.viewer)
    html = client.get(reverse("reporting:committee_index")).content.decode()
    cells = html.split('govuk-table__cell--numeric">')[1:]
    assert [c.split("<")[0].strip() for c in cells] == ["2", "1"]
