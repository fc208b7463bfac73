"""export_partnership reads each kind of record once, whatever the partnership's size."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from reporting.bundle import export_bundle, import_bundle

from .bundle_helpers import FIXTURES


def export_queries(folder) -> int:
    with CaptureQueriesContext(connection) as queries:
        export_bundle(folder)
    return len(queries.captured_queries)


def test_the_export_asks_the_same_queries_for_more_history(db, bundle_copy, tmp_path):
    import_bundle(FIXTURES / "call_over")  # 4 indicators × 8 quarters
    small = export_queries(tmp_path / "small")
    longer = bundle_copy("call_over")
    with (longer / "history.csv").open("a", encoding="utf-8") as history:
        for code in ("asb-incidents", "hate-incidents"):
            for quarter in ("2013/14-Q3", "2013/14-Q4", "2014/15-Q1", "2014/15-Q2"):
                history.write(f"{code},E06000017,{quarter},,25,\n")
    assert import_bundle(longer).written["history.csv"] == 8
    assert export_queries(tmp_path / "larger") == small


def test_the_export_of_a_partnership_is_a_few_queries(db, tmp_path, django_assert_max_num_queries):
    import_bundle(FIXTURES / "benchmarking")
    with django_assert_max_num_queries(25):
        export_bundle(tmp_path / "benchmarking")
