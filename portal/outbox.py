"""The email outbox: write in the caller's transaction, send from the worker, once.

`add` is called inside the transaction that makes the change the email reports, so the
email exists if and only if the change committed. `send_pending` runs in the worker (beat
every minute, and woken after each commit): it claims one row at a time under
`select_for_update(skip_locked=True)`, sends it and stamps `sent_at` in that same
transaction, so two senders never send one row. A failed send leaves the row waiting with
its error for the next run.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

from .models import OutboxEmail

log = logging.getLogger(__name__)


def add(to: str, subject: str, body: str, html: str = "") -> OutboxEmail:
    """Queue one email; it is sent after the surrounding transaction commits."""
    return OutboxEmail.objects.create(to=to, subject=subject[:300], body=body, html=html)


def _send(email: OutboxEmail) -> None:
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
    )
    if email.html:
        message.attach_alternative(email.html, "text/html")
    message.send()


def _send_next(after_id: int) -> tuple[int, bool] | None:
    """Claim, send and stamp the oldest waiting email after `after_id`.

    Returns its id and whether it went, or None when nothing waits."""
    with transaction.atomic():
        email = (
            OutboxEmail.objects.unsent()
            .select_for_update(skip_locked=True)
            .filter(pk__gt=after_id)
            .order_by("pk")
            .first()
        )
        if email is None:
            return None
        email.attempts += 1
        try:
            _send(email)
        except Exception as error:  # the mail server's problem: keep the row, try next run
            log.warning("Outbox email %s not sent: %s", email.pk, error)
            email.last_error = str(error)[:1000]
            email.save(update_fields=["attempts", "last_error"])
            return email.pk, False
        email.sent_at = timezone.now()
        email.last_error = ""
        email.save(update_fields=["attempts", "last_error", "sent_at"])
        return email.pk, True


def send_pending(limit: int = 500) -> int:
    """Send waiting emails, oldest first, each tried at most once per run; how many went."""
    tried, sent, last = 0, 0, 0
    while tried < limit:
        claimed = _send_next(last)
        if claimed is None:
            break
        last, went = claimed
        tried, sent = tried + 1, sent + went
    return sent


def oldest_unsent_age(now: dt.datetime | None = None) -> dt.timedelta | None:
    """How long the oldest waiting email has waited (None when nothing waits)."""
    oldest = (
        OutboxEmail.objects.unsent()
        .order_by("created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    return None if oldest is None else (now or timezone.now()) - oldest
