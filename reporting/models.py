"""Layouts (what a dashboard shows), publications (frozen snapshots) and export jobs."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Max
from django.utils import timezone

from indicators.models import Indicator, ReportingPeriod
from portal.models import Area

from . import vocabulary
from .dashboard import Dashboard


class LayoutQuerySet(models.QuerySet):
    def default(self) -> Layout | None:
        return self.filter(is_default=True).first()

    def by_slug_or_default(self, slug: str | None) -> Layout | None:
        """The layout a page asks for by slug, or the default; None if there is no such one."""
        if slug:
            return self.filter(slug=slug).first()
        return self.default()


class Layout(models.Model):
    """A dashboard's shape: title, row grouping, the indicators shown and ordered columns.

    The seed's ten columns are one layout; a partnership may have several, one the default.
    (A partnership foreign key joins here when partnerships arrive; slugs are then unique per
    partnership.)
    """

    class Grouping(models.TextChoices):
        OUTCOME = "outcome", "By outcome, with its overall RAG"
        AREA = "area", "By area (the area and its districts)"
        NONE = "none", "No grouping"

    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=300, help_text="Safer Communities Performance Dashboard")
    title_prefix = models.CharField(
        max_length=100, blank=True, help_text='Shown before the title, e.g. "Appendix 1 -".'
    )
    grouping = models.CharField(max_length=10, choices=Grouping.choices, default=Grouping.OUTCOME)
    is_default = models.BooleanField(
        "default layout", default=False, help_text="The layout pages and exports use unless asked."
    )
    description = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = LayoutQuerySet.as_manager()

    class Meta:
        ordering = ["-is_default", "title", "slug"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=models.Q(is_default=True),
                name="one_default_layout",
                violation_error_message="Only one layout can be the default.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.slug})"

    def column_specs(self) -> list[dict]:
        """The columns in order as plain data, as the measures and the JSON form read them."""
        return [column.as_spec() for column in self.columns.all()]

    def indicator_codes(self) -> list[str]:
        return [li.indicator.code for li in self.layout_indicators.select_related("indicator")]


class LayoutIndicator(models.Model):
    """An indicator a layout shows, in its place; a layout with none shows every active one."""

    layout = models.ForeignKey(Layout, on_delete=models.CASCADE, related_name="layout_indicators")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["layout", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["layout", "indicator"], name="layout_indicator_once"),
        ]

    def __str__(self) -> str:
        return f"{self.layout.slug}: {self.indicator.code}"


class LayoutColumn(models.Model):
    """One column: a heading template, a measure with its options and a display format."""

    layout = models.ForeignKey(Layout, on_delete=models.CASCADE, related_name="columns")
    position = models.PositiveSmallIntegerField(default=0)
    key = models.SlugField(
        max_length=40,
        help_text="Unique in the layout; change, direction and rank columns name operands by it.",
    )
    heading = models.CharField(
        max_length=200,
        help_text="Placeholders: "
        + "; ".join(f"{{{k}}} {v}" for k, v in vocabulary.PLACEHOLDERS.items()),
    )
    measure = models.CharField(max_length=30, choices=[(m, m) for m in vocabulary.MEASURES])
    options = models.JSONField(
        default=dict,
        blank=True,
        help_text='e.g. {"window": "rolling_12_months", "offset": "current"} for a value; '
        '{"from": "last_year", "to": "latest", "kind": "percent"} for a change.',
    )
    thousands = models.BooleanField("thousands separators", default=False)
    decimals = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Decimal places; empty: the indicator's own."
    )
    signed = models.BooleanField(default=False, help_text='Show a sign on changes: "+4.2%".')
    markers = models.BooleanField(default=True, help_text="Show footnote markers (*, **).")

    class Meta:
        ordering = ["layout", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["layout", "key"], name="layout_column_key_unique"),
            models.CheckConstraint(
                condition=models.Q(decimals__isnull=True) | models.Q(decimals__lte=4),
                name="layout_column_decimals_at_most_4",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.layout.slug}: {self.key}"

    def as_spec(self) -> dict:
        return {
            "key": self.key,
            "heading": self.heading,
            "measure": self.measure,
            "options": dict(self.options or {}),
            "format": {
                "thousands": self.thousands,
                "decimals": self.decimals,
                "signed": self.signed,
                "markers": self.markers,
            },
        }


class PublicationQuerySet(models.QuerySet):
    def latest_for(self, period: ReportingPeriod, area: Area) -> Publication | None:
        """The revision the public sees for a quarter and area, or None if unpublished."""
        return self.filter(period=period, area=area).order_by("-revision").first()

    def latest_revisions(self):
        """The current revision of every published (period, area)."""
        newest = self.filter(
            period=models.OuterRef("period"), area=models.OuterRef("area")
        ).order_by("-revision")
        return self.filter(pk=models.Subquery(newest.values("pk")[:1]))

    def next_revision(self, period: ReportingPeriod, area: Area) -> int:
        return (self.filter(period=period, area=area).aggregate(n=Max("revision"))["n"] or 0) + 1


class Publication(models.Model):
    """A published revision of one quarter's dashboard for one area: never edited.

    The public pages render `snapshot`, so what was published stays exactly as published; a
    correction is a new revision with a note the public sees.
    """

    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="+")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    revision = models.PositiveIntegerField(default=1)
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revision_note = models.TextField(
        blank=True, help_text="What changed since the previous revision (shown to the public)."
    )
    snapshot = models.JSONField(help_text="The assembled dashboard as published.")
    layout_snapshots = models.JSONField(
        default=dict,
        blank=True,
        help_text="The same quarter in the partnership's other layouts, by layout slug.",
    )

    objects = PublicationQuerySet.as_manager()

    class Meta:
        ordering = ["-period__year", "-period__quarter", "area__display_order", "-revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "area", "revision"], name="one_publication_per_revision"
            ),
            models.CheckConstraint(
                condition=models.Q(revision=1) | ~models.Q(revision_note=""),
                name="a_revision_says_what_changed",
                violation_error_message="A republished quarter needs a revision note.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period} · {self.area} · revision {self.revision}"

    @property
    def dashboard(self) -> Dashboard:
        return Dashboard.from_dict(self.snapshot)

    def layout_choices(self) -> list[tuple[str, str]]:
        """(slug, title) of every layout this revision was published in, its main one first."""
        main = self.dashboard
        return [(main.layout_slug, main.layout_title or main.title)] + [
            (slug, data.get("layout_title") or data.get("title", slug))
            for slug, data in (self.layout_snapshots or {}).items()
            if slug != main.layout_slug
        ]

    def dashboard_for(self, slug: str | None) -> Dashboard | None:
        """The snapshot in layout `slug` (None: the main one); None if not published in it."""
        main = self.dashboard
        if not slug or slug == main.layout_slug:
            return main
        if slug in (self.layout_snapshots or {}):
            return Dashboard.from_dict(self.layout_snapshots[slug])
        return None

    @property
    def is_revision(self) -> bool:
        return self.revision > 1


class ExportJob(models.Model):
    """A dashboard export built by a Celery task; the file is served once it is done."""

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "Excel (XLSX)"
        PDF = "pdf", "PDF"
        OPEN_DATA = "open_data", "Open data (CSV, every published value)"

    class Source(models.TextChoices):
        PUBLISHED = "published", "Published snapshot"
        LIVE = "live", "Approved figures (committee)"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting"
        RUNNING = "running", "Being prepared"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    format = models.CharField(max_length=12, choices=Format.choices)
    source = models.CharField(max_length=12, choices=Source.choices, default=Source.PUBLISHED)
    period = models.ForeignKey(
        ReportingPeriod, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    area = models.ForeignKey(
        Area, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    layout_slug = models.CharField(
        max_length=80, blank=True, help_text="The layout exported; empty: the default."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    file = models.FileField(upload_to="exports/", blank=True)
    filename = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_format_display()} export {self.token} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
