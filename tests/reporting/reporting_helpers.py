"""Small builders for dashboard tests on the `partnership` fixture."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from conftest import approved

from indicators.models import ReportingPeriod
from indicators.quarters import Quarter


def period_for(quarter: Quarter) -> ReportingPeriod:
    opens = quarter.end + dt.timedelta(days=1)
    period, _ = ReportingPeriod.objects.get_or_create(
        year=quarter.year,
        quarter=quarter.number,
        defaults={"opens_on": opens, "deadline": opens + dt.timedelta(days=41)},
    )
    return period


def crime_history(p, area, counts: dict[Quarter, int], **extra) -> dict:
    """Approved crime counts for `area`, one submission per quarter."""
    made = {}
    for quarter, count in counts.items():
        made[quarter] = approved(
            p.crime,
            area,
            period_for(quarter),
            p.submitter_a,
            p.approver,
            numerator=Decimal(count),
            **(extra if quarter == max(counts) else {}),
        )
    return made


Q2 = Quarter(2016, 2)
# Rolling 12 months to Q2 2016/17 and the four quarters before it (2015/16 and Q1 2016/17).
YEAR_TO_Q2 = [Q2.shift(-n) for n in range(7, -1, -1)]


def add_indicators(count: int, period: ReportingPeriod) -> None:
    """`count` more summed crime-like indicators for the demo county and its districts,
    each with approved counts for the eight quarters up to `period`."""
    from indicators.models import Indicator, Submission
    from portal.models import Area

    if not count:
        return
    template = Indicator.objects.get(code="crime-total")
    county = Area.objects.get(code="E10000018")
    areas = [county, *county.children.all()]
    made = Indicator.objects.bulk_create(
        [
            Indicator(
                code=f"extra-{n}",
                title=f"Extra indicator {n}",
                outcome=template.outcome,
                owner=template.owner,
                unit=template.unit,
                formula=template.formula,
                aggregation=template.aggregation,
                polarity=template.polarity,
                decimal_places=2,
                rag_method=template.rag_method,
                target=template.target,
                target_tolerance=template.target_tolerance,
                direction_basis=template.direction_basis,
                display_order=100 + n,
            )
            for n in range(count)
        ]
    )
    Through = Indicator.areas.through
    Through.objects.bulk_create(
        [Through(indicator_id=ind.id, area_id=area.id) for ind in made for area in areas]
    )
    periods = {
        (p.year, p.quarter): p
        for p in ReportingPeriod.objects.filter(
            year__in=[period.year - 2, period.year - 1, period.year]
        )
    }
    quarters = [period.as_quarter.shift(-n) for n in range(7, -1, -1)]
    Submission.objects.bulk_create(
        [
            Submission(
                indicator=ind,
                area=area,
                period=periods[(q.year, q.number)],
                state=Submission.State.APPROVED,
                is_latest_approved=True,
                numerator=Decimal(1000 + n),
            )
            for n, ind in enumerate(made)
            for area in areas
            for q in quarters
        ],
        batch_size=2000,
    )
