"""export_partnership and import_partnership from the shell."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from indicators.models import Indicator, SubmissionEvent

from .bundle_helpers import rewrite


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def bundle(db, bundle_copy):
    return bundle_copy("call_over")


def test_import_lists_what_it_read_and_wrote(bundle):
    out, _ = run("import_partnership", str(bundle))
    assert "indicators.csv: 4 rows\n" in out
    assert "history.csv: 32 rows, 32 new\n" in out
    assert f"Bundle {bundle} imported." in out
    assert Indicator.objects.count() == 4


def test_a_dry_run_says_nothing_was_written(bundle):
    out, _ = run("import_partnership", str(bundle), "--dry-run")
    assert "history.csv: 32 rows, 32 new\n" in out
    assert "Dry run: the bundle is good; nothing was written." in out
    assert not Indicator.objects.exists()


def test_a_refused_bundle_prints_each_problem_and_fails(bundle):
    rewrite(bundle / "history.csv", "2016/17-Q2,,260,", "2016/17-Q2,,lots,")
    with pytest.raises(CommandError, match=r"refused \(1 problem\); nothing was written"):
        err = io.StringIO()
        call_command("import_partnership", str(bundle), stdout=io.StringIO(), stderr=err)
    assert err.getvalue() == (
        "history.csv, row 9, column numerator: 'lots' is not a number. Write numbers as plain "
        "digits, like 1234 or 12.5.\n"
    )
    assert not Indicator.objects.exists()


def test_the_history_is_recorded_under_the_named_user(bundle):
    User.objects.create_user("analyst")
    run("import_partnership", str(bundle), "--user", "analyst")
    assert set(SubmissionEvent.objects.values_list("actor__username", flat=True)) == {"analyst"}


def test_an_unknown_user_is_refused_before_anything_is_read(bundle):
    with pytest.raises(CommandError, match="There is no user 'nobody'."):
        run("import_partnership", str(bundle), "--user", "nobody")


def test_a_folder_that_is_not_there_is_refused(db, tmp_path):
    with pytest.raises(CommandError):
        run("import_partnership", str(tmp_path / "missing"))


def test_export_writes_the_bundle_and_lists_its_files(bundle, tmp_path):
    run("import_partnership", str(bundle))
    out, _ = run("export_partnership", str(tmp_path / "out"))
    assert "indicators.csv: 4 rows\n" in out
    assert "history.csv: 32 rows\n" in out
    assert (tmp_path / "out" / "manifest.json").exists()
    # Exporting again over its own bundle is fine; over other files it is not.
    run("export_partnership", str(tmp_path / "out"))
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.txt").write_text("keep me")
    with pytest.raises(CommandError, match="already holds other files"):
        run("export_partnership", str(tmp_path / "other"))
