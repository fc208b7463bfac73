"""Bad bundles are refused with every problem named (file, row, column) and nothing written."""

from __future__ import annotations

import json

import pytest

from indicators.models import (
    DefinitionChange,
    Indicator,
    IndicatorTarget,
    Override,
    ReportingPeriod,
    Submission,
)
from portal.models import Area, Organisation
from reporting.bundle import BundleRefused, import_bundle
from reporting.models import Layout

from .bundle_helpers import rewrite


def refused(folder) -> list[str]:
    with pytest.raises(BundleRefused) as caught:
        import_bundle(folder)
    return [str(problem) for problem in caught.value.problems]


def nothing_written() -> None:
    assert not Organisation.objects.exists()
    assert not Area.objects.exists()
    assert not Indicator.objects.exists()
    assert not Submission.objects.exists()
    assert not Layout.objects.filter(slug="call-over").exists()


def edit_layout(folder, change) -> None:
    path = folder / "layouts.json"
    items = json.loads(path.read_text(encoding="utf-8"))
    change(items[0])
    path.write_text(json.dumps(items), encoding="utf-8")


@pytest.fixture
def bundle(db, bundle_copy):
    return bundle_copy("call_over")


def test_the_good_bundle_loads(bundle):
    report = import_bundle(bundle)
    assert report.counts["history.csv"] == 32
    assert Indicator.objects.count() == 4
    assert IndicatorTarget.objects.get(indicator__code="repeat-victims").high == 35


def test_a_change_between_columns_that_do_not_exist_is_refused(bundle):
    def add_change(layout):
        layout["columns"].append(
            {
                "key": "change",
                "heading": "Change",
                "measure": "change",
                "options": {"from": "last_quarter", "to": "latest", "kind": "volume"},
            }
        )

    edit_layout(bundle, add_change)
    assert refused(bundle) == [
        "layouts.json: Layout 'call-over': Column 'change': option 'from' names column "
        "'last_quarter', which is not in the layout."
    ]
    nothing_written()


def test_an_unknown_measure_is_refused(bundle):
    edit_layout(bundle, lambda layout: layout["columns"][5].update(measure="traffic_light"))
    (problem,) = refused(bundle)
    assert problem.startswith(
        "layouts.json: Layout 'call-over': Column 'rag': unknown measure 'traffic_light'"
    )
    nothing_written()


def test_an_unknown_window_is_refused(bundle):
    edit_layout(bundle, lambda layout: layout["columns"][2]["options"].update(window="decade"))
    (problem,) = refused(bundle)
    assert problem.startswith(
        "layouts.json: Layout 'call-over': Column 'latest': unknown window 'decade'"
    )
    nothing_written()


def test_an_unknown_indicator_code_is_named_with_its_file_row_and_column(bundle):
    rewrite(
        bundle / "history.csv", "hate-incidents,E06000017,2016/17-Q2", "hate,E06000017,2016/17-Q2"
    )
    rewrite(bundle / "indicator_targets.csv", "victim-satisfaction,2016", "satisfaction,2016")
    assert refused(bundle) == [
        "indicator_targets.csv, row 3, column indicator: There is no indicator 'satisfaction' "
        "in the bundle or portal.",
        "history.csv, row 33, column indicator_code: There is no indicator with the code 'hate'.",
    ]
    nothing_written()


def test_every_bad_cell_of_a_reference_file_is_listed(bundle):
    rewrite(
        bundle / "indicators.csv",
        "safer-rutland,rutland-police,E06000017,count",
        "safer,rutland-police,E06000017,tally",
    )
    problems = refused(bundle)
    assert problems[:2] == [
        "indicators.csv, row 2, column outcome: There is no outcome 'safer' in the bundle or "
        "portal.",
        "indicators.csv, row 2, column unit: Value 'tally' is not a valid choice.",
    ]
    # The files loaded after it name what they miss for want of that row.
    assert problems[2] == (
        "indicator_targets.csv, row 2, column indicator: There is no indicator "
        "'asb-incidents' in the bundle or portal."
    )
    nothing_written()


def test_a_malformed_csv_is_refused(bundle):
    rewrite(bundle / "areas.csv", "E06000017,Rutland,", 'E06000017,"Rutland,')
    assert refused(bundle) == ["areas.csv, row 2: The CSV is malformed: unexpected end of data."]
    nothing_written()


def test_a_row_with_a_cell_too_many_is_refused(bundle):
    rewrite(bundle / "outcomes.csv", "A safer Rutland,1", "A safer, Rutland,1")
    assert refused(bundle) == [
        "outcomes.csv, row 2: The row has 4 cells but the heading row has 3: a comma or quote "
        "is out of place."
    ]
    nothing_written()


def test_an_unknown_or_missing_heading_is_refused(bundle):
    rewrite(bundle / "indicator_targets.csv", "indicator,year,low", "indicator,yr,low")
    assert refused(bundle) == [
        "indicator_targets.csv, row 1, column year: This required column is missing.",
        "indicator_targets.csv, row 1, column yr: Unknown column; the columns are: indicator, "
        "year, low, high, tolerance, note.",
    ]
    nothing_written()


def test_a_missing_required_file_is_refused(bundle):
    (bundle / "indicators.csv").unlink()
    assert refused(bundle)[0] == "indicators.csv: This required file is missing."
    nothing_written()


def test_a_file_the_manifest_lists_must_be_there(bundle):
    (bundle / "indicator_targets.csv").unlink()
    assert refused(bundle) == ["indicator_targets.csv: This required file is missing."]
    nothing_written()


def test_a_folder_without_a_manifest_is_not_a_bundle(bundle):
    (bundle / "manifest.json").unlink()
    assert refused(bundle) == ["manifest.json: This required file is missing."]


def test_a_bundle_of_a_newer_format_is_refused(bundle):
    rewrite(bundle / "manifest.json", '"format_version": 1', '"format_version": 2')
    (problem,) = refused(bundle)
    assert "format version 2; this portal reads version 1" in problem


def test_bad_json_is_refused_with_its_line(bundle):
    rewrite(bundle / "layouts.json", '"slug": "call-over",', '"slug": "call-over"')
    (problem,) = refused(bundle)
    assert problem.startswith("layouts.json, line 4: The JSON is malformed: Expecting ','")
    nothing_written()


def test_a_bad_row_late_in_the_history_rolls_back_every_file(bundle):
    rewrite(
        bundle / "history.csv",
        "repeat-victims,E06000017,2016/17-Q2,,37,100",
        "repeat-victims,E06000017,2016/17-Q2,,137,100",
    )
    assert refused(bundle) == [
        "history.csv, row 25, column numerator: The numerator cannot be more than the denominator."
    ]
    nothing_written()


def test_a_bad_comparator_value_is_named_with_its_row_and_nothing_is_written(db, bundle_copy):
    folder = bundle_copy("benchmarking")
    rewrite(
        folder / "comparator_values.csv",
        "crime-rate,2016/17-Q4,Eden,",
        "crime-rate,2016/17-Q4,Eton,",
    )
    rewrite(
        folder / "comparator_values.csv",
        "burglary-rate,2016/17-Q4,Cotswold,",
        "burglary-rate,2016/17-Q4,Rutland,",
    )
    problems = refused(folder)
    assert problems[0] == (
        "comparator_values.csv, row 4, column member: 'Eton' is not a member of Rutland most "
        "similar group (as at 1 Apr 2016)."
    )
    assert problems[1].startswith(
        "comparator_values.csv, row 30, column member: Rutland is this partnership"
    )
    assert len(problems) == 2
    assert not Indicator.objects.exists()


def test_a_yes_or_no_cell_that_is_neither_is_refused_not_read_as_no(db, bundle_copy):
    folder = bundle_copy("benchmarking")
    rewrite(folder / "comparator_members.csv", "Rutland,yes", "Rutland,perhaps")
    problems = refused(folder)
    assert problems[0] == (
        "comparator_members.csv, row 2, column is_self: 'perhaps' is not yes or no. Write "
        "yes, or leave the cell empty for no."
    )
    assert not Indicator.objects.exists()


def test_breaks_in_series_periods_and_overrides_load_and_their_bad_cells_are_named(bundle):
    (bundle / "definition_changes.csv").write_text(
        "indicator,effective_from,description\n"
        "asb-incidents,2016-04-01,Incidents recorded under the new national standard\n",
        encoding="utf-8",
    )
    (bundle / "periods.csv").write_text(
        "quarter,opens_on,deadline,closes_on,closed\n2016/17-Q2,2016-10-01,2016-11-10,,yes\n",
        encoding="utf-8",
    )
    (bundle / "overrides.csv").write_text(
        "kind,indicator,outcome,area,quarter,value,reason\n"
        "rag,hate-incidents,,E06000017,2016/17-Q2,G,Reporting is up because confidence is up.\n"
        "rag,hate-incidents,,E06000017,2016/17-Q1,purple,\n",
        encoding="utf-8",
    )
    assert refused(bundle) == [
        "overrides.csv, row 3, column reason: This cell is required.",
    ]
    nothing_written()
    rewrite(bundle / "overrides.csv", "2016/17-Q1,purple,\n", "2016/17-Q1,purple,Because.\n")
    assert refused(bundle) == [
        "overrides.csv, row 3, column value: Choose one of: A, G, R, n/a.",
    ]
    rewrite(bundle / "overrides.csv", "purple", "A")
    import_bundle(bundle)
    change = DefinitionChange.objects.get()
    assert (change.indicator.code, change.effective_from.isoformat()) == (
        "asb-incidents",
        "2016-04-01",
    )
    period = ReportingPeriod.objects.get_by_code("2016/17-Q2")
    assert (period.deadline.isoformat(), period.closed_at is not None) == ("2016-11-10", True)
    assert dict(Override.objects.values_list("period__quarter", "value")) == {2: "G", 1: "A"}
