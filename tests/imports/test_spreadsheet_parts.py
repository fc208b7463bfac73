"""What a workbook may carry, OpenDocument's compressed runs, CSV quoting and encodings.

Each file goes through the upload page; none may give a server error.
"""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

import pytest

from indicators.importing import RETURN_COLUMNS, build_template, preview_upload
from indicators.models import ImportBatch, Submission

from .helpers import upload_and_preview, xlsx
from .test_bad_files import GOOD_ROW, rezip

REFUSED = "which a return must not carry. Copy the figures into a fresh template and upload that."
ODS_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
)


def upload(client, p, content: bytes, name: str):
    return upload_and_preview(client, p.submitter_a, p.org_a, p.open_period, name, content)


def text_cell(text: str, extra: str = "") -> str:
    return f'<table:table-cell office:value-type="string"{extra}><text:p>{escape(text)}</text:p></table:table-cell>'


def ods(*rows: str, extra: dict[str, bytes] | None = None) -> bytes:
    """An OpenDocument spreadsheet with a 'Return' sheet of the template's header and `rows`."""
    header = "".join(text_cell(c) for c in RETURN_COLUMNS)
    body = "".join(f"<table:table-row>{r}</table:table-row>" for r in (header, *rows))
    content = (
        f"<office:document-content {ODS_NS}><office:body><office:spreadsheet>"
        f'<table:table table:name="Return">{body}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return out.getvalue()


def keys(code="crime", area="E10000099") -> str:
    """Columns A–E of a row: code, title, area, area name, quarter."""
    return (
        text_cell(code)
        + '<table:table-cell table:number-columns-repeated="1"/>'
        + text_cell(area)
        + "<table:table-cell/>"
        + text_cell("2016/17-Q2")
    )


EMPTY = '<table:table-cell table:number-columns-repeated="{n}"/>'
NUMBER = '<table:table-cell office:value-type="float" office:value="{v}"{extra}><text:p>{v}</text:p></table:table-cell>'


@pytest.mark.parametrize(
    "part, words",
    [
        ("xl/vbaProject.bin", "macros"),
        ("xl/embeddings/oleObject1.bin", "embedded objects"),
        ("xl/activeX/activeX1.xml", "embedded objects"),
        ("xl/externalLinks/externalLink1.xml", "links to other workbooks"),
        ("xl/media/image1.png", "pictures"),
    ],
)
def test_a_workbook_carrying_what_a_return_must_not_is_refused_by_name(
    client, partnership, part, words
):
    batch, page = upload(client, partnership, rezip(xlsx([GOOD_ROW]), {part: b"x"}), "r.xlsx")
    assert batch.errors == [f"This workbook holds {words} ({part}), {REFUSED}"]
    assert "This file cannot be imported" in page


def test_several_kinds_are_named_together(partnership):
    content = rezip(xlsx([GOOD_ROW]), {"xl/vbaProject.bin": b"x", "xl/media/image1.png": b"x"})
    batch, _ = preview_upload(
        content, "r.xlsx", partnership.org_a, partnership.open_period, partnership.submitter_a
    )
    assert batch.errors == [
        f"This workbook holds macros and pictures (xl/vbaProject.bin, xl/media/image1.png), "
        f"{REFUSED}"
    ]


def test_comments_drawings_and_custom_properties_are_accepted(client, partnership):
    extra = {
        "xl/comments1.xml": b"<comments/>",
        "xl/drawings/vmlDrawing1.vml": b"<xml/>",
        "xl/drawings/drawing1.xml": b"<xdr:wsDr/>",
        "xl/drawings/_rels/drawing1.xml.rels": b"<Relationships/>",
        "xl/threadedComments/threadedComment1.xml": b"<ThreadedComments/>",
        "docProps/custom.xml": b"<Properties/>",
    }
    batch, page = upload(client, partnership, rezip(xlsx([GOOD_ROW]), extra), "r.xlsx")
    assert batch.status == ImportBatch.Status.PREVIEWED, batch.errors


@pytest.mark.parametrize(
    "part, words",
    [("Pictures/1000.png", "pictures"), ("Basic/Standard/Module1.xml", "macros")],
)
def test_an_ods_carrying_pictures_or_macros_is_refused(client, partnership, part, words):
    content = ods(keys() + EMPTY.format(n=3) + NUMBER.format(v=3000, extra=""), extra={part: b"x"})
    batch, _ = upload(client, partnership, content, "r.ods")
    assert batch.errors == [f"This workbook holds {words} ({part}), {REFUSED}"]


def test_an_ods_thumbnail_is_not_a_picture_the_user_added(client, partnership):
    row = keys() + EMPTY.format(n=3) + NUMBER.format(v=3000, extra="")
    content = ods(row, extra={"Thumbnails/thumbnail.png": b"png"})
    batch, page = upload(client, partnership, content, "r.ods")
    assert batch.status == ImportBatch.Status.PREVIEWED, batch.errors
    assert "numerator: — → 3000" in page


def test_an_ods_reads_each_figure_from_its_own_column_through_runs_of_empty_cells(
    client, partnership
):
    comment = (
        '<table:table-cell office:value-type="string"><office:annotation><text:p>a note'
        "</text:p></office:annotation><text:p>Up on last year;</text:p><text:p>see the "
        "<text:span>footnote</text:span>.</text:p></table:table-cell>"
    )
    row = (
        keys()
        + EMPTY.format(n=3)
        + NUMBER.format(v=3000, extra="")
        + EMPTY.format(n=8)
        + comment
        + EMPTY.format(n=16365)
    )
    blank = '<table:table-row table:number-rows-repeated="1048570">' + EMPTY.format(n=16384)
    content = ods(row + "</table:table-row>" + blank)
    batch, page = upload(client, partnership, content, "r.ods")
    assert batch.status == ImportBatch.Status.PREVIEWED, batch.errors
    assert batch.rows[0]["fields"]["numerator"] == "3000"
    assert batch.rows[0]["fields"]["commentary"] == "Up on last year;\nsee the footnote."


def test_an_ods_percentage_cell_is_read_as_the_percentage_it_shows(client, partnership):
    p = partnership
    cell = '<table:table-cell office:value-type="percentage" office:value="0.882"/>'
    content = ods(keys("survey") + EMPTY.format(n=2) + cell)
    batch, page = upload_and_preview(
        client, p.submitter_b, p.org_b, p.open_period, "r.ods", content
    )
    assert batch.status == ImportBatch.Status.PREVIEWED, batch.errors
    assert "value: — → 88.2" in page


def test_an_ods_formula_in_a_row_of_figures_is_refused_with_calcs_fix(client, partnership):
    formula = NUMBER.format(v=3000, extra=' table:formula="of:=1000+2000"')
    meta = b"<office:document-meta><meta:generator>LibreOffice/7.4</meta:generator>"
    content = ods(keys() + EMPTY.format(n=3) + formula, extra={"meta.xml": meta})
    batch, _ = upload(client, partnership, content, "r.ods")
    assert batch.errors == [
        "Cell I2 holds a formula (=1000+2000). Replace formulas with their values. In "
        "LibreOffice Calc, copy the cells, then use Edit → Paste Special → Paste Only Values."
    ]


def test_an_ods_with_merged_cells_is_refused(client, partnership):
    merged = (
        text_cell("Police", ' table:number-columns-spanned="2"') + "<table:covered-table-cell/>"
    )
    batch, _ = upload(client, partnership, ods(keys() + merged), "r.ods")
    assert batch.errors == [
        "The sheet 'Return' has merged cells (F2). Unmerge them so each figure has its own "
        "cell, and upload again."
    ]


def test_a_damaged_ods_is_refused(client, partnership):
    content = rezip(ods(), {"content.xml": b"<office:document-content"})
    batch, _ = upload(client, partnership, content, "r.ods")
    assert batch.errors == [
        "This OpenDocument spreadsheet cannot be read: it may be damaged. Save it again from "
        "your spreadsheet program."
    ]


@pytest.mark.parametrize(
    "content, name, message",
    [
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600,
            "return.xls",
            "This is an old-style Excel file (.xls). Open it in your spreadsheet program and "
            "save it as an Excel Workbook (.xlsx).",
        ),
        (
            b"<html><table><tr><td>1</td></tr></table></html>",
            "return.xls",
            "This file is named .xls but is not an Excel workbook. It may have been renamed or "
            "damaged: save it from your spreadsheet program as an Excel Workbook (.xlsx).",
        ),
        (
            "indicator_code\tarea_code\r\n".encode("utf-16"),
            "return.csv",
            "This file is UTF-16 text, as Excel's 'Unicode Text' writes it. Save it again as "
            "'CSV UTF-8 (Comma delimited)', or upload the .xlsx workbook.",
        ),
        (
            b"indicator_code,area_code\n",
            "return.ods",
            "This file is named .ods but is not an OpenDocument spreadsheet. It may have been "
            "renamed or damaged: save it from your spreadsheet program as an Excel Workbook "
            "(.xlsx).",
        ),
    ],
)
def test_old_and_misnamed_files_get_their_own_message(client, partnership, content, name, message):
    batch, _ = upload(client, partnership, content, name)
    assert batch.errors == [message]
    assert Submission.objects.count() == 0


def test_a_csv_split_at_a_semicolon_says_why_it_has_values_beyond_the_last_column(
    client, partnership
):
    cells = dict(indicator_code="crime", area_code="E10000099", quarter="2016/17-Q2")
    cells.update(numerator="3000", commentary="Up", last_quarter_figure=" down")
    line = ",".join([cells.get(c, "") for c in RETURN_COLUMNS] + ["then up"])
    content = (",".join(RETURN_COLUMNS) + "\n" + line + "\n").encode()
    batch, _ = upload(client, partnership, content, "r.csv")
    assert batch.errors == [
        "Row 2 has values beyond the last column with a heading. Remove them, or give the "
        "column a heading from the template. This happens when a text holding a comma or "
        "semicolon was split into two cells as the CSV was opened: open the template again "
        "and tick only 'Comma' as the separator."
    ]


def test_a_utf8_csv_with_a_byte_order_mark_reads_as_utf8(client, partnership):
    cells = dict(indicator_code="crime", area_code="E10000099", quarter="2016/17-Q2")
    cells.update(numerator="3000", commentary="Café – ‘ok’")
    line = ",".join(cells.get(c, "") for c in RETURN_COLUMNS)
    content = ("\ufeff" + ",".join(RETURN_COLUMNS) + "\n" + line + "\n").encode()
    batch, page = upload(client, partnership, content, "r.csv")
    assert batch.encoding == "UTF-8"
    assert "commentary: — → Café – ‘ok’" in page
    assert "read as Windows-1252" not in page


def test_the_csv_template_quotes_every_text_field(partnership):
    p = partnership
    Submission.objects.create(
        indicator=p.crime,
        area=p.county,
        period=p.open_period,
        numerator=3000,
        commentary="Up; down, then up",
    )
    content, _, _ = build_template(p.org_a, p.open_period, "csv")
    lines = content.decode("utf-8-sig").splitlines()
    assert lines[1].startswith(
        '"crime","Crime rate (per 1,000 population)","E10000099","Shire","2016/17-Q2",'
    )
    assert ',3000,"",' in lines[1]  # figures bare, empty cells as ""
    assert '"Up; down, then up"' in lines[1]


def test_rows_of_notes_count_towards_the_row_limit(partnership, settings):
    settings.IMPORT_MAX_ROWS = 3
    line = ",".join(["crime", "", "E10000099", "", "2016/17-Q2", "", "", "", "1"])
    notes = "\n".join(f"note {n}" for n in range(5))
    content = (",".join(RETURN_COLUMNS) + "\n" + line + "\n" + notes + "\n").encode()
    batch, _ = preview_upload(
        content, "r.csv", partnership.org_a, partnership.open_period, partnership.submitter_a
    )
    assert batch.errors == [
        "The file has more than 3 rows, the most one upload can hold. Split it into smaller files."
    ]
