"""GET /health/: database, broker, storage and outbox, as JSON; 503 when any is failing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.models import OutboxEmail

pytestmark = pytest.mark.django_db


def test_a_healthy_server_answers_200_with_each_check(client):
    response = client.get(reverse("health"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert {k: v["ok"] for k, v in body.items() if k != "status"} == {
        "database": True,
        "broker": True,
        "storage": True,
        "outbox": True,
    }
    assert body["outbox"]["oldest_unsent_seconds"] is None
    assert response["Cache-Control"].startswith("max-age=0")


def test_an_email_waiting_too_long_makes_it_unhealthy(client, settings):
    settings.OUTBOX_MAX_AGE = 900
    OutboxEmail.objects.create(
        to="a@example.org.uk",
        subject="s",
        body="b",
        created_at=timezone.now() - dt.timedelta(minutes=20),
    )
    response = client.get(reverse("health"))
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "failing" and body["outbox"]["ok"] is False
    assert 1190 <= body["outbox"]["oldest_unsent_seconds"] <= 1300


def test_a_broker_that_is_down_makes_it_unhealthy_without_telling_secrets(
    client, settings, broker_down
):
    settings.CELERY_BROKER_URL = broker_down.replace("127.0.0.1", "user:s3cret@127.0.0.1")
    response = client.get(reverse("health"))
    assert response.status_code == 503
    text = response.content.decode()
    assert response.json()["broker"]["ok"] is False
    assert "s3cret" not in text and "127.0.0.1" not in text and settings.SECRET_KEY not in text
