"""Workbooks as Excel saves them, imitated with openpyxl (Excel cannot run here).

Excel differs from Calc in what these tests build by hand: it stores dates as serial
numbers with a date format, percentages as fractions with a "0.0%" format, and names
"Microsoft Excel" as the application (openpyxl writes that too). Excel keeps text in a
shared table as Calc does (the Calc files cover it); other tools write it inline in the
sheet, as openpyxl does. Each goes through the upload page.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

from openpyxl import Workbook

from indicators.importing import RETURN_COLUMNS, read_return
from indicators.models import ImportBatch

from .helpers import upload_and_preview

CALC = Path(__file__).parent / "fixtures" / "calc"
CRIME = ["crime", "", "E10000099", "", "2016/17-Q2", "", "", None, 3000]
SURVEY = ["survey", "", "E10000099", "", "2016/17-Q2", "", "", 0.882]


def excel_workbook(*rows: list, formats: dict[str, str] | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Return"
    sheet.append(RETURN_COLUMNS)
    for row in rows:
        sheet.append(row)
    for ref, number_format in (formats or {}).items():
        sheet[ref].number_format = number_format
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, p, content: bytes, as_council: bool = False):
    user, org = (p.submitter_b, p.org_b) if as_council else (p.submitter_a, p.org_a)
    return upload_and_preview(client, user, org, p.open_period, "return.xlsx", content)


def test_strings_in_a_shared_table_as_excel_writes_them_are_read():
    # Excel, like Calc, keeps a workbook's text in xl/sharedStrings.xml; Calc's file does.
    content = (CALC / "roundtrip.xlsx").read_bytes()
    assert "xl/sharedStrings.xml" in zipfile.ZipFile(io.BytesIO(content)).namelist()
    assert read_return(content, "roundtrip.xlsx")[0]["indicator_code"] == "crime-total"


def test_strings_written_inline_in_the_sheet_are_read(client, partnership):
    # openpyxl writes text inline (t="inlineStr"), as some export tools do.
    content = excel_workbook(CRIME)
    sheet = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml")
    assert b't="inlineStr"' in sheet
    batch, page = upload(client, partnership, content)
    assert batch.status == ImportBatch.Status.PREVIEWED, batch.errors
    assert "numerator: — → 3000" in page


def test_dates_stored_as_serial_numbers_with_a_date_format_are_read(client, partnership):
    row = [*CRIME, None, dt.datetime(2016, 7, 1), dt.datetime(2016, 9, 30)]
    content = excel_workbook(row, formats={"K2": "dd/mm/yyyy", "L2": "dd/mm/yyyy"})
    assert b"<v>42552</v>" in zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml")
    batch, page = upload(client, partnership, content)
    assert batch.status == ImportBatch.Status.PREVIEWED, batch.errors
    assert "covered_start: — → 1 Jul 2016" in page


def test_a_date_serial_left_as_a_plain_number_is_refused_with_what_it_holds(client, partnership):
    batch, page = upload(client, partnership, excel_workbook([*CRIME, None, 42552]))
    assert batch.errors == [
        "Row 2, column covered_start: The cell holds the number 42552, not a date. Format the "
        "cell as a date, or write the date like 30/09/2016 or 2016-09-30."
    ]


def test_a_percent_formatted_fraction_is_read_as_the_percentage_shown(client, partnership):
    content = excel_workbook(SURVEY, formats={"H2": "0.0%"})
    batch, page = upload(client, partnership, content, as_council=True)
    assert batch.status == ImportBatch.Status.PREVIEWED, batch.errors
    assert "value: — → 88.2" in page
    assert batch.rows[0]["fields"]["value"] == "88.2"


def test_a_cell_showing_8820_percent_is_out_of_range_not_told_to_write_8820(client, partnership):
    """The old advice looped: '88.2%' → 'write 88.2' → 8820% → 'write 8820'."""
    content = excel_workbook(
        [*SURVEY[:7], 88.2], formats={"H2": "0%"}
    )  # 88.2 typed into a % cell after the advice: the cell shows 8820%
    batch, page = upload(client, partnership, content, as_council=True)
    assert batch.rows[0]["fields"]["value"] == "8820"
    assert batch.errors == [
        "Row 2, column value: The cell shows 8820%, but a percentage is between 0 and 100. If "
        "the figure is 88.2%, clear the cell and type 88.2% with its % sign."
    ]


def test_a_row_with_an_empty_column_a_is_named_not_a_server_error(client, partnership):
    content = excel_workbook(CRIME, [None, "", "E07000991", "", "2016/17-Q2", "", "", None, 5])
    batch, page = upload(client, partnership, content)
    assert batch.status == ImportBatch.Status.INVALID
    assert batch.errors == ["Row 3, column indicator_code: Enter the indicator code."]


def test_a_figure_in_a_percent_cell_of_a_count_names_the_excel_fix(client, partnership):
    content = excel_workbook(CRIME, formats={"I2": "0%"})
    batch, page = upload(client, partnership, content)
    assert batch.errors == [
        "Row 2, column numerator: The cell shows 300000%, a percentage, but numerator takes a "
        "count for crime. If the figure is 3000, type it as a plain number. In Excel, format "
        "the cell as Number (Home → Number Format), then type the number again."
    ]
