"""The seed table (Appendix 1, Quarter 2 2016/17), typed cell for cell from the seed text."""

import os
from pathlib import Path

SEED_TITLE = "Safer Communities Performance Dashboard Quarter 2, 2016/17"

SEED_COLUMNS = [
    "Outcomes",
    "Overall Progress RAG",
    "Supporting Indicators",
    "Previous Year (2015-16)",
    "Latest Data Rolling 12 months",
    "Current Direction of Travel",
    "Progress",
    "Nearest Neighbour Comparison",
    "County Comparison",
    "District Comparison",
]

CRIME = "Ongoing reductions in crime"
REOFFENDING = "Reduce offending and re-offending"
VULNERABLE = "Protect and support the most vulnerable in communities"
ASB = "Continue to reduce anti-social behaviour"
PREVENT = (
    "Prevent people from being drawn into terrorism with a focus on working in partnership "
    "to reduce the risk of radicalisation"
)

SEED_ROWS = [
    [
        CRIME,
        "A",
        "Total Crime rate (per 1,000 population)",
        "47.21",
        "47.11*",
        "→",
        "G",
        "3/9",
        "Top",
        "",
    ],
    [
        CRIME,
        "A",
        "Domestic Burglary rate (per 1,000 population)",
        "3.53",
        "3.51*",
        "→",
        "A",
        "5/9",
        "Average",
        "",
    ],
    [
        CRIME,
        "A",
        "Vehicle Crime rate (per 1,000 population)",
        "7.07",
        "6.52*",
        "↑",
        "A",
        "5/9",
        "Average",
        "",
    ],
    [
        CRIME,
        "A",
        "Violence with Injury rate (per 1,000 population)",
        "2.95",
        "3.26*",
        "→",
        "A",
        "2/9",
        "Top",
        "",
    ],
    [
        REOFFENDING,
        "G",
        "% Reduction in offending by IOM & PPO Offenders",
        "40% (2014-15)",
        "41% (2015-16)",
        "→",
        "G",
        "-",
        "-",
        "",
    ],
    [
        REOFFENDING,
        "G",
        "Rate of re-offending by young offenders (local data)",
        "1.25 (2014-15)",
        "0.62 (Apr-Dec 2015)",
        "↑",
        "G",
        "-",
        "-",
        "",
    ],
    [
        REOFFENDING,
        "G",
        "Number of first time entrants to the criminal justice system aged 10 - 17",
        "190",
        "124 (2015/16 Q1 - 28)",
        "↑",
        "G",
        "Top",
        "",
        "",
    ],
    [
        VULNERABLE,
        "G",
        "% of domestic violence cases reviewed at MARAC that are repeat incidents "
        "(Leicestershire inc. Rutland)",
        "28% (Apr2015-Mar2016)",
        "30% (Jul2015-Jun2016)",
        "↑",
        "G",
        "-",
        "-",
        "",
    ],
    [
        VULNERABLE,
        "G",
        "Number of referrals to domestic abuse support services (adults). From December 2015 "
        "includes sexual violence referrals.",
        "1264 (2014-15)",
        "2003** (2015-16)",
        "↑",
        "G",
        "-",
        "-",
        "",
    ],
    [
        ASB,
        "G",
        "% of people stating that they have been a victim of anti-social behaviour in the "
        "past year",
        "5.4%",
        "5.5%",
        "→",
        "G",
        "-",
        "-",
        "",
    ],
    [
        ASB,
        "G",
        "% of people stating that they feel that the police and other local public services "
        "are successfully dealing with ASB and crime in their local area",
        "92.7%",
        "89.9%",
        "↓",
        "A",
        "-",
        "-",
        "",
    ],
    [
        PREVENT,
        "A",
        "Reported hate incidents (per 1,000 population)",
        "0.58",
        "0.66",
        "↑",
        "A",
        "-",
        "-",
        "",
    ],
]

SEED_FOOTNOTES = [
    "* Provisional Q2 Crime figures",
    "** The figure provided includes an estimated number (227) of supports for HBBC "
    "stand-alone DA services based on 2013-15 performance. Figures provided relate to "
    "2015/16, not a 12 month rolling figure. Figures exclude callers to the domestic abuse "
    "helpline and children referred for specialist domestic abuse support",
]

# The partnership's shared folder (the seed and its comparison tool) sits beside the project
# in the developers' workspace and in CI: ../shared from the repository root, or SHARED_DIR.
SHARED = Path(os.environ.get("SHARED_DIR", Path(__file__).resolve().parents[3] / "shared"))
SEED_PATH = SHARED / "seed" / "000_f40a9468b4db62bf.txt"
COMPARE_SEED = SHARED / "tools" / "compare_seed.py"
