"""A most-similar-group benchmarking layout, computed from comparator values, cell for cell."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from reporting_helpers import Q2, YEAR_TO_Q2, crime_history, period_for

from indicators.models import ComparatorGroup, ComparatorMember, PeerValue
from reporting.assembly import build_dashboard
from reporting.exports import dashboard_csv

BENCHMARK = {
    "slug": "most-similar-group",
    "title": "Most similar group benchmarking",
    "title_prefix": "",
    "grouping": "none",
    "is_default": False,
    "indicators": [],
    "columns": [
        {"key": "indicator", "heading": "Indicator", "measure": "indicator", "options": {}},
        {
            "key": "now",
            "heading": "Rate per 1,000 {fy_slash}",
            "measure": "value",
            "options": {"window": "rolling_12_months"},
        },
        {
            "key": "before",
            "heading": "Rate per 1,000 {fy_slash}",
            "measure": "value",
            "options": {"window": "rolling_12_months", "offset": "same_period_last_year"},
        },
        {"key": "rank", "heading": "MSG rank", "measure": "group_rank", "options": {"of": "now"}},
        {"key": "mean", "heading": "MSG mean", "measure": "group_mean", "options": {"of": "now"}},
        {
            "key": "distance",
            "heading": "From the mean",
            "measure": "group_distance",
            "options": {"of": "now"},
        },
        {
            "key": "position",
            "heading": "Position",
            "measure": "group_position",
            "options": {"of": "now", "band": 5},
        },
    ],
}


def most_similar_group(indicator) -> None:
    """Fifteen members: us and fourteen peers (30, 32 … 56 now; all 44.00 a year ago)."""
    group = ComparatorGroup.objects.create(
        name="Most similar group", source="iQuanta", as_at=dt.date(2016, 6, 30)
    )
    ComparatorMember.objects.create(group=group, name="Shire", is_self=True)
    peers = [ComparatorMember.objects.create(group=group, name=f"Peer {n:02d}") for n in range(14)]
    for member, now in zip(peers, range(30, 58, 2), strict=True):
        for quarter, value in ((Q2, now), (Q2.shift(-4), 44)):
            PeerValue.objects.create(
                indicator=indicator, period=period_for(quarter), member=member, value=Decimal(value)
            )
    indicator.comparator_group = group
    indicator.save(update_fields=["comparator_group"])


def test_the_benchmarking_table_is_computed_from_the_groups_values(partnership):
    p = partnership
    counts = {q: (3300 if q <= Q2.shift(-4) else 3000) for q in YEAR_TO_Q2}
    crime_history(p, p.county, counts)
    most_similar_group(p.crime)
    dashboard = build_dashboard(period_for(Q2), p.county, BENCHMARK)
    assert dashboard.headings == [
        "Indicator",
        "Rate per 1,000 2016/17",
        "Rate per 1,000 2015/16",
        "MSG rank",
        "MSG mean",
        "From the mean",
        "Position",
    ]
    # 40.00 against a mean of 642 / 15 = 42.80: tied sixth of fifteen (lower is better),
    # 6.5% below the mean; a year ago 44.00 was the mean itself, so the move is improving.
    crime = dashboard.rows[0]
    assert [crime.cell(c.key).text for c in dashboard.columns] == [
        "Crime rate (per 1,000 population)",
        "40.00",
        "44.00",
        "6/15",
        "42.80",
        "-6.5%",
        "Below ↑",
    ]
    assert crime["position"].words == "below the group mean, improving against a year earlier"
    csv = dashboard_csv(dashboard).decode("utf-8-sig").splitlines()
    assert csv[1] == '"Crime rate (per 1,000 population)",40.00,44.00,6/15,42.80,-6.5%,Below ↑'
