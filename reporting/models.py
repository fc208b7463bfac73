"""Publications (frozen snapshots of a quarter's dashboard) and export jobs."""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Max
from django.utils import timezone

from indicators.models import ReportingPeriod
from portal.models import Area

from .dashboard import Dashboard


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

    @property
    def is_revision(self) -> bool:
        return self.revision > 1


class ExportJobQuerySet(models.QuerySet):
    def unfinished(self):
        return self.filter(status__in=[ExportJob.Status.PENDING, ExportJob.Status.RUNNING])

    def stale(self, now: dt.datetime | None = None) -> ExportJobQuerySet:
        """Unfinished jobs whose heartbeat is older than the export time limit: no worker
        can still be on them (the worker kills a task at the limit)."""
        now = now or timezone.now()
        limit = dt.timedelta(seconds=settings.EXPORT_TIME_LIMIT + 60)
        return self.unfinished().filter(updated_at__lt=now - limit)

    def reusable(self, now: dt.datetime | None = None) -> ExportJobQuerySet:
        """Jobs a new request may share: done, or unfinished with a live heartbeat."""
        return self.exclude(status=ExportJob.Status.FAILED).exclude(
            pk__in=self.stale(now).values("pk")
        )


class ExportJob(models.Model):
    """A dashboard export built by a Celery task; the file is served once it is done.

    `updated_at` is the heartbeat: set when the job is queued, claimed and finished. A job
    whose heartbeat is older than EXPORT_TIME_LIMIT is stale (its worker died) and is
    retried or failed by `reporting.tasks.sweep_stale_exports`; `attempts` counts runs."""

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
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    file = models.FileField(upload_to="exports/", blank=True)
    filename = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveSmallIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ExportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_format_display()} export {self.token} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    def requeue(self) -> None:
        """Back to waiting, with a fresh heartbeat, before the task is sent again."""
        self.status = self.Status.PENDING
        self.updated_at = timezone.now()
        self.save(update_fields=["status", "updated_at"])

    def fail(self, message: str) -> None:
        """Record that the job will not produce a file, and why (shown on its page)."""
        self.status = self.Status.FAILED
        self.error = message
        self.finished_at = self.updated_at = timezone.now()
        self.save(update_fields=["status", "error", "finished_at", "updated_at"])
