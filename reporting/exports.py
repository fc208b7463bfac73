"""Dashboard exports: CSV, XLSX, PDF and open data, as pure functions returning bytes.

Each takes an assembled (or published) `Dashboard`, so the same code serves the public
snapshot and the committee's approved figures.

Spreadsheet formula injection: a text cell that starts with = + - @, a tab or a carriage
return *and has more after it* is prefixed with a single quote, so Excel or LibreOffice
shows it as text instead of running it. A lone "-" is left alone: it is the dashboard's
"not benchmarked" mark, it is not a formula (a spreadsheet shows a lone "-" as text), and
the seed comparison expects exactly "-". Numbers are written as numbers and never touched.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from decimal import Decimal

from django.template.loader import render_to_string

from .dashboard import Dashboard

DANGEROUS_STARTS = ("=", "+", "-", "@", "\t", "\r")
UTF8_BOM = "\ufeff"


def neutralise(value):
    """Make a text cell safe for spreadsheets; numbers and None pass through."""
    if isinstance(value, str) and len(value) > 1 and value.startswith(DANGEROUS_STARTS):
        return "'" + value
    return value


def _csv_bytes(rows: Iterable[Iterable]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if cell is None else neutralise(cell) for cell in row])
    return (UTF8_BOM + out.getvalue()).encode("utf-8")


def dashboard_csv(dashboard: Dashboard) -> bytes:
    """The seed's ten columns, outcome and overall RAG on every row, then the footnotes."""
    rows: list[list] = [dashboard.columns, *dashboard.table()]
    if dashboard.footnotes:
        rows.append([])
        rows.extend([line] for line in dashboard.footnote_lines())
    return _csv_bytes(rows)


def filename_for(dashboard: Dashboard, extension: str) -> str:
    period = dashboard.period_code.replace("/", "-")
    return f"dashboard-{period}-{dashboard.area_code}.{extension}"


# --- XLSX --------------------------------------------------------------------------------

RAG_FILLS = {"G": "C6EFCE", "A": "FFEB9C", "R": "FFC7CE", "n/a": "D9D9D9"}
COLUMN_WIDTHS = [34, 12, 60, 22, 24, 14, 12, 14, 12, 12]


def _number(text: str | None):
    return Decimal(text) if text not in (None, "") else None


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
    sheet.append([neutralise(c) for c in dashboard.columns])
    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cell.fill = PatternFill("solid", fgColor="DDDDDD")
        cell.border = border
    for block in dashboard.outcomes:
        for row in block.rows:
            values = [
                block.title,
                block.rag,
                row.title,
                _number(row.previous_year_number)
                if row.previous_year_number
                else row.previous_year,
                _number(row.latest_number) if row.latest_number else row.latest,
                row.direction_text,
                row.rag_text,
                row.nn,
                row.county,
                row.district,
            ]
            sheet.append([neutralise(v) for v in values])
            line = sheet.max_row
            for col, cell in enumerate(sheet[line], start=1):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                cell.border = border
                if isinstance(cell.value, Decimal):
                    cell.number_format = "0" + (
                        "." + "0" * row.decimal_places if row.decimal_places else ""
                    )
                    cell.value = float(cell.value) if row.decimal_places else int(cell.value)
                if col in (2, 7) and cell.value in RAG_FILLS:
                    cell.fill = PatternFill("solid", fgColor=RAG_FILLS[cell.value])
                    cell.font = Font(bold=True)
                    cell.alignment = Alignment(horizontal="center", vertical="top")
    sheet.freeze_panes = "A3"
    for index, width in enumerate(COLUMN_WIDTHS, start=1):
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
