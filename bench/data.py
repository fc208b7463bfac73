"""The benchmark's own partnership: indicators × areas × past quarters of approved values,
an open quarter with figures waiting, and one login per role. Nothing here is used by the
portal itself; it writes straight to the tables, as fast as the database takes rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import connection
from django.utils import timezone

from indicators.models import Indicator, Outcome, ReportingPeriod, Submission
from indicators.quarters import Quarter
from portal.models import Area, Membership, Organisation

PASSWORD = "bench-portal-2016"
BATCH = 5000


@dataclass
class World:
    county: Area
    districts: list[Area]
    indicators: list[Indicator]
    periods: list[ReportingPeriod]  # closed, oldest first
    open_period: ReportingPeriod
    approver: User
    viewer: User
    submitters: list[User] = field(default_factory=list)

    @property
    def latest(self) -> ReportingPeriod:
        return self.periods[-1]

    def submitter_for(self, indicator: Indicator) -> User:
        """Indicator n belongs to organisation n mod the number of organisations."""
        return self.submitters[indicator.display_order % len(self.submitters)]


def _closed(q: Quarter, now: dt.datetime) -> ReportingPeriod:
    return ReportingPeriod(
        year=q.year,
        quarter=q.number,
        opens_on=q.end + dt.timedelta(days=1),
        deadline=q.end + dt.timedelta(days=42),
        closes_on=q.end + dt.timedelta(days=56),
        closed_at=now,
    )


def _periods(quarters: int, today: dt.date) -> tuple[list[ReportingPeriod], ReportingPeriod]:
    now = timezone.now()
    current = Quarter.containing(today)
    made = []
    for n in range(quarters, 0, -1):
        made.append(_closed(current.shift(-n), now))
    made.append(
        ReportingPeriod(
            year=current.year,
            quarter=current.number,
            opens_on=min(current.end + dt.timedelta(days=1), today),
            deadline=max(current.end, today) + dt.timedelta(days=42),
        )
    )
    made = ReportingPeriod.objects.bulk_create(made)
    return made[:-1], made[-1]


def _people(organisations: list[Organisation]) -> tuple[User, User, list[User]]:
    def user(name: str, organisation: Organisation, role: str) -> User:
        made = User.objects.create_user(name, f"{name}@bench.example.org", PASSWORD)
        Membership.objects.create(user=made, organisation=organisation, role=role)
        return made

    approver = user("bench-approver", organisations[0], Membership.Role.APPROVER)
    viewer = user("bench-viewer", organisations[0], Membership.Role.VIEWER)
    submitters = [
        user(f"bench-submitter-{n}", org, Membership.Role.SUBMITTER)
        for n, org in enumerate(organisations)
    ]
    return approver, viewer, submitters


def build(
    indicators: int = 300,
    areas: int = 8,
    quarters: int = 25,
    organisations: int = 10,
    today: dt.date | None = None,
) -> World:
    """indicators × areas × quarters approved values, plus this quarter's current figures
    (every other one submitted for review, the rest drafts)."""
    today = today or timezone.localdate()
    orgs = Organisation.objects.bulk_create(
        Organisation(name=f"Bench partner {n}", slug=f"bench-partner-{n}")
        for n in range(organisations)
    )
    county = Area.objects.create(name="Benchshire", code="B10000001", kind=Area.Kind.COUNTY)
    districts = Area.objects.bulk_create(
        Area(name=f"Bench district {n}", code=f"B0700{n:04d}", parent=county, display_order=n)
        for n in range(1, areas)
    )
    outcomes = Outcome.objects.bulk_create(
        Outcome(title=f"Bench outcome {n}", slug=f"bench-outcome-{n}", display_order=n)
        for n in range(5)
    )
    made = Indicator.objects.bulk_create(
        Indicator(
            code=f"bench-{n:04d}",
            title=f"Bench count {n}",
            outcome=outcomes[n % len(outcomes)],
            owner=orgs[n % len(orgs)],
            unit=Indicator.Unit.COUNT,
            formula=Indicator.Formula.COUNT,
            aggregation=Indicator.Aggregation.SUM_OF_QUARTERS,
            polarity=Indicator.Polarity.LOWER_IS_BETTER,
            rag_method=Indicator.RagMethod.CONTEXTUAL,
            display_order=n,
        )
        for n in range(indicators)
    )
    all_areas = [county, *districts]
    Indicator.areas.through.objects.bulk_create(
        Indicator.areas.through(indicator_id=i.pk, area_id=a.pk) for i in made for a in all_areas
    )
    closed, open_period = _periods(quarters, today)
    approver, viewer, submitters = _people(orgs)
    world = World(county, districts, made, closed, open_period, approver, viewer, submitters)
    add_history(world, closed)
    _open_quarter(world)
    return world


def _rows(world: World, periods, **values):
    now = timezone.now()
    for period in periods:
        for n, indicator in enumerate(world.indicators):
            for m, area in enumerate([world.county, *world.districts]):
                yield Submission(
                    indicator_id=indicator.pk,
                    area_id=area.pk,
                    period_id=period.pk,
                    numerator=Decimal(100 + (n * 7 + m * 13 + period.quarter) % 50),
                    created_at=now,
                    updated_at=now,
                    **values,
                )


def _insert(rows) -> int:
    done, batch = 0, []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            Submission.objects.bulk_create(batch)
            done, batch = done + len(batch), []
    Submission.objects.bulk_create(batch)
    return done + len(batch)


def add_history(world: World, periods) -> int:
    now = timezone.now()
    return _insert(
        _rows(
            world,
            periods,
            state=Submission.State.APPROVED,
            is_latest_approved=True,
            submitted_by=world.submitters[0],
            submitted_at=now,
            approved_by=world.approver,
            approved_at=now,
        )
    )


def _open_quarter(world: World) -> int:
    made = _insert(_rows(world, [world.open_period], state=Submission.State.DRAFT))
    current = Submission.objects.filter(period=world.open_period)
    submitted = current.filter(indicator__display_order__in=range(0, len(world.indicators), 2))
    submitted.update(state=Submission.State.SUBMITTED, submitted_at=timezone.now())
    return made


def grow_history(world: World, total: int) -> int:
    """More past quarters, before the first, until the portal holds `total` submissions.
    Written by the database itself (INSERT … SELECT), millions of rows in minutes."""
    per_quarter = len(world.indicators) * (1 + len(world.districts))
    have = Submission.objects.count()
    extra = max(0, (total - have) // per_quarter)
    first = world.periods[0].as_quarter
    now = timezone.now()
    older = ReportingPeriod.objects.bulk_create(
        _closed(first.shift(-n), now) for n in range(1, extra + 1)
    )
    template = Submission.objects.filter(period=world.latest).order_by("pk").first()
    columns = [
        f.column
        for f in Submission._meta.concrete_fields
        if f.column not in ("id", "indicator_id", "area_id", "period_id")
    ]
    with connection.cursor() as cursor:
        for start in range(0, len(older), 50):
            ids = [p.pk for p in older[start : start + 50]]
            cursor.execute(
                f"INSERT INTO indicators_submission (indicator_id, area_id, period_id, "
                f"{', '.join(columns)}) "
                f"SELECT s.indicator_id, s.area_id, p.id, {', '.join('s.' + c for c in columns)} "
                "FROM indicators_submission s CROSS JOIN indicators_reportingperiod p "
                "WHERE s.period_id = %s AND p.id = ANY(%s)",
                [template.period_id, ids],
            )
        cursor.execute("ANALYZE indicators_submission")
    world.periods[:0] = older[::-1]
    return extra * per_quarter
