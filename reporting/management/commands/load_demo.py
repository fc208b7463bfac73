"""`python manage.py load_demo [--reset]`: the Leicestershire demo partnership from the seed.

Lives in `reporting` because it is the top of the import chain: it loads the partnership
and its approved history (indicators.demo) and then publishes the seed quarter.
"""

from django.core.management.base import BaseCommand

from indicators import demo


class Command(BaseCommand):
    help = "Create the demo partnership (idempotent). --reset wipes the portal's data first."

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset", action="store_true", help="Delete all portal data and reload the demo."
        )

    def handle(self, *args, reset=False, **options):
        if reset:
            demo.wipe()
            self.stdout.write("Wiped the portal's data.")
        counts = demo.load()
        summary = ", ".join(f"{value} {name.replace('_', ' ')}" for name, value in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Demo partnership ready: {summary}."))
        self.stdout.write(
            f"Demo logins (password {demo.DEMO_PASSWORD}): "
            + ", ".join(u[0] for u in demo.DEMO_USERS)
        )
