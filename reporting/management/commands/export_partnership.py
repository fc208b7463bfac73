"""`python manage.py export_partnership DIR`: write the partnership bundle into DIR.

The folder gets one file per kind of data in the admin's import formats, `layouts.json`
and `manifest.json` (see docs/bundle.md). `import_partnership DIR` loads it elsewhere.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reporting.bundle import export_bundle


class Command(BaseCommand):
    help = "Write everything the partnership is into a bundle folder (see docs/bundle.md)."

    def add_arguments(self, parser):
        parser.add_argument("folder", help="The folder to write; created when missing.")

    def handle(self, *args, folder: str, **options):
        path = Path(folder)
        if path.exists() and not path.is_dir():
            raise CommandError(f"{folder} is a file, not a folder.")
        if path.is_dir() and any(path.iterdir()) and not (path / "manifest.json").exists():
            raise CommandError(
                f"{folder} already holds other files: give an empty folder or an earlier bundle."
            )
        manifest = export_bundle(path)
        for entry in manifest["files"]:
            self.stdout.write(f"{entry['name']}: {entry['rows']} rows")
        self.stdout.write(
            self.style.SUCCESS(f"Bundle of {manifest['partnership']['name']} written to {folder}.")
        )
