"""Publishing a quarter: freeze the assembled dashboards, and say what changed since.

`publish` is a workflow transition in the STYLE.md sense: one transaction, a lock on the
period, a domain error with a message for the user, nothing half-done.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from indicators.models import ReportingPeriod
from portal.models import Area

from .assembly import build_dashboard
from .dashboard import BLOCK_MEASURES, Dashboard
from .layouts import layout_to_data
from .models import Layout, Publication


class PublishError(Exception):
    def __init__(self, message: str, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def publishable_areas():
    """The areas that have dashboards: each area some active indicator is reported for."""
    return Area.objects.filter(indicators__is_active=True).distinct().parents_first()


def public_areas_for(period: ReportingPeriod):
    """The areas with a published dashboard for `period` (the public area selector)."""
    return Area.objects.filter(
        Q(pk__in=Publication.objects.filter(period=period).values("area_id"))
    ).order_by("display_order", "name")


@transaction.atomic
def publish(
    period: ReportingPeriod,
    user,
    note: str = "",
    areas=None,
    at: dt.datetime | None = None,
) -> list[Publication]:
    """Publish `period` for every area (or `areas`): a new revision each, frozen.

    The first publication needs no note; a republication (a correction) must say what
    changed, and the public sees that note.
    """
    period = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
    note = (note or "").strip()
    areas = list(publishable_areas() if areas is None else areas)
    if not areas:
        raise PublishError("There are no areas with indicators to publish.", code="no_areas")
    republishing = Publication.objects.filter(period=period, area__in=areas).exists()
    if republishing and not note:
        raise PublishError(
            f"{period.label} is already published. Say what has changed: the public sees "
            "this revision note.",
            code="note_required",
        )
    at = at or timezone.now()
    layouts = _layouts_to_publish()
    made = []
    for area in areas:
        main, *others = [build_dashboard(period, area, spec).to_dict() for spec in layouts]
        made.append(
            Publication.objects.create(
                period=period,
                area=area,
                revision=Publication.objects.next_revision(period, area),
                published_at=at,
                published_by=user,
                revision_note=note,
                snapshot=main,
                layout_snapshots={d["layout_slug"]: d for d in others},
            )
        )
    if period.published_at is None:
        period.published_at = at
        period.save(update_fields=["published_at"])
    return made


def _layouts_to_publish() -> list[dict | None]:
    """Every layout's JSON form, the default first (None: the seed's when there is none)."""
    layouts = Layout.objects.prefetch_related("columns", "layout_indicators__indicator")
    found = [layout_to_data(layout) for layout in layouts.order_by("-is_default", "slug")]
    return found or [None]


@dataclass
class Change:
    indicator: str
    column: str
    before: str
    after: str


def _cell_changes(old, row, columns) -> list[Change]:
    found = []
    for column in columns:
        before, after = old.cell(column.key).text, row.cell(column.key).text
        if before != after:
            found.append(Change(row.title, column.heading, before, after))
    return found


def changes_between(before: Dashboard, after: Dashboard) -> list[Change]:
    """Every cell that differs between a published dashboard and the current figures.

    Cells are matched by column key, so only the columns both layouts share are compared.
    """
    found: list[Change] = []
    old_rows = {(row.area_code, row.code): row for row in before.rows}
    new_rows = {(row.area_code, row.code): row for row in after.rows}
    shared = {c.key for c in before.columns}
    columns = [c for c in after.columns if c.key in shared and c.measure not in BLOCK_MEASURES]
    old_blocks = {b.title: b for b in before.blocks}
    for block in after.blocks:
        old = old_blocks.get(block.title)
        if old and old.rag != block.rag:
            found.append(Change(block.title, "Overall progress RAG", old.rag, block.rag))
    for key, row in new_rows.items():
        old = old_rows.get(key)
        if old is None:
            found.append(Change(row.title, "Indicator", "not on the dashboard", "added"))
        else:
            found.extend(_cell_changes(old, row, columns))
    for key, row in old_rows.items():
        if key not in new_rows:
            found.append(Change(row.title, "Indicator", "on the dashboard", "removed"))
    if before.footnote_lines() != after.footnote_lines():
        found.append(
            Change(
                "Footnotes",
                "Footnotes",
                "; ".join(before.footnote_lines()),
                "; ".join(after.footnote_lines()),
            )
        )
    return found
