"""Layouts as JSON: the seed layout exists after migrating, bad layouts are refused whole."""

from __future__ import annotations

import copy
import importlib

import pytest
from django.apps import apps

from reporting.layouts import (
    SEED_LAYOUT,
    LayoutError,
    export_layouts,
    import_layouts,
    layout_to_data,
    save_layout_data,
    validate_layout_data,
)
from reporting.models import Layout

seed_layout_migration = importlib.import_module("reporting.migrations.0003_seed_layout")


def seed_copy(**changes) -> dict:
    data = copy.deepcopy(SEED_LAYOUT)
    data.update(changes)
    return data


def test_migrating_creates_the_seed_layout_as_the_default(db):
    Layout.objects.all().delete()
    seed_layout_migration.create_seed_layout(apps, None)
    layout = Layout.objects.default()
    assert layout.slug == "performance-dashboard"
    assert layout_to_data(layout) == SEED_LAYOUT


def test_the_seed_layout_is_valid():
    assert validate_layout_data(SEED_LAYOUT, set()) == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"key": "gap", "heading": "Gap", "measure": "change", "options": {}},
            "the change measure needs the option 'from'",
        ),
        (
            {
                "key": "gap",
                "heading": "Gap",
                "measure": "change",
                "options": {"from": "nowhere", "to": "latest", "kind": "volume"},
            },
            "names column 'nowhere', which is not in the layout",
        ),
        (
            {"key": "gap", "heading": "Gap", "measure": "sparkle", "options": {}},
            "unknown measure 'sparkle'",
        ),
        (
            {
                "key": "gap",
                "heading": "Gap",
                "measure": "value",
                "options": {"window": "fortnight"},
            },
            "unknown window 'fortnight'",
        ),
        (
            {"key": "gap", "heading": "Gap", "measure": "direction", "options": {}},
            "the direction measure needs the option 'to'",
        ),
        (
            {
                "key": "gap",
                "heading": "Gap",
                "measure": "direction",
                "options": {"to": "nn"},
            },
            "must name a value column; 'nn' is a typed_comparison column",
        ),
        (
            {"key": "gap", "heading": "Rate {century}", "measure": "target", "options": {}},
            "unknown placeholder {century}",
        ),
        (
            {"key": "latest", "heading": "Again", "measure": "target", "options": {}},
            "key 'latest' is used twice",
        ),
    ],
)
def test_a_bad_column_is_refused_with_a_clear_message(change, message):
    data = seed_copy()
    data["columns"].append(change)
    errors = validate_layout_data(data, set())
    assert any(message in error for error in errors), errors


def test_an_unknown_indicator_is_refused():
    errors = validate_layout_data(seed_copy(indicators=["crime-total"]), {"asb-victims"})
    assert errors == ["Layout 'performance-dashboard': Unknown indicator 'crime-total'."]


def test_an_outcome_rag_column_needs_outcome_grouping():
    errors = validate_layout_data(seed_copy(grouping="none"), set())
    assert any("outcome_rag measure needs the outcome grouping" in e for e in errors)


def test_saving_replaces_the_layout_with_that_slug(db):
    data = seed_copy(title="Appendix", title_prefix="Appendix 1 -")
    data["columns"] = data["columns"][2:5]
    data["grouping"] = "none"
    save_layout_data(data)
    layout = Layout.objects.get(slug="performance-dashboard")
    assert layout.title_prefix == "Appendix 1 -"
    assert [c.key for c in layout.columns.all()] == ["indicator", "previous_year", "latest"]


def test_importing_a_bad_file_writes_nothing(db):
    good = seed_copy(slug="second", is_default=False)
    bad = seed_copy(slug="third", is_default=False)
    bad["columns"][3]["options"] = {"window": "fortnight"}
    with pytest.raises(LayoutError) as caught:
        import_layouts([good, bad])
    assert any("unknown window 'fortnight'" in m for m in caught.value.messages)
    assert list(Layout.objects.values_list("slug", flat=True)) == ["performance-dashboard"]


def test_a_new_default_layout_takes_over_from_the_old_one(db):
    import_layouts([seed_copy(slug="call-over", title="Call-over")])
    assert Layout.objects.default().slug == "call-over"
    assert not Layout.objects.get(slug="performance-dashboard").is_default


def test_two_defaults_in_one_file_are_refused(db):
    with pytest.raises(LayoutError, match="Only one layout can be the default"):
        import_layouts([seed_copy(slug="one"), seed_copy(slug="two")])


def test_export_then_import_gives_the_same_layouts(db):
    exported = export_layouts()
    Layout.objects.all().delete()
    import_layouts(exported)
    assert export_layouts() == exported
