"""Layouts as JSON: the form the admin downloads and uploads and the partnership bundle carries.

A layout's JSON form:

    {"slug": "performance-dashboard", "title": "...", "title_prefix": "", "grouping": "outcome",
     "is_default": true, "description": "", "indicators": ["crime-total", ...],
     "columns": [{"key": "latest", "heading": "Latest Data Rolling 12 months",
                  "measure": "value",
                  "options": {"window": "rolling_12_months", "offset": "current"},
                  "format": {"thousands": false, "decimals": null, "signed": false,
                             "markers": true}}, ...]}

`reporting.vocabulary` says which measures and options exist. Saving is all or nothing:
a bad layout raises `LayoutError` with every problem and writes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from django.db import transaction

from indicators.models import Indicator

from . import vocabulary
from .models import Layout, LayoutColumn, LayoutIndicator

LAYOUT_KEYS = {"slug", "title", "title_prefix", "grouping", "is_default", "description"}
LAYOUT_KEYS |= {"indicators", "columns"}
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,79}$")


def _column(key: str, heading: str, measure: str, **options) -> dict:
    return {
        "key": key,
        "heading": heading,
        "measure": measure,
        "options": options,
        "format": {"thousands": False, "decimals": None, "signed": False, "markers": True},
    }


# The seed's Appendix 1: ten columns, rows grouped by outcome, every active indicator.
SEED_LAYOUT = {
    "slug": "performance-dashboard",
    "title": "Safer Communities Performance Dashboard",
    "title_prefix": "",
    "grouping": "outcome",
    "is_default": True,
    "description": "The partnership's quarterly performance dashboard (Appendix 1).",
    "indicators": [],
    "columns": [
        _column("outcome", "Outcomes", "outcome"),
        _column("outcome_rag", "Overall Progress RAG", "outcome_rag"),
        _column("indicator", "Supporting Indicators", "indicator"),
        _column(
            "previous_year",
            "Previous Year ({fy})",
            "value",
            window="financial_year",
            offset="previous_year",
        ),
        _column(
            "latest",
            "Latest Data Rolling 12 months",
            "value",
            window="rolling_12_months",
            offset="current",
        ),
        _column("direction", "Current Direction of Travel", "direction", to="latest"),
        _column("progress", "Progress", "rag", of="latest"),
        _column("nn", "Nearest Neighbour Comparison", "typed_comparison", source="nn"),
        _column("county", "County Comparison", "typed_comparison", source="county"),
        _column("district", "District Comparison", "district_rank", of="latest"),
    ],
}


class LayoutError(Exception):
    """A layout (or a file of them) that cannot be saved; `messages` lists every reason."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


def layout_to_data(layout: Layout) -> dict:
    return {
        "slug": layout.slug,
        "title": layout.title,
        "title_prefix": layout.title_prefix,
        "grouping": layout.grouping,
        "is_default": layout.is_default,
        "description": layout.description,
        "indicators": layout.indicator_codes(),
        "columns": layout.column_specs(),
    }


def _head_errors(data: Mapping) -> list[str]:
    errors = [f"Unknown layout field '{name}'." for name in sorted(set(data) - LAYOUT_KEYS)]
    slug = data.get("slug")
    if not isinstance(slug, str) or not SLUG_RE.match(slug):
        errors.append(
            f"Layout slug '{slug}' must start with a letter and use only lower-case letters, "
            "digits, - and _."
        )
    if not isinstance(data.get("title"), str) or not data.get("title", "").strip():
        errors.append("Give the layout a title.")
    if data.get("grouping", "outcome") not in vocabulary.GROUPINGS:
        errors.append(
            f"Unknown grouping '{data.get('grouping')}'; choose one of "
            + ", ".join(vocabulary.GROUPINGS)
            + "."
        )
    if not isinstance(data.get("is_default", False), bool):
        errors.append("is_default must be true or false.")
    return errors


def _indicator_errors(codes, known: set[str]) -> list[str]:
    if not isinstance(codes, list):
        return ["indicators must be a list of indicator codes."]
    errors = [f"Unknown indicator '{code}'." for code in codes if code not in known]
    twice = sorted({code for code in codes if codes.count(code) > 1})
    errors += [f"Indicator '{code}' is listed twice." for code in twice]
    return errors


def _grouping_errors(data: Mapping) -> list[str]:
    grouping = data.get("grouping", "outcome")
    errors = []
    for column in data.get("columns") or []:
        measure = column.get("measure") if isinstance(column, Mapping) else None
        if measure in ("outcome", "outcome_rag") and grouping != "outcome":
            errors.append(
                f"Column '{column.get('key')}': the {measure} measure needs the outcome grouping."
            )
        if measure == "area" and grouping != "area":
            errors.append(f"Column '{column.get('key')}': the area measure needs area grouping.")
    return errors


def validate_layout_data(data: dict, indicator_codes: set[str]) -> list[str]:
    """Every problem with one layout's JSON form; empty when it can be saved."""
    if not isinstance(data, Mapping):
        return ["A layout must be a JSON object."]
    columns = data.get("columns")
    if not isinstance(columns, list) or not all(isinstance(c, Mapping) for c in columns):
        column_errors = ["columns must be a list of column objects."]
    else:
        column_errors = vocabulary.columns_errors(columns)
    errors = [
        *_head_errors(data),
        *_indicator_errors(data.get("indicators", []), indicator_codes),
        *column_errors,
        *_grouping_errors(data),
    ]
    slug = data.get("slug", "?")
    return [f"Layout '{slug}': {message}" for message in errors]


def _known_codes() -> set[str]:
    return set(Indicator.objects.values_list("code", flat=True))


def _write(data: dict, indicator_ids: dict[str, int]) -> Layout:
    if data.get("is_default"):
        Layout.objects.filter(is_default=True).exclude(slug=data["slug"]).update(is_default=False)
    layout, _ = Layout.objects.update_or_create(
        slug=data["slug"],
        defaults={
            "title": data["title"].strip(),
            "title_prefix": (data.get("title_prefix") or "").strip(),
            "grouping": data.get("grouping", "outcome"),
            "is_default": data.get("is_default", False),
            "description": data.get("description", ""),
        },
    )
    layout.columns.all().delete()
    layout.layout_indicators.all().delete()
    LayoutColumn.objects.bulk_create(
        [column_from_spec(layout, position, spec) for position, spec in enumerate(data["columns"])]
    )
    LayoutIndicator.objects.bulk_create(
        [
            LayoutIndicator(layout=layout, indicator_id=indicator_ids[code], position=position)
            for position, code in enumerate(data.get("indicators", []))
        ]
    )
    return layout


def column_from_spec(layout: Layout, position: int, spec: Mapping) -> LayoutColumn:
    fmt = spec.get("format") or {}
    return LayoutColumn(
        layout=layout,
        position=position,
        key=spec["key"],
        heading=spec["heading"],
        measure=spec["measure"],
        options=dict(spec.get("options") or {}),
        thousands=fmt.get("thousands", False),
        decimals=fmt.get("decimals"),
        signed=fmt.get("signed", False),
        markers=fmt.get("markers", True),
    )


def save_layout_data(data: dict) -> Layout:
    """Create or replace the layout with `data['slug']`; raises LayoutError, writing nothing."""
    return import_layouts([data])[0]


def export_layouts() -> list[dict]:
    layouts = Layout.objects.prefetch_related("columns", "layout_indicators__indicator")
    return [layout_to_data(layout) for layout in layouts.order_by("slug")]


def import_layouts(items: Iterable[dict]) -> list[Layout]:
    """Save every layout or none: all problems are listed in one LayoutError."""
    items = list(items)
    known = _known_codes()
    errors = [message for data in items for message in validate_layout_data(data, known)]
    slugs = [data.get("slug") for data in items if isinstance(data, Mapping)]
    errors += [
        f"Layout '{s}' appears twice." for s in sorted({s for s in slugs if slugs.count(s) > 1})
    ]
    defaults = [
        data.get("slug")
        for data in items
        if isinstance(data, Mapping) and data.get("is_default") is True
    ]
    if len(defaults) > 1:
        errors.append(
            "Only one layout can be the default; these all say so: " + ", ".join(defaults) + "."
        )
    if errors:
        raise LayoutError(errors)
    ids = dict(Indicator.objects.values_list("code", "id"))
    with transaction.atomic():
        return [_write(data, ids) for data in items]
