"""The demo partnership exported as a bundle and imported into an empty portal."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest
from django.contrib.auth.models import User
from reporting_seed import COMPARE_SEED, SEED_COLUMNS, SEED_FOOTNOTES, SEED_PATH, SEED_ROWS

from indicators.columns import OPEN_DATA_COLUMNS
from indicators.models import (
    ComparatorMember,
    Indicator,
    Outcome,
    Override,
    PeerValue,
    ReportingPeriod,
    Submission,
    SubmissionEvent,
)
from indicators.resources import IndicatorResource
from portal.models import Area, Organisation, Population
from reporting import exports
from reporting.assembly import build_dashboard
from reporting.bundle import FILES, BundleRefused, export_bundle, import_bundle

from .bundle_helpers import empty_portal, rewrite


@pytest.fixture
def exported(db, demo_bundle):
    """The demo's bundle, and a freshly migrated portal to import it into."""
    return demo_bundle


def seed_dashboard():
    return build_dashboard(
        ReportingPeriod.objects.get_by_code("2016/17-Q2"), Area.objects.get(code="E10000018")
    )


def test_the_export_writes_every_file_and_a_manifest_saying_what_each_is(demo_bundle):
    assert sorted(p.name for p in demo_bundle.iterdir()) == sorted(
        [*(f.name for f in FILES), "manifest.json"]
    )
    manifest = json.loads((demo_bundle / "manifest.json").read_text())
    assert manifest["format_version"] == 1
    assert manifest["partnership"]["area_code"] == "E10000018"
    files = {f["name"]: f for f in manifest["files"]}
    assert files["indicators.csv"]["rows"] == 12
    assert files["areas.csv"]["rows"] == 8
    assert files["overrides.csv"]["rows"] == 1
    assert files["history.csv"]["about"] == "Approved figures in the open-data columns."


def test_the_history_file_has_the_open_data_columns_and_the_admin_formats(demo_bundle):
    history = (demo_bundle / "history.csv").read_text(encoding="utf-8-sig")
    assert next(csv.reader(io.StringIO(history))) == OPEN_DATA_COLUMNS
    indicators = (demo_bundle / "indicators.csv").read_text(encoding="utf-8-sig")
    assert next(csv.reader(io.StringIO(indicators))) == list(
        IndicatorResource().get_export_headers()
    )
    assert (demo_bundle / "indicators.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_the_demo_imported_into_an_empty_portal_gives_the_seed_dashboard(exported):
    assert not Indicator.objects.exists()
    import_bundle(exported)
    dashboard = seed_dashboard()
    assert dashboard.headings == SEED_COLUMNS
    assert dashboard.table() == SEED_ROWS
    assert dashboard.footnote_lines() == SEED_FOOTNOTES
    asb = Override.objects.get(kind="outcome_rag")
    assert "judges the outcome on track" in asb.reason


def test_every_kind_of_record_arrives_as_many_as_the_manifest_says(exported):
    import_bundle(exported)
    rows = {
        f["name"]: f["rows"] for f in json.loads((exported / "manifest.json").read_text())["files"]
    }
    assert rows["comparator_values.csv"] > 0
    assert PeerValue.objects.count() == rows["comparator_values.csv"]
    assert ComparatorMember.objects.count() == rows["comparator_members.csv"]
    assert Indicator.objects.exclude(comparator_group=None).count() > 0
    assert Submission.objects.count() == rows["history.csv"]
    assert ReportingPeriod.objects.count() == rows["periods.csv"]
    assert Population.objects.count() == rows["populations.csv"]


@pytest.mark.skipif(not COMPARE_SEED.exists(), reason=f"no seed comparison tool at {COMPARE_SEED}")
def test_the_imported_dashboard_passes_the_seed_comparison(exported, tmp_path):
    import_bundle(exported)
    out = tmp_path / "dashboard.csv"
    out.write_bytes(exports.dashboard_csv(seed_dashboard()))
    result = subprocess.run(
        [sys.executable, str(COMPARE_SEED), str(SEED_PATH), str(out)],
        capture_output=True,
        text=True,
    )
    assert "132/132 cells match the seed" in result.stdout, result.stdout


def test_importing_the_same_bundle_again_changes_nothing(exported):
    import_bundle(exported)
    before = (Submission.objects.count(), SubmissionEvent.objects.count(), Override.objects.count())
    report = import_bundle(exported)
    assert report.counts["history.csv"] > 600
    assert report.written["history.csv"] == 0  # every figure is held already
    after = (Submission.objects.count(), SubmissionEvent.objects.count(), Override.objects.count())
    assert after == before
    assert seed_dashboard().table() == SEED_ROWS


def test_imported_history_is_approved_version_1_with_an_event_naming_the_bundle(exported):
    importer = User.objects.create_user("analyst")
    import_bundle(exported, actor=importer)
    figures = Submission.objects.all()
    assert figures.count() == figures.filter(state="approved", version=1).count() > 600
    assert figures.filter(is_latest_approved=True).count() == figures.count()
    event = SubmissionEvent.objects.get(submission=figures.first())
    assert event.action == SubmissionEvent.Action.IMPORTED
    assert event.actor == importer
    assert event.comment == (
        "Approved figure imported from the partnership bundle file leicestershire/history.csv, "
        "by analyst."
    )


def test_without_a_user_the_events_say_bundle_import(exported):
    import_bundle(exported)
    comments = set(SubmissionEvent.objects.values_list("comment", flat=True))
    assert comments == {
        "Approved figure imported from the partnership bundle file leicestershire/history.csv, "
        "by partnership bundle import."
    }


def test_a_dry_run_checks_everything_and_writes_nothing(exported):
    report = import_bundle(exported, dry_run=True)
    assert report.dry_run
    assert report.counts["history.csv"] > 600
    assert not Organisation.objects.exists()
    assert not Submission.objects.exists()


def test_another_partnerships_bundle_is_refused_saying_what_clashes(exported, bundle_copy):
    import_bundle(exported)
    rutland = bundle_copy("call_over")
    rewrite(rutland / "indicators.csv", "hate-incidents,Reported", "hate-incidents,Reported")
    with pytest.raises(BundleRefused) as caught:
        import_bundle(rutland)
    assert [str(p) for p in caught.value.problems] == [
        "manifest.json: This portal already holds the partnership of Leicestershire (area "
        "E10000018); the bundle is Rutland Community Safety Partnership (area E06000017). Load "
        "it into an empty portal: nothing was changed.",
        "indicators.csv: 'hate-incidents' already exists here, in the other partnership.",
    ]
    assert not Area.objects.filter(code="E06000017").exists()
    assert Outcome.objects.count() == 5


def test_text_that_a_spreadsheet_would_run_is_quoted_and_reads_back_unchanged(
    db, bundle_copy, tmp_path
):
    import_bundle(bundle_copy("call_over"))
    Outcome.objects.filter(slug="safer-rutland").update(title="=HYPERLINK(1)")
    Indicator.objects.filter(code="asb-incidents").update(target="-5")
    export_bundle(tmp_path / "again")
    outcomes = (tmp_path / "again" / "outcomes.csv").read_text(encoding="utf-8-sig")
    assert "safer-rutland,'=HYPERLINK(1)," in outcomes
    indicators = (tmp_path / "again" / "indicators.csv").read_text(encoding="utf-8-sig")
    assert ",-5.0000," in indicators  # a number is data, never quoted
    empty_portal()
    import_bundle(tmp_path / "again")
    assert Outcome.objects.get(slug="safer-rutland").title == "=HYPERLINK(1)"
    assert str(Indicator.objects.get(code="asb-incidents").target) == "-5.0000"
