"""Reading uploaded spreadsheets safely: the bad-file defences shared by every import.

A file is judged by its content, not its name: an XLSX is a zip holding a workbook, a CSV
is UTF-8 text. Size, row and uncompressed-size limits are settings. The zip is inspected
before openpyxl opens it (a zip bomb must not be inflated), and sheets are read with
`read_only=True`, streaming rows, so a large historic file never sits in memory as cells.
Cell values come out as plain Python values; the typed parsers below turn them into
figures, dates and flags, each refusing what a spreadsheet user commonly gets wrong with a
message that says how to write it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings

ZIP_SIGNATURE = b"PK\x03\x04"
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary .xls format
# A real workbook rarely compresses better than this; a zip bomb does by orders of magnitude.
MAX_COMPRESSION_RATIO = 150
# Zip members a plain workbook holds. Macros, embedded objects and external links are refused.
ALLOWED_MEMBERS = re.compile(
    r"^(\[Content_Types\]\.xml|_rels/[^/]*\.rels|docProps/[^/]+\.xml|customXml/.+"
    r"|xl/(workbook\.xml|styles\.xml|sharedStrings\.xml|calcChain\.xml|metadata\.xml"
    r"|_rels/[^/]+\.rels|theme/[^/]+\.xml|worksheets/[^/]+\.xml|worksheets/_rels/[^/]+\.rels"
    r"|printerSettings/[^/]+\.bin|persons/[^/]+\.xml|tables/[^/]+\.xml))$"
)
# Spreadsheet programs never write a DTD; one in an upload is an entity-expansion or
# external-entity attack on the parser (openpyxl also parses through defusedxml).
XML_DECLARATIONS = tuple(
    marker.encode(encoding)
    for marker in ("<!DOCTYPE", "<!ENTITY")
    for encoding in ("ascii", "utf-16-le", "utf-16-be")
)
MAX_ERRORS_SHOWN = 200
NUMBER_HELP = "Write numbers as plain digits, like 1234 or 12.5."


class FileRefused(Exception):
    """The file as a whole cannot be read; `messages` say why and how to fix it."""

    def __init__(self, messages: list[str] | str):
        self.messages = [messages] if isinstance(messages, str) else list(messages)
        super().__init__("; ".join(self.messages))


class CellError(ValueError):
    """A cell that cannot be read as what its column holds."""


@dataclass
class Table:
    """A sheet's header and its data rows, streamed: (row number, {column: value})."""

    file_format: str
    header: list[str]
    rows: Iterator[tuple[int, dict[str, Any]]]


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
    """'xlsx' or 'csv', judged by content; the name must agree with it."""
    check_size(len(content))
    if not content.strip():
        raise FileRefused("The file is empty. Fill in the template and upload it again.")
    name = filename.lower()
    if name and not name.endswith((".xlsx", ".csv")):
        raise FileRefused(
            "Upload an Excel workbook (.xlsx) or a CSV file (.csv). Other kinds of file "
            "cannot be read."
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
                "with its .xlsx name."
            )
        return "xlsx"
    if name.endswith(".xlsx"):
        raise FileRefused(
            "This file is named .xlsx but is not an Excel workbook. It may have been renamed "
            "or damaged: save it from your spreadsheet program as an Excel Workbook (.xlsx)."
        )
    if b"\x00" in content[:8192]:
        raise FileRefused(
            "This file is not a spreadsheet: it holds binary data. Upload the .xlsx template "
            "or a CSV file."
        )
    return "csv"


def check_zip(content: bytes) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise FileRefused(
            "This file is not a readable Excel workbook: it may be damaged. Save it again "
            "from your spreadsheet program as an Excel Workbook (.xlsx)."
        ) from None
    names = {m.filename for m in members}
    if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
        raise FileRefused(
            "This file is a zip archive but not an Excel workbook. Upload the .xlsx template "
            "or a CSV file."
        )
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
    unexpected = sorted(n for n in names if not ALLOWED_MEMBERS.match(n) and not n.endswith("/"))
    if unexpected:
        shown = ", ".join(unexpected[:5]) + (" …" if len(unexpected) > 5 else "")
        raise FileRefused(
            "This workbook holds parts a plain spreadsheet does not (macros, embedded objects, "
            f"links, drawings or pictures): {shown}. Copy the data into the template and "
            "upload that."
        )
    return archive


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


def _sheet_member(archive: zipfile.ZipFile, sheet) -> str | None:
    """The zip member holding a read-only worksheet's XML."""
    path = (getattr(sheet, "_worksheet_path", "") or "").lstrip("/")
    return path if path in archive.namelist() else None


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


def _cell_value(cell) -> Any:
    value = cell.value
    if value is None:
        return None
    # A formula is a cell of type "f"; text that merely starts with "=" (a commentary the
    # template wrote as text) is kept as it is.
    if getattr(cell, "data_type", None) == "f":
        raise FileRefused(
            f"Cell {cell.coordinate} holds a formula. Replace formulas with their values "
            "(copy, then paste values only) and upload again."
        )
    if not isinstance(value, str | int | float | bool | dt.date | dt.datetime | dt.time):
        raise FileRefused(
            f"Cell {cell.coordinate} holds a formula. Replace formulas with their values "
            "(copy, then paste values only) and upload again."
        )
    if isinstance(value, int | float) and not isinstance(value, bool):
        if "%" in (cell.number_format or ""):
            # Shown as 12% but stored as 0.12: say so rather than store the wrong figure.
            return f"{(Decimal(str(value)) * 100).normalize():f}%"
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _xlsx_rows(content: bytes, sheet_names: tuple[str, ...]) -> tuple[list[Any], Iterator]:
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
    names = book.sheetnames
    chosen = next((n for n in sheet_names if n in names), None)
    if chosen is None:
        chosen = next((n for n in names if n.lower() != "instructions"), names[0])
    sheet = book[chosen]
    member = _sheet_member(archive, sheet)
    if member:
        merged = _merged_ranges(archive, member)
        if merged:
            raise FileRefused(
                f"The sheet '{chosen}' has merged cells ({', '.join(merged[:5])}). Unmerge "
                "them so each figure has its own cell, and upload again."
            )

    def generate():
        try:
            for row in sheet.iter_rows():
                yield row[0].row if row else None, [_cell_value(c) for c in row]
        finally:
            book.close()

    return chosen, generate()


def _csv_rows(content: bytes) -> Iterator:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileRefused(
            "This file is not a CSV file in UTF-8 text. In your spreadsheet program choose "
            "'Save as' and 'CSV UTF-8', or upload the .xlsx template."
        ) from None
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


def open_table(
    content: bytes,
    filename: str,
    columns: list[str],
    required: set[str],
    sheet_names: tuple[str, ...] = (),
    max_rows: int | None = None,
) -> Table:
    """Check the file and its header; stream its non-blank data rows.

    Raises FileRefused for the file as a whole, at once for what the header shows and
    while iterating for what only the rows show (a formula, too many rows).
    """
    file_format = sniff_format(content, filename)
    if file_format == "xlsx":
        _, raw = _xlsx_rows(content, sheet_names)
    else:
        raw = _csv_rows(content)
    header: list[str] | None = None
    for _number, cells in raw:
        if any(c is not None for c in cells):
            header = _normalise_header(cells)
            break
    if header is None:
        raise FileRefused("The file is empty. Fill in the template and upload it again.")
    if len(header) == 1 and (";" in header[0] or "\t" in header[0]):
        raise FileRefused("Separate the columns with commas, not semicolons or tabs.")
    _check_header(header, columns, required)
    limit = max_rows or settings.IMPORT_MAX_ROWS

    def rows():
        count = 0
        for number, cells in raw:
            if not any(c is not None for c in cells):
                continue
            extra = [i + 1 for i, c in enumerate(cells[len(header) :]) if c is not None]
            if extra:
                raise FileRefused(
                    f"Row {number} has values beyond the last column with a heading. Remove "
                    "them, or give the column a heading from the template."
                )
            count += 1
            if count > limit:
                raise FileRefused(
                    f"The file has more than {limit:,} rows, the most one upload can hold. "
                    "Split it into smaller files."
                )
            yield number, dict(zip(header, cells, strict=False))
        if count == 0:
            raise FileRefused(
                "The file has headings but no rows of figures. Fill in the rows and upload it "
                "again."
            )

    return Table(file_format=file_format, header=header, rows=rows())


# Typed cell parsers. Each raises CellError with a message that says how to write the value.

_DAY_FIRST = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_SEPARATED = re.compile(r"^-?\d{1,3}([, ]\d{3})+(\.\d+)?$")
_YES = {"yes", "y", "true", "1", "x"}
_NO = {"no", "n", "false", "0"}


def parse_decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or isinstance(value, dt.date | dt.time):
        raise CellError(f"'{value}' is not a number. {NUMBER_HELP}")
    if isinstance(value, int | float):
        number = Decimal(str(value))
    else:
        text = str(value).strip()
        if text.endswith("%"):
            raise CellError(
                f"'{text}' has a % sign. Write the percentage as a plain number: "
                f"{text.rstrip('%').strip()} for {text}."
            )
        if _SEPARATED.match(text) or "," in text:
            plain = text.replace(",", "").replace(" ", "")
            raise CellError(f"'{text}' has a thousands separator. Write it as {plain}.")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise CellError(f"'{text}' is not a number. {NUMBER_HELP}") from None
    if not number.is_finite():
        raise CellError(f"'{value}' is not a number. {NUMBER_HELP}")
    if number.as_tuple().exponent < -4 and number != number.quantize(Decimal("0.0001")):
        raise CellError(f"'{value}' has more than 4 decimal places.")
    if abs(number) >= Decimal("1e12"):
        raise CellError(f"'{value}' is too large.")
    return number


def parse_date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    try:
        if match := _ISO.match(text):
            return dt.date(int(match[1]), int(match[2]), int(match[3]))
        if match := _DAY_FIRST.match(text):
            return dt.date(int(match[3]), int(match[2]), int(match[1]))
    except ValueError:
        raise CellError(f"'{text}' is not a real date.") from None
    raise CellError(f"'{text}' is not a date. Write dates like 30/09/2016 or 2016-09-30.")


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
    if isinstance(value, Decimal):
        text = f"{value.normalize():f}"
        return text
    if isinstance(value, dt.date):
        return value.strftime("%-d %b %Y")
    return str(value)
