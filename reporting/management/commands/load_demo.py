"""`python manage.py load_demo [--reset]`: the Leicestershire demo partnership from the seed.

Lives in `reporting` because it is the top of the import chain: it loads the partnership
and its approved history (indicators.demo) and then publishes the seed quarter, and the
quarters before it so the public trend pages have a history, for the county and its
districts. Publishing is skipped for quarters already published, so loading twice is
harmless.
"""

import datetime as dt

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand
from django.db import transaction

from indicators import demo
from indicators.models import ReportingPeriod
from reporting.layouts import SEED_LAYOUT, save_layout_data
from reporting.models import ExportJob, Layout, Publication
from reporting.publishing import publish

# Published history: every quarter from 2014/15 Q1, the first whose previous financial year
# is complete in the demo, up to the seed quarter; the trend pages chart these ten.
FIRST_PUBLISHED = demo.Quarter(2014, 1)


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
        if reset:
            with transaction.atomic():
                ExportJob.objects.all().delete()
                Publication.objects.all().delete()
                demo.wipe()
            self.stdout.write("Wiped the portal's data.")
        counts = demo.load()
        counts["layouts_created"] = int(ensure_seed_layout())
        with transaction.atomic():
            counts["dashboards_published"] = publish_demo_history()
        summary = ", ".join(f"{value} {name.replace('_', ' ')}" for name, value in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Demo partnership ready: {summary}."))
        self.stdout.write(
            f"Demo logins (password {demo.DEMO_PASSWORD}): "
            + ", ".join(u[0] for u in demo.DEMO_USERS)
        )
