"""`python manage.py export_dashboard --period 2016/17-Q2 [--area CODE] [--layout SLUG]
--format csv|xlsx|pdf [--output FILE]`: a dashboard export from the shell (CSV to standard
output by default), in the default layout unless --layout names another.

Exports the approved figures as assembled now (what the committee sees); add --published to
export the published snapshot instead.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from indicators.models import ReportingPeriod
from portal.models import Area
from reporting import exports
from reporting.assembly import build_dashboard
from reporting.models import Layout, Publication

RENDERERS = {
    "csv": exports.dashboard_csv,
    "xlsx": exports.dashboard_xlsx,
    "pdf": exports.dashboard_pdf,
}


class Command(BaseCommand):
    help = "Export a quarter's dashboard as CSV, XLSX or PDF."

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="The quarter, e.g. 2016/17-Q2.")
        parser.add_argument("--area", help="Area code (default: the partnership area).")
        parser.add_argument("--layout", help="Layout slug (default: the default layout).")
        parser.add_argument("--format", default="csv", help="csv, xlsx or pdf (default csv).")
        parser.add_argument("--output", help="File to write (default: CSV to standard output).")
        parser.add_argument(
            "--published", action="store_true", help="Export the published snapshot."
        )

    def handle(self, *args, period, area=None, format="csv", output=None, published=False, **o):
        fmt = (format or "").lower()
        if fmt not in RENDERERS:
            raise CommandError(f"Unknown format '{format}': use csv, xlsx or pdf.")
        layout = self._layout(o.get("layout"))
        try:
            period_obj = ReportingPeriod.objects.get_by_code(period)
        except ReportingPeriod.DoesNotExist:
            raise CommandError(
                f"No reporting period '{period}'. Write it like 2016/17-Q2; known periods: "
                + ", ".join(p.code for p in ReportingPeriod.objects.all()[:8])
            ) from None
        if area:
            area_obj = Area.objects.filter(code=area).first()
            if area_obj is None:
                raise CommandError(
                    f"No area with code '{area}'. Known areas: "
                    + ", ".join(Area.objects.values_list("code", flat=True))
                )
        else:
            area_obj = Area.objects.filter(parent__isnull=True).order_by("display_order").first()
            if area_obj is None:
                raise CommandError("There are no areas yet: run load_demo or add one.")
        if published:
            publication = Publication.objects.latest_for(period_obj, area_obj)
            if publication is None:
                raise CommandError(f"{period_obj.label} is not published for {area_obj.name}.")
            dashboard = publication.dashboard_for(layout.slug if o.get("layout") else None)
            if dashboard is None:
                raise CommandError(
                    f"{period_obj.label} was not published in layout '{layout.slug}'."
                )
        else:
            dashboard = build_dashboard(period_obj, area_obj, layout)
        content = RENDERERS[fmt](dashboard)
        if output:
            Path(output).write_bytes(content)
            self.stderr.write(f"Wrote {len(content)} bytes to {output}.")
        elif fmt == "csv":
            self.stdout.write(content.decode("utf-8"), ending="")
        else:
            raise CommandError(f"Name a file with --output for a {fmt.upper()} export.")

    def _layout(self, slug: str | None) -> Layout | None:
        layout = Layout.objects.by_slug_or_default(slug)
        if slug and layout is None:
            raise CommandError(
                f"No layout '{slug}'. Known layouts: "
                + ", ".join(Layout.objects.values_list("slug", flat=True))
            )
        return layout
