"""The historic import looks up only the figures its file names, a chunk of rows at a time."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from conftest import approved

from indicators import historic
from indicators.models import ImportBatch, ReportingPeriod, Submission
from indicators.quarters import Quarter

from .test_historic_import import long_csv, run, value


def _period(year: int, quarter: int) -> ReportingPeriod:
    q = Quarter(year, quarter)
    return ReportingPeriod.objects.create(
        year=year, quarter=quarter, opens_on=q.end, deadline=q.end + dt.timedelta(days=40)
    )


def test_the_lookup_holds_only_the_keys_asked_for(partnership):
    p = partnership
    periods = [_period(2010 + n, 1) for n in range(4)]
    for period in periods:
        for area in (p.county, p.district_1):
            approved(p.crime, area, period, p.submitter_a, p.approver, numerator=Decimal(5))
    Submission.objects.create(indicator=p.crime, area=p.district_2, period=periods[0])
    lookups = historic.Lookups.load()
    wanted = [
        (p.crime.pk, p.county.pk, Quarter(2010, 1)),
        (p.crime.pk, p.district_2.pk, Quarter(2010, 1)),
        (p.crime.pk, p.county.pk, Quarter(1999, 1)),  # a quarter the portal has not got
    ]
    lookups.fetch_existing(wanted)
    assert set(lookups.held) == {wanted[0]}
    assert lookups.held[wanted[0]][1] == Decimal(5)  # the numerator, after the value
    assert lookups.in_progress == {wanted[1]: "draft"}


def test_clashes_are_found_in_every_chunk_of_a_long_file(partnership):
    p = partnership
    areas = {"E10000099": p.county, "E07000991": p.district_1, "E07000992": p.district_2}
    rows = [
        value(f"{year}/{(year + 1) % 100:02d}-Q{q}", area=code)
        for year in range(1800, 1800 + 2 * historic.CHUNK // 12 + 20)
        for q in (1, 2, 3, 4)
        for code in areas
    ]
    assert len(rows) > 2 * historic.CHUNK
    early, late = rows[10], rows[-5]
    for row in (early, late):
        code = row["quarter"]
        q = Quarter.from_code(code)
        period = _period(q.year, q.number)
        approved(p.crime, areas[row["area_code"]], period, p.submitter_a, p.approver, numerator=1)
    in_progress = rows[historic.CHUNK + 7]
    q = Quarter.from_code(in_progress["quarter"])
    Submission.objects.create(
        indicator=p.crime, area=areas[in_progress["area_code"]], period=_period(q.year, q.number)
    )
    batch = run(p, long_csv(rows))
    assert batch.status == ImportBatch.Status.INVALID
    assert [e.split(":")[0] for e in batch.errors] == [
        "Row 12, column value",
        f"Row {historic.CHUNK + 9}, column quarter",
        f"Row {len(rows) - 3}, column value",
    ]
    assert "has a figure in progress (draft)" in batch.errors[1]
    assert not Submission.objects.filter(period__year__lt=1990, numerator=3000).exists()
