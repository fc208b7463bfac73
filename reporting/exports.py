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

from indicators.import_files import neutralise

from .dashboard import SEED_LAYOUT_SLUG, Dashboard

UTF8_BOM = "\ufeff"


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


LEADING_NUMBER = re.compile(r"^[+-]?[\d,]+(\.\d+)?")


def number_format(text: str, figure: str) -> str | None:
    """The spreadsheet number format that shows `figure` exactly as the cell's `text` does.

    Markers, a percent sign and a period label become literal text in the format
    ('0.00"* (2015-16)"'), so the cell stays a number a committee can sort and sum. None
    when the text is not the figure followed by plain words.
    """
    found = LEADING_NUMBER.match(text)
    if not found or '"' in text:
        return None
    places = len(figure.split(".")[1]) if "." in figure else 0
    body = ("#,##0" if "," in found.group() else "0") + ("." + "0" * places if places else "")
    suffix = text[found.end() :]
    literal = f'"{suffix}"' if suffix else ""
    if text.startswith("+"):
        return f"+{body}{literal};-{body}{literal};{body}{literal}"
    return body + literal


def _xlsx_value(cell):
    """(value, number format): a figure as a number with its words in the format, else text."""
    figure = cell.figure or cell.number
    shown = number_format(cell.text, figure) if figure else None
    if shown is None:
        return neutralise(cell.text), None
    number = Decimal(figure)
    return (float(number) if "." in figure else int(number)), shown


def _row_height(texts_and_widths) -> float:
    """Enough 15-point lines for the longest wrapped cell (spreadsheets do not fit heights)."""
    lines = max(
        (-(-len(text) // max(int(width * 1.1), 1)) for text, width in texts_and_widths if text),
        default=1,
    )
    return 15.0 * max(lines, 1)


def dashboard_xlsx(dashboard: Dashboard) -> bytes:
    """A committee paper sheet: title row, header repeated on each page, RAG fills with
    letters, figures as numbers, fitted row heights, one page wide, footnotes wrapped."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = dashboard.period_code.replace("/", "-")[:31]
    heading = dashboard.heading
    if dashboard.area_is_district:
        heading += f" – {dashboard.area_name}"
    widths = [WIDTHS.get(c.measure, 12 if c.measure in RATED else 14) for c in dashboard.columns]
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
    sheet.row_dimensions[2].height = _row_height(zip(dashboard.headings, widths, strict=True))
    for row in dashboard.rows:
        _write_row(sheet, dashboard, row, widths, border)
    sheet.freeze_panes = "A3"
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    _footnotes(sheet, dashboard, sum(widths), Alignment)
    sheet.print_options.gridLines = False
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as it needs
    sheet.print_title_rows = "2:2"
    book.properties.title = heading
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _write_row(sheet, dashboard: Dashboard, row, widths: list[int], border) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    line = sheet.max_row + 1
    shown_cells = [row.cell(c.key) for c in dashboard.columns]
    for index, (column, shown) in enumerate(
        zip(dashboard.columns, shown_cells, strict=True), start=1
    ):
        value, number_format_ = _xlsx_value(shown)
        target = sheet.cell(row=line, column=index, value=value)
        target.alignment = Alignment(wrap_text=True, vertical="top")
        target.border = border
        if number_format_:
            target.number_format = number_format_
        if column.measure in RATED and shown.value in RAG_FILLS:
            target.fill = PatternFill("solid", fgColor=RAG_FILLS[shown.value])
            target.font = Font(bold=True)
            target.alignment = Alignment(horizontal="center", vertical="top")
    sheet.row_dimensions[line].height = _row_height(
        zip([c.text for c in shown_cells], widths, strict=True)
    )


def _footnotes(sheet, dashboard: Dashboard, total_width: int, Alignment) -> None:
    """Each footnote across the table's width, wrapped."""
    if not dashboard.footnotes:
        return
    sheet.append([])
    last = len(dashboard.columns)
    for line in dashboard.footnote_lines():
        sheet.append([neutralise(line)])
        row = sheet.max_row
        if last > 1:
            sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last)
        sheet.cell(row=row, column=1).alignment = Alignment(wrap_text=True, vertical="top")
        sheet.row_dimensions[row].height = _row_height([(line, total_width)])


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
