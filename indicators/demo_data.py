"""The demo partnership's raw data: organisations, areas, indicators and quarterly figures.

These are the inputs from which the portal's rules compute the seed's dashboard (Quarter 2
2016/17); `indicators.demo` loads them. 2015/16 and 2016/17 are fixed by the seed, earlier
years follow the long-run trend, and district counts are synthetic shares of the county's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from portal.models import Membership, Organisation

from .models import Indicator
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
    ("probation.officer", "Dan", "Cole", "probation", Membership.Role.SUBMITTER, False),
    ("da.officer", "Mina", "Patel", "domestic-abuse-services", Membership.Role.SUBMITTER, False),
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

# The iQuanta-style most similar group. The comparison cells of the seed (3/9, Top, …) are
# typed, as the source publishes only them; the members' values below are SYNTHETIC, made
# so that group measures have data: each member's figure is Leicestershire's own rolling
# 12-month figure for the quarter times the member's factor (nudged by up to 1% a quarter).
# The factors put Leicestershire at the seed's typed rank in Q2 2016/17 (lower is better).
COMPARATOR_GROUP = ("Leicestershire CSP most similar group", "iQuanta most similar group")
COMPARATOR_SELF = "Leicestershire"
COMPARATOR_PEERS = [
    "Derbyshire",
    "Nottinghamshire",
    "Staffordshire",
    "Warwickshire",
    "Worcestershire",
    "Northamptonshire",
    "Lincolnshire",
    "Wiltshire",
]
PEER_SOURCE = "Synthetic demo values (not published figures)"
PEER_FACTORS = {
    "crime-total": ["0.91", "0.96", "1.04", "1.08", "1.12", "1.16", "1.21", "1.30"],  # 3/9
    "crime-burglary": ["0.82", "0.88", "0.93", "0.96", "1.04", "1.10", "1.18", "1.26"],  # 5/9
    "crime-vehicle": ["0.84", "0.90", "0.94", "0.97", "1.04", "1.08", "1.15", "1.24"],  # 5/9
    "crime-violence-injury": ["0.93", "1.04", "1.07", "1.12", "1.18", "1.22", "1.31", "1.40"],
    "yos-first-time-entrants": [
        "0.95",
        "1.06",
        "1.12",
        "1.19",
        "1.25",
        "1.33",
        "1.41",
        "1.52",
    ],  # 2/9: Top
}

# A target set for one financial year (the standing target applies to the others): the
# partnership's 2015/16 crime target, before the 47.50 that stands from 2016/17.
CRIME_TARGET_2015 = {
    "low": None,
    "high": Decimal("48.00"),
    "tolerance": Decimal("1.00"),
    "note": "2015/16 target (demo)",
}
