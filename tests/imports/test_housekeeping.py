"""Unconfirmed uploads do not keep their files for ever; a late confirm says to upload again."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from indicators.import_tasks import EXPIRED, expire_import_previews
from indicators.importing import ImportRefused, apply_return, preview_upload
from indicators.models import ImportBatch, Submission

from .helpers import csv_bytes, row


def previewed(p, days_ago: int) -> ImportBatch:
    batch, _ = preview_upload(
        csv_bytes([row(area="E10000099", numerator="3000")]),
        "return.csv",
        p.org_a,
        p.open_period,
        p.submitter_a,
    )
    ImportBatch.objects.filter(pk=batch.pk).update(
        created_at=timezone.now() - dt.timedelta(days=days_ago)
    )
    batch.refresh_from_db()
    return batch


def test_a_preview_older_than_the_expiry_loses_its_file_and_cannot_be_confirmed(partnership):
    old, fresh = previewed(partnership, 8), previewed(partnership, 1)
    assert expire_import_previews() == 1
    old.refresh_from_db()
    assert (old.content, old.rows, old.status) == (b"", [], "invalid")
    with pytest.raises(ImportRefused) as refused:
        apply_return(old, partnership.submitter_a)
    assert refused.value.messages == [EXPIRED]
    assert not Submission.objects.exists()
    fresh.refresh_from_db()
    assert fresh.status == "previewed" and fresh.content
    apply_return(fresh, partnership.submitter_a)
    assert Submission.objects.get().numerator == 3000


def test_expiry_keeps_applied_batches_as_a_record(partnership):
    batch = previewed(partnership, 1)
    apply_return(batch, partnership.submitter_a)
    ImportBatch.objects.update(created_at=timezone.now() - dt.timedelta(days=30))
    assert expire_import_previews() == 0
    batch.refresh_from_db()
    assert batch.status == "applied" and batch.counts
