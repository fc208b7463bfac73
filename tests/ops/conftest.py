"""Fixtures of the operations tests: a broker that is down, files in a private folder."""

from __future__ import annotations

import socket

import pytest

from portal.celery import app as celery_app


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _reset_connections() -> None:
    if celery_app._pool is not None:
        celery_app._pool.force_close_all()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    if "backend" in celery_app.__dict__:
        del celery_app.__dict__["backend"]


@pytest.fixture
def broker_down(settings):
    """Celery configured for a Redis broker on a port where nothing listens."""
    url = f"redis://127.0.0.1:{free_port()}/0"
    saved = {
        key: celery_app.conf[key] for key in ("task_always_eager", "broker_url", "result_backend")
    }
    settings.CELERY_BROKER_URL = url
    celery_app.conf.update(task_always_eager=False, broker_url=url, result_backend=url)
    _reset_connections()
    yield url
    celery_app.conf.update(saved)
    _reset_connections()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
