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
NAME, FORMULA, VALUE_TYPE, VALUE = _t("name"), _t("formula"), _o("value-type"), _o("value")
REPEAT_COLUMNS, REPEAT_ROWS = _t("number-columns-repeated"), _t("number-rows-repeated")
SPANS = (_t("number-columns-spanned"), _t("number-rows-spanned"))


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
            for _event, element in iterparse(stream, events=("end",)):
                if element.tag == ROW:
                    element.clear()  # streamed: only the names are kept
                elif element.tag == SHEET:
                    names.append(element.get(NAME, ""))
                    element.clear()
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
    if cell.get(FORMULA):
        return formula(reference, cell.get(FORMULA).removeprefix("of:"))
    kind = cell.get(VALUE_TYPE)
    try:
        if kind in ("float", "currency"):
            return Decimal(cell.get(VALUE))
        if kind == "percentage":
            return percentage(Decimal(cell.get(VALUE)) * 100)
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
        if cell.tag != CELL and cell.tag != COVERED:
            continue
        attributes = cell.attrib
        repeat = int(attributes.get(REPEAT_COLUMNS, "1"))
        if not (attributes.get(VALUE_TYPE) or FORMULA in attributes or len(cell)) and not any(
            span in attributes for span in SPANS
        ):
            values.extend([None] * max(min(repeat, MAX_COLUMNS - len(values)), 0))
            continue  # empty, as most cells of a sheet are
        reference = f"{_column_letter(len(values) + 1)}{number}"
        if any(int(attributes.get(span, "1")) > 1 for span in SPANS):
            raise Merged(reference)
        value = None if cell.tag == COVERED else cell_value(cell, percentage, formula, reference)
        values.extend([value] * repeat)
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
                        inside = element.get(NAME) == sheet
                    elif inside:
                        return
                    continue
                if element.tag != ROW or event != "end":
                    continue
                if not inside:
                    element.clear()  # another sheet's row: keep nothing of it
                    continue
                repeat = int(element.get(REPEAT_ROWS, "1"))
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
