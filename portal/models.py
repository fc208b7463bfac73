"""The people and places of the partnership: organisations, memberships, areas, populations."""

from __future__ import annotations

import re

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

# An area code appears in URLs: letters, digits, dashes and underscores only (ONS codes such
# as E10000018 fit), so a stray character in an address is "not found", never an error.
AREA_CODE_REGEX = r"[A-Za-z0-9][A-Za-z0-9_-]{0,19}"


def is_area_code(text: str | None) -> bool:
    return bool(text) and re.fullmatch(AREA_CODE_REGEX, text) is not None


class Organisation(models.Model):
    """A partner agency that owns and submits indicators."""

    class Kind(models.TextChoices):
        POLICE = "police", "Police"
        COUNTY_COUNCIL = "county_council", "County council"
        DISTRICT_COUNCIL = "district_council", "District or borough council"
        YOUTH_OFFENDING = "youth_offending", "Youth offending service"
        PROBATION = "probation", "Probation"
        HEALTH = "health", "Health"
        FIRE = "fire", "Fire and rescue"
        VOLUNTARY = "voluntary", "Voluntary sector"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=60, blank=True)
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=30, choices=Kind.choices, default=Kind.OTHER)
    contact_email = models.EmailField(blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name


class Membership(models.Model):
    """A user's role in one organisation. A user may hold several memberships."""

    class Role(models.TextChoices):
        SUBMITTER = "submitter", "Submitter (partner data officer)"
        APPROVER = "approver", "Approver (performance manager)"
        VIEWER = "viewer", "Viewer (committee or board member)"
        ADMIN = "admin", "Administrator"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation__name", "user__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="one_membership_per_user_and_organisation"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} at {self.organisation}"


class AreaQuerySet(models.QuerySet):
    def parents_first(self):
        """The partnership area before its districts, then in display order.

        (PostgreSQL sorts NULL last by default and SQLite first, so say which.)"""
        return self.order_by(models.F("parent_id").asc(nulls_first=True), "display_order", "name")


class Area(models.Model):
    """A geography figures are reported for: the partnership area and its districts."""

    class Kind(models.TextChoices):
        COUNTY = "county", "County / partnership area"
        DISTRICT = "district", "District or borough"
        OTHER = "other", "Other"

    name = models.CharField(max_length=120)
    code = models.CharField(
        max_length=20,
        unique=True,
        help_text="ONS code, e.g. E10000018 for Leicestershire.",
        validators=[
            RegexValidator(
                rf"^{AREA_CODE_REGEX}\Z",
                "Use letters, digits, dashes and underscores only, as in E10000018.",
            )
        ],
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.DISTRICT)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    display_order = models.PositiveSmallIntegerField(default=0)

    objects = AreaQuerySet.as_manager()

    class Meta:
        ordering = ["display_order", "name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")), name="area_is_not_its_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def population_for(self, year: int) -> Population | None:
        """The latest mid-year estimate for `year` or before (estimates lag)."""
        return self.populations.filter(year__lte=year).order_by("-year").first()


class PopulationQuerySet(models.QuerySet):
    def by_area(self, area_ids=None) -> dict[int, dict[int, int]]:
        """{area id: {year: population}} in one query, for the figure engine's rates.

        Areas without an estimate are missing from the map (the engine explains why no
        rate could be formed)."""
        rows = self if area_ids is None else self.filter(area_id__in=list(area_ids))
        found: dict[int, dict[int, int]] = {}
        for area_id, year, population in rows.values_list("area_id", "year", "population"):
            found.setdefault(area_id, {})[year] = population
        return found


class Population(models.Model):
    """Mid-year population estimate for an area, the denominator of per-1,000 rates."""

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="populations")
    year = models.PositiveSmallIntegerField(help_text="Mid-year estimate year, e.g. 2016.")
    population = models.PositiveIntegerField()
    source = models.CharField(max_length=200, blank=True, default="ONS mid-year estimate")

    objects = PopulationQuerySet.as_manager()

    class Meta:
        ordering = ["area", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["area", "year"], name="one_population_per_area_year"),
            models.CheckConstraint(condition=Q(population__gt=0), name="population_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.area} {self.year}: {self.population:,}"


class AuditEntry(models.Model):
    """Who did what to the partnership's set-up, and when: opening, closing and re-dating a
    quarter, overrides and publication. (A submission's own history is its events.)"""

    class Action(models.TextChoices):
        PERIOD_OPENED = "period_opened", "Quarter opened"
        DEADLINE_CHANGED = "deadline_changed", "Deadline changed"
        PERIOD_CLOSED = "period_closed", "Quarter closed"
        OVERRIDE_SET = "override_set", "Override set"
        OVERRIDE_CLEARED = "override_cleared", "Override cleared"
        PUBLISHED = "published", "Quarter published"

    action = models.CharField(max_length=30, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    subject = models.CharField(max_length=300, help_text="What was acted on, as a person reads it.")
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "audit entries"
        indexes = [models.Index(fields=["action", "at"], name="audit_action_at")]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.subject} by {self.actor or 'system'}"

    @classmethod
    def record(cls, action: str, actor, subject: str, **details) -> AuditEntry:
        """Write one entry; `details` must be JSON-ready (pass dates as ISO text)."""
        return cls.objects.create(action=action, actor=actor, subject=subject, details=details)


class OutboxEmailQuerySet(models.QuerySet):
    def unsent(self):
        return self.filter(sent_at__isnull=True)


class OutboxEmail(models.Model):
    """An email written in the same transaction as the change it reports, sent later.

    The workflow never talks to the broker or the mail server while a user waits: it writes
    a row here, and `portal.outbox.send_pending` (run by the worker every minute, and woken
    after each commit) sends it and stamps `sent_at`. A broker or SMTP outage delays mail;
    it cannot lose it, and a row is claimed under a row lock so it is never sent twice.
    """

    to = models.EmailField()
    subject = models.CharField(max_length=300)
    body = models.TextField()
    html = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)

    objects = OutboxEmailQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(
                fields=["created_at"], condition=Q(sent_at__isnull=True), name="outbox_unsent"
            )
        ]

    def __str__(self) -> str:
        state = "sent" if self.sent_at else "waiting"
        return f"{self.subject} → {self.to} ({state})"
