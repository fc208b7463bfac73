"""CSV, XLSX, PDF and open-data exports of the seed quarter."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
from decimal import Decimal

import pytest
from django.urls import reverse
from reporting_seed import (
    COMPARE_SEED,
    SEED_COLUMNS,
    SEED_FOOTNOTES,
    SEED_PATH,
    SEED_ROWS,
    SEED_TITLE,
)

from indicators.columns import OPEN_DATA_COLUMNS
from indicators.models import ReportingPeriod
from portal.models import Area
from reporting import exports
from reporting.assembly import build_dashboard
from reporting.dashboard import Dashboard


@pytest.fixture
def seed(demo) -> Dashboard:
    return build_dashboard(
        ReportingPeriod.objects.get_by_code("2016/17-Q2"), Area.objects.get(code="E10000018")
    )


def test_csv_parses_back_into_the_seed_table(seed):
    content = exports.dashboard_csv(seed)
    assert content.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, for Excel
    table = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert table[0] == SEED_COLUMNS
    assert table[1:13] == SEED_ROWS
    assert table[13] == []
    assert [row[0] for row in table[14:]] == SEED_FOOTNOTES


@pytest.mark.skipif(
    not COMPARE_SEED.exists(),
    reason=f"the shared seed comparison tool is not at {COMPARE_SEED} (it sits beside the "
    "repository in the workspace and in CI; the typed seed table is checked regardless)",
)
def test_the_published_csv_passes_the_seed_comparison(client, demo, tmp_path):
    response = client.get(reverse("reporting:public_csv", args=["2016/17-Q2", "E10000018"]))
    assert response["Content-Type"] == "text/csv"
    out = tmp_path / "dashboard.csv"
    out.write_bytes(response.content)
    result = subprocess.run(
        [sys.executable, str(COMPARE_SEED), str(SEED_PATH), str(out)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout
    assert "132/132 cells match the seed" in result.stdout


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("=HYPERLINK(1)", "'=HYPERLINK(1)"),
        ("+44 1234", "'+44 1234"),
        ("-1+2", "'-1+2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("-", "-"),  # not benchmarked: a lone dash is data, not a formula
        ("-312", "-312"),  # a signed change is a number to a spreadsheet
        ("+4.2%", "+4.2%"),
        ("-1,204.5", "-1,204.5"),
        ("47.11*", "47.11*"),
        ("* Provisional", "* Provisional"),
        (Decimal("-1.5"), Decimal("-1.5")),  # numbers stay numbers
        (3, 3),
    ],
)
def test_cells_that_could_run_as_formulas_are_neutralised(cell, written):
    assert exports.neutralise(cell) == written


def test_a_formula_in_a_title_or_footnote_is_neutralised_in_csv_and_xlsx(seed):
    seed.rows[0].cells["indicator"].text = "=cmd|'/c calc'!A1"
    seed.footnotes[0].text = "ignored"
    seed.footnotes[0].marker = "@"
    table = list(csv.reader(io.StringIO(exports.dashboard_csv(seed).decode("utf-8-sig"))))
    assert table[1][2] == "'=cmd|'/c calc'!A1"
    assert table[1][8] == "Top" and table[5][7] == "-"
    assert table[14][0] == "'@ ignored"
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(exports.dashboard_xlsx(seed))).active
    assert sheet["C3"].value == "'=cmd|'/c calc'!A1"
    assert sheet["C3"].data_type == "s"


def as_shown(cell) -> str:
    """A spreadsheet cell as a reader sees it: a number through its format, or its text."""
    if cell.value is None:
        return ""
    if isinstance(cell.value, str):
        return cell.value
    body, _, literal = cell.number_format.partition('"')
    places = len(body.split(".")[1]) if "." in body else 0
    return f"{cell.value:.{places}f}" + literal.rstrip('"')


def test_xlsx_holds_the_same_table_with_numbers_as_numbers(seed):
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(exports.dashboard_xlsx(seed))).active
    assert sheet["A1"].value == SEED_TITLE
    assert [c.value for c in sheet[2]] == SEED_COLUMNS
    assert sheet.freeze_panes == "A3"
    assert sheet.column_dimensions["C"].width >= 40
    rows = list(sheet.iter_rows(min_row=3, max_row=14))
    for got, want in zip(rows, SEED_ROWS, strict=True):
        assert [as_shown(c) for c in got] == want
    assert sheet["D3"].value == pytest.approx(47.21) and sheet["D3"].number_format == "0.00"
    assert sheet["D9"].value == 190 and isinstance(sheet["D9"].value, int)
    # A figure with a footnote marker stays a number; the marker is in its format.
    assert sheet["E3"].value == pytest.approx(47.11) and sheet["E3"].number_format == '0.00"*"'
    assert sheet["G3"].fill.fgColor.rgb.endswith("C6EFCE")  # G: green fill and the letter
    assert sheet["G4"].fill.fgColor.rgb.endswith("FFEB9C")
    assert [sheet.cell(row=r, column=1).value for r in (16, 17)] == SEED_FOOTNOTES


def test_the_committee_sheet_prints_one_page_wide_with_its_header_on_every_page(seed):
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(exports.dashboard_xlsx(seed))).active
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    assert sheet.print_title_rows == "$2:$2"
    # The long outcome title wraps onto several lines, so its row is taller than one line.
    assert sheet.row_dimensions[14].height > 15
    assert sheet.cell(row=16, column=1).alignment.wrap_text
    assert "A16:J16" in {str(r) for r in sheet.merged_cells.ranges}


def pdf_text(content: bytes, tmp_path) -> str:
    """The PDF's text via pdftotext (Debian poppler-utils), whitespace collapsed."""
    assert shutil.which("pdftotext"), "install poppler-utils (scripts/system_deps.sh)"
    path = tmp_path / "dashboard.pdf"
    path.write_bytes(content)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True)
    return " ".join(out.stdout.decode().split())


def test_pdf_has_the_title_every_indicator_and_the_footnotes(seed, tmp_path):
    content = exports.dashboard_pdf(seed)
    assert content.startswith(b"%PDF")
    text = pdf_text(content, tmp_path)
    assert SEED_TITLE in text
    for row in SEED_ROWS:
        assert row[2] in text
    for note in SEED_FOOTNOTES:
        assert note in text
    assert "Page 1 of" in text


def test_pdf_is_tagged_a4_landscape_with_a_title_and_language(seed, tmp_path):
    assert shutil.which("pdfinfo"), "install poppler-utils (scripts/system_deps.sh)"
    path = tmp_path / "dashboard.pdf"
    path.write_bytes(exports.dashboard_pdf(seed))
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True).stdout
    info = info.decode()
    assert f"Title:           {SEED_TITLE}" in info
    assert "Tagged:          yes" in info
    assert "841.89 x 595.276 pts (A4)" in info
    assert b"/Lang (en)" in pdf_objects(path.read_bytes())


def pdf_objects(content: bytes) -> bytes:
    """The PDF with its compressed streams inflated (the catalog sits in an object stream)."""
    import re
    import zlib

    parts = [content]
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", content, re.S):
        try:
            parts.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return b"".join(parts)


def test_open_data_has_one_row_per_published_value(client, demo):
    response = client.get(reverse("reporting:open_data"))
    table = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert list(table[0].keys()) == OPEN_DATA_COLUMNS
    crime = [
        r
        for r in table
        if r["indicator_code"] == "crime-total"
        and r["area_code"] == "E10000018"
        and r["quarter"] == "2016/17-Q2"
    ]
    assert len(crime) == 1
    row = crime[0]
    assert row["numerator"] == "8411" and row["unit"] == "rate_per_1000"
    assert row["figure"] == "12.35"  # the quarter on its own: 8411 / 681,000 × 1,000
    assert (row["provisional"], row["estimated"], row["nil_return"]) == ("yes", "no", "no")
    assert row["footnote"] == "Provisional Q2 Crime figures"
    assert row["revision"] == "1"
    da = next(
        r for r in table if r["indicator_code"] == "da-referrals" and r["quarter"] == "2016/17-Q2"
    )
    assert (da["covered_start"], da["covered_end"], da["covered_label"]) == (
        "2015-04-01",
        "2016-03-31",
        "2015-16",
    )
    # The demo publishes every quarter from 2014/15 Q1, the first with a previous year.
    assert {r["quarter"] for r in table} == {
        f"{fy}-Q{n}" for fy in ("2014/15", "2015/16") for n in (1, 2, 3, 4)
    } | {"2016/17-Q1", "2016/17-Q2"}
