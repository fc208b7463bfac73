"""Open data of one portal, loaded into an empty one, gives the same Q2 2016/17 dashboard.

The reference data travels through the admin resources (organisations, areas and
populations, outcomes, indicators); the approved values through the open-data CSV and the
historic import. Comparisons entered with a submission (nn / county / district), approvers'
overrides and commentary are not open data, so they are not compared.
"""

from __future__ import annotations

import tablib
from django.contrib.auth.models import User

from indicators import demo as demo_data
from indicators import figures, historic
from indicators.models import ImportBatch, Indicator, ReportingPeriod, Submission
from indicators.quarters import Quarter
from indicators.resources import REFERENCE_RESOURCES
from portal.models import Area
from reporting.assembly import build_dashboard
from reporting.exports import open_data_csv
from reporting.models import ExportJob, Publication
from reporting.tasks import published_values

SEED = Quarter(2016, 2)


def dashboard_figures() -> dict:
    period = ReportingPeriod.objects.for_quarter(SEED).get()
    county = Area.objects.get(code=demo_data.COUNTY[0])
    dashboard = build_dashboard(period, county)
    rows = {
        row.code: (
            row["previous_year"].text,
            row["latest"].text,
            row.headline_period,
            row.markers,
            row["direction"].value,
            row["progress"].text,
        )
        for block in dashboard.outcomes
        for row in block.rows
    }
    return {
        "heading": dashboard.headings[3],
        "rows": rows,
        "footnotes": [(f.marker, f.text) for f in dashboard.footnotes],
    }


def engine_figures() -> dict:
    """previous_year and rolling_12_months text of every demo indicator, for the county."""
    county = Area.objects.get(code=demo_data.COUNTY[0])
    pops = dict(county.populations.values_list("year", "population"))
    found = {}
    for ind in Indicator.objects.all():
        subs = {
            s.period.as_quarter: s
            for s in Submission.objects.approved()
            .filter(indicator=ind, area=county)
            .select_related("period")
        }
        found[ind.code] = (
            figures.previous_year(ind, SEED, subs, pops).text(ind.unit),
            figures.rolling_12_months(ind, SEED, subs, pops).text(ind.unit),
        )
    return found


def test_open_data_loads_into_an_empty_portal_with_the_same_dashboard(demo):
    before_dashboard, before_engine = dashboard_figures(), engine_figures()
    assert before_dashboard["rows"]["crime-total"][:2] == ("47.21", "47.11*")

    reference = [(r, r().export().export("csv")) for r in REFERENCE_RESOURCES]
    open_data = open_data_csv(published_values())

    ExportJob.objects.all().delete()
    Publication.objects.all().delete()
    demo_data.wipe()
    assert not Submission.objects.exists() and not Indicator.objects.exists()

    for resource_class, text in reference:
        result = resource_class().import_data(
            tablib.Dataset().load(text, format="csv"), dry_run=False, raise_errors=True
        )
        assert not result.has_validation_errors()
    admin = User.objects.create_user("loader", is_superuser=True, is_staff=True)
    batch = ImportBatch.objects.create(
        kind=ImportBatch.Kind.HISTORIC,
        owner=admin,
        filename="open-data.csv",
        content=open_data,
        status=ImportBatch.Status.QUEUED,
    )
    batch = historic.run(batch)
    assert batch.status == ImportBatch.Status.APPLIED, batch.errors[:5]

    assert engine_figures() == before_engine
    assert dashboard_figures() == before_dashboard
