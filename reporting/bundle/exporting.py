"""`export_partnership`: everything a partnership is, as a folder of bundle files."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.utils import timezone

from portal.models import Area

from .. import layouts
from . import history, reference, tables
from .files import FILES, FORMAT_VERSION, LAYOUTS, MANIFEST, write_csv, write_json

SMALL_TABLES = {
    "definition_changes.csv": tables.export_changes,
    "periods.csv": tables.export_periods,
    "overrides.csv": tables.export_overrides,
}


def partnership_identity() -> dict:
    """Who this portal's partnership is: its name and its top-level area (None when empty)."""
    root = Area.objects.filter(parent__isnull=True).order_by("display_order", "code").first()
    return {
        "name": settings.PARTNERSHIP_NAME,
        "area_code": root.code if root else None,
        "area_name": root.name if root else None,
    }


def export_bundle(folder: Path) -> dict:
    """Write every bundle file and the manifest into `folder`; returns the manifest."""
    folder.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    for spec in FILES:
        path = folder / spec.name
        if spec.name in reference.RESOURCES:
            counts[spec.name] = write_csv(path, *reference.export_table(spec.name))
        elif spec.name in SMALL_TABLES:
            counts[spec.name] = write_csv(path, *SMALL_TABLES[spec.name]())
        elif spec.name == "history.csv":
            counts[spec.name] = history.export_history(path)
        elif spec.name == "comparator_values.csv":
            counts[spec.name] = history.export_values(path)
        elif spec.name == LAYOUTS:
            items = layouts.export_layouts()
            write_json(path, items)
            counts[spec.name] = len(items)
    manifest = {
        "format": "partnership-bundle",
        "format_version": FORMAT_VERSION,
        "partnership": partnership_identity(),
        "exported_at": timezone.now().isoformat(timespec="seconds"),
        "files": [
            {"name": spec.name, "about": spec.about, "rows": counts[spec.name]} for spec in FILES
        ],
    }
    write_json(folder / MANIFEST, manifest)
    return manifest
