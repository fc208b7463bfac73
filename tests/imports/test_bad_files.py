"""Bad files: each gets a clear message, no exception page, and nothing is written."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from indicators.importing import RETURN_COLUMNS, preview_upload
from indicators.models import ImportBatch, Submission

from .helpers import csv_bytes, row, xlsx

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01" + bytes(range(256))


def refused(p, content: bytes, filename: str) -> list[str]:
    batch, plan = preview_upload(content, filename, p.org_a, p.open_period, p.submitter_a)
    assert batch.status == ImportBatch.Status.INVALID
    assert Submission.objects.count() == 0
    return batch.errors


def rezip(content: bytes, extra: dict[str, bytes]) -> bytes:
    """The same workbook with members added (or replaced)."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename not in extra:
                target.writestr(item, source.read(item.filename))
        for name, data in extra.items():
            target.writestr(name, data)
    return out.getvalue()


GOOD_ROW = ["crime", "", "E10000099", "", "2016/17-Q2", "", "", None, 3000]


@pytest.mark.parametrize(
    "content, filename, message",
    [
        (b"%PDF-1.4 a report", "report.pdf", "Upload an Excel workbook (.xlsx) or a CSV file"),
        (PNG, "return.xlsx", "This file is named .xlsx but is not an Excel workbook."),
        (PNG, "return.csv", "This file is not a spreadsheet: it holds binary data."),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600,
            "return.xlsx",
            "old-style Excel file (.xls)",
        ),
        (b"", "return.csv", "The file is empty."),
        (b"  \r\n\r\n", "return.csv", "The file is empty."),
        (
            ",".join(RETURN_COLUMNS).encode() + b"\r\n",
            "return.csv",
            "The file has headings but no rows",
        ),
        (
            b"indicator_code,area_code,quarter,value\ncrime,E10000099,2016/17-Q2,1\n",
            "return.csv",
            "These columns are missing: numerator, denominator.",
        ),
        (b"Name,Figure\nx,1\n", "return.csv", "These columns are missing: indicator_code"),
        ("café,valeur".encode("latin-1"), "return.csv", "not a CSV file in UTF-8 text"),
        (
            b"indicator_code;area_code;quarter\ncrime;E1;Q2\n",
            "return.csv",
            "Separate the columns with commas",
        ),
    ],
)
def test_files_that_are_not_a_readable_return_are_refused(partnership, content, filename, message):
    errors = refused(partnership, content, filename)
    assert any(message in e for e in errors), errors


def test_extra_columns_are_refused_and_listed(partnership):
    content = csv_bytes(
        [{**row(numerator="1"), "notes": "x", "Total": "2"}],
        header=[*RETURN_COLUMNS, "notes", "Total"],
    )
    errors = refused(partnership, content, "return.csv")
    assert errors == [
        "These columns are not part of the template: notes, total. Remove them, or use the "
        "template's headings."
    ]


def test_values_beyond_the_headed_columns_are_refused(partnership):
    content = xlsx([[*GOOD_ROW, *([None] * (len(RETURN_COLUMNS) - len(GOOD_ROW))), "stray"]])
    errors = refused(partnership, content, "return.xlsx")
    assert errors[0].startswith("Row 2 has values beyond the last column with a heading.")


def test_merged_cells_are_refused(partnership):
    book = Workbook()
    sheet = book.active
    sheet.title = "Return"
    sheet.append(RETURN_COLUMNS)
    sheet.append(GOOD_ROW)
    sheet.merge_cells("B2:D2")
    out = io.BytesIO()
    book.save(out)
    errors = refused(partnership, out.getvalue(), "return.xlsx")
    assert errors == [
        "The sheet 'Return' has merged cells (B2:D2). Unmerge them so each figure has its own "
        "cell, and upload again."
    ]


def test_formulas_are_refused(partnership):
    content = xlsx([["crime", "", "E10000099", "", "2016/17-Q2", "", "", None, "=1000+2000"]])
    errors = refused(partnership, content, "return.xlsx")
    assert errors == [
        "Cell I2 holds a formula. Replace formulas with their values (copy, then paste values "
        "only) and upload again."
    ]


def test_a_cell_formatted_as_a_percentage_is_refused(partnership):
    book = Workbook()
    sheet = book.active
    sheet.title = "Return"
    sheet.append(RETURN_COLUMNS)
    sheet.append(["survey", "", "E10000099", "", "2016/17-Q2", "", "", 0.12])
    sheet["H2"].number_format = "0%"
    out = io.BytesIO()
    book.save(out)
    batch, plan = preview_upload(
        out.getvalue(),
        "r.xlsx",
        partnership.org_b,
        partnership.open_period,
        partnership.submitter_b,
    )
    assert ("value", "'12%' has a % sign. Write the percentage as a plain number: 12 for 12%.") in (
        plan.rows[0].errors
    )


def test_dates_typed_as_text_are_read_or_refused(partnership):
    content = xlsx([[*GOOD_ROW, None, "01/07/2016", "Sep 30 2016"]])
    batch, plan = preview_upload(
        content, "r.xlsx", partnership.org_a, partnership.open_period, partnership.submitter_a
    )
    assert plan.rows[0].errors == [
        ("covered_end", "'Sep 30 2016' is not a date. Write dates like 30/09/2016 or 2016-09-30.")
    ]


def test_numbers_typed_with_separators_in_a_workbook_are_refused(partnership):
    content = xlsx([["crime", "", "E10000099", "", "2016/17-Q2", "", "", None, "3,000"]])
    batch, plan = preview_upload(
        content, "r.xlsx", partnership.org_a, partnership.open_period, partnership.submitter_a
    )
    assert plan.rows[0].errors == [
        ("numerator", "'3,000' has a thousands separator. Write it as 3000.")
    ]


def test_too_many_rows_are_refused(partnership):
    header = ",".join(RETURN_COLUMNS)
    line = "crime,,E10000099,,2016/17-Q2,,,,1"
    content = (header + "\n" + "\n".join([line] * 100_000)).encode()
    errors = refused(partnership, content, "return.csv")
    assert errors == [
        "The file has more than 50,000 rows, the most one upload can hold. Split it into "
        "smaller files."
    ]


def test_a_50_mb_file_is_refused_before_parsing(partnership):
    errors = refused(partnership, b"a" * (50 * 1024 * 1024), "return.csv")
    assert errors == [
        "The file is 50 MB; the largest file you can upload is 10 MB. Split it into smaller files."
    ]


def test_a_zip_bomb_disguised_as_a_workbook_is_refused(partnership):
    bomb = rezip(xlsx([GOOD_ROW]), {"xl/worksheets/sheet1.xml": b" " * (30 * 1024 * 1024)})
    assert len(bomb) < 200 * 1024
    errors = refused(partnership, bomb, "return.xlsx")
    assert errors == [
        "This workbook is compressed far more than a spreadsheet would be, as a 'zip bomb' is. "
        "It is refused. Save the data again from your spreadsheet program."
    ]


def test_a_workbook_that_unpacks_too_large_is_refused(partnership, settings):
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 4096
    errors = refused(partnership, xlsx([GOOD_ROW]), "return.xlsx")
    assert "unpacks to" in errors[0] and "more than the 4 KB allowed" in errors[0]


def test_a_workbook_with_macros_is_refused(partnership):
    content = rezip(xlsx([GOOD_ROW]), {"xl/vbaProject.bin": b"macro"})
    errors = refused(partnership, content, "return.xlsx")
    assert "xl/vbaProject.bin" in errors[0]


def test_a_zip_that_is_not_a_workbook_is_refused(partnership):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hello")
    errors = refused(partnership, out.getvalue(), "return.xlsx")
    assert errors == [
        "This file is a zip archive but not an Excel workbook. Upload the .xlsx template or a "
        "CSV file."
    ]


def test_a_truncated_workbook_is_refused(partnership):
    errors = refused(partnership, xlsx([GOOD_ROW])[:500], "return.xlsx")
    assert "not a readable Excel workbook" in errors[0]


@pytest.mark.parametrize(
    "content, name",
    [
        (PNG, "return.xlsx"),
        (b"", "return.csv"),
        (b"\x00\x01", "r.csv"),
        (b"PK\x03\x04junk", "r.xlsx"),
    ],
)
def test_bad_files_show_a_page_not_an_exception(client, partnership, content, name):
    p = partnership
    client.force_login(p.submitter_a)
    response = client.post(
        reverse("indicators:import_upload"),
        {
            "organisation": p.org_a.pk,
            "period": p.open_period.pk,
            "file": SimpleUploadedFile(name, content),
        },
    )
    if response.status_code == 302:
        response = client.get(response["Location"])
    assert response.status_code == 200
    page = response.content.decode()
    assert "cannot be imported" in page or "There is a problem" in page
    assert Submission.objects.count() == 0
