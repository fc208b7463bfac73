"""`import_partnership`: load a bundle folder all or nothing.

First every file is read and checked for what can be seen without the database (a
missing or malformed file, wrong headings, a bad layout) and the bundle is compared with
the partnership this portal already holds. Then, in one transaction, each file is loaded
in dependency order through the admin's own import code; the problems of every file are
collected, and any problem (or a dry run) rolls the whole transaction back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from indicators.models import Indicator, Outcome
from portal.models import Area, Organisation

from .. import layouts
from . import history, reference, tables
from .exporting import partnership_identity
from .files import (
    FILE_NAMES,
    FILES,
    FORMAT_VERSION,
    LAYOUTS,
    MANIFEST,
    BundleRefused,
    Problem,
    Sheet,
    read_csv,
    read_json,
)

SMALL_TABLES = {
    "definition_changes.csv": (
        tables.CHANGE_COLUMNS,
        {"indicator", "effective_from", "description"},
        tables.load_changes,
    ),
    "periods.csv": (
        tables.PERIOD_COLUMNS,
        {"quarter", "opens_on", "deadline"},
        tables.load_periods,
    ),
    "overrides.csv": (
        tables.OVERRIDE_COLUMNS,
        {"kind", "area", "quarter", "value", "reason"},
        tables.load_overrides,
    ),
}
# What a file's rows are keyed on, to name clashes with another partnership's data.
NATURAL_KEYS = {
    "organisations.csv": (Organisation, "slug"),
    "areas.csv": (Area, "code"),
    "outcomes.csv": (Outcome, "slug"),
    "indicators.csv": (Indicator, "code"),
}


@dataclass
class Report:
    """What an import did (or, in a dry run, would do): rows read per file, and the
    approved figures and comparator values written that the portal did not hold already."""

    counts: dict[str, int] = field(default_factory=dict)
    written: dict[str, int] = field(default_factory=dict)
    dry_run: bool = False


class _RollBack(Exception):
    def __init__(self, report: Report, problems: list[Problem]):
        self.report, self.problems = report, problems


def _columns(name: str) -> tuple[list[str], set[str]]:
    if name in reference.RESOURCES:
        resource = reference.RESOURCES[name]
        return reference.columns(name), set(resource._meta.import_id_fields)
    if name == "history.csv":
        return history.history_columns(), set(history.REQUIRED)
    if name == "comparator_values.csv":
        return history.value_columns(), set(history.VALUE_REQUIRED)
    columns, required, _ = SMALL_TABLES[name]
    return columns, required


def read_manifest(folder: Path) -> dict:
    path = folder / MANIFEST
    if not folder.is_dir():
        raise BundleRefused([Problem(str(folder), "There is no such folder.")])
    if not path.exists():
        raise BundleRefused([Problem(MANIFEST, "This required file is missing.")])
    manifest = read_json(path)
    if not isinstance(manifest, dict) or manifest.get("format") != "partnership-bundle":
        raise BundleRefused([Problem(MANIFEST, "This is not a partnership bundle's manifest.")])
    version = manifest.get("format_version")
    if version != FORMAT_VERSION:
        raise BundleRefused(
            [
                Problem(
                    MANIFEST,
                    f"The bundle is in format version {version}; this portal reads version "
                    f"{FORMAT_VERSION}. Export it again from a portal of the same version.",
                )
            ]
        )
    return manifest


def _listed(manifest: dict) -> tuple[set[str], list[Problem]]:
    files = manifest.get("files")
    if not isinstance(files, list) or not all(isinstance(f, dict) for f in files):
        return set(), [Problem(MANIFEST, '"files" must be a list of {"name": ...} entries.')]
    names = {f.get("name") for f in files}
    unknown = sorted(str(n) for n in names - set(FILE_NAMES))
    problems = [
        Problem(MANIFEST, f"Unknown bundle file '{n}' in the list of files.") for n in unknown
    ]
    return names, problems


def read_files(folder: Path, manifest: dict) -> tuple[dict[str, Sheet], list, list[Problem]]:
    """Every file read and checked for what shows without the database."""
    listed, problems = _listed(manifest)
    sheets: dict[str, Sheet] = {}
    items: list = []
    for spec in FILES:
        path = folder / spec.name
        if not path.exists():
            if spec.required or spec.name in listed:
                problems.append(Problem(spec.name, "This required file is missing."))
            continue
        try:
            if spec.name == LAYOUTS:
                items = read_json(path)
            else:
                sheets[spec.name] = read_csv(path, *_columns(spec.name))
        except BundleRefused as refused:
            problems += refused.problems
    problems += _layout_problems(items, sheets)
    return sheets, items, problems


def _layout_problems(items, sheets: dict[str, Sheet]) -> list[Problem]:
    if not isinstance(items, list):
        return [Problem(LAYOUTS, "The file must hold a list of layouts.")]
    codes = set(Indicator.objects.values_list("code", flat=True))
    if "indicators.csv" in sheets:
        codes |= {cells.get("code", "") for _line, cells in sheets["indicators.csv"].rows}
    problems = []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            problems.append(Problem(LAYOUTS, f"Layout {number} is not an object."))
            continue
        for message in layouts.validate_layout_data(item, codes):
            problems.append(Problem(LAYOUTS, message))
    return problems


def _bundle_root(manifest: dict, sheets: dict[str, Sheet]) -> str | None:
    areas = sheets.get("areas.csv")
    roots = [c["code"] for _l, c in areas.rows if not c.get("parent")] if areas else []
    return roots[0] if roots else (manifest.get("partnership") or {}).get("area_code")


def clashes(manifest: dict, sheets: dict[str, Sheet]) -> list[Problem]:
    """Refuse to load one partnership's bundle over another partnership's data."""
    here = partnership_identity()
    theirs = _bundle_root(manifest, sheets)
    if here["area_code"] is None or here["area_code"] == theirs:
        return []
    name = (manifest.get("partnership") or {}).get("name") or "the bundle's partnership"
    problems = [
        Problem(
            MANIFEST,
            f"This portal already holds the partnership of {here['area_name']} (area "
            f"{here['area_code']}); the bundle is {name} (area {theirs}). Load it into an "
            "empty portal: nothing was changed.",
        )
    ]
    for file_name, (model, key) in NATURAL_KEYS.items():
        sheet = sheets.get(file_name)
        wanted = {cells.get(key, "") for _line, cells in sheet.rows} if sheet else set()
        held = model.objects.filter(**{f"{key}__in": wanted}).values_list(key, flat=True)
        for value in sorted(held):
            problems.append(
                Problem(file_name, f"'{value}' already exists here, in the other partnership.")
            )
    return problems


def _load(folder: Path, sheets: dict[str, Sheet], items: list, actor) -> tuple[Report, list]:
    report = Report()
    counts = report.counts
    problems: list[Problem] = []
    for spec in FILES:
        name = spec.name
        if name == LAYOUTS:
            try:
                counts[name] = len(layouts.import_layouts(items))
            except layouts.LayoutError as error:
                problems += [Problem(LAYOUTS, str(m)) for m in error.messages]
            continue
        sheet = sheets.get(name)
        if sheet is None or not sheet.rows:
            counts[name] = 0
            continue
        if name in reference.RESOURCES:
            found = reference.load_table(sheet)
        elif name == "history.csv":
            report.written[name], found = history.load_history(folder / name, folder.name, actor)
        elif name == "comparator_values.csv":
            report.written[name], found = history.load_values(sheet)
        else:
            found = SMALL_TABLES[name][2](sheet)
        counts.setdefault(name, len(sheet.rows))
        problems += found
    return report, problems


def import_bundle(folder: Path, *, dry_run: bool = False, actor=None) -> Report:
    """Load the bundle in `folder`; raises BundleRefused, with nothing written, on a problem."""
    manifest = read_manifest(folder)
    sheets, items, problems = read_files(folder, manifest)
    problems += clashes(manifest, sheets)
    if problems:
        raise BundleRefused(problems)
    try:
        with transaction.atomic():
            report, problems = _load(folder, sheets, items, actor)
            if problems or dry_run:
                raise _RollBack(report, problems)
    except _RollBack as rolled_back:
        if rolled_back.problems:
            raise BundleRefused(rolled_back.problems) from None
        rolled_back.report.dry_run = True
        return rolled_back.report
    return report
