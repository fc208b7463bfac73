"""Large returns: all or nothing, and a number of queries that does not grow per row."""

from __future__ import annotations

import math

import pytest
from django.db import connection

from indicators.importing import ImportRefused, apply_return, preview_upload
from indicators.models import Indicator, Submission, SubmissionEvent
from portal.models import Area

from .helpers import csv_bytes, row


@pytest.fixture
def many(partnership):
    """100 count indicators of organisation A × 10 areas: 1,000 rows."""
    p = partnership
    areas = Area.objects.bulk_create(
        Area(name=f"Ward {n}", code=f"W{n:08d}", parent=p.county) for n in range(10)
    )
    indicators = Indicator.objects.bulk_create(
        Indicator(
            code=f"count-{n}",
            title=f"Count {n}",
            outcome=p.outcome,
            owner=p.org_a,
            unit=Indicator.Unit.COUNT,
            formula=Indicator.Formula.COUNT,
            aggregation=Indicator.Aggregation.SUM_OF_QUARTERS,
            polarity=Indicator.Polarity.LOWER_IS_BETTER,
            rag_method=Indicator.RagMethod.CONTEXTUAL,
        )
        for n in range(100)
    )
    Indicator.areas.through.objects.bulk_create(
        Indicator.areas.through(indicator_id=i.pk, area_id=a.pk) for i in indicators for a in areas
    )
    return [(i.code, a.code) for i in indicators for a in areas]


def rows_for(keys, bad_at=None):
    return [
        row(code=code, area=area, numerator="-1" if n == bad_at else str(n))
        for n, (code, area) in enumerate(keys)
    ]


def test_one_bad_row_among_1000_saves_nothing(partnership, many):
    p = partnership
    content = csv_bytes(rows_for(many, bad_at=637))
    batch, plan = preview_upload(content, "big.csv", p.org_a, p.open_period, p.submitter_a)
    assert plan.counts["new"] == 999 and plan.counts["error"] == 1
    assert batch.errors == ["Row 639, column numerator: A count must be a whole number, 0 or more."]
    with pytest.raises(ImportRefused):
        apply_return(batch, p.submitter_a)
    assert Submission.objects.count() == 0
    assert SubmissionEvent.objects.count() == 0


def test_a_failure_while_writing_rolls_every_row_back(partnership, many, monkeypatch):
    p = partnership
    batch, _ = preview_upload(
        csv_bytes(rows_for(many)), "big.csv", p.org_a, p.open_period, p.submitter_a
    )

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(SubmissionEvent.objects, "bulk_create", broken)
    with pytest.raises(RuntimeError):
        apply_return(batch, p.submitter_a)
    assert Submission.objects.count() == 0
    batch.refresh_from_db()
    assert batch.status == "previewed"


# Preview: 7 look-ups and the batch insert, whatever the number of rows. Confirm: the batch
# lock, the same look-ups with the rows locked, and the batch update; then the writes, which
# go in batches whose size the database sets (SQLite takes 999 parameters a query, so about
# 20 new submissions a query; PostgreSQL 500 rows a query). No query is made per row.
PREVIEW_QUERIES = 8
CONFIRM_LOOKUPS = 12
# The approvers' email goes into the outbox in the same transaction: the submissions and the
# approvers are read, and one row is written per approver (two here), whatever the rows.
OUTBOX_QUERIES = 4


def write_queries(model, rows: int, fields: list[str]) -> int:
    """Queries `bulk_create`/`bulk_update` need for `rows` rows on this database."""
    model_fields = [model._meta.get_field(f) for f in fields]
    size = min(500, connection.ops.bulk_batch_size(model_fields, [None] * rows))
    return math.ceil(rows / size)


def new_rows_bound(rows: int) -> int:
    submission_fields = [f.name for f in Submission._meta.concrete_fields if not f.primary_key]
    event_fields = [f.name for f in SubmissionEvent._meta.concrete_fields if not f.primary_key]
    return (
        CONFIRM_LOOKUPS
        + OUTBOX_QUERIES
        + write_queries(Submission, rows, submission_fields)
        + write_queries(SubmissionEvent, 3 * rows, event_fields)
    )


@pytest.mark.parametrize("size", [10, 1000])
def test_the_number_of_queries_does_not_grow_with_the_rows(
    partnership, many, size, django_assert_max_num_queries, django_assert_num_queries
):
    p = partnership
    content = csv_bytes(rows_for(many[:size]))
    with django_assert_num_queries(PREVIEW_QUERIES):
        batch, plan = preview_upload(
            content, "big.csv", p.org_a, p.open_period, p.submitter_a, submit=True
        )
    assert plan.counts["new"] == size
    bound = new_rows_bound(size)
    assert bound < size / 10 or size == 10  # batches, not rows
    with django_assert_max_num_queries(bound):
        apply_return(batch, p.submitter_a)
    assert Submission.objects.filter(state="submitted").count() == size
    assert SubmissionEvent.objects.count() == 3 * size  # created, imported, submitted


def test_changing_1000_drafts_needs_no_query_per_row(
    partnership, many, django_assert_max_num_queries
):
    p = partnership
    first, _ = preview_upload(
        csv_bytes(rows_for(many)), "big.csv", p.org_a, p.open_period, p.submitter_a
    )
    apply_return(first, p.submitter_a)
    changed = [{**r, "numerator": str(int(r["numerator"]) + 1)} for r in rows_for(many)]
    with django_assert_max_num_queries(PREVIEW_QUERIES):
        batch, plan = preview_upload(
            csv_bytes(changed), "big.csv", p.org_a, p.open_period, p.submitter_a
        )
    assert plan.counts["changed"] == 1000
    event_fields = [f.name for f in SubmissionEvent._meta.concrete_fields if not f.primary_key]
    updated = ["id", "id", "numerator", "row_version", "updated_at", "updated_by"]
    bound = (
        CONFIRM_LOOKUPS
        + write_queries(Submission, 1000, updated)
        + write_queries(SubmissionEvent, 1000, event_fields)
    )
    assert bound < 100
    with django_assert_max_num_queries(bound):
        apply_return(batch, p.submitter_a)
    assert Submission.objects.filter(numerator=1000).count() == 1
