"""One task through a real Celery worker on Redis (scripts/test_worker.sh starts it).

The worker and this test share the PostgreSQL test database, so the test commits its data
(transactional_db) and checks what the worker wrote: the review digest's ReminderLog rows.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings

from indicators import tasks
from indicators.models import ReminderLog

from .helpers import make_submission

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.skipif(
        not settings.CELERY_BROKER_URL,
        reason="no Celery broker configured (set CELERY_BROKER_URL and start a worker: "
        "bash scripts/test_worker.sh)",
    ),
]


def test_a_worker_sends_the_review_digest_once(transactional_db, partnership):
    p = partnership
    make_submission(p, "submitted")
    day = dt.date(2016, 11, 14).isoformat()

    sent = tasks.send_review_digest.delay(day).get(timeout=60)
    again = tasks.send_review_digest.delay(day).get(timeout=60)

    assert (sent, again) == (2, 0)  # two approvers, then nothing twice
    logged = ReminderLog.objects.filter(stage="digest", sent_on=dt.date(2016, 11, 14))
    assert sorted(logged.values_list("recipient__username", flat=True)) == [
        "approver",
        "approver2",
    ]
