"""`python manage.py import_partnership DIR [--dry-run] [--user USERNAME]`: load a bundle.

All or nothing: every problem is listed (file, row, column, message) and nothing is
written while there is one. --dry-run checks everything and writes nothing. Approved
history is recorded as imported by --user, or by "partnership bundle import".
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from reporting.bundle import BundleRefused, import_bundle


class Command(BaseCommand):
    help = "Load a partnership bundle folder, all or nothing (see docs/bundle.md)."

    def add_arguments(self, parser):
        parser.add_argument("folder", help="The bundle folder, as export_partnership wrote it.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check everything and write nothing."
        )
        parser.add_argument("--user", help="The username the imported history is recorded under.")

    def handle(self, *args, folder: str, dry_run: bool = False, user=None, **options):
        actor = None
        if user:
            actor = get_user_model().objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"There is no user '{user}'.")
        try:
            report = import_bundle(Path(folder), dry_run=dry_run, actor=actor)
        except BundleRefused as refused:
            for problem in refused.problems:
                self.stderr.write(str(problem))
            count = len(refused.problems)
            raise CommandError(
                f"The bundle was refused ({count} problem{'s' if count != 1 else ''}); "
                "nothing was written."
            ) from None
        for name, rows in report.counts.items():
            new = f", {report.written[name]} new" if name in report.written else ""
            self.stdout.write(f"{name}: {rows} rows{new}")
        if report.dry_run:
            self.stdout.write(
                self.style.SUCCESS("Dry run: the bundle is good; nothing was written.")
            )
        else:
            self.stdout.write(self.style.SUCCESS(f"Bundle {folder} imported."))
