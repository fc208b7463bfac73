"""Reading uploaded spreadsheets safely, as spreadsheet programs really save them.

A file is judged by its content, not its name: an XLSX is a zip holding a workbook, an ODS
a zip holding an OpenDocument spreadsheet, a CSV is text (UTF-8, or Windows-1252 as Excel
and Calc on Windows write it). Size, row and uncompressed-size limits are settings. The
zip is inspected before it is opened (a zip bomb must not be inflated), and sheets are
streamed row by row, so a large historic file never sits in memory as cells.

What programs write that a person did not mean as data is passed over: blank rows (Calc
writes some down to row 1,048,576 after rows are deleted, and the sheet's declared size
is never trusted), notes and totals under the table (listed as ignored), comments,
AutoFilter and empty drawing parts. Macros, embedded objects, links to other workbooks and
pictures are refused. Cell values come out as plain Python values; the typed parsers below
turn them into figures, dates and flags, each refusing what a person commonly gets wrong
with a message that says what the cell holds and how to fix it in their program.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings

from . import import_ods
from .quarters import Quarter, british_date

ZIP_SIGNATURE = b"PK\x03\x04"
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary .xls format
NAMES = (".xlsx", ".ods", ".csv", ".xls")
# A real workbook rarely compresses better than this; a zip bomb does by orders of magnitude.
MAX_COMPRESSION_RATIO = 150
# Parts a spreadsheet may hold that are refused, in the words a person knows them by.
# Everything else (comments, AutoFilter's empty drawings, themes, thumbnails) is accepted.
REFUSED_PARTS = [
    (re.compile(r"(^|/)vbaProject|^Basic/|^Scripts/", re.I), "macros"),
    (
        re.compile(r"^xl/(embeddings|activeX)/|oleObject|^Object \d+/|^ObjectReplacements/", re.I),
        "embedded objects",
    ),
    (re.compile(r"^xl/externalLinks/", re.I), "links to other workbooks"),
    (re.compile(r"^xl/media/|^Pictures/", re.I), "pictures"),
]
# Spreadsheet programs never write a DTD; one in an upload is an entity-expansion or
# external-entity attack on the parser (openpyxl also parses through defusedxml).
XML_DECLARATIONS = tuple(
    marker.encode(encoding)
    for marker in ("<!DOCTYPE", "<!ENTITY")
    for encoding in ("ascii", "utf-16-le", "utf-16-be")
)
MAX_ERRORS_SHOWN = 200
NUMBER_HELP = "Write numbers as plain digits, like 1234 or 12.5."
EXCEL, CALC = "Excel", "LibreOffice Calc"
# How to fix a cell in the program the file came from; "" when the program is unknown.
FIXES = {
    "formula": {
        EXCEL: "In Excel, copy the cells, then use Paste Special → Values.",
        CALC: "In LibreOffice Calc, copy the cells, then use Edit → Paste Special → Paste "
        "Only Values.",
        "": "Copy the cells, then paste values only.",
    },
    "separator": {
        EXCEL: "In Excel, format the cell as Number without 'Use 1000 Separator'.",
        CALC: "In LibreOffice Calc, use Format → Cells → Numbers and untick 'Thousands separator'.",
        "": "Format the cell as a plain number, without a thousands separator.",
    },
    "percent": {
        EXCEL: "In Excel, format the cell as Number (Home → Number Format), then type the "
        "number again.",
        CALC: "In LibreOffice Calc, format the cell as Number (Format → Cells → Numbers), "
        "then type the number again.",
        "": "Format the cell as a plain number, then type the number again.",
    },
    "date": {
        EXCEL: "In Excel, format the cell as a Date showing the year in full (14/03/2012).",
        CALC: "In LibreOffice Calc, type the date year first, like 2016-09-30: Calc then "
        "keeps the year in full when it saves.",
        "": "Type the date year first, like 2016-09-30, so the year is kept in full.",
    },
}


# Cells a spreadsheet would run as a formula: every export prefixes them with a quote, and
# every reader takes that quote off again, so a commentary starting "=" round-trips.
DANGEROUS_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A signed figure such as "-312" or "+4.2%" is a number to a spreadsheet, never a formula.
SIGNED_FIGURE = re.compile(r"^[+-]\d[\d,]*(\.\d+)?%?$")


def neutralise(value: Any) -> Any:
    """Make a text cell safe for spreadsheets; numbers, signed figures and None pass through."""
    if (
        isinstance(value, str)
        and len(value) > 1
        and value.startswith(DANGEROUS_STARTS)
        and not SIGNED_FIGURE.match(value)
    ):
        return "'" + value
    return value


def restore_neutralised(text: str) -> str:
    """Text as it was before `neutralise` quoted it."""
    if len(text) > 2 and text[0] == "'" and text[1:].startswith(DANGEROUS_STARTS):
        return text[1:]
    return text


class FileRefused(Exception):
    """The file as a whole cannot be read; `messages` say why and how to fix it."""

    def __init__(self, messages: list[str] | str):
        self.messages = [messages] if isinstance(messages, str) else list(messages)
        super().__init__("; ".join(self.messages))


class CellError(ValueError):
    """A cell that cannot be read as what its column holds; `fix` names a FIXES entry."""

    def __init__(self, message: str, fix: str = ""):
        self.fix = fix
        super().__init__(message)


class Percentage(Decimal):
    """A number the cell shows as a percentage, as shown: 88.2 for a cell showing 88.2%."""


@dataclass(frozen=True)
class Formula:
    """A cell holding a formula: refused in a row of data, harmless in a total under it."""

    reference: str
    text: str

    def __str__(self) -> str:
        return self.text


@dataclass
class Table:
    """A sheet's header and its data rows, streamed: (row number, {column: value})."""

    file_format: str
    header: list[str]
    rows: Iterator[tuple[int, dict[str, Any]]]
    program: str = ""  # EXCEL, CALC, or "" when the file does not say
    encoding: str = ""  # a CSV's text encoding
    # (row number, what it holds) of rows that are not data, filled in as rows are read.
    ignored: list[tuple[int, str]] = field(default_factory=list)

    def message(self, error: CellError) -> str:
        """The cell's message with the fix in the program the file came from."""
        return f"{error} {fix_for(error.fix, self.program)}" if error.fix else str(error)


def fix_for(kind: str, program: str) -> str:
    """How to fix a `kind` of cell (a FIXES key) in `program`, or in any program."""
    fixes = FIXES[kind]
    return fixes.get(program, fixes[""])


def human_size(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB" if size >= 1024 * 1024 else f"{size // 1024} KB"


def check_size(size: int) -> None:
    """Refuse an upload over IMPORT_MAX_UPLOAD_BYTES before reading a byte of it."""
    limit = settings.IMPORT_MAX_UPLOAD_BYTES
    if size > limit:
        raise FileRefused(
            f"The file is {human_size(size)}; the largest file you can upload is "
            f"{human_size(limit)}. Split it into smaller files."
        )


def sniff_format(content: bytes, filename: str = "") -> str:
    """'xlsx', 'ods' or 'csv', judged by content (a zip is checked whole); the name must agree."""
    check_size(len(content))
    if not content.strip():
        raise FileRefused("The file is empty. Fill in the template and upload it again.")
    name = filename.lower()
    if name and not name.endswith(NAMES):
        raise FileRefused(
            "Upload an Excel workbook (.xlsx), an OpenDocument spreadsheet (.ods) or a CSV "
            "file (.csv). Other kinds of file cannot be read."
        )
    if content.startswith(OLE_SIGNATURE):
        raise FileRefused(
            "This is an old-style Excel file (.xls). Open it in your spreadsheet program and "
            "save it as an Excel Workbook (.xlsx)."
        )
    if content.startswith(ZIP_SIGNATURE):
        if name.endswith(".csv"):
            raise FileRefused(
                "This file is named .csv but holds a workbook. Save it as CSV, or upload it "
                "with its .xlsx or .ods name."
            )
        return _package_format(check_zip(content))
    if name.endswith((".xlsx", ".ods", ".xls")):
        kind = "an OpenDocument spreadsheet" if name.endswith(".ods") else "an Excel workbook"
        raise FileRefused(
            f"This file is named {name[name.rindex('.') :]} but is not {kind}. It may have "
            "been renamed or damaged: save it from your spreadsheet program as an Excel "
            "Workbook (.xlsx)."
        )
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileRefused(
            "This file is UTF-16 text, as Excel's 'Unicode Text' writes it. Save it again as "
            "'CSV UTF-8 (Comma delimited)', or upload the .xlsx workbook."
        )
    if b"\x00" in content[:8192]:
        raise FileRefused(
            "This file is not a spreadsheet: it holds binary data. Upload the .xlsx template "
            "or a CSV file."
        )
    return "csv"


def _package_format(archive: zipfile.ZipFile) -> str:
    names = set(archive.namelist())
    if "xl/workbook.xml" in names and "[Content_Types].xml" in names:
        return "xlsx"
    if "content.xml" in names and "mimetype" in names:
        if archive.read("mimetype").strip() == import_ods.MIMETYPE:
            return "ods"
    raise FileRefused(
        "This file is a zip archive but not a spreadsheet workbook. Upload the .xlsx template "
        "or a CSV file."
    )


def check_zip(content: bytes) -> zipfile.ZipFile:
    """The workbook's zip, once its sizes and parts are safe to read."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise FileRefused(
            "This file is not a readable Excel workbook: it may be damaged. Save it again "
            "from your spreadsheet program as an Excel Workbook (.xlsx)."
        ) from None
    _package_format(archive)
    unpacked = sum(m.file_size for m in members)
    packed = sum(m.compress_size for m in members) or 1
    if unpacked > settings.IMPORT_MAX_UNCOMPRESSED_BYTES:
        raise FileRefused(
            f"This workbook unpacks to {human_size(unpacked)}, more than the "
            f"{human_size(settings.IMPORT_MAX_UNCOMPRESSED_BYTES)} allowed. It is refused: "
            "split the data into smaller files."
        )
    if unpacked / packed > MAX_COMPRESSION_RATIO:
        raise FileRefused(
            "This workbook is compressed far more than a spreadsheet would be, as a 'zip "
            "bomb' is. It is refused. Save the data again from your spreadsheet program."
        )
    _refuse_xml_declarations(archive, members)
    found = [
        (words, m.filename)
        for m in members
        if not m.filename.endswith("/")
        for pattern, words in REFUSED_PARTS
        if pattern.search(m.filename)
    ]
    if found:
        kinds = list(dict.fromkeys(words for words, _ in found))
        parts = ", ".join(name for _, name in found[:5]) + (" …" if len(found) > 5 else "")
        raise FileRefused(
            f"This workbook holds {_and(kinds)} ({parts}), which a return must not carry. "
            "Copy the figures into a fresh template and upload that."
        )
    return archive


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _refuse_xml_declarations(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo]) -> None:
    """Read each XML part in chunks (its size is already bounded) looking for a DTD."""
    overlap = max(len(m) for m in XML_DECLARATIONS)
    for member in members:
        if not member.filename.endswith((".xml", ".rels")):
            continue
        tail = b""
        with archive.open(member) as part:
            while chunk := part.read(1 << 16):
                window = tail + chunk
                if any(marker in window for marker in XML_DECLARATIONS):
                    raise FileRefused(
                        f"This workbook's part {member.filename} declares XML entities "
                        "(a DOCTYPE), which spreadsheet programs never write and which can "
                        "be used to attack the server. It is refused: save the data again "
                        "from your spreadsheet program as an Excel Workbook (.xlsx)."
                    )
                tail = window[-overlap:]


def _merged_ranges(archive: zipfile.ZipFile, member: str) -> list[str]:
    """Merged ranges of a sheet, read by streaming its XML (they sit at the end)."""
    found: list[str] = []
    tail = b""
    with archive.open(member) as stream:
        while chunk := stream.read(1 << 16):
            data = tail + chunk
            found += [m.decode() for m in re.findall(rb'<mergeCell ref="([A-Z0-9:]+)"', data)]
            tail = data[-64:]
    return sorted(set(found))


def _merged_refused(sheet: str, ranges: list[str]) -> FileRefused:
    return FileRefused(
        f"The sheet '{sheet}' has merged cells ({', '.join(ranges[:5])}). Unmerge them so "
        "each figure has its own cell, and upload again."
    )


def _choose_sheet(names: list[str], wanted: tuple[str, ...]) -> str:
    chosen = next((n for n in wanted if n in names), None)
    return chosen or next((n for n in names if n.lower() != "instructions"), names[0])


def _xlsx_program(archive: zipfile.ZipFile) -> str:
    try:
        app = archive.read("docProps/app.xml")
    except KeyError:
        return ""
    if b"LibreOffice" in app or b"OpenOffice" in app:
        return CALC
    return EXCEL if b"Microsoft Excel" in app else ""


def _xlsx_value(cell, number: int) -> Any:
    value = cell.value
    if value is None:
        return None
    reference = f"{cell.column_letter}{number}"
    # A formula is a cell of type "f"; text that merely starts with "=" (a commentary the
    # template wrote as text) is kept as it is.
    if getattr(cell, "data_type", None) == "f":
        return Formula(reference, str(value))
    if not isinstance(value, str | int | float | bool | dt.date | dt.datetime | dt.time):
        return Formula(reference, "")  # an array formula or a data table
    if isinstance(value, int | float) and not isinstance(value, bool):
        if "%" in (cell.number_format or ""):
            # Stored as 0.882, shown as 88.2%: the person typed and sees 88.2.
            return Percentage(Decimal(str(value)) * 100)
    if isinstance(value, str):
        return value.strip() or None
    return value


def _xlsx_rows(content: bytes, sheet_names: tuple[str, ...]) -> tuple[str, Iterator]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    archive = check_zip(content)
    try:
        book = openpyxl.load_workbook(
            io.BytesIO(content), read_only=True, data_only=False, keep_links=False
        )
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError):
        raise FileRefused(
            "This workbook cannot be read: it may be damaged. Save it again from your "
            "spreadsheet program as an Excel Workbook (.xlsx)."
        ) from None
    chosen = _choose_sheet(book.sheetnames, sheet_names)
    sheet = book[chosen]
    member = (getattr(sheet, "_worksheet_path", "") or "").lstrip("/")
    if member in archive.namelist() and (merged := _merged_ranges(archive, member)):
        book.close()
        raise _merged_refused(chosen, merged)
    # The declared size ("A1:S1048576" once Calc has deleted rows) is not trusted: without
    # it openpyxl yields the rows the sheet holds, with an empty tuple for each gap.
    sheet.reset_dimensions()

    def generate():
        try:
            for number, row in enumerate(sheet.iter_rows(), start=1):
                if row:
                    yield number, [_xlsx_value(cell, number) for cell in row]
        finally:
            book.close()

    return _xlsx_program(archive), generate()


def _ods_rows(content: bytes, sheet_names: tuple[str, ...]) -> tuple[str, Iterator]:
    archive = check_zip(content)
    damaged = FileRefused(
        "This OpenDocument spreadsheet cannot be read: it may be damaged. Save it again from "
        "your spreadsheet program."
    )
    try:
        names = import_ods.sheet_names(archive)
    except import_ods.OdsError:
        raise damaged from None
    if not names:
        raise damaged
    chosen = _choose_sheet(names, sheet_names)

    def generate():
        try:
            yield from import_ods.rows(archive, chosen, Percentage, Formula)
        except import_ods.Merged as merged:
            raise _merged_refused(chosen, [merged.reference]) from None
        except import_ods.OdsError:
            raise damaged from None

    return import_ods.program(archive), generate()


WINDOWS_1252 = "Windows-1252"


def decode_csv(content: bytes) -> tuple[str, str]:
    """(text, encoding): UTF-8 with or without its BOM, else Windows-1252 (Excel's
    'CSV (Comma delimited)' and Calc's default on Windows)."""
    try:
        return content.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252"), WINDOWS_1252
    except UnicodeDecodeError:
        raise FileRefused(
            "This CSV file's text is neither UTF-8 nor Windows-1252, so its letters cannot "
            "be read. In your spreadsheet program choose 'Save as' and 'CSV UTF-8', or "
            "upload the .xlsx template."
        ) from None


def _csv_rows(text: str) -> Iterator:
    if "\x00" in text:
        raise FileRefused("This file is not a spreadsheet: it holds binary data.")
    reader = csv.reader(io.StringIO(text, newline=""))

    def generate():
        try:
            for number, row in enumerate(reader, start=1):
                yield number, [c.strip() or None for c in row]
        except csv.Error as error:
            raise FileRefused(f"This CSV file cannot be read: {error}.") from None

    return generate()


def _normalise_header(cells: list[Any]) -> list[str]:
    return [str(c).strip().lower().replace(" ", "_") if c is not None else "" for c in cells]


def _check_header(header: list[str], columns: list[str], required: set[str]) -> None:
    while header and header[-1] == "":
        header.pop()
    problems = []
    unknown = [h for h in header if h and h not in columns]
    missing = [c for c in columns if c in required and c not in header]
    blank = [i + 1 for i, h in enumerate(header) if not h]
    repeated = sorted({h for h in header if h and header.count(h) > 1})
    if missing:
        problems.append(
            "These columns are missing: " + ", ".join(missing) + ". Use the template's headings."
        )
    if unknown:
        problems.append(
            "These columns are not part of the template: "
            + ", ".join(unknown)
            + ". Remove them, or use the template's headings."
        )
    if blank:
        problems.append(
            "Column " + ", ".join(str(b) for b in blank) + " has no heading. Remove empty columns."
        )
    if repeated:
        problems.append("These headings appear twice: " + ", ".join(repeated) + ".")
    if problems:
        raise FileRefused(problems)


def _read_header(raw: Iterator, other_sheets: dict[str, str]) -> list[str]:
    """The first row holding anything, once it is known not to be another sheet."""
    for _number, cells in raw:
        if any(c is not None for c in cells):
            first = str(cells[0] or "")
            for words, message in other_sheets.items():
                if first.startswith(words):
                    raise FileRefused(message)
            header = _normalise_header(cells)
            if len(header) == 1 and (";" in header[0] or "\t" in header[0]):
                raise FileRefused("Separate the columns with commas, not semicolons or tabs.")
            return header
    raise FileRefused("The file is empty. Fill in the template and upload it again.")


def _summary(cells: list[Any]) -> str:
    """What a passed-over row holds, shortened for the preview."""
    text = ", ".join(plain(c) for c in cells if c is not None)
    return text if len(text) <= 80 else text[:79] + "…"


def _beyond_last_column(number: int, file_format: str) -> FileRefused:
    why = (
        " This happens when a text holding a comma or semicolon was split into two cells as "
        "the CSV was opened: open the template again and tick only 'Comma' as the separator."
        if file_format == "csv"
        else ""
    )
    return FileRefused(
        f"Row {number} has values beyond the last column with a heading. Remove them, or give "
        f"the column a heading from the template.{why}"
    )


def open_table(
    content: bytes,
    filename: str,
    columns: list[str],
    required: set[str],
    sheet_names: tuple[str, ...] = (),
    max_rows: int | None = None,
    key_columns: tuple[str, ...] = (),
    other_sheets: dict[str, str] | None = None,
) -> Table:
    """Check the file and its header; stream its data rows.

    A row with none of `key_columns` filled in (a note, a total, a signature under the
    table) is not data: it is recorded in `Table.ignored` and skipped, formulas and all.
    `other_sheets` maps the first words of another sheet of the template to the message
    for a file that holds that sheet instead. Raises FileRefused for the file as a whole,
    at once for what the header shows and while iterating for what only the rows show.
    """
    file_format = sniff_format(content, filename)
    program, encoding = "", ""
    if file_format == "xlsx":
        program, raw = _xlsx_rows(content, sheet_names)
    elif file_format == "ods":
        program, raw = _ods_rows(content, sheet_names)
    else:
        text, encoding = decode_csv(content)
        raw = _csv_rows(text)
    header = _read_header(raw, other_sheets or {})
    _check_header(header, columns, required)
    limit = max_rows or settings.IMPORT_MAX_ROWS
    table = Table(file_format, header, iter(()), program, encoding)

    def rows():
        count = filled = 0
        for number, cells in raw:
            if not any(c is not None for c in cells):
                continue
            filled += 1  # notes count too: a million of them must not fill memory
            if filled > limit:
                raise FileRefused(
                    f"The file has more than {limit:,} rows, the most one upload can hold. "
                    "Split it into smaller files."
                )
            record = dict(zip(header, cells, strict=False))
            if key_columns and all(record.get(k) is None for k in key_columns):
                table.ignored.append((number, _summary(cells)))
                continue
            formula = next((c for c in cells if isinstance(c, Formula)), None)
            if formula:
                raise FileRefused(
                    f"Cell {formula.reference} holds a formula"
                    + (f" ({formula.text})" if formula.text else "")
                    + f". Replace formulas with their values. {fix_for('formula', program)}"
                )
            if any(c is not None for c in cells[len(header) :]):
                raise _beyond_last_column(number, file_format)
            count += 1
            yield number, record
        if count == 0:
            raise FileRefused(
                "The file has headings but no rows of figures. Fill in the rows and upload it "
                "again."
            )

    table.rows = rows()
    return table


# Typed cell parsers. Each raises CellError with a message that says what the cell holds
# and how to write it.

_DAY_FIRST = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_SEPARATED = re.compile(r"^-?\d{1,3}([, ]\d{3})+(\.\d+)?$")
_PERCENT = re.compile(r"^-?\d+(\.\d+)?$")
_YES = {"yes", "y", "true", "1", "x"}
_NO = {"no", "n", "false", "0"}


def _percentage_text(text: str) -> Percentage:
    """'88.2%' or '88.20%' as a CSV holds a percent-formatted cell: the percentage 88.2."""
    number = text.rstrip("%").strip()
    if not _PERCENT.match(number):
        raise CellError(f"'{text}' is not a number. {NUMBER_HELP}")
    return Percentage(number)


def parse_decimal(value: Any) -> Decimal | None:
    """A figure; a Percentage when the cell showed a % sign (checked by the caller)."""
    if value is None or value == "":
        return None
    if isinstance(value, bool) or isinstance(value, dt.date | dt.time):
        raise CellError(f"'{plain(value)}' is not a number. {NUMBER_HELP}")
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int | float):
        number = Decimal(str(value))
    else:
        text = str(value).strip()
        if text.endswith("%"):
            number = _percentage_text(text)
        elif _SEPARATED.match(text) or "," in text:
            plain_text = text.replace(",", "").replace(" ", "")
            raise CellError(
                f"'{text}' has a thousands separator. Write it as {plain_text}.", "separator"
            )
        else:
            try:
                number = Decimal(text)
            except InvalidOperation:
                raise CellError(f"'{text}' is not a number. {NUMBER_HELP}") from None
    if not number.is_finite():
        raise CellError(f"'{value}' is not a number. {NUMBER_HELP}")
    if number.as_tuple().exponent < -4 and number != number.quantize(Decimal("0.0001")):
        raise CellError(f"'{plain(number)}' has more than 4 decimal places.")
    if abs(number) >= Decimal("1e12"):
        raise CellError(f"'{plain(number)}' is too large.")
    if isinstance(number, Percentage):
        return Percentage(number.normalize())
    return number


def misplaced_percentage(column: str, shown: str, unit: str, code: str) -> str | None:
    """Why a cell shown as a percentage (like '88.2') cannot stand in `column`, if it cannot.

    Only a percentage indicator's value is a percentage; a count or a rate shown with a %
    sign is a formatting slip, and reading it as shown would store a figure 100 times off.
    """
    if column == "value" and unit == "percentage":
        return None
    takes = (
        "a count" if column != "value" else f"a {unit.replace('_', ' ')}".replace("1000", "1,000")
    )
    number = f"{(Decimal(shown) / 100).normalize():f}"
    return (
        f"The cell shows {shown}%, a percentage, but {column} takes {takes} for {code}. If "
        f"the figure is {number}, type it as a plain number."
    )


# How far back a date with a two-digit year may reach: lagged figures cover earlier years.
DATE_WINDOW_YEARS = 5


def date_window(quarter: Quarter) -> tuple[dt.date, dt.date]:
    """The dates a figure for `quarter` can cover; a two-digit year is read within them."""
    start = quarter.start
    return start.replace(year=start.year - DATE_WINDOW_YEARS), quarter.end


def _two_digit_year(text: str, day: dt.date, window: tuple[dt.date, dt.date] | None) -> dt.date:
    if window and window[0] <= day <= window[1]:
        return day
    where = (
        f"falls outside the dates this file can cover ({british_date(window[0])} to "
        f"{british_date(window[1])})"
        if window
        else "may be meant for another century"
    )
    raise CellError(
        f"'{text}' has a two-digit year: read as {british_date(day)}, it {where}. Check the "
        "date and write its year in full.",
        "date",
    )


def parse_date(value: Any, window: tuple[dt.date, dt.date] | None = None) -> dt.date | None:
    """A date; a day-first date with a two-digit year is read as 20xx within `window`."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        raise CellError(
            f"The cell holds the number {plain(value)}, not a date. Format the cell as a date, "
            "or write the date like 30/09/2016 or 2016-09-30."
        )
    text = str(value).strip()
    iso, day_first = _ISO.match(text), _DAY_FIRST.match(text)
    if not (iso or day_first):
        raise CellError(f"'{text}' is not a date. Write dates like 30/09/2016 or 2016-09-30.")
    year, month, day = (
        (iso[1], iso[2], iso[3]) if iso else (day_first[3], day_first[2], day_first[1])
    )
    try:
        date = dt.date(int(year) + (2000 if len(year) == 2 else 0), int(month), int(day))
    except ValueError:
        raise CellError(f"'{text}' is not a real date.") from None
    return _two_digit_year(text, date, window) if len(year) == 2 else date


def parse_flag(value: Any) -> bool:
    if value is None or value == "":
        return False
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise CellError(f"'{value}' is not yes or no. Write yes, or leave the cell empty for no.")


def parse_text(value: Any, max_length: int) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        value = plain(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if len(text) > max_length:
        raise CellError(f"Write at most {max_length:,} characters (this has {len(text):,}).")
    return text


def plain(value: Any) -> str:
    """A cell value as the preview shows it."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Percentage):
        return f"{Decimal(value).normalize():f}%"
    if isinstance(value, Decimal):
        text = f"{value.normalize():f}"
        return text
    if isinstance(value, dt.date):
        return value.strftime("%-d %b %Y")
    return str(value)
