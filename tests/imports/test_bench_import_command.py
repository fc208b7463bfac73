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
