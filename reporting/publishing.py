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
from .cache import published_pages_changed
from .dashboard import Dashboard
from .models import Publication


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
    made = []
    for area in areas:
        made.append(
            Publication.objects.create(
                period=period,
                area=area,
                revision=Publication.objects.next_revision(period, area),
                published_at=at,
                published_by=user,
                revision_note=note,
                snapshot=build_dashboard(period, area).to_dict(),
            )
        )
    if period.published_at is None:
        period.published_at = at
        period.save(update_fields=["published_at"])
    published_pages_changed()
    return made


@dataclass
class Change:
    indicator: str
    column: str
    before: str
    after: str


ROW_COLUMNS = [
    ("previous_year", "Previous year"),
    ("latest", "Latest data"),
    ("direction_text", "Direction of travel"),
    ("rag_text", "Progress RAG"),
    ("nn", "Nearest neighbour comparison"),
    ("county", "County comparison"),
    ("district", "District comparison"),
]


def changes_between(before: Dashboard, after: Dashboard) -> list[Change]:
    """Every cell that differs between a published dashboard and the current figures."""
    found: list[Change] = []
    old_rows = {row.code: row for row in before.rows}
    new_rows = {row.code: row for row in after.rows}
    old_blocks = {b.title: b for b in before.outcomes}
    for block in after.outcomes:
        old = old_blocks.get(block.title)
        if old and old.rag != block.rag:
            found.append(Change(block.title, "Overall progress RAG", old.rag, block.rag))
    for code, row in new_rows.items():
        old = old_rows.get(code)
        if old is None:
            found.append(Change(row.title, "Indicator", "not on the dashboard", "added"))
            continue
        for attr, label in ROW_COLUMNS:
            if getattr(old, attr) != getattr(row, attr):
                found.append(Change(row.title, label, getattr(old, attr), getattr(row, attr)))
    for code, row in old_rows.items():
        if code not in new_rows:
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
