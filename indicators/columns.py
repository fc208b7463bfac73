"""The long-format columns of published values: the open-data CSV and the historic import.

One list, so the open data exported by one portal loads into another unchanged. The data
status and the typed comparisons are read and written here too, once for every file.
"""

from __future__ import annotations

from typing import Any

from .import_files import CellError, parse_decimal, parse_flag, parse_text

# The typed comparisons of a submission; each column is named after its model field.
COMPARISON_COLUMNS = [
    f"{prefix}_{part}"
    for prefix in ("nn", "county", "district")
    for part in ("rank", "of", "band", "not_benchmarked")
]

OPEN_DATA_COLUMNS = [
    "indicator_code",
    "indicator_title",
    "area_code",
    "area_name",
    "quarter",  # 2016/17-Q2
    "figure",  # the figure this quarter's values give on their own (read-only on import)
    "value",
    "numerator",
    "denominator",
    "unit",
    "covered_start",  # ISO dates; blank when the value covers the quarter itself
    "covered_end",
    "covered_label",
    "nil_return",  # yes / no
    "provisional",
    "estimated",
    "footnote",
    "revision",  # the submission's version number
    "status",  # figure / not_yet_available / no_new_data; blank reads as figure
    *COMPARISON_COLUMNS,  # nn_rank 3, nn_of 9, nn_band Top, nn_not_benchmarked yes ("-")
]

# Every spelling a person may type for each data status, folded to lower case.
STATUS_WORDS = {
    "figure": "figure",
    "figure supplied": "figure",
    "not_yet_available": "not_yet_available",
    "not yet available": "not_yet_available",
    "no_new_data": "no_new_data",
    "no new data": "no_new_data",
    "no new data published": "no_new_data",
}
STATUS_HELP = "Write figure, not yet available or no new data published (or leave it empty)."


def parse_status(value: Any) -> str | None:
    """A status cell as its stored key; None when the cell is empty."""
    text = "" if value is None else " ".join(str(value).split()).lower()
    if not text:
        return None
    if text not in STATUS_WORDS:
        raise CellError(f"'{value}' is not a data status. {STATUS_HELP}")
    return STATUS_WORDS[text]


def status_and_comparison_cells(submission) -> dict[str, Any]:
    """The status and comparison columns of one submission, as the files write them."""
    cells: dict[str, Any] = {"status": submission.status}
    for column in COMPARISON_COLUMNS:
        value = getattr(submission, column)
        if isinstance(value, bool):
            value = "yes" if value else "no"
        cells[column] = "" if value is None else value
    return cells


BANDS = {"top": "Top", "average": "Average", "bottom": "Bottom"}


def _rank(value: Any) -> int | None:
    number = parse_decimal(value)
    if number is None:
        return None
    if number < 1 or number != number.to_integral() or number > 32767:
        raise CellError(f"'{value}' is not a rank: write a whole number, 1 or more.")
    return int(number)


def _band(value: Any) -> str:
    text = parse_text(value, 20)
    if text and text.lower() not in BANDS:
        raise CellError(
            f"'{text}' is not a band. Write Top, Average or Bottom (or leave it empty)."
        )
    return BANDS.get(text.lower(), "")


def read_comparisons(cells: dict[str, Any]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """The comparison columns of a row as field values, and (column, message) for each error."""
    readers = {"rank": _rank, "of": _rank, "band": _band, "not_benchmarked": parse_flag}
    data: dict[str, Any] = {}
    errors: list[tuple[str, str]] = []
    for column in COMPARISON_COLUMNS:
        try:
            data[column] = readers[column.split("_", 1)[1]](cells.get(column))
        except CellError as error:
            errors.append((column, str(error)))
    for prefix in ("nn", "county", "district"):
        rank, of = data.get(f"{prefix}_rank"), data.get(f"{prefix}_of")
        if rank is not None and of is not None and rank > of:
            errors.append(
                (f"{prefix}_rank", f"A rank of {rank} cannot be more than {of} compared.")
            )
    return data, errors
