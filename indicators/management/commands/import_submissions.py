"""`python manage.py import_submissions FILE --organisation SLUG [--period 2016/17-Q3]
[--dry-run] [--submit] [--user USERNAME]`: a quarterly return from the shell.

The same path as the upload page: read, check every row, and (unless --dry-run) apply all
rows in one transaction as the named user. A bad file prints the same error list as the
preview page and exits non-zero, having written nothing.
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError

from indicators.import_files import FileRefused, check_size
from indicators.importing import ImportRefused, apply_return, preview_upload
from indicators.models import ImportBatch, ReportingPeriod
from indicators.quarters import Quarter
from portal import access
from portal.models import Organisation


class Command(BaseCommand):
    help = "Import a filled-in quarterly return template (XLSX or CSV) for one organisation."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The filled-in template, .xlsx or .csv.")
        parser.add_argument("--organisation", required=True, help="The organisation's slug.")
        parser.add_argument(
            "--period", help="The quarter, like 2016/17-Q3 (default: the file's quarter)."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and show the changes; save nothing."
        )
        parser.add_argument(
            "--submit", action="store_true", help="Submit the figures for review, not drafts."
        )
        parser.add_argument(
            "--user",
            help="Who the import is recorded as (a submitter of the organisation); "
            "default: the organisation's only submitter.",
        )

    def handle(self, *args, file, organisation, period, dry_run, submit, user, **options):
        org = Organisation.objects.filter(slug=organisation).first()
        if org is None:
            raise CommandError(f"There is no organisation with the slug '{organisation}'.")
        actor = self._actor(org, user)
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"There is no file at {file}.")
        try:
            check_size(path.stat().st_size)
        except FileRefused as refused:
            raise CommandError(refused.messages[0]) from None
        content = path.read_bytes()
        reporting_period = self._period(period, content, path.name)
        batch, plan = preview_upload(content, path.name, org, reporting_period, actor, submit)
        if batch.status == ImportBatch.Status.INVALID:
            for message in batch.errors:
                self.stderr.write(message)
            raise CommandError(
                f"{path.name} cannot be imported: {len(batch.errors)} problem(s). Nothing "
                "was saved."
            )
        for row in plan.rows:
            changes = "; ".join(f"{c}: {old} → {new}" for c, old, new in row.change_list)
            submitted = " (will be submitted)" if row.submit else ""
            self.stdout.write(
                f"Row {row.number}: {row.indicator_code} {row.area_code} {row.status}"
                f"{submitted}{': ' + changes if changes else ''}"
            )
        counts = plan.counts
        summary = (
            f"{counts['new']} new, {counts['changed']} changed, {counts['unchanged']} "
            f"unchanged, {counts['blank']} left empty"
        )
        if dry_run:
            batch.delete()
            self.stdout.write(f"Dry run: {summary}. Nothing was saved.")
            return
        try:
            apply_return(batch, actor)
        except ImportRefused as refused:
            for message in refused.messages:
                self.stderr.write(message)
            raise CommandError("Nothing was saved.") from None
        verb = "submitted" if submit else "saved as drafts"
        self.stdout.write(
            self.style.SUCCESS(f"Imported {path.name}: {summary}; {counts['submit']} {verb}.")
            if submit
            else self.style.SUCCESS(f"Imported {path.name}: {summary}; {verb}.")
        )

    def _actor(self, org: Organisation, username: str | None) -> User:
        submitters = User.objects.filter(
            memberships__organisation=org, memberships__role="submitter", is_active=True
        )
        if username:
            actor = User.objects.filter(username=username).first()
            if actor is None:
                raise CommandError(f"There is no user called '{username}'.")
            if org.pk not in access.submitter_organisation_ids(actor):
                raise CommandError(f"{username} does not submit figures for {org.name}.")
            return actor
        if submitters.count() != 1:
            raise CommandError(
                f"{org.name} has {submitters.count()} submitters: name one with --user."
            )
        return submitters.get()

    def _period(self, code: str | None, content: bytes, filename: str) -> ReportingPeriod:
        if code is None:
            code = self._quarter_in_file(content, filename)
        try:
            return ReportingPeriod.objects.get_by_code(code)
        except ReportingPeriod.DoesNotExist as missing:
            try:
                Quarter.from_code(code)
            except ValueError:
                raise CommandError(str(missing)) from None
            raise CommandError(f"There is no reporting period {code} in the portal.") from None

    def _quarter_in_file(self, content: bytes, filename: str) -> str:
        from indicators.importing import read_return

        try:
            rows = read_return(content, filename)
        except FileRefused as refused:
            for message in refused.messages:
                self.stderr.write(message)
            raise CommandError(f"{filename} cannot be imported. Nothing was saved.") from None
        quarters = sorted({r.get("quarter") for r in rows if r.get("quarter")})
        if len(quarters) != 1:
            raise CommandError(
                "The file's rows are for "
                + (", ".join(quarters) or "no quarter")
                + ": name the quarter with --period."
            )
        return quarters[0]
