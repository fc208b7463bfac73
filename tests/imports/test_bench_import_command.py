"""`manage.py bench_import`: prints both speeds, their ratio and peak memory; keeps nothing."""

from io import StringIO

from django.core.management import call_command

from indicators.models import ImportBatch, Indicator, Submission
from portal.models import Organisation


def test_it_prints_the_figures_and_leaves_nothing_behind(db):
    out = StringIO()
    call_command("bench_import", "--rows", "300", stdout=out)
    text = out.getvalue()
    assert "300 rows, CSV file" in text
    for label in (
        "portal import path:",
        "bare bulk_create:",
        "ratio (portal / bare):",
        "peak memory: tracemalloc",
        "process max RSS",
    ):
        assert label in text
    assert "Rolled back" in text
    assert not Submission.objects.exists()
    assert not Indicator.objects.exists()
    assert not Organisation.objects.exists()
    assert not ImportBatch.objects.exists()


def test_a_long_history_ends_with_the_last_quarter_that_is_over(db):
    # 300 quarters of one indicator and area: 75 years back from the last complete quarter.
    out = StringIO()
    call_command("bench_import", "--rows", "300", "--indicators", "1", "--areas", "1", stdout=out)
    assert "ratio (portal / bare):" in out.getvalue()


def test_the_import_limits_are_flags(db):
    out = StringIO()
    try:
        call_command("bench_import", "--rows", "300", "--max-rows", "100", stdout=out)
    except SystemExit as refused:
        assert "100" in str(refused)
    else:
        raise AssertionError("a file over --max-rows was imported")
