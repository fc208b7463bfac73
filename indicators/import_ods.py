"""Reading an OpenDocument spreadsheet (.ods, LibreOffice Calc's own format) row by row.

The sheet's XML is streamed, as openpyxl's read-only mode streams a workbook's, so memory
stays bounded whatever the file declares. OpenDocument compresses runs: an empty cell
repeated 16,365 times to the sheet's edge, or an empty row repeated a million times to
its foot, is one element with a count. Runs are expanded only as far as they hold data;
each cell keeps its column, so a figure is read from the column it sits in.

tablib's ODS reader (django-import-export's) is not used: it drops repeated empty cells,
moving every later figure of the row one or more columns left, and it reads a number
from its displayed text, so "3,000" or "88.2%" come back as strings.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import Any
from xml.etree.ElementTree import ParseError, iterparse

TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
# Cells past this column are never data of ours; a run reaching the sheet's edge stops here.
MAX_COLUMNS = 200


def _t(name: str) -> str:
    return f"{{{TABLE}}}{name}"


def _o(name: str) -> str:
    return f"{{{OFFICE}}}{name}"


ROW, CELL, COVERED, SHEET = _t("table-row"), _t("table-cell"), _t("covered-table-cell"), _t("table")


class OdsError(ValueError):
    """The document cannot be read as a spreadsheet."""


class Merged(ValueError):
    """A cell spans several columns or rows."""

    def __init__(self, reference: str):
        self.reference = reference
        super().__init__(reference)


def sheet_names(archive: zipfile.ZipFile) -> list[str]:
    names = []
    try:
        with archive.open("content.xml") as stream:
            for event, element in iterparse(stream, events=("start", "end")):
                if event == "start" and element.tag == SHEET:
                    names.append(element.get(_t("name"), ""))
                elif event == "end" and element.tag == ROW:
                    element.clear()  # streamed: only the names are kept
    except (KeyError, ParseError) as error:
        raise OdsError(str(error)) from None
    return names


def program(archive: zipfile.ZipFile) -> str:
    """'LibreOffice Calc' when the document says Calc wrote it."""
    try:
        meta = archive.read("meta.xml")
    except KeyError:
        return ""
    return "LibreOffice Calc" if b"LibreOffice" in meta or b"OpenOffice" in meta else ""


def _inline(element) -> str:
    parts = [element.text or ""]
    for child in element:
        if child.tag == f"{{{TEXT}}}s":
            parts.append(" " * int(child.get(f"{{{TEXT}}}c", "1")))
        elif child.tag == f"{{{TEXT}}}tab":
            parts.append("\t")
        elif child.tag == f"{{{TEXT}}}line-break":
            parts.append("\n")
        elif child.tag != _o("annotation"):
            parts.append(_inline(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _text(cell) -> str:
    """A string cell's text: its paragraphs, not its comments (office:annotation)."""
    return "\n".join(_inline(p) for p in cell.findall(f"{{{TEXT}}}p"))


def cell_value(cell, percentage: type, formula: type, reference: str) -> Any:
    """The cell as a Python value; `percentage` and `formula` build the reader's markers."""
    if cell.get(_t("formula")):
        return formula(reference, cell.get(_t("formula")).removeprefix("of:"))
    kind = cell.get(_o("value-type"))
    try:
        if kind in ("float", "currency"):
            return Decimal(cell.get(_o("value")))
        if kind == "percentage":
            return percentage(Decimal(cell.get(_o("value"))) * 100)
        if kind == "date":
            value = cell.get(_o("date-value"))
            return (
                dt.datetime.fromisoformat(value) if "T" in value else dt.date.fromisoformat(value)
            )
        if kind == "boolean":
            return cell.get(_o("boolean-value")) == "true"
    except (InvalidOperation, TypeError, ValueError):
        raise OdsError(f"cell {reference} holds a value that cannot be read") from None
    text = _text(cell).strip()
    return text or None


def _column_letter(index: int) -> str:
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _row_cells(row, number: int, percentage: type, formula: type) -> list[Any]:
    values: list[Any] = []
    for cell in row:
        if cell.tag not in (CELL, COVERED):
            continue
        repeat = int(cell.get(_t("number-columns-repeated"), "1"))
        reference = f"{_column_letter(len(values) + 1)}{number}"
        if (
            int(cell.get(_t("number-columns-spanned"), "1")) > 1
            or int(cell.get(_t("number-rows-spanned"), "1")) > 1
        ):
            raise Merged(reference)
        value = None if cell.tag == COVERED else cell_value(cell, percentage, formula, reference)
        if value is None:
            repeat = min(repeat, MAX_COLUMNS - len(values))
        values.extend([value] * max(repeat, 0))
    while values and values[-1] is None:
        values.pop()
    return values


def rows(
    archive: zipfile.ZipFile, sheet: str, percentage: type, formula: type
) -> Iterator[tuple[int, list[Any]]]:
    """(row number, values by column) of the named sheet's rows that hold anything."""
    number = 0
    inside = False
    try:
        with archive.open("content.xml") as stream:
            for event, element in iterparse(stream, events=("start", "end")):
                if element.tag == SHEET:
                    if event == "start":
                        inside = element.get(_t("name")) == sheet
                    elif inside:
                        return
                    continue
                if element.tag != ROW or event != "end":
                    continue
                if not inside:
                    element.clear()  # another sheet's row: keep nothing of it
                    continue
                repeat = int(element.get(_t("number-rows-repeated"), "1"))
                values = _row_cells(element, number + 1, percentage, formula)
                element.clear()
                if not values:
                    number += repeat
                    continue
                for _ in range(repeat):
                    number += 1
                    yield number, values
    except ParseError as error:
        raise OdsError(str(error)) from None
