"""Dashboard exports: CSV, XLSX, PDF and open data, as pure functions returning bytes.

Each takes an assembled (or published) `Dashboard`, so the same code serves the public
snapshot and the committee's approved figures.

Spreadsheet formula injection: a text cell that starts with = + - @, a tab or a carriage
return *and has more after it* is prefixed with a single quote, so Excel or LibreOffice
shows it as text instead of running it. A lone "-" is left alone: it is the dashboard's
"not benchmarked" mark, it is not a formula (a spreadsheet shows a lone "-" as text), and
the seed comparison expects exactly "-". Numbers are written as numbers and never touched,
and so is a signed figure ("-312", "+4.2%"): a spreadsheet reads it as a number.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from decimal import Decimal

from django.template.loader import render_to_string

from .dashboard import SEED_LAYOUT_SLUG, Dashboard

DANGEROUS_STARTS = ("=", "+", "-", "@", "\t", "\r")
UTF8_BOM = "\ufeff"


# A signed figure such as "-312" or "+4.2%" is a number to a spreadsheet, never a formula.
SIGNED_FIGURE = re.compile(r"^[+-]\d[\d,]*(\.\d+)?%?$")


def neutralise(value):
    """Make a text cell safe for spreadsheets; numbers, signed figures and None pass through."""
    if (
        isinstance(value, str)
        and len(value) > 1
        and value.startswith(DANGEROUS_STARTS)
        and not SIGNED_FIGURE.match(value)
    ):
        return "'" + value
    return value


def _csv_bytes(rows: Iterable[Iterable]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if cell is None else neutralise(cell) for cell in row])
    return (UTF8_BOM + out.getvalue()).encode("utf-8")


def dashboard_csv(dashboard: Dashboard) -> bytes:
    """The layout's columns, group cells (outcome, overall RAG) on every row, then footnotes."""
    rows: list[list] = [dashboard.headings, *dashboard.table()]
    if dashboard.footnotes:
        rows.append([])
        rows.extend([line] for line in dashboard.footnote_lines())
    return _csv_bytes(rows)


def filename_for(dashboard: Dashboard, extension: str) -> str:
    """'dashboard-2016-17-Q2-E10000018.csv'; another layout than the seed's adds its slug."""
    period = dashboard.period_code.replace("/", "-")
    layout = "" if dashboard.layout_slug in ("", SEED_LAYOUT_SLUG) else f"-{dashboard.layout_slug}"
    return f"dashboard-{period}-{dashboard.area_code}{layout}.{extension}"


# --- XLSX --------------------------------------------------------------------------------

RAG_FILLS = {"G": "C6EFCE", "A": "FFEB9C", "R": "FFC7CE", "n/a": "D9D9D9", "none": "D9D9D9"}
RATED = {"rag", "outcome_rag"}
WIDTHS = {"outcome": 34, "indicator": 60, "area": 24, "value": 22, "commentary": 60}


def _number(text: str | None):
    return Decimal(text) if text not in (None, "") else None


def _xlsx_cell(cell, number_text: str | None):
    """A figure as a number cell with its decimal places as the format; text otherwise."""
    if not number_text:
        return neutralise(cell.text), None
    number = _number(number_text)
    places = -number.as_tuple().exponent if number.as_tuple().exponent < 0 else 0
    shown = "#,##0" if "," in cell.text else "0"
    return (float(number) if places else int(number)), shown + (
        "." + "0" * places if places else ""
    )


def dashboard_xlsx(dashboard: Dashboard) -> bytes:
    """A committee paper sheet: title row, frozen header, RAG fills with letters, footnotes."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = dashboard.period_code.replace("/", "-")[:31]
    heading = dashboard.heading
    if dashboard.area_is_district:
        heading += f" – {dashboard.area_name}"
    sheet.append([neutralise(heading)])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([neutralise(c) for c in dashboard.headings])
    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cell.fill = PatternFill("solid", fgColor="DDDDDD")
        cell.border = border
    for row in dashboard.rows:
        line = sheet.max_row + 1
        for index, column in enumerate(dashboard.columns, start=1):
            shown = row.cell(column.key)
            value, number_format = _xlsx_cell(shown, shown.number)
            target = sheet.cell(row=line, column=index, value=value)
            target.alignment = Alignment(wrap_text=True, vertical="top")
            target.border = border
            if number_format:
                target.number_format = number_format
            if column.measure in RATED and shown.value in RAG_FILLS:
                target.fill = PatternFill("solid", fgColor=RAG_FILLS[shown.value])
                target.font = Font(bold=True)
                target.alignment = Alignment(horizontal="center", vertical="top")
    sheet.freeze_panes = "A3"
    for index, column in enumerate(dashboard.columns, start=1):
        width = WIDTHS.get(column.measure, 12 if column.measure in RATED else 14)
        sheet.column_dimensions[get_column_letter(index)].width = width
    if dashboard.footnotes:
        sheet.append([])
        for line in dashboard.footnote_lines():
            sheet.append([neutralise(line)])
    sheet.print_options.gridLines = False
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.print_title_rows = "2:2"
    book.properties.title = heading
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- PDF ---------------------------------------------------------------------------------


def dashboard_pdf(dashboard: Dashboard) -> bytes:
    """An A4 landscape committee appendix in the seed's layout: tagged, titled, numbered."""
    from weasyprint import HTML

    html = render_to_string("reporting/pdf/dashboard.html", {"dashboard": dashboard})
    return HTML(string=html).write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True)


# --- Open data ---------------------------------------------------------------------------


def open_data_csv(records: Iterable[dict]) -> bytes:
    """Long-format CSV with `indicators.columns.OPEN_DATA_COLUMNS`, one row per value."""
    from indicators.columns import OPEN_DATA_COLUMNS

    rows: list[list] = [OPEN_DATA_COLUMNS]
    for record in records:
        rows.append(
            [
                _as_number(record.get(name, "")) if name in NUMERIC else record.get(name, "")
                for name in OPEN_DATA_COLUMNS
            ]
        )
    return _csv_bytes(rows)


NUMERIC = {"figure", "value", "numerator", "denominator", "revision"}


def _as_number(text):
    """A numeric column stays a number (never quote-prefixed), blank stays blank."""
    if text in ("", None):
        return ""
    return text if isinstance(text, int) else Decimal(str(text))
