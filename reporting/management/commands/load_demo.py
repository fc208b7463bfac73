"""`python manage.py load_demo [--reset]`: the Leicestershire demo partnership from the seed.

Lives in `reporting` because it is the top of the import chain: it loads the partnership
and its approved history (indicators.demo) and then publishes the seed quarter, and the
quarters before it so the public trend pages have a history, for the county and its
districts. Publishing is skipped for quarters already published, so loading twice is
harmless.
"""

import datetime as dt

from django.conf import settings
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from indicators import demo, demo_data
from indicators.models import Indicator, ReportingPeriod, SubmissionEvent
from portal.models import Area, Organisation
from reporting.layouts import SEED_LAYOUT, save_layout_data
from reporting.models import ExportJob, Layout, Publication
from reporting.publishing import publish

REFUSED_IN_PRODUCTION = (
    "load_demo is refused with DEBUG=0: it creates logins whose password is published in the "
    "README. Run it only on a development or demonstration copy (DEBUG=1)."
)

# Published history: every quarter from 2014/15 Q1, the first whose previous financial year
# is complete in the demo, up to the seed quarter; the trend pages chart these ten.
FIRST_PUBLISHED = demo.Quarter(2014, 1)


def _listed(label: str, names: list[str]) -> str:
    shown = ", ".join(sorted(names)[:5]) + (", …" if len(names) > 5 else "")
    return f"{len(names)} {label} ({shown})"


def foreign_data() -> list[str]:
    """What the database holds that the demo did not create: what --reset would destroy."""
    demo_users = [u[0] for u in demo_data.DEMO_USERS]
    demo_areas = [demo_data.COUNTY[0], *(d[0] for d in demo_data.DISTRICTS)]
    found = {
        "users": User.objects.exclude(username__in=demo_users).values_list("username", flat=True),
        "organisations": Organisation.objects.exclude(
            slug__in=[o[0] for o in demo_data.ORGANISATIONS]
        ).values_list("name", flat=True),
        "areas": Area.objects.exclude(code__in=demo_areas).values_list("name", flat=True),
        "indicators": Indicator.objects.exclude(
            code__in=[i.code for i in demo_data.INDICATORS]
        ).values_list("code", flat=True),
        "workflow events by other people": SubmissionEvent.objects.filter(actor__isnull=False)
        .exclude(actor__username__in=demo_users)
        .values_list("actor__username", flat=True)
        .distinct(),
        "publications by other people": Publication.objects.filter(published_by__isnull=False)
        .exclude(published_by__username__in=demo_users)
        .values_list("published_by__username", flat=True)
        .distinct(),
    }
    return [_listed(label, list(names)) for label, names in found.items() if names]


def ensure_seed_layout() -> bool:
    """The seed's ten-column layout, made the default when no layout is; True if created."""
    if Layout.objects.filter(slug=SEED_LAYOUT["slug"]).exists():
        return False
    save_layout_data(
        {**SEED_LAYOUT, "is_default": not Layout.objects.filter(is_default=True).exists()}
    )
    return True


def publish_demo_history() -> int:
    approver = User.objects.filter(username="performance.manager").first()
    made = 0
    quarter = FIRST_PUBLISHED
    while quarter <= demo.SEED_QUARTER:
        period = ReportingPeriod.objects.for_quarter(quarter).first()
        if period and not Publication.objects.filter(period=period).exists():
            # Published on the day entry closed, as the partnership did at the time.
            closes = period.closes_on or period.deadline
            at = dt.datetime.combine(closes, dt.time(12), tzinfo=demo.UK)
            made += len(publish(period, approver, at=at))
        quarter = quarter.next()
    return made


class Command(BaseCommand):
    help = "Create the demo partnership (idempotent). --reset wipes the portal's data first."

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset", action="store_true", help="Delete all portal data and reload the demo."
        )

    def handle(self, *args, reset=False, **options):
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError(REFUSED_IN_PRODUCTION)
        if reset:
            foreign = foreign_data()
            if foreign:
                raise CommandError(
                    "load_demo --reset is refused: it would delete data the demo did not "
                    f"create: {'; '.join(foreign)}. Nothing was changed. To try the demo, "
                    "point DATABASE_URL at a new, empty database and run load_demo there; "
                    "to start this database again from the demo, remove that data first."
                )
            with transaction.atomic():
                ExportJob.objects.all().delete()
                Publication.objects.all().delete()
                demo.wipe()
            self.stdout.write("Wiped the portal's data.")
        try:
            counts = demo.load(stdout=self.stdout)
        except demo.DemoChanged as error:
            self.stderr.write(str(error))  # and exit 0: `make run` still starts the server
            return
        counts["layouts_created"] = int(ensure_seed_layout())
        with transaction.atomic():
            counts["dashboards_published"] = publish_demo_history()
        summary = ", ".join(f"{value} {name.replace('_', ' ')}" for name, value in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Demo partnership ready: {summary}."))
        self.stdout.write(
            f"Demo logins (password {demo.DEMO_PASSWORD}): "
            + ", ".join(u[0] for u in demo.DEMO_USERS)
        )
