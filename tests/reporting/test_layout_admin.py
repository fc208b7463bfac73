"""Layouts in the admin: bad columns refused next to the field, preview, JSON out and in."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from reporting_helpers import Q2, YEAR_TO_Q2, crime_history

from reporting.layouts import SEED_LAYOUT
from reporting.models import Layout

COLUMNS = "columns"
INDICATORS = "layout_indicators"


def management(prefix: str, total: int) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def column_fields(n: int, key: str, measure: str, options: dict, heading: str = "H") -> dict:
    prefix = f"{COLUMNS}-{n}"
    return {
        f"{prefix}-position": str(n),
        f"{prefix}-key": key,
        f"{prefix}-heading": heading,
        f"{prefix}-measure": measure,
        f"{prefix}-options": json.dumps(options),
        f"{prefix}-markers": "on",
    }


def add_layout(client, *columns) -> object:
    data = {
        "slug": "call-over",
        "title": "Call-over",
        "title_prefix": "",
        "grouping": "none",
        "description": "",
        **management(COLUMNS, len(columns)),
        **management(INDICATORS, 0),
    }
    for n, column in enumerate(columns):
        data.update(column_fields(n, *column))
    return client.post("/admin/reporting/layout/add/", data)


@pytest.fixture
def admin_client_(partnership, client):
    client.force_login(partnership.admin)
    return client


def test_a_change_between_columns_that_do_not_exist_is_refused_next_to_the_field(admin_client_):
    response = add_layout(
        admin_client_,
        ("latest", "value", {"window": "rolling_12_months"}),
        ("gap", "change", {"from": "last_year", "to": "latest", "kind": "volume"}),
    )
    assert response.status_code == 200
    errors = response.context["inline_admin_formsets"][0].formset.forms[1].errors
    assert "names column 'last_year', which is not in the layout" in errors["options"][0]
    assert not Layout.objects.filter(slug="call-over").exists()


def test_an_unknown_window_is_refused(admin_client_):
    response = add_layout(admin_client_, ("latest", "value", {"window": "fortnight"}))
    assert "unknown window &#x27;fortnight&#x27;" in response.content.decode()
    assert not Layout.objects.filter(slug="call-over").exists()


def test_a_good_layout_is_saved_and_previews_the_latest_quarter(admin_client_, partnership):
    crime_history(partnership, partnership.county, {q: 3000 for q in YEAR_TO_Q2})
    response = add_layout(
        admin_client_,
        ("indicator", "indicator", {}),
        ("latest", "value", {"window": "rolling_12_months"}, "Rolling 12 months to {quarter}"),
    )
    assert response.status_code == 302
    layout = Layout.objects.get(slug="call-over")
    page = admin_client_.get(f"/admin/reporting/layout/{layout.pk}/change/").content.decode()
    assert "Rolling 12 months to Q2 2016/17" in page
    assert "40.00" in page  # 12,000 crimes over the year against a population of 300,000
    assert Q2.short_label in page


def test_a_layout_downloads_as_json(admin_client_):
    layout = Layout.objects.get(slug=SEED_LAYOUT["slug"])
    response = admin_client_.get(f"/admin/reporting/layout/{layout.pk}/json/")
    assert json.loads(response.content) == SEED_LAYOUT


def test_a_bad_upload_lists_every_problem_and_saves_nothing(admin_client_):
    bad = {**SEED_LAYOUT, "slug": "other", "is_default": False, "grouping": "sideways"}
    upload = SimpleUploadedFile("layouts.json", json.dumps([bad]).encode())
    response = admin_client_.post("/admin/reporting/layout/upload/", {"file": upload})
    assert "Unknown grouping &#x27;sideways&#x27;" in response.content.decode()
    assert not Layout.objects.filter(slug="other").exists()


def test_a_good_upload_saves_the_layouts(admin_client_):
    good = {**SEED_LAYOUT, "slug": "other", "is_default": False}
    upload = SimpleUploadedFile("layouts.json", json.dumps(good).encode())
    response = admin_client_.post("/admin/reporting/layout/upload/", {"file": upload})
    assert response.status_code == 302
    assert Layout.objects.get(slug="other").columns.count() == 10
