"""The demo partnership: Leicestershire's Safer Communities dashboard, Quarter 2 2016/17.

The seed (shared/seed/000_f40a9468b4db62bf.txt) shows computed figures; this module holds the
raw quarterly data that yields them under the portal's rules, e.g. total crime counts and
mid-year populations giving 47.21 for 2015-16 and 47.11 for the 12 months to September 2016.
Where the seed shows a judgement (an outcome's overall RAG), the demo records an override
with its reason. District figures are synthetic and add up to the county's.

Everything is keyed on natural keys, so loading twice leaves the same data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from portal.models import Area, Membership, Organisation, Population

from .models import (
    ComparatorGroup,
    ComparatorMember,
    Indicator,
    Outcome,
    Override,
    ReportingPeriod,
    Submission,
    SubmissionEvent,
)
from .quarters import Quarter

UK = ZoneInfo("Europe/London")
DEMO_PASSWORD = "demo-portal-2016"
FIRST_QUARTER = Quarter(2013, 1)
SEED_QUARTER = Quarter(2016, 2)
OPEN_QUARTER = Quarter(2016, 3)

ORGANISATIONS = [
    ("leicestershire-police", "Leicestershire Police", "Police", Organisation.Kind.POLICE),
    (
        "leicestershire-county-council",
        "Leicestershire County Council",
        "County Council",
        Organisation.Kind.COUNTY_COUNCIL,
    ),
    (
        "blaby-district-council",
        "Blaby District Council",
        "Blaby DC",
        Organisation.Kind.DISTRICT_COUNCIL,
    ),
    (
        "charnwood-borough-council",
        "Charnwood Borough Council",
        "Charnwood BC",
        Organisation.Kind.DISTRICT_COUNCIL,
    ),
    (
        "harborough-district-council",
        "Harborough District Council",
        "Harborough DC",
        Organisation.Kind.DISTRICT_COUNCIL,
    ),
    (
        "hinckley-bosworth-borough-council",
        "Hinckley & Bosworth Borough Council",
        "HBBC",
        Organisation.Kind.DISTRICT_COUNCIL,
    ),
    (
        "melton-borough-council",
        "Melton Borough Council",
        "Melton BC",
        Organisation.Kind.DISTRICT_COUNCIL,
    ),
    (
        "north-west-leicestershire-district-council",
        "North West Leicestershire District Council",
        "NWLDC",
        Organisation.Kind.DISTRICT_COUNCIL,
    ),
    (
        "oadby-wigston-borough-council",
        "Oadby & Wigston Borough Council",
        "OWBC",
        Organisation.Kind.DISTRICT_COUNCIL,
    ),
    (
        "youth-offending-service",
        "Leicestershire Youth Offending Service",
        "Youth Offending Service",
        Organisation.Kind.YOUTH_OFFENDING,
    ),
    ("probation", "Leicestershire and Rutland Probation", "Probation", Organisation.Kind.PROBATION),
    (
        "domestic-abuse-services",
        "Domestic Abuse Support Services",
        "DA support services",
        Organisation.Kind.VOLUNTARY,
    ),
]

COUNTY = ("E10000018", "Leicestershire")
# (code, name, mid-year populations 2013..2016); each year's county figure is their sum.
DISTRICTS = [
    ("E07000129", "Blaby", [95900, 96600, 97200, 98500]),
    ("E07000130", "Charnwood", [172100, 173600, 175600, 177300]),
    ("E07000131", "Harborough", [87100, 88000, 88600, 89900]),
    ("E07000132", "Hinckley & Bosworth", [107300, 108000, 108700, 109700]),
    ("E07000133", "Melton", [50900, 50800, 50900, 50900]),
    ("E07000134", "North West Leicestershire", [95200, 96200, 97300, 98400]),
    ("E07000135", "Oadby & Wigston", [56200, 56200, 56200, 56300]),
]
POPULATION_YEARS = [2013, 2014, 2015, 2016]

OUTCOMES = [
    ("reduce-crime", "Ongoing reductions in crime"),
    ("reduce-reoffending", "Reduce offending and re-offending"),
    ("protect-vulnerable", "Protect and support the most vulnerable in communities"),
    ("reduce-asb", "Continue to reduce anti-social behaviour"),
    (
        "prevent",
        "Prevent people from being drawn into terrorism with a focus on working in "
        "partnership to reduce the risk of radicalisation",
    ),
]


@dataclass
class DemoIndicator:
    code: str
    title: str
    outcome: str
    owner: str
    unit: str
    formula: str
    aggregation: str
    polarity: str
    decimal_places: int
    target: str | None
    tolerance: str | None
    basis: str
    stable_band: str
    comparisons: dict = field(default_factory=dict)
    districts: bool = False
    numerator_label: str = ""
    denominator_label: str = ""
    definition: str = ""


Ind = Indicator
INDICATORS = [
    DemoIndicator(
        "crime-total",
        "Total Crime rate (per 1,000 population)",
        "reduce-crime",
        "leicestershire-police",
        Ind.Unit.RATE_PER_1000,
        Ind.Formula.RATE_PER_1000,
        Ind.Aggregation.SUM_OF_QUARTERS,
        Ind.Polarity.LOWER_IS_BETTER,
        2,
        "47.50",
        "1.00",
        Ind.DirectionBasis.PREVIOUS_QUARTER,
        "2",
        {"nn": (3, 9), "county": "Top"},
        districts=True,
        numerator_label="recorded crimes",
        definition="All police recorded crime per 1,000 residents (ONS mid-year "
        "estimate), rolling 12 months.",
    ),
    DemoIndicator(
        "crime-burglary",
        "Domestic Burglary rate (per 1,000 population)",
        "reduce-crime",
        "leicestershire-police",
        Ind.Unit.RATE_PER_1000,
        Ind.Formula.RATE_PER_1000,
        Ind.Aggregation.SUM_OF_QUARTERS,
        Ind.Polarity.LOWER_IS_BETTER,
        2,
        "3.40",
        "0.20",
        Ind.DirectionBasis.PREVIOUS_QUARTER,
        "2",
        {"nn": (5, 9), "county": "Average"},
        districts=True,
        numerator_label="domestic burglaries",
        definition="Police recorded burglaries of a dwelling per 1,000 residents.",
    ),
    DemoIndicator(
        "crime-vehicle",
        "Vehicle Crime rate (per 1,000 population)",
        "reduce-crime",
        "leicestershire-police",
        Ind.Unit.RATE_PER_1000,
        Ind.Formula.RATE_PER_1000,
        Ind.Aggregation.SUM_OF_QUARTERS,
        Ind.Polarity.LOWER_IS_BETTER,
        2,
        "6.30",
        "0.40",
        Ind.DirectionBasis.PREVIOUS_QUARTER,
        "2",
        {"nn": (5, 9), "county": "Average"},
        districts=True,
        numerator_label="vehicle crimes",
        definition="Theft of and from vehicles and vehicle interference per 1,000 residents.",
    ),
    DemoIndicator(
        "crime-violence-injury",
        "Violence with Injury rate (per 1,000 population)",
        "reduce-crime",
        "leicestershire-police",
        Ind.Unit.RATE_PER_1000,
        Ind.Formula.RATE_PER_1000,
        Ind.Aggregation.SUM_OF_QUARTERS,
        Ind.Polarity.LOWER_IS_BETTER,
        2,
        "3.00",
        "0.30",
        Ind.DirectionBasis.PREVIOUS_QUARTER,
        "2",
        {"nn": (2, 9), "county": "Top"},
        districts=True,
        numerator_label="violence with injury offences",
        definition="Police recorded violence with injury per 1,000 residents.",
    ),
    DemoIndicator(
        "iom-offending-reduction",
        "% Reduction in offending by IOM & PPO Offenders",
        "reduce-reoffending",
        "probation",
        Ind.Unit.PERCENTAGE,
        Ind.Formula.DIRECT,
        Ind.Aggregation.LATEST,
        Ind.Polarity.HIGHER_IS_BETTER,
        0,
        "35",
        "5",
        Ind.DirectionBasis.PREVIOUS_YEAR,
        "5",
        {"nn": "-", "county": "-"},
        definition="Reduction in proven offending by Integrated Offender Management "
        "and Prolific and Priority Offenders cohort, annual, reported a year in "
        "arrears.",
    ),
    DemoIndicator(
        "yos-reoffending-rate",
        "Rate of re-offending by young offenders (local data)",
        "reduce-reoffending",
        "youth-offending-service",
        Ind.Unit.RATIO,
        Ind.Formula.DIRECT,
        Ind.Aggregation.LATEST,
        Ind.Polarity.LOWER_IS_BETTER,
        2,
        "1.00",
        "0.20",
        Ind.DirectionBasis.PREVIOUS_YEAR,
        "5",
        {"nn": "-", "county": "-"},
        definition="Re-offences per young offender in the tracked cohort, "
        "cumulative through the year (local YOS data).",
    ),
    DemoIndicator(
        "yos-first-time-entrants",
        "Number of first time entrants to the criminal justice system aged 10 - 17",
        "reduce-reoffending",
        "youth-offending-service",
        Ind.Unit.COUNT,
        Ind.Formula.COUNT,
        Ind.Aggregation.LATEST,
        Ind.Polarity.LOWER_IS_BETTER,
        0,
        "150",
        "20",
        Ind.DirectionBasis.PREVIOUS_YEAR,
        "5",
        {"nn": "Top"},
        numerator_label="first time entrants",
        definition="Young people aged 10 to 17 receiving their first reprimand, "
        "warning, caution or conviction, 12 months.",
    ),
    DemoIndicator(
        "marac-repeat",
        "% of domestic violence cases reviewed at MARAC that are "
        "repeat incidents (Leicestershire inc. Rutland)",
        "protect-vulnerable",
        "leicestershire-police",
        Ind.Unit.PERCENTAGE,
        Ind.Formula.PERCENTAGE,
        Ind.Aggregation.LATEST,
        Ind.Polarity.HIGHER_IS_BETTER,
        0,
        "28",
        "3",
        Ind.DirectionBasis.PREVIOUS_YEAR,
        "5",
        {"nn": "-", "county": "-"},
        numerator_label="repeat cases",
        denominator_label="cases reviewed at MARAC",
        definition="Repeat cases as a share of all cases heard at the Multi-Agency "
        "Risk Assessment Conference, 12 months. A higher rate shows repeat "
        "victims are being identified.",
    ),
    DemoIndicator(
        "da-referrals",
        "Number of referrals to domestic abuse support services "
        "(adults). From December 2015 includes sexual violence referrals.",
        "protect-vulnerable",
        "domestic-abuse-services",
        Ind.Unit.COUNT,
        Ind.Formula.COUNT,
        Ind.Aggregation.LATEST,
        Ind.Polarity.HIGHER_IS_BETTER,
        0,
        "1500",
        "200",
        Ind.DirectionBasis.PREVIOUS_YEAR,
        "5",
        {"nn": "-", "county": "-"},
        numerator_label="referrals",
        definition="Adults referred to commissioned domestic abuse support "
        "services in the financial year.",
    ),
    DemoIndicator(
        "asb-victims",
        "% of people stating that they have been a victim of "
        "anti-social behaviour in the past year",
        "reduce-asb",
        "leicestershire-county-council",
        Ind.Unit.PERCENTAGE,
        Ind.Formula.DIRECT,
        Ind.Aggregation.LATEST,
        Ind.Polarity.LOWER_IS_BETTER,
        1,
        "6.0",
        "0.5",
        Ind.DirectionBasis.PREVIOUS_YEAR,
        "5",
        {"nn": "-", "county": "-"},
        definition="Community Based Survey, rolling 12 months.",
    ),
    DemoIndicator(
        "asb-confidence",
        "% of people stating that they feel that the police and "
        "other local public services are successfully dealing with ASB and crime in "
        "their local area",
        "reduce-asb",
        "leicestershire-county-council",
        Ind.Unit.PERCENTAGE,
        Ind.Formula.DIRECT,
        Ind.Aggregation.LATEST,
        Ind.Polarity.HIGHER_IS_BETTER,
        1,
        "92.0",
        "3.0",
        Ind.DirectionBasis.PREVIOUS_YEAR,
        "2",
        {"nn": "-", "county": "-"},
        definition="Community Based Survey, rolling 12 months.",
    ),
    DemoIndicator(
        "hate-incidents",
        "Reported hate incidents (per 1,000 population)",
        "prevent",
        "leicestershire-police",
        Ind.Unit.RATE_PER_1000,
        Ind.Formula.RATE_PER_1000,
        Ind.Aggregation.SUM_OF_QUARTERS,
        Ind.Polarity.HIGHER_IS_BETTER,
        2,
        "0.70",
        "0.10",
        Ind.DirectionBasis.PREVIOUS_YEAR,
        "5",
        {"nn": "-", "county": "-"},
        districts=True,
        numerator_label="hate incidents reported",
        definition="Hate incidents reported to the police per 1,000 residents. The "
        "partnership encourages reporting, so a rise is read as improvement.",
    ),
]

# County quarterly counts for the summed indicators, 2013/14 Q1 .. 2016/17 Q2 (14 quarters).
# 2015/16 and 2016/17 are fixed by the seed; earlier years follow the long-run trend.
COUNTY_COUNTS = {
    "crime-total": [
        8540,
        8610,
        8290,
        8010,
        8230,
        8330,
        8020,
        7760,
        8100,
        8200,
        7900,
        7643,
        8128,
        8411,
    ],
    "crime-burglary": [690, 660, 700, 650, 640, 610, 650, 600, 600, 590, 610, 581, 603, 599],
    "crime-vehicle": [
        1400,
        1380,
        1350,
        1300,
        1320,
        1290,
        1260,
        1210,
        1250,
        1200,
        1180,
        1139,
        1112,
        1009,
    ],
    "crime-violence-injury": [360, 380, 350, 330, 370, 400, 380, 370, 400, 470, 540, 580, 589, 511],
    "hate-incidents": [80, 88, 84, 79, 86, 95, 90, 85, 95, 102, 98, 96, 110, 145],
}
# Each district's share of county crime (sums to 1); districts differ from population shares.
DISTRICT_SHARES = [0.142, 0.290, 0.105, 0.160, 0.075, 0.150, 0.078]

# Annual figures by financial year start, for indicators whose latest value stands.
IOM_BY_YEAR = {2011: 35, 2012: 36, 2013: 38, 2014: 40, 2015: 41}
DA_REFERRALS_BY_YEAR = {2011: 1010, 2012: 1105, 2013: 1190, 2014: 1264, 2015: 2003}
YOS_FULL_YEAR = {2011: "1.41", 2012: "1.36", 2013: "1.30", 2014: "1.25", 2015: "0.84"}
ASB_VICTIMS = [
    "6.1",
    "6.0",
    "5.9",
    "5.9",
    "5.8",
    "5.7",
    "5.6",
    "5.5",
    "5.5",
    "5.4",
    "5.4",
    "5.4",
    "5.5",
    "5.5",
]
ASB_CONFIDENCE = [
    "90.8",
    "91.2",
    "91.5",
    "91.9",
    "92.0",
    "92.3",
    "92.4",
    "92.6",
    "92.8",
    "92.9",
    "92.8",
    "92.7",
    "91.2",
    "89.9",
]
FTE_ROLLING = [262, 255, 248, 240, 231, 222, 214, 205, 201, 198, 194, 190, 168, 124]

PROVISIONAL_FOOTNOTE = "Provisional Q2 Crime figures"
DA_FOOTNOTE = (
    "The figure provided includes an estimated number (227) of supports for HBBC stand-alone "
    "DA services based on 2013-15 performance. Figures provided relate to 2015/16, not a 12 "
    "month rolling figure. Figures exclude callers to the domestic abuse helpline and children "
    "referred for specialist domestic abuse support"
)
ASB_OUTCOME_REASON = (
    "Victimisation is stable at 5.5% and nine in ten residents remain confident that ASB is "
    "being dealt with; the dip in confidence follows a change of survey contractor and is "
    "being watched. The board judges the outcome on track (green)."
)

DEMO_USERS = [
    # username, first, last, organisation slug, role, is_staff/superuser
    ("police.officer", "Priya", "Shah", "leicestershire-police", Membership.Role.SUBMITTER, False),
    (
        "council.officer",
        "Tom",
        "Baker",
        "leicestershire-county-council",
        Membership.Role.SUBMITTER,
        False,
    ),
    ("yos.officer", "Grace", "Hill", "youth-offending-service", Membership.Role.SUBMITTER, False),
    (
        "performance.manager",
        "Alex",
        "Morgan",
        "leicestershire-county-council",
        Membership.Role.APPROVER,
        False,
    ),
    (
        "committee.member",
        "Cllr Sam",
        "Wright",
        "leicestershire-county-council",
        Membership.Role.VIEWER,
        False,
    ),
    ("admin", "Pat", "Admin", "leicestershire-county-council", Membership.Role.ADMIN, True),
]


def all_quarters() -> list[Quarter]:
    quarters, q = [], FIRST_QUARTER
    while q <= OPEN_QUARTER:
        quarters.append(q)
        q = q.next()
    return quarters


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=UK)


def _split(total: int, shares: list[float]) -> list[int]:
    """Split a county count over districts so the parts add up exactly (largest remainder)."""
    raw = [total * s for s in shares]
    parts = [int(x) for x in raw]
    order = sorted(range(len(raw)), key=lambda i: raw[i] - parts[i], reverse=True)
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def _fy_label(start_year: int) -> str:
    return f"{start_year}-{(start_year + 1) % 100:02d}"


def _lagged(code: str, q: Quarter) -> dict:
    """Raw values for the indicators whose latest value stands, as reported in quarter q."""
    fy = q.year
    if code == "iom-offending-reduction":
        year = fy - 1  # reported a year in arrears
        return {
            "value": Decimal(IOM_BY_YEAR[year]),
            "covered_start": dt.date(year, 4, 1),
            "covered_end": dt.date(year + 1, 3, 31),
            "covered_label": _fy_label(year),
        }
    if code == "da-referrals":
        year = fy - 1
        return {
            "numerator": Decimal(DA_REFERRALS_BY_YEAR[year]),
            "covered_start": dt.date(year, 4, 1),
            "covered_end": dt.date(year + 1, 3, 31),
            "covered_label": _fy_label(year),
        }
    if code == "yos-reoffending-rate":
        if q.number == 4:  # the annual report covers the whole previous year
            year = fy - 1
            return {
                "value": Decimal(YOS_FULL_YEAR[year]),
                "covered_start": dt.date(year, 4, 1),
                "covered_end": dt.date(year + 1, 3, 31),
                "covered_label": _fy_label(year),
            }
        to = q.shift(-3)  # cumulative within the year, three quarters in arrears
        cumulative = {
            1: Decimal("0.21"),
            2: Decimal("0.40"),
            3: Decimal("0.62"),
            4: Decimal(YOS_FULL_YEAR[to.year]),
        }
        start = dt.date(to.year, 4, 1)
        value = (
            cumulative[to.number]
            if to.year == 2015
            else (cumulative[to.number] * Decimal("1.5")).quantize(Decimal("0.01"))
        )
        return {
            "value": value,
            "covered_start": start,
            "covered_end": to.end,
            "covered_label": f"{start:%b}-{to.end:%b %Y}",
        }
    if code == "marac-repeat":
        to = q if q.number == 4 else q.previous()
        months = to.rolling_year()
        start, end = months[0].start, to.end
        index = all_quarters().index(q)
        cases = 880 + 5 * index
        rate = {Quarter(2015, 4): 28, SEED_QUARTER: 30}.get(q, 25 + index % 4)
        repeats = round(cases * rate / 100)
        return {
            "numerator": Decimal(repeats),
            "denominator": Decimal(cases),
            "covered_start": start,
            "covered_end": end,
            "covered_label": f"{start:%b%Y}-{end:%b%Y}",
        }
    index = all_quarters().index(q)
    if code == "yos-first-time-entrants":
        if q == SEED_QUARTER:  # lagged a quarter, with the service's own wording
            return {
                "numerator": Decimal(124),
                "covered_start": dt.date(2015, 7, 1),
                "covered_end": dt.date(2016, 6, 30),
                "covered_label": "2015/16 Q1 - 28",
            }
        return {
            "numerator": Decimal(FTE_ROLLING[index]),
            "covered_start": q.rolling_year()[0].start,
            "covered_end": q.end,
        }
    if code == "asb-victims":
        return {"value": Decimal(ASB_VICTIMS[index])}
    if code == "asb-confidence":
        return {"value": Decimal(ASB_CONFIDENCE[index])}
    raise KeyError(code)


def _comparisons(spec: dict) -> dict:
    values = {}
    for prefix, cell in spec.items():
        if cell == "-":
            values[f"{prefix}_not_benchmarked"] = True
        elif isinstance(cell, tuple):
            values[f"{prefix}_rank"], values[f"{prefix}_of"] = cell
        else:
            values[f"{prefix}_band"] = cell
    return values


def _period_dates(q: Quarter) -> dict:
    """Entry opens the day after the quarter ends; due six weeks later; closes two weeks on."""
    opens = q.end + dt.timedelta(days=1)
    deadline = opens + dt.timedelta(days=41)
    return {"opens_on": opens, "deadline": deadline, "closes_on": deadline + dt.timedelta(days=14)}


@transaction.atomic
def load(stdout=None) -> dict:
    """Create (or complete) the demo partnership. Returns counts for the command to print."""
    orgs = {}
    for slug, name, short, kind in ORGANISATIONS:
        orgs[slug], _ = Organisation.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "short_name": short,
                "kind": kind,
                "contact_email": f"performance@{slug}.example.org.uk",
            },
        )

    county, _ = Area.objects.update_or_create(
        code=COUNTY[0],
        defaults={"name": COUNTY[1], "kind": Area.Kind.COUNTY, "parent": None, "display_order": 0},
    )
    districts = []
    for order, (code, name, pops) in enumerate(DISTRICTS, start=1):
        area, _ = Area.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "kind": Area.Kind.DISTRICT,
                "parent": county,
                "display_order": order,
            },
        )
        districts.append(area)
        for year, pop in zip(POPULATION_YEARS, pops, strict=True):
            Population.objects.update_or_create(area=area, year=year, defaults={"population": pop})
    for i, year in enumerate(POPULATION_YEARS):
        Population.objects.update_or_create(
            area=county, year=year, defaults={"population": sum(d[2][i] for d in DISTRICTS)}
        )

    group, _ = ComparatorGroup.objects.update_or_create(
        name="Leicestershire CSP most similar group",
        defaults={"source": "iQuanta most similar group", "as_at": dt.date(2016, 4, 1)},
    )
    for member in [
        "Leicestershire",
        "Derbyshire",
        "Nottinghamshire",
        "Staffordshire",
        "Warwickshire",
        "Worcestershire",
        "Northamptonshire",
        "Lincolnshire",
        "Wiltshire",
    ]:
        ComparatorMember.objects.update_or_create(
            group=group, name=member, defaults={"is_self": member == "Leicestershire"}
        )

    outcomes = {}
    for order, (slug, title) in enumerate(OUTCOMES, start=1):
        outcomes[slug], _ = Outcome.objects.update_or_create(
            slug=slug,
            defaults={
                "title": title,
                "display_order": order,
                "rollup_rule": Outcome.RollUp.MAJORITY,
            },
        )

    indicators = {}
    for order, spec in enumerate(INDICATORS, start=1):
        ind, _ = Indicator.objects.update_or_create(
            code=spec.code,
            defaults={
                "title": spec.title,
                "definition": spec.definition,
                "outcome": outcomes[spec.outcome],
                "owner": orgs[spec.owner],
                "unit": spec.unit,
                "formula": spec.formula,
                "aggregation": spec.aggregation,
                "polarity": spec.polarity,
                "decimal_places": spec.decimal_places,
                "rag_method": Indicator.RagMethod.TARGET,
                "target": Decimal(spec.target) if spec.target else None,
                "target_tolerance": Decimal(spec.tolerance) if spec.tolerance else None,
                "direction_basis": spec.basis,
                "stable_band": Decimal(spec.stable_band),
                "numerator_label": spec.numerator_label,
                "denominator_label": spec.denominator_label,
                "display_order": order,
                "comparator_group": group
                if spec.comparisons.get("nn") not in (None, "-")
                else None,
            },
        )
        ind.areas.set([county, *districts] if spec.districts else [county])
        indicators[spec.code] = (ind, spec)

    users = {}
    for username, first, last, slug, role, staff in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@example.org.uk",
                "is_staff": staff,
                "is_superuser": staff,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        Membership.objects.update_or_create(
            user=user, organisation=orgs[slug], defaults={"role": role}
        )
        users[username] = user
    submitters = {
        "leicestershire-police": users["police.officer"],
        "leicestershire-county-council": users["council.officer"],
        "youth-offending-service": users["yos.officer"],
    }
    approver = users["performance.manager"]

    periods = {}
    for q in all_quarters():
        dates = _period_dates(q)
        if q == OPEN_QUARTER:
            # The demo's open quarter takes entries today, whatever today is.
            today = timezone.localdate()
            dates = {
                "opens_on": min(dates["opens_on"], today),
                "deadline": max(dates["deadline"], today + dt.timedelta(days=14)),
                "closes_on": None,
            }
        period, created = ReportingPeriod.objects.get_or_create(
            year=q.year, quarter=q.number, defaults=dates
        )
        if created and q != OPEN_QUARTER:
            period.closed_at = _at(dates["closes_on"] + dt.timedelta(days=1), 9)
            period.closed_by = approver
            period.save(update_fields=["closed_at", "closed_by"])
        periods[q] = period

    made = _history(indicators, county, districts, periods, submitters, approver)

    asb = outcomes["reduce-asb"]
    if not Override.objects.filter(
        kind=Override.Kind.OUTCOME_RAG, outcome=asb, area=county, period=periods[SEED_QUARTER]
    ).exists():
        Override.objects.create(
            kind=Override.Kind.OUTCOME_RAG,
            outcome=asb,
            area=county,
            period=periods[SEED_QUARTER],
            value="G",
            reason=ASB_OUTCOME_REASON,
            author=approver,
            created_at=_at(_period_dates(SEED_QUARTER)["deadline"] + dt.timedelta(days=5), 11),
        )
    # The open quarter's expected figures wait as drafts for the partners (idempotent).
    from .workflow import open_quarter

    open_quarter(periods[OPEN_QUARTER], approver)
    _open_quarter_activity(periods[OPEN_QUARTER], county, users)
    return {
        "organisations": len(orgs),
        "areas": 1 + len(districts),
        "indicators": len(indicators),
        "periods": len(periods),
        "submissions_created": made,
        "users": len(users),
    }


def _open_quarter_activity(period, county, users) -> None:
    """Q3 2016/17 in progress, so each screen has something to show: one figure awaiting
    review, one draft, one returned with the approver's comment, one approved but not yet
    published (the committee sees it). Done once: skipped when the figures were touched."""
    from .workflow import approve, return_submission, save_draft, submit

    def current(code):
        return Submission.objects.current().get(indicator__code=code, area=county, period=period)

    first = current("crime-total")
    if first.row_version != 1 or first.state != Submission.State.DRAFT:
        return
    police, yos = users["police.officer"], users["yos.officer"]
    council, approver = users["council.officer"], users["performance.manager"]
    save_draft(
        first,
        police,
        {
            "numerator": Decimal(7954),
            "is_provisional": True,
            "commentary": "Seasonal fall in theft offences; violence "
            "recording steady after the HMIC audit.",
        },
    )
    submit(first, police)
    save_draft(current("crime-burglary"), police, {"numerator": Decimal(588)})
    fte = save_draft(current("yos-first-time-entrants"), yos, {"numerator": Decimal(118)})
    submit(fte, yos)
    return_submission(
        fte,
        approver,
        "Please say which 12 months this figure covers: the "
        "committee compares it with last year's 190.",
    )
    asb = save_draft(
        current("asb-victims"),
        council,
        {
            "value": Decimal("5.3"),
            "commentary": "Community Based Survey, 12 months to December 2016.",
        },
    )
    submit(asb, council)
    approve(asb, approver, "Checked against the survey contractor's report.")


def _history(indicators, county, districts, periods, submitters, approver) -> int:
    """Approved quarterly submissions from 2013/14 Q1 to 2016/17 Q2, each with its events."""
    existing = set(
        Submission.objects.filter(version=1).values_list("indicator_id", "area_id", "period_id")
    )
    pending: list[tuple[Submission, User]] = []
    history = [q for q in all_quarters() if q <= SEED_QUARTER]
    for code, (ind, spec) in indicators.items():
        submitter = submitters.get(spec.owner, submitters["leicestershire-police"])
        for index, q in enumerate(history):
            rows = []
            if code in COUNTY_COUNTS:
                total = COUNTY_COUNTS[code][index]
                rows.append((county, {"numerator": Decimal(total)}))
                for district, part in zip(districts, _split(total, DISTRICT_SHARES), strict=True):
                    rows.append((district, {"numerator": Decimal(part)}))
            else:
                rows.append((county, _lagged(code, q)))
            for area, values in rows:
                if (ind.id, area.id, periods[q].id) in existing:
                    continue
                extra = {}
                if area == county and q == SEED_QUARTER:
                    extra.update(_comparisons(spec.comparisons))
                    if code.startswith("crime-"):
                        extra.update(is_provisional=True, footnote=PROVISIONAL_FOOTNOTE)
                    if code == "da-referrals":
                        extra.update(is_estimated=True, footnote=DA_FOOTNOTE)
                    if code == "yos-first-time-entrants":
                        extra["commentary"] = (
                            "Rolling 12 months to June 2016: 124 first time "
                            "entrants, 28 of them in Q1 2016/17."
                        )
                dates = _period_dates(q)
                submitted = _at(dates["deadline"] - dt.timedelta(days=3), 10)
                approved = _at(dates["deadline"] + dt.timedelta(days=2), 15)
                sub = Submission(
                    indicator=ind,
                    area=area,
                    period=periods[q],
                    version=1,
                    is_current=True,
                    is_latest_approved=True,
                    state=Submission.State.APPROVED,
                    created_at=submitted - dt.timedelta(days=1),
                    created_by=submitter,
                    updated_at=submitted,
                    updated_by=submitter,
                    submitted_at=submitted,
                    submitted_by=submitter,
                    approved_at=approved,
                    approved_by=approver,
                    **values,
                    **extra,
                )
                pending.append((sub, submitter))
    Submission.objects.bulk_create([s for s, _ in pending], batch_size=500)
    events = []
    for sub, submitter in pending:
        events += [
            SubmissionEvent(
                submission=sub,
                action=SubmissionEvent.Action.CREATED,
                actor=submitter,
                at=sub.created_at,
                to_state="draft",
                comment="Loaded with the demo partnership.",
            ),
            SubmissionEvent(
                submission=sub,
                action=SubmissionEvent.Action.SUBMITTED,
                actor=submitter,
                at=sub.submitted_at,
                from_state="draft",
                to_state="submitted",
            ),
            SubmissionEvent(
                submission=sub,
                action=SubmissionEvent.Action.APPROVED,
                actor=approver,
                at=sub.approved_at,
                from_state="submitted",
                to_state="approved",
            ),
        ]
    SubmissionEvent.objects.bulk_create(events, batch_size=1000)
    return len(pending)


@transaction.atomic
def wipe() -> None:
    """Remove everything the portal holds (for `load_demo --reset`), users included."""
    SubmissionEvent.objects.all().delete()
    Override.objects.all().delete()
    Submission.objects.all().delete()
    ReportingPeriod.objects.all().delete()
    Indicator.objects.all().delete()
    Outcome.objects.all().delete()
    ComparatorGroup.objects.all().delete()
    Membership.objects.all().delete()
    Population.objects.all().delete()
    Area.objects.filter(parent__isnull=False).delete()
    Area.objects.all().delete()
    Organisation.objects.all().delete()
    User.objects.filter(username__in=[u[0] for u in DEMO_USERS]).delete()
