"""Fixtures of the operations tests: a broker that is down, files in a private folder."""

from __future__ import annotations

import socket
from contextlib import contextmanager

import pytest
from kombu import pools as kombu_pools

from portal.celery import app as celery_app


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _reset_connections() -> None:
    """Forget every broker connection and producer, so the next send uses the new URL."""
    if celery_app._pool is not None:
        celery_app._pool.force_close_all()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    kombu_pools.reset()
    for cached in ("backend", "control"):
        celery_app.__dict__.pop(cached, None)


@contextmanager
def sending_to(url: str, settings):
    """This test process sends tasks to the broker at `url` (no longer eagerly)."""
    saved = {
        key: celery_app.conf[key] for key in ("task_always_eager", "broker_url", "result_backend")
    }
    settings.CELERY_BROKER_URL = url
    celery_app.conf.update(task_always_eager=False, broker_url=url, result_backend=url)
    _reset_connections()
    try:
        yield url
    finally:
        celery_app.conf.update(saved)
        _reset_connections()


@pytest.fixture
def broker_down(settings):
    """Celery configured for a Redis broker on a port where nothing listens."""
    with sending_to(f"redis://127.0.0.1:{free_port()}/0", settings) as url:
        yield url


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
