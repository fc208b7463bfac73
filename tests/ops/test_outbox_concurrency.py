"""Two outbox senders at once (two workers, or beat and a commit's wake-up) on PostgreSQL:
each email is claimed under SKIP LOCKED, so it is sent exactly once."""

from __future__ import annotations

import threading
import time

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.db import connection, connections

from portal import outbox
from portal.models import OutboxEmail

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL row locks: set DATABASE_URL=postgres://… to run",
    ),
]


def test_two_senders_at_once_send_each_email_exactly_once(transactional_db, monkeypatch):
    for n in range(6):
        outbox.add(f"person{n}@example.org.uk", f"Notice {n}", "body")
    sent: list[str] = []
    real_send = EmailMultiAlternatives.send

    def slow_send(self, *args, **kwargs):
        time.sleep(0.2)  # hold the row lock while the other sender looks
        sent.append(self.to[0])
        return real_send(self, *args, **kwargs)

    monkeypatch.setattr(EmailMultiAlternatives, "send", slow_send)
    barrier = threading.Barrier(2)
    counts: list[int] = []

    def sender():
        try:
            barrier.wait(timeout=10)
            counts.append(outbox.send_pending())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(sent) == sorted(f"person{n}@example.org.uk" for n in range(6))
    assert sum(counts) == 6 and len(mail.outbox) == 6
    assert not OutboxEmail.objects.unsent().exists()
    assert set(OutboxEmail.objects.values_list("attempts", flat=True)) == {1}
