"""Four further layouts, each built only from a bundle in fixtures/ and checked cell for cell
against a table worked out by hand, then exported as CSV, XLSX and PDF.

Every fixture is the partnership of Rutland (E06000017): the hand-written CSV files say
the raw quarterly figures, `layouts.json` says the columns. The arithmetic behind each
expected cell is in the comments.
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import load_workbook

from indicators.models import ReportingPeriod
from portal.models import Area
from reporting import exports
from reporting.assembly import build_dashboard
from reporting.bundle import import_bundle
from reporting.dashboard import Dashboard
from reporting.models import Layout

from .bundle_helpers import FIXTURES, pdf_text


def dashboard_from(name: str, quarter: str) -> Dashboard:
    """Import fixtures/<name> into the empty test database and assemble its layout."""
    import_bundle(FIXTURES / name)
    layout = Layout.objects.get(is_default=True)
    period = ReportingPeriod.objects.get_by_code(quarter)
    return build_dashboard(period, Area.objects.get(code="E06000017"), layout)


def csv_table(dashboard: Dashboard) -> list[list[str]]:
    content = exports.dashboard_csv(dashboard).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(content)))


def xlsx_cells(dashboard: Dashboard) -> list[list]:
    sheet = load_workbook(io.BytesIO(exports.dashboard_xlsx(dashboard))).active
    return [list(row) for row in sheet.iter_rows()]


LEADING_NUMBER = re.compile(r"^[+-]?[\d,]*\.?\d+")


def xlsx_shows(cell, want: str) -> bool:
    """Whether an XLSX cell shows `want`: text as text, or a figure stored as a number whose
    number format carries the rest ("%", a marker, its own period label)."""
    value = cell.value
    if not isinstance(value, int | float) or isinstance(value, bool):
        return ("" if value is None else value) == want
    number = LEADING_NUMBER.match(want)
    if number is None:
        return False
    rest = want[number.end() :]
    return value == pytest.approx(float(number.group().replace(",", ""))) and (
        rest in cell.number_format
    )


def assert_exports(dashboard: Dashboard, headings: list[str], rows: list[list[str]], tmp_path):
    """The CSV holds the table as shown; the XLSX its headings and cells (figures as
    numbers); the PDF its title and every row's cells."""
    table = csv_table(dashboard)
    assert table[0] == headings
    assert table[1 : 1 + len(rows)] == rows
    sheet = xlsx_cells(dashboard)
    assert sheet[0][0].value == dashboard.heading
    assert [cell.value for cell in sheet[1][: len(headings)]] == headings
    for got, want in zip(sheet[2 : 2 + len(rows)], rows, strict=True):
        assert all(xlsx_shows(cell, text) for cell, text in zip(got, want, strict=False)), [
            (cell.value, cell.number_format, text) for cell, text in zip(got, want, strict=False)
        ]
    text = pdf_text(exports.dashboard_pdf(dashboard), tmp_path)
    assert dashboard.heading in text
    for row in rows:
        for cell in row:
            assert cell in text


# (a) Most similar group benchmarking, 2016/17 Q4 -------------------------------------------
#
# Rates per 1,000: the year's crimes ÷ the mid-year population for the year × 1,000
# (2015: 38,000, 2016: 40,000).
#   crime     2015/16: 430+450+440+390 = 1,710 → 1710/38 = 45.00;  2016/17: 400+420+410+370
#             = 1,600 → 1600/40 = 40.00
#   burglary  2015/16: 30+28+35+21 = 114 → 3.00;   2016/17: 38+40+42+40 = 160 → 4.00
#   vehicle   2015/16: 80+75+85+64 = 304 → 8.00;   2016/17: 85+80+90+65 = 320 → 8.00
# The group is 15: Rutland's own rate and 14 comparator values for 2016/17 Q4.
#   crime: peers 30.1 32.5 35.0 36.2 38.4 39.9 41.0 42.3 44.8 46.0 48.5 51.2 55.0 60.1,
#     sum 601.0; with our 40.00, 641.0 ÷ 15 = 42.7333 → mean "42.73".
#     Rank, lower is better: six peers are below 40.00 → "7/15".
#     Distance (40 − 42.7333) ÷ 42.7333 = −6.396% → "-6.4%": beyond ±5% → "Below".
#     A year earlier: our 45.00, peers (2015/16 Q4) 31 34 37 40 42 44 45 46 47 49 50 52 54
#     59, sum 630, mean 675 ÷ 15 = 45.00, distance 0 → "In line". In line → below, lower is
#     better → improving "↑".
#   burglary: peers 2.10 2.50 2.80 3.00 3.20 3.40 3.60 3.90 4.00 4.00 4.60 5.10 5.50 6.20,
#     sum 53.9; with our 4.00, 57.9 ÷ 15 = 3.86. Eight peers below 4.00; two tie with us and
#     share our rank → "9/15". Distance (4 − 3.86) ÷ 3.86 = +3.627% → "+3.6%", in line.
#     A year earlier: our 3.00 against peers summing 50.5: mean 53.5 ÷ 15 = 3.5667,
#     distance −15.9% → below. Below → in line, lower is better → worsening "↓".
#   vehicle: peers 5.0 5.5 6.0 6.2 6.4 6.5 6.6 6.8 7.0 7.2 7.4 7.5 8.5 9.0, sum 95.6; with
#     our 8.00, 103.6 ÷ 15 = 6.9067 → "6.91". Twelve peers below 8.00 → "13/15". Distance
#     (8 − 6.9067) ÷ 6.9067 = +15.83% → "+15.8%", above. The same values a year earlier and
#     our same 8.00 → above then too → stable "→".

BENCHMARK_HEADINGS = [
    "Indicator",
    "Rate per 1,000 2015/16",
    "Rate per 1,000 2016/17",
    "Rank in group (1 = lowest rate)",
    "Group mean",
    "Distance from the mean",
    "Position (±5% is in line)",
]
BENCHMARK_ROWS = [
    [
        "Total crime rate (per 1,000 population)",
        "45.00",
        "40.00",
        "7/15",
        "42.73",
        "-6.4%",
        "Below ↑",
    ],
    [
        "Domestic burglary rate (per 1,000 population)",
        "3.00",
        "4.00",
        "9/15",
        "3.86",
        "+3.6%",
        "In line ↓",
    ],
    [
        "Vehicle crime rate (per 1,000 population)",
        "8.00",
        "8.00",
        "13/15",
        "6.91",
        "+15.8%",
        "Above →",
    ],
]


# (b) This quarter against the same quarter last year, and the rolling 12 months against
# the previous 12, 2016/17 Q2 ------------------------------------------------------------
#
#   crime     Q2 2015/16 4,050 → Q2 2016/17 3,738: 3738 − 4050 = −312; −312 ÷ 4050 = −7.70%.
#             12 months to Sep 2015: 3950+3800+4100+4050 = 15,900; to Sep 2016:
#             3900+3700+4000+3738 = 15,338: −562; −562 ÷ 15900 = −3.53%.
#   burglary  100 → 104: +4, +4.0%. 120+130+110+100 = 460 → 125+135+118+104 = 482: +22;
#             22 ÷ 460 = +4.78%.
#   knives    Q2 2015/16 a nil return (0, confirmed) → 3: +3, and no percentage of a zero
#             base (a reason, not a crash). 2+1+3+0 = 6 → 1+2+2+3 = 8: +2; 2 ÷ 6 = +33.3%.

CHANGE_HEADINGS = [
    "Offence",
    "Q2 2015/16",
    "Q2 2016/17",
    "Change",
    "% change",
    "12 months Oct 2014-Sep 2015",
    "12 months Oct 2015-Sep 2016",
    "Change",
    "% change",
]
CHANGE_ROWS = [
    [
        "Total recorded crime",
        "4,050",
        "3,738",
        "-312",
        "-7.7%",
        "15,900",
        "15,338",
        "-562",
        "-3.5%",
    ],
    ["Domestic burglary", "100", "104", "+4", "+4.0%", "460", "482", "+22", "+4.8%"],
    ["Knife crime", "0", "3", "+3", "", "6", "8", "+2", "+33.3%"],
]


# (c) The year to date with its quarters side by side and last year as the baseline,
# 2016/17 Q3 -----------------------------------------------------------------------------
#
#   asb        baseline 2015-16: 300+280+260+240 = 1,080; Q1 270, Q2 250, Q3 230; year to
#              date 270+250+230 = 750.
#   fly-tipping baseline 150+140+130+120 = 540; Q1 160, Q2 150; Q3's figure is "not yet
#              available", so the year to date is not yet available either (never a
#              two-quarter sum passed off as three).
#   confidence an annual survey whose latest value stands: the baseline is the value held at
#              2015/16 Q4, 82%, which covers 2014-15 and says so; the quarters 84%, 85%,
#              86%; the year to date is the latest, 86%.
#   Direction "none": a year to date against a whole year shows no arrow.

YTD_HEADINGS = [
    "Indicator",
    "Baseline 2015-16",
    "Q1 2016/17",
    "Q2 2016/17",
    "Q3 2016/17",
    "Year to date (Apr-Dec 2016)",
    "Direction",
]
YTD_ROWS = [
    ["Anti-social behaviour incidents", "1,080", "270", "250", "230", "750", ""],
    [
        "Fly-tipping incidents cleared",
        "540",
        "160",
        "150",
        "not yet available",
        "not yet available",
        "",
    ],
    ["% who think ASB is dealt with well", "82% (2014-15)", "84%", "85%", "86%", "86%", ""],
]


# (d) A call-over: RAG, direction, target shown, 2016/17 Q2 ---------------------------------
#
#   asb        12 months to Sep 2015: 280+260+300+290 = 1,130; to Sep 2016: 250+240+270+260
#              = 1,020. −110 ÷ 1130 = −9.7%, beyond the 2% stable band, lower is better →
#              improving "↑". Target for 2016/17 "≤ 1000" with 10 of tolerance: 1,020 is 20
#              over → "R".
#   victims    78+80+76+82 = 316 of 400 → 79.0%; 84+85+83+86 = 338 of 400 → 84.5%; +7.0%,
#              higher is better → "↑". Target "≥ 80.0%": met → "G".
#   repeats    40+38+42+40 = 160 of 400 → 40%; 36+37+38+37 = 148 of 400 → 37%; −7.5%, lower
#              is better → "↑". A range target "25–35%" with 2 of tolerance: 37 is 2 above
#              the range → "A".
#   hate       10+12+8+10 = 40 → 10+11+9+10 = 40: no change → stable "→". No target for the
#              year and none standing → "no target set", as its target and as its rating.

CALL_OVER_HEADINGS = [
    "Indicator",
    "Previous 12 months (Oct 2014-Sep 2015)",
    "Latest 12 months (Oct 2015-Sep 2016)",
    "Direction of travel",
    "Target 2016/17",
    "RAG",
]
CALL_OVER_ROWS = [
    ["Anti-social behaviour incidents", "1130", "1020", "↑", "≤ 1000", "R"],
    ["% of victims satisfied with the service", "79.0%", "84.5%", "↑", "≥ 80.0%", "G"],
    ["% of domestic abuse victims who are repeat victims", "40%", "37%", "↑", "25–35%", "A"],
    ["Reported hate incidents", "40", "40", "→", "no target set", "no target set"],
]


# The four layouts: (bundle folder, quarter, title, headings, rows) -------------------------

LAYOUTS = {
    "benchmarking": (
        "2016/17-Q4",
        "Most similar group benchmarking",
        BENCHMARK_HEADINGS,
        BENCHMARK_ROWS,
    ),
    "quarter_changes": (
        "2016/17-Q2",
        "Crime: this quarter and the last twelve months against a year earlier",
        CHANGE_HEADINGS,
        CHANGE_ROWS,
    ),
    "year_to_date": (
        "2016/17-Q3",
        "Appendix B - Anti-social behaviour: the year so far",
        YTD_HEADINGS,
        YTD_ROWS,
    ),
    "call_over": ("2016/17-Q2", "Performance call-over", CALL_OVER_HEADINGS, CALL_OVER_ROWS),
}


@pytest.mark.parametrize("name", LAYOUTS)
def test_the_layout_built_from_its_bundle_matches_the_hand_worked_table(db, name):
    quarter, title, headings, rows = LAYOUTS[name]
    dashboard = dashboard_from(name, quarter)
    assert dashboard.heading.startswith(title)
    assert dashboard.headings == headings
    assert dashboard.table() == rows


@pytest.mark.parametrize("name", LAYOUTS)
def test_the_layout_exports_as_csv_xlsx_and_pdf(db, name, tmp_path):
    quarter, _title, headings, rows = LAYOUTS[name]
    assert_exports(dashboard_from(name, quarter), headings, rows, tmp_path)


def test_benchmark_figures_are_numbers_in_the_xlsx(db):
    sheet = load_workbook(
        io.BytesIO(exports.dashboard_xlsx(dashboard_from("benchmarking", "2016/17-Q4")))
    ).active
    assert sheet["B3"].value == 45 and sheet["B3"].number_format == "0.00"
    assert sheet["D3"].value == "7/15"


def test_a_percentage_change_from_zero_gives_its_reason(db):
    knives = dashboard_from("quarter_changes", "2016/17-Q2").rows[2]
    assert knives.cell("q_percent").text == ""
    assert knives.cell("q_percent").reason == (
        "The earlier figure is 0, so no percentage change can be formed."
    )


def test_a_year_to_date_against_a_whole_year_shows_no_direction(db):
    asb = dashboard_from("year_to_date", "2016/17-Q3").rows[0]
    assert asb.cell("direction").reason == "This column shows no direction of travel."


def test_no_target_set_is_its_own_grey_rating_in_words(db):
    call_over = dashboard_from("call_over", "2016/17-Q2")
    hate = call_over.rows[3]
    assert hate.cell("target").value == "none"
    assert hate.cell("target").text == "no target set"
    assert call_over.rows[0].cell("direction").words == "improving"
