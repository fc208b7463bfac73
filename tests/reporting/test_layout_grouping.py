"""Rows grouped by area: the partnership area, then each district, each with its own figures."""

from __future__ import annotations

from reporting_helpers import Q2, YEAR_TO_Q2, crime_history, period_for

from reporting.assembly import build_dashboard

BY_AREA = {
    "slug": "by-area",
    "title": "Crime by area",
    "title_prefix": "",
    "grouping": "area",
    "is_default": False,
    "indicators": ["crime"],
    "columns": [
        {"key": "area", "heading": "Area", "measure": "area", "options": {}},
        {"key": "indicator", "heading": "Indicator", "measure": "indicator", "options": {}},
        {
            "key": "latest",
            "heading": "Rolling 12 months to {quarter}",
            "measure": "value",
            "options": {"window": "rolling_12_months"},
        },
    ],
}


def test_rows_grouped_by_area_show_each_areas_own_figure(partnership):
    p = partnership
    for area, count in ((p.county, 3000), (p.district_1, 1100), (p.district_2, 1900)):
        area.indicators.add(p.crime)
        crime_history(p, area, {q: count for q in YEAR_TO_Q2})
    dashboard = build_dashboard(period_for(Q2), p.county, BY_AREA)
    assert [block.title for block in dashboard.blocks] == ["Shire", "North", "South"]
    assert dashboard.headings[2] == "Rolling 12 months to Q2 2016/17"
    # 12,000 / 300,000, 4,400 / 100,000 and 7,600 / 200,000 crimes, per 1,000 people.
    assert dashboard.table() == [
        ["Shire", "Crime rate (per 1,000 population)", "40.00"],
        ["North", "Crime rate (per 1,000 population)", "44.00"],
        ["South", "Crime rate (per 1,000 population)", "38.00"],
    ]
    assert dashboard.block_column(dashboard.columns[0])
