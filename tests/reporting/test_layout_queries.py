"""The committee loader reads a fixed number of queries, whatever the layout or indicator count."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from reporting_helpers import add_indicators

from indicators.models import ReportingPeriod
from portal.models import Area
from reporting.assembly import assemble, load_dashboard_data
from reporting.layouts import SEED_LAYOUT

# Every measure at once: windows, offsets, changes, directions, ratings, benchmarks, words.
EVERY_MEASURE = {
    **SEED_LAYOUT,
    "slug": "every-measure",
    "grouping": "none",
    "columns": [
        {"key": "indicator", "heading": "Indicator", "measure": "indicator", "options": {}},
        {"key": "q", "heading": "{quarter}", "measure": "value", "options": {"window": "quarter"}},
        {
            "key": "q_last",
            "heading": "{quarter}",
            "measure": "value",
            "options": {"window": "quarter", "offset": "same_period_last_year"},
        },
        {"key": "ytd", "heading": "YTD", "measure": "value", "options": {"window": "year_to_date"}},
        {"key": "latest", "heading": "Latest", "measure": "value", "options": {"window": "latest"}},
        {
            "key": "change",
            "heading": "Change",
            "measure": "change",
            "options": {"from": "q_last", "to": "q", "kind": "percent"},
        },
        {"key": "dir", "heading": "Dir", "measure": "direction", "options": {"to": "q"}},
        {"key": "rag", "heading": "RAG", "measure": "rag", "options": {"of": "q"}},
        {"key": "target", "heading": "Target", "measure": "target", "options": {}},
        {"key": "rank", "heading": "Rank", "measure": "group_rank", "options": {"of": "q"}},
        {"key": "mean", "heading": "Mean", "measure": "group_mean", "options": {"of": "q"}},
        {
            "key": "position",
            "heading": "Position",
            "measure": "group_position",
            "options": {"of": "q", "band": 5},
        },
        {
            "key": "district",
            "heading": "District",
            "measure": "district_rank",
            "options": {"of": "latest"},
        },
        {"key": "nn", "heading": "NN", "measure": "typed_comparison", "options": {"source": "nn"}},
        {"key": "status", "heading": "Status", "measure": "status", "options": {}},
        {"key": "notes", "heading": "Commentary", "measure": "commentary", "options": {}},
    ],
}


def queries_for(area_code: str, layout: dict) -> int:
    period = ReportingPeriod.objects.get_by_code("2016/17-Q2")
    area = Area.objects.get(code=area_code)
    with CaptureQueriesContext(connection) as captured:
        data = load_dashboard_data(period, area, layout)
    dashboard = assemble(period.as_quarter, area, data)
    assert dashboard.rows
    return len(captured.captured_queries)


@pytest.mark.parametrize("area_code", ["E10000018", "E07000129"])
def test_the_query_count_is_the_same_for_every_layout_and_for_12_or_300_indicators(
    demo, area_code, django_assert_max_num_queries
):
    seed_12 = queries_for(area_code, SEED_LAYOUT)
    every_12 = queries_for(area_code, EVERY_MEASURE)
    add_indicators(288, ReportingPeriod.objects.get_by_code("2016/17-Q2"))
    seed_300 = queries_for(area_code, SEED_LAYOUT)
    every_300 = queries_for(area_code, EVERY_MEASURE)
    assert (seed_12, every_12, seed_300, every_300) == (seed_12,) * 4
    period = ReportingPeriod.objects.get_by_code("2016/17-Q2")
    area = Area.objects.get(code=area_code)
    # periods, indicators, children, submissions, areas reported, breaks, targets,
    # populations, overrides, comparator values, people; a district: + siblings twice.
    with django_assert_max_num_queries(13 if area.parent_id else 11):
        load_dashboard_data(period, area, EVERY_MEASURE)
