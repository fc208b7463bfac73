"""`python manage.py bench_import --rows 20000 [--format csv|xlsx]`: import speed and memory.

Sizes and limits are flags: `--indicators`, `--areas` (the quarters needed go back from the
last one that is over), `--max-rows`, `--max-upload-bytes` and `--max-uncompressed-bytes`
(the portal's IMPORT_MAX_* limits for the run; by default raised just enough for the file).

Generates a historic file of N approved values (indicators × areas × past quarters) and, in
one run, measures rows per second through the portal's import path (`indicators.historic`:
parse, check every row, then bulk insert with audit events) and through a bare
`bulk_create` of the same rows, their ratio, and peak memory (tracemalloc peak of the
portal path, and the process's maximum resident size). Everything happens inside a
transaction that is rolled back at the end: nothing is left behind.
"""

from __future__ import annotations

import csv
import io
import math
import resource
import time
import tracemalloc
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from indicators import historic
from indicators.columns import OPEN_DATA_COLUMNS
from indicators.models import ImportBatch, Indicator, Outcome, ReportingPeriod, Submission
from indicators.quarters import Quarter
from portal.models import Area, Organisation


class Rollback(Exception):
    """Raised to undo everything the benchmark wrote."""


class Command(BaseCommand):
    help = "Benchmark the historic import against a bare bulk_create (nothing is kept)."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=20000)
        parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
        parser.add_argument("--indicators", type=int, default=25, help="indicators generated")
        parser.add_argument("--areas", type=int, default=8, help="areas generated")
        # The portal's limits on an imported file (settings IMPORT_MAX_*), raised for the run
        # so that a file as large as asked for is read: by default just enough.
        parser.add_argument("--max-rows", type=int, help="IMPORT_MAX_ROWS for the run")
        parser.add_argument(
            "--max-uncompressed-bytes", type=int, help="IMPORT_MAX_UNCOMPRESSED_BYTES for the run"
        )
        parser.add_argument(
            "--max-upload-bytes", type=int, help="IMPORT_MAX_UPLOAD_BYTES for the run"
        )

    def handle(self, *args, rows, format, indicators, areas, **options):
        self.n_indicators, self.n_areas = indicators, areas
        limits = {
            "IMPORT_MAX_ROWS": options["max_rows"] or max(rows, settings.IMPORT_MAX_ROWS),
            "IMPORT_MAX_UNCOMPRESSED_BYTES": options["max_uncompressed_bytes"]
            or max(rows * 1000, settings.IMPORT_MAX_UNCOMPRESSED_BYTES),
            "IMPORT_MAX_UPLOAD_BYTES": options["max_upload_bytes"]
            or max(rows * 200, settings.IMPORT_MAX_UPLOAD_BYTES),
        }
        try:
            with override_settings(**limits), transaction.atomic():
                self._run(rows, format)
                raise Rollback
        except Rollback:
            self.stdout.write("Rolled back: the database is as it was.")

    def _run(self, rows: int, file_format: str) -> None:
        keys = self._reference(rows)
        content = self._file(keys, file_format)
        self.stdout.write(
            f"{len(keys):,} rows, {file_format.upper()} file of {len(content) / 1e6:.1f} MB"
        )
        bare = self._bare(keys)
        portal, peak = self._portal(content, file_format)
        ratio = portal / bare
        rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.stdout.write(f"portal import path: {portal:,.0f} rows/s")
        self.stdout.write(f"bare bulk_create:   {bare:,.0f} rows/s")
        self.stdout.write(f"ratio (portal / bare): {ratio:.2f}")
        self.stdout.write(f"peak memory: tracemalloc {peak / 1e6:.1f} MB (portal path),")
        self.stdout.write(f"             process max RSS {rss_mb:.0f} MB")

    def _reference(self, rows: int) -> list[tuple[Indicator, Area, Quarter, int]]:
        org = Organisation.objects.create(name="Bench org", slug="bench-org")
        outcome = Outcome.objects.create(title="Bench", slug="bench-outcome")
        n_areas = self.n_areas
        n_indicators = self.n_indicators
        n_quarters = math.ceil(rows / (n_areas * n_indicators))
        areas = Area.objects.bulk_create(
            Area(name=f"Bench area {n}", code=f"BENCH{n:04d}") for n in range(n_areas)
        )
        indicators = Indicator.objects.bulk_create(
            Indicator(
                code=f"bench-{n}",
                title=f"Bench count {n}",
                outcome=outcome,
                owner=org,
                unit=Indicator.Unit.COUNT,
                formula=Indicator.Formula.COUNT,
                aggregation=Indicator.Aggregation.SUM_OF_QUARTERS,
                polarity=Indicator.Polarity.LOWER_IS_BETTER,
                rag_method=Indicator.RagMethod.CONTEXTUAL,
            )
            for n in range(n_indicators)
        )
        Indicator.areas.through.objects.bulk_create(
            Indicator.areas.through(indicator_id=i.pk, area_id=a.pk)
            for i in indicators
            for a in areas
        )
        # History runs back from the last quarter that is over: the import refuses the rest.
        last = Quarter.containing(timezone.localdate()).previous()
        quarters = [last.shift(n - n_quarters + 1) for n in range(n_quarters)]
        keys = []
        for q in quarters:
            for ind in indicators:
                for area in areas:
                    keys.append((ind, area, q, len(keys) % 997))
        return keys[:rows]

    def _file(self, keys, file_format: str) -> bytes:
        def record(ind, area, q, count):
            return {
                "indicator_code": ind.code,
                "indicator_title": ind.title,
                "area_code": area.code,
                "area_name": area.name,
                "quarter": q.code,
                "figure": count,
                "numerator": count,
                "unit": ind.unit,
                "nil_return": "no",
                "provisional": "no",
                "estimated": "no",
                "revision": 1,
            }

        if file_format == "csv":
            out = io.StringIO()
            writer = csv.DictWriter(out, fieldnames=OPEN_DATA_COLUMNS)
            writer.writeheader()
            for key in keys:
                writer.writerow(record(*key))
            return out.getvalue().encode()
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet("Data")
        sheet.append(OPEN_DATA_COLUMNS)
        for key in keys:
            data = record(*key)
            sheet.append([data.get(c) for c in OPEN_DATA_COLUMNS])
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()

    def _periods(self, keys) -> dict[Quarter, ReportingPeriod]:
        """The quarters' periods, as the portal path would create them (not timed)."""
        periods = {}
        for q in sorted({k[2] for k in keys}):
            periods[q], _ = ReportingPeriod.objects.get_or_create(
                year=q.year,
                quarter=q.number,
                defaults={
                    "opens_on": q.end,
                    "deadline": q.end,
                    "closes_on": q.end,
                    "closed_at": timezone.now(),
                },
            )
        return periods

    def _bare(self, keys) -> float:
        """Rows per second of bulk_create alone, the same rows, in a savepoint undone after."""
        sid = transaction.savepoint()
        periods = self._periods(keys)
        now = timezone.now()
        start = time.perf_counter()
        Submission.objects.bulk_create(
            (
                Submission(
                    indicator=ind,
                    area=area,
                    period=periods[q],
                    state=Submission.State.APPROVED,
                    is_latest_approved=True,
                    numerator=Decimal(count),
                    created_at=now,
                    updated_at=now,
                    approved_at=now,
                )
                for ind, area, q, count in keys
            ),
            batch_size=historic.CHUNK,
        )
        elapsed = time.perf_counter() - start
        transaction.savepoint_rollback(sid)
        return len(keys) / elapsed

    def _portal(self, content: bytes, file_format: str) -> tuple[float, int]:
        """Rows per second of the historic import; then its peak memory in a second run."""
        owner = User.objects.create_user("bench-import-user")

        def once() -> ImportBatch:
            batch = ImportBatch.objects.create(
                kind=ImportBatch.Kind.HISTORIC,
                owner=owner,
                filename=f"bench.{file_format}",
                content=content,
                status=ImportBatch.Status.QUEUED,
            )
            # The batch row holds the file; free this copy as a worker would not have one.
            batch.refresh_from_db()
            return historic.run(batch)

        sid = transaction.savepoint()
        start = time.perf_counter()
        batch = once()
        elapsed = time.perf_counter() - start
        if batch.status != ImportBatch.Status.APPLIED:
            raise SystemExit("The generated file was refused: " + "; ".join(batch.errors[:5]))
        rows = batch.counts["created"]
        transaction.savepoint_rollback(sid)

        sid = transaction.savepoint()
        tracemalloc.start()
        once()
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        transaction.savepoint_rollback(sid)
        return rows / elapsed, peak
