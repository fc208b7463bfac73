"""`manage.py import_submissions`: the upload's checks and all-or-nothing from the shell."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from indicators.models import ImportBatch, Submission

from .helpers import csv_bytes, row


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("import_submissions", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def good_file(tmp_path):
    path = tmp_path / "return.csv"
    path.write_bytes(csv_bytes([row(area="E10000099", numerator="3000"), row(numerator="1000")]))
    return path


def test_it_imports_drafts(partnership, good_file):
    out, _ = run(str(good_file), "--organisation", "police-a")
    assert "Row 2: crime E10000099 new: numerator: — → 3000" in out
    assert (
        "Imported return.csv: 2 new, 0 changed, 0 unchanged, 0 left empty; saved as drafts." in out
    )
    assert set(Submission.objects.values_list("state", flat=True)) == {"draft"}


def test_it_submits_with_submit(partnership, good_file):
    out, _ = run(str(good_file), "--organisation", "police-a", "--submit", "--period", "2016/17-Q2")
    assert "2 submitted" in out
    assert set(Submission.objects.values_list("state", flat=True)) == {"submitted"}


def test_a_dry_run_saves_nothing(partnership, good_file):
    out, _ = run(str(good_file), "--organisation", "police-a", "--dry-run")
    assert "Dry run: 2 new, 0 changed, 0 unchanged, 0 left empty. Nothing was saved." in out
    assert not Submission.objects.exists()
    assert not ImportBatch.objects.exists()


def test_running_it_twice_changes_nothing_the_second_time(partnership, good_file):
    run(str(good_file), "--organisation", "police-a")
    out, _ = run(str(good_file), "--organisation", "police-a")
    assert "0 new, 0 changed, 2 unchanged" in out
    assert Submission.objects.count() == 2


def test_a_bad_file_exits_non_zero_with_the_error_list(partnership, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes([row(numerator="1,000"), row(code="survey", area="E10000099")]))
    err = StringIO()
    with pytest.raises(CommandError, match="bad.csv cannot be imported: 2 problem"):
        call_command(
            "import_submissions",
            str(path),
            "--organisation",
            "police-a",
            "--period",
            "2016/17-Q2",
            stderr=err,
            stdout=StringIO(),
        )
    assert err.getvalue().splitlines() == [
        "Row 2, column numerator: '1,000' has a thousands separator. Write it as 1000. Format "
        "the cell as a plain number, without a thousands separator.",
        "Row 3, column indicator_code: survey is reported by Council B, not Police A: you "
        "cannot import its figures.",
    ]
    assert not Submission.objects.exists()


def test_an_unreadable_file_exits_non_zero(partnership, tmp_path):
    path = tmp_path / "photo.xlsx"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    err = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_submissions",
            str(path),
            "--organisation",
            "police-a",
            "--period",
            "2016/17-Q2",
            stderr=err,
            stdout=StringIO(),
        )
    assert "not an Excel workbook" in err.getvalue()


def test_the_user_must_submit_for_the_organisation(partnership, good_file):
    with pytest.raises(CommandError, match="sub_b does not submit figures for Police A."):
        run(str(good_file), "--organisation", "police-a", "--user", "sub_b")
    with pytest.raises(CommandError, match="no organisation with the slug 'nope'"):
        run(str(good_file), "--organisation", "nope")
