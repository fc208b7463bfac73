"""Layouts reach every page and export; a published snapshot keeps the layout it had."""

from __future__ import annotations

import copy
import io

import pytest
from django.core.management import CommandError, call_command
from reporting_helpers import Q2, YEAR_TO_Q2, crime_history, period_for

from reporting.dashboard import Dashboard
from reporting.layouts import SEED_LAYOUT, import_layouts, save_layout_data
from reporting.models import Publication
from reporting.publishing import publish

SHORT = {
    **copy.deepcopy(SEED_LAYOUT),
    "slug": "short",
    "title": "Short table",
    "title_prefix": "Appendix 2 -",
    "is_default": False,
    "grouping": "none",
    "columns": [
        {"key": "indicator", "heading": "Indicator", "measure": "indicator", "options": {}},
        {
            "key": "now",
            "heading": "Rate {fy_slash}",
            "measure": "value",
            "options": {"window": "rolling_12_months"},
        },
        {
            "key": "before",
            "heading": "Rate {fy_slash}",
            "measure": "value",
            "options": {"window": "rolling_12_months", "offset": "same_period_last_year"},
        },
        {
            "key": "change",
            "heading": "Change",
            "measure": "change",
            "options": {"from": "before", "to": "now", "kind": "percent"},
            "format": {"signed": True},
        },
    ],
}


@pytest.fixture
def published(partnership):
    counts = {q: 3000 for q in YEAR_TO_Q2}
    counts[Q2] = 3300
    crime_history(partnership, partnership.county, counts)
    import_layouts([SHORT])
    publish(period_for(Q2), partnership.approver)
    return Publication.objects.latest_for(period_for(Q2), partnership.county)


def test_a_quarter_is_published_in_every_layout(published):
    short = published.dashboard_for("short")
    assert short.heading == "Appendix 2 - Short table Quarter 2, 2016/17"
    assert short.headings == ["Indicator", "Rate 2016/17", "Rate 2015/16", "Change"]
    assert short.rows[0]["change"].text == "+2.5%"  # 41.00 against 40.00
    assert published.dashboard.layout_slug == "performance-dashboard"
    assert published.dashboard_for("nonsense") is None


def test_a_published_snapshot_is_unchanged_after_its_layout_is_edited(published, client):
    before = published.dashboard_for("short").to_dict()
    edited = copy.deepcopy(SHORT)
    edited["columns"] = edited["columns"][:2]
    edited["columns"][1]["heading"] = "Renamed"
    save_layout_data(edited)
    published.refresh_from_db()
    assert published.dashboard_for("short").to_dict() == before
    page = client.get(f"/dashboard/{Q2.code}/{published.area.code}/?layout=short")
    assert "Rate 2015/16" in page.content.decode()
    assert "Renamed" not in page.content.decode()


def test_the_public_page_refuses_a_layout_it_was_not_published_in(published, client):
    response = client.get(f"/dashboard/{Q2.code}/{published.area.code}/?layout=nonsense")
    assert response.status_code == 404


def test_the_public_csv_follows_the_layout(published, client):
    response = client.get(f"/dashboard/{Q2.code}/{published.area.code}/dashboard.csv?layout=short")
    header = response.content.decode("utf-8-sig").splitlines()[0]
    assert header == "Indicator,Rate 2016/17,Rate 2015/16,Change"


def test_a_snapshot_from_before_layouts_still_renders(published, client):
    old = published.dashboard
    legacy = {
        "title": old.title,
        "period_code": old.period_code,
        "period_label": old.period_label,
        "area_code": old.area_code,
        "area_name": old.area_name,
        "area_is_district": False,
        "previous_year_heading": "Previous Year (2015-16)",
        "outcomes": [
            {
                "outcome_id": 1,
                "title": "Less crime",
                "rag": "A",
                "rag_overridden": False,
                "rag_reason": "",
                "rows": [
                    {
                        "indicator_id": 1,
                        "code": "crime",
                        "title": "Crime rate",
                        "unit": "rate_per_1000",
                        "decimal_places": 2,
                        "previous_year": "40.00",
                        "previous_year_number": "40.00",
                        "latest": "41.00*",
                        "latest_number": None,
                        "latest_value": "41.00",
                        "direction": "worsening",
                        "direction_text": "↓",
                        "rag": "A",
                        "rag_text": "A",
                        "nn": "3/9",
                        "county": "Top",
                        "district": "",
                    }
                ],
            }
        ],
        "footnotes": [{"marker": "*", "text": "Provisional figure"}],
    }
    dashboard = Dashboard.from_dict(legacy)
    assert dashboard.headings[3] == "Previous Year (2015-16)"
    assert dashboard.table() == [
        ["Less crime", "A", "Crime rate", "40.00", "41.00*", "↓", "A", "3/9", "Top", ""]
    ]
    Publication.objects.filter(pk=published.pk).update(snapshot=legacy, layout_snapshots={})
    page = client.get(f"/dashboard/{Q2.code}/{published.area.code}/").content.decode()
    assert "41.00*" in page and "Previous Year (2015-16)" in page


def test_export_dashboard_takes_a_layout(published):
    out = io.StringIO()
    call_command("export_dashboard", period=Q2.code, layout="short", stdout=out)
    assert out.getvalue().lstrip("\ufeff").startswith("Indicator,Rate 2016/17,Rate 2015/16,Change")
    out = io.StringIO()
    call_command("export_dashboard", period=Q2.code, stdout=out)
    assert out.getvalue().lstrip("\ufeff").startswith("Outcomes,Overall Progress RAG")


def test_export_dashboard_refuses_an_unknown_layout(published):
    with pytest.raises(CommandError, match="No layout 'nope'. Known layouts: "):
        call_command("export_dashboard", period=Q2.code, layout="nope")
