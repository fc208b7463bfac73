"""Shared fixtures: a small partnership and its personas.

The personas follow STYLE.md: a submitter of organisation A, a submitter of organisation B,
two approvers (no one approves their own figure), a viewer, an admin and anonymous.
Time-sensitive tests pin the clock with time_machine.
"""

from __future__ import annotations

import datetime as dt
import importlib
import os
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

from indicators.models import Indicator, Outcome, ReportingPeriod, Submission
from portal.models import Area, Membership, Organisation, Population

seed_layout_migration = importlib.import_module("reporting.migrations.0003_seed_layout")

# Playwright runs an event loop in the test thread; the ORM calls of fixtures are still sync.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache():
    # Cached public pages (reporting/cache.py) belong to the test that rendered them.
    cache.clear()


@pytest.fixture(autouse=True)
def _migrated_seed_layout(request):
    """The seed layout a data migration makes, as in every freshly migrated database.

    A transactional test (live_server, the fault tests) ends by flushing every table, rows
    made by data migrations included; the tests after it get that row back here.
    """
    names = set(request.fixturenames)
    marker = request.node.get_closest_marker("django_db")
    if (
        "transactional_db" in names
        or "live_server" in names
        or (marker and marker.kwargs.get("transaction"))
    ):
        request.getfixturevalue("transactional_db")
    elif "db" in names or marker:
        request.getfixturevalue("db")
    else:
        return
    seed_layout_migration.create_seed_layout(apps, None)


@pytest.fixture(autouse=True)
def _static_without_manifest(settings):
    # live_server serves the files as they are; hashed names would answer 404.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@dataclass
class Partnership:
    org_a: Organisation
    org_b: Organisation
    county: Area
    district_1: Area
    district_2: Area
    outcome: Outcome
    crime: Indicator  # owned by A: rate per 1,000 from a count, summed over quarters
    survey: Indicator  # owned by B: a direct percentage whose latest value stands
    closed_period: ReportingPeriod  # 2016/17 Q1, closed
    open_period: ReportingPeriod  # 2016/17 Q2, open
    submitter_a: User
    submitter_b: User
    approver: User
    approver_2: User
    viewer: User
    admin: User


def make_user(
    username: str, organisation: Organisation | None = None, role: str | None = None, **extra
) -> User:
    user = User.objects.create_user(
        username=username, password="pw-test-12345", email=f"{username}@example.org.uk", **extra
    )
    if organisation and role:
        Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


@pytest.fixture
def partnership(db) -> Partnership:
    org_a = Organisation.objects.create(
        name="Police A", slug="police-a", kind=Organisation.Kind.POLICE
    )
    org_b = Organisation.objects.create(
        name="Council B", slug="council-b", kind=Organisation.Kind.COUNTY_COUNCIL
    )
    county = Area.objects.create(name="Shire", code="E10000099", kind=Area.Kind.COUNTY)
    d1 = Area.objects.create(name="North", code="E07000991", parent=county, display_order=1)
    d2 = Area.objects.create(name="South", code="E07000992", parent=county, display_order=2)
    for area, pop in ((county, 300000), (d1, 100000), (d2, 200000)):
        for year in (2015, 2016):
            Population.objects.create(area=area, year=year, population=pop)
    outcome = Outcome.objects.create(title="Reduce crime", slug="reduce-crime")
    crime = Indicator.objects.create(
        code="crime",
        title="Crime rate (per 1,000 population)",
        outcome=outcome,
        owner=org_a,
        unit=Indicator.Unit.RATE_PER_1000,
        formula=Indicator.Formula.RATE_PER_1000,
        aggregation=Indicator.Aggregation.SUM_OF_QUARTERS,
        polarity=Indicator.Polarity.LOWER_IS_BETTER,
        decimal_places=2,
        rag_method=Indicator.RagMethod.TARGET,
        target=Decimal("40"),
        target_tolerance=Decimal("2"),
        numerator_label="crimes",
        display_order=1,
    )
    crime.areas.set([county, d1, d2])
    survey = Indicator.objects.create(
        code="survey",
        title="% feeling safe",
        outcome=outcome,
        owner=org_b,
        unit=Indicator.Unit.PERCENTAGE,
        formula=Indicator.Formula.DIRECT,
        aggregation=Indicator.Aggregation.LATEST,
        polarity=Indicator.Polarity.HIGHER_IS_BETTER,
        decimal_places=1,
        rag_method=Indicator.RagMethod.CONTEXTUAL,
        display_order=2,
    )
    survey.areas.set([county])
    closed = ReportingPeriod.objects.create(
        year=2016,
        quarter=1,
        opens_on=dt.date(2016, 7, 1),
        deadline=dt.date(2016, 8, 12),
        closes_on=dt.date(2016, 8, 26),
    )
    open_ = ReportingPeriod.objects.create(
        year=2016,
        quarter=2,
        opens_on=dt.date(2016, 10, 1),
        deadline=dt.date(2099, 11, 11),
        closes_on=None,
    )
    R = Membership.Role
    return Partnership(
        org_a=org_a,
        org_b=org_b,
        county=county,
        district_1=d1,
        district_2=d2,
        outcome=outcome,
        crime=crime,
        survey=survey,
        closed_period=closed,
        open_period=open_,
        submitter_a=make_user("sub_a", org_a, R.SUBMITTER),
        submitter_b=make_user("sub_b", org_b, R.SUBMITTER),
        approver=make_user("approver", org_b, R.APPROVER),
        approver_2=make_user("approver2", org_b, R.APPROVER),
        viewer=make_user("viewer", org_b, R.VIEWER),
        admin=make_user("admin", org_b, R.ADMIN, is_staff=True, is_superuser=True),
    )


def approved(indicator, area, period, by_submitter, by_approver, **values) -> Submission:
    """An approved submission written directly (history for figure and dashboard tests)."""
    return Submission.objects.create(
        indicator=indicator,
        area=area,
        period=period,
        state=Submission.State.APPROVED,
        is_current=True,
        is_latest_approved=True,
        submitted_by=by_submitter,
        approved_by=by_approver,
        **values,
    )


def _table_rows(table: str) -> tuple[list[str], list[tuple]]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
        return [column[0] for column in cursor.description], cursor.fetchall()


def _table_counts() -> dict[str, int]:
    counts = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.django_table_names(only_existing=True)):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def _load_demo() -> None:
    from django.core.management import call_command

    with open(os.devnull, "w") as devnull:
        call_command("load_demo", verbosity=0, stdout=devnull)


def _insert_rows(cursor, table: str, columns: list[str], rows: list[tuple]) -> None:
    qn = connection.ops.quote_name
    into = f"{qn(table)} ({', '.join(qn(c) for c in columns)})"
    if connection.vendor == "postgresql":
        with cursor.cursor.copy(f"COPY {into} FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    head = f"INSERT INTO {into} VALUES "
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    per_statement = max(1, 900 // len(columns))  # within SQLite's limit of bound variables
    for start in range(0, len(rows), per_statement):
        chunk = rows[start : start + per_statement]
        cursor.execute(head + ", ".join([one] * len(chunk)), [v for row in chunk for v in row])


class DemoRows:
    """The demo as rows: `load_demo` runs once, later tests get the rows it wrote.

    Captured and restored only on a database holding just what the migrations made (the
    baseline), so the rows mean the same in every test; otherwise the command runs as before.
    """

    def __init__(self, baseline: dict[str, int]) -> None:
        self.baseline = baseline
        self.rows: dict[tuple, dict[str, tuple[list[str], list[tuple]]]] = {}

    def load(self, key: tuple) -> None:
        if _table_counts() != self.baseline:
            _load_demo()  # the test made rows of its own first: the command copes with them
        elif key in self.rows:
            self._restore(self.rows[key])
        else:
            self.rows[key] = self._capture()

    def _capture(self) -> dict[str, tuple[list[str], list[tuple]]]:
        before = {table: _table_rows(table) for table in self.baseline}
        _load_demo()
        after = {table: _table_rows(table) for table in self.baseline}
        return {table: after[table] for table in self.baseline if after[table] != before[table]}

    @staticmethod
    def _restore(rows: dict[str, tuple[list[str], list[tuple]]]) -> None:
        """Write the tables back as the command left them, then move the id sequences on."""
        with transaction.atomic(), connection.cursor() as cursor:
            for table, (columns, data) in rows.items():
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")
                _insert_rows(cursor, table, columns, data)
            models = [m for m in apps.get_models() if m._meta.db_table in rows]
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)


@pytest.fixture(scope="session")
def _demo_rows(django_db_setup, django_db_blocker) -> DemoRows:
    with django_db_blocker.unblock():
        return DemoRows(_table_counts())


@pytest.fixture
def demo(db, _demo_rows):
    """The full demo partnership of the seed, as `load_demo` makes it.

    The command takes seconds (it publishes 80 dashboards), so it runs once per session and
    clock day; other tests get its rows inside their own transaction, so each still starts
    from the demo and nothing a test changes reaches the next. The demo's open quarter takes
    entries "today": a test with a pinned clock gets the demo of its own day.
    """
    _demo_rows.load((connection.vendor, timezone.localdate()))


# Browser tests: Debian's Chromium, never a downloaded browser.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": CHROMIUM_ARGS,
        "headless": True,
    }
