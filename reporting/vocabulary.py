"""The closed vocabulary of layout columns: which measures exist and what options each takes.

One place says what a valid column is, so the admin form, the JSON import (`layouts.py`)
and the assembly loop (`measures.py`) can never disagree. Nothing here reads the database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

WINDOWS = {
    "quarter": "the quarter on its own",
    "year_to_date": "from the start of the financial year to the quarter",
    "rolling_12_months": "the 12 months to the quarter",
    "financial_year": "the whole financial year the quarter falls in",
    "latest": "the latest approved value, with its own period label",
}
OFFSETS = {
    "current": "the dashboard's quarter",
    "previous_period": "the quarter before",
    "same_period_last_year": "the same quarter a year earlier",
    "previous_year": "the end of the previous financial year",
    "fy_q1": "Q1 of the dashboard's financial year (for quarters side by side)",
    "fy_q2": "Q2 of the dashboard's financial year",
    "fy_q3": "Q3 of the dashboard's financial year",
    "fy_q4": "Q4 of the dashboard's financial year",
}
CHANGE_KINDS = {"volume": "signed difference", "percent": "signed percentage change"}
DIRECTION_KINDS = {"polarity": "by the indicator's polarity and stable band", "none": "no arrow"}
RANK_ORDERS = {"best": "1 is the best", "lowest": "1 is the lowest", "highest": "1 is the highest"}
COMPARISON_SOURCES = {"nn": "nearest neighbours", "county": "county", "district": "district"}
GROUPINGS = {"outcome": "by outcome, with its overall RAG", "area": "by area", "none": "none"}

# measure → {option: kind}; kinds: "window", "offset", "column" (a value column's key),
# "change_kind", "direction_kind", "order", "source", "number".
MEASURES: dict[str, dict[str, str]] = {
    "outcome": {},
    "outcome_rag": {},
    "area": {},
    "indicator": {},
    "value": {"window": "window", "offset": "offset"},
    "change": {"from": "column", "to": "column", "kind": "change_kind"},
    "direction": {"from": "column", "to": "column", "kind": "direction_kind"},
    "rag": {"of": "column"},
    "target": {},
    "group_rank": {"of": "column", "order": "order"},
    "group_mean": {"of": "column"},
    "group_distance": {"of": "column"},
    "group_position": {"of": "column", "band": "number"},
    "typed_comparison": {"source": "source"},
    "district_rank": {"of": "column"},
    "commentary": {},
    "status": {},
}
REQUIRED = {
    "value": {"window"},
    "change": {"from", "to", "kind"},
    "direction": {"to"},
    "rag": {"of"},
    "group_rank": {"of"},
    "group_mean": {"of"},
    "group_distance": {"of"},
    "group_position": {"of"},
    "typed_comparison": {"source"},
    "district_rank": {"of"},
}
CHOICES = {
    "window": WINDOWS,
    "offset": OFFSETS,
    "change_kind": CHANGE_KINDS,
    "direction_kind": DIRECTION_KINDS,
    "order": RANK_ORDERS,
    "source": COMPARISON_SOURCES,
}
FORMAT_KEYS = {"thousands": bool, "decimals": int, "signed": bool, "markers": bool}
# Measures whose cell is a number, so a format applies.
NUMERIC = {"value", "change", "group_mean", "group_distance"}
# Heading placeholders, filled from the quarter and the column's own window.
PLACEHOLDERS = {
    "fy": "the column's financial year, dashed: 2015-16",
    "fy_slash": "the column's financial year: 2015/16",
    "quarter": "the column's quarter: Q2 2016/17",
    "months": "the months the column covers: Oct 2015-Sep 2016",
    "period": "the dashboard's quarter: Quarter 2, 2016/17",
    "year": "the dashboard's financial year: 2016/17",
}
KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
PLACEHOLDER_RE = re.compile(r"{([^{}]*)}")


def _choice_errors(where: str, name: str, kind: str, value, keys: Mapping[str, str]) -> list[str]:
    if kind == "column":
        if value not in keys:
            return [f"{where}: option '{name}' names column '{value}', which is not in the layout."]
        if keys[value] != "value":
            return [
                f"{where}: option '{name}' must name a value column; '{value}' is a "
                f"{keys[value]} column."
            ]
        return []
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            return [f"{where}: option '{name}' must be a number, 0 or more."]
        return []
    allowed = CHOICES[kind]
    if value not in allowed:
        return [f"{where}: unknown {name} '{value}'; choose one of {', '.join(sorted(allowed))}."]
    return []


def column_errors(column: Mapping, keys: Mapping[str, str]) -> list[str]:
    """What is wrong with one column; `keys` maps every column key in the layout to its measure."""
    key = column.get("key", "")
    where = f"Column '{key}'"
    measure = column.get("measure")
    if measure not in MEASURES:
        return [f"{where}: unknown measure '{measure}'; choose one of {', '.join(MEASURES)}."]
    errors = []
    options = column.get("options") or {}
    if not isinstance(options, Mapping):
        return [f"{where}: options must be an object."]
    allowed = MEASURES[measure]
    for name in sorted(set(options) - set(allowed)):
        errors.append(f"{where}: the {measure} measure takes no option '{name}'.")
    for name in sorted(REQUIRED.get(measure, set()) - set(options)):
        errors.append(f"{where}: the {measure} measure needs the option '{name}'.")
    for name, value in options.items():
        if name in allowed:
            errors.extend(_choice_errors(where, name, allowed[name], value, keys))
    if measure == "direction" and options.get("from") == options.get("to") is not None:
        errors.append(f"{where}: a direction compares two different columns.")
    errors.extend(_format_errors(where, column.get("format") or {}))
    errors.extend(heading_errors(where, column.get("heading", "")))
    return errors


def _format_errors(where: str, fmt) -> list[str]:
    if not isinstance(fmt, Mapping):
        return [f"{where}: format must be an object."]
    errors = []
    for name, value in fmt.items():
        kind = FORMAT_KEYS.get(name)
        if kind is None:
            errors.append(f"{where}: unknown format setting '{name}'.")
        elif (
            kind is int
            and value is not None
            and (isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 4)
        ):
            errors.append(f"{where}: decimals must be a whole number from 0 to 4, or empty.")
        elif kind is bool and not isinstance(value, bool):
            errors.append(f"{where}: format setting '{name}' must be true or false.")
    return errors


def heading_errors(where: str, heading: str) -> list[str]:
    if not isinstance(heading, str) or not heading.strip():
        return [f"{where}: give the column a heading."]
    unknown = [p for p in PLACEHOLDER_RE.findall(heading) if p not in PLACEHOLDERS]
    if unknown:
        return [
            f"{where}: unknown placeholder {{{unknown[0]}}} in the heading; use "
            + ", ".join(f"{{{p}}}" for p in PLACEHOLDERS)
            + "."
        ]
    return []


def columns_errors(columns: Iterable[Mapping]) -> list[str]:
    """Every problem with a layout's columns: keys, measures, options and operands."""
    columns = list(columns)
    errors: list[str] = []
    keys: dict[str, str] = {}
    for position, column in enumerate(columns, start=1):
        key = column.get("key", "")
        if not isinstance(key, str) or not KEY_RE.match(key):
            errors.append(
                f"Column {position}: key '{key}' must start with a letter and use only "
                "lower-case letters, digits and _ (at most 40)."
            )
        elif key in keys:
            errors.append(f"Column {position}: key '{key}' is used twice.")
        else:
            keys[key] = column.get("measure", "")
    if not columns:
        errors.append("A layout needs at least one column.")
    for column in columns:
        errors.extend(column_errors(column, keys))
    return errors
