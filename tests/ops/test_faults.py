"""Faults with real processes: a worker killed mid-export, Redis stopped, PostgreSQL
connections dropped, and two app servers sharing object storage.

Each test starts what it needs (a private Redis on 6390-6399, Celery workers, gunicorn, a
moto S3 server) against the PostgreSQL test database, and stops it all. They take about a
minute each, so `make test` leaves them to scripts/test_worker.sh (PORTAL_FAULT_TESTS=1).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import psycopg
import pytest
import requests
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.urls import reverse
from workflow.helpers import make_submission

from portal.celery import app as celery_app
from portal.models import OutboxEmail
from reporting.models import ExportJob

from . import processes
from .conftest import sending_to
from .processes import database_url, free_port, wait_until
from .sent_tasks import sent_task_names

pytestmark = [
    pytest.mark.faults,
    pytest.mark.skipif(
        os.environ.get("PORTAL_FAULT_TESTS") != "1",
        reason="starts Redis, workers and servers: run by scripts/test_worker.sh",
    ),
]


@pytest.fixture
def logs(tmp_path) -> Path:
    folder = tmp_path / "logs"
    folder.mkdir()
    return folder


@pytest.fixture
def redis_server(logs):
    assert connection.vendor == "postgresql", "the fault tests need DATABASE_URL=postgres://…"
    port = free_port(range(6390, 6400))
    server = processes.redis(port, logs).start()
    wait_until(lambda: not processes.port_is_free(port), 30, "Redis to listen")
    yield server, port
    server.kill()


@pytest.fixture
def broker(redis_server, settings):
    """This test process sends to the private Redis."""
    with sending_to(f"redis://127.0.0.1:{redis_server[1]}/0", settings) as url:
        yield url


@pytest.fixture
def env(transactional_db, broker, settings, tmp_path) -> dict[str, str]:
    """What every process we start shares: the test database, the broker, fast timings."""
    return {
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": broker,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "EMAIL_URL": f"filemail:///{tmp_path / 'mail'}",  # environ drops one "/"
        "CELERY_VISIBILITY_TIMEOUT": "5",
        "CELERY_UNACKED_RESTORE_INTERVAL": "1",
        "OUTBOX_SEND_INTERVAL": "2",
        "DEBUG": "1",
        "LOG_LEVEL": "INFO",
    }


@pytest.fixture
def started(logs):
    """Start processes through this; whatever is still running at the end is killed."""
    running: list[processes.Process] = []

    def start(process: processes.Process, ready: str | None = None) -> processes.Process:
        running.append(process.start())
        if ready:
            wait_until(lambda: ready in process.output(), 120, f"{process.name}: {ready!r}")
        return process

    yield start
    for process in reversed(running):
        process.kill()


def exported_files(settings) -> list[str]:
    folder = Path(settings.MEDIA_ROOT) / "exports"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_a_worker_killed_mid_export_is_redelivered_and_makes_the_file_once(
    partnership, env, logs, started, client, settings
):
    p = partnership
    first = started(processes.worker("first", env, logs), ready="ready.")
    # Hold the export inside its build: the worker claims the job, then waits on this lock.
    lock = psycopg.connect(database_url())
    try:
        lock.execute("LOCK TABLE indicators_submission IN ACCESS EXCLUSIVE MODE")
        client.force_login(p.viewer)
        url = reverse("reporting:committee_export", args=[p.open_period.code, p.county.code, "csv"])
        assert client.post(url).status_code == 302
        job = ExportJob.objects.get()
        wait_until(lambda: ExportJob.objects.get().status == "running", 60, "the job to start")
        first.kill()  # SIGKILL to the worker and its pool, mid-export
    finally:
        lock.rollback()  # never leave the table locked, or the test database cannot be reset
        lock.close()
    started(processes.worker("second", env, logs), ready="ready.")

    wait_until(lambda: ExportJob.objects.get().status == "done", 120, "the redelivered export")
    time.sleep(3)  # a duplicate delivery would show as a third attempt or a second file
    job.refresh_from_db()
    assert job.attempts == 2
    assert exported_files(settings) == [f"{job.token}-{job.filename}"]


def sent_mail(folder: Path) -> list[str]:
    """The recipients of every message the worker's file email backend wrote."""
    if not folder.exists():
        return []
    return sorted(
        line.removeprefix("To: ").strip()
        for path in folder.iterdir()
        for line in path.read_text().splitlines()
        if line.startswith("To: ")
    )


def test_with_redis_stopped_submit_and_approve_answer_at_once_and_mail_follows_once(
    partnership, redis_server, env, logs, started, client, tmp_path
):
    p = partnership
    started(processes.worker("worker", env, logs, beat=True), ready="ready.")
    server, port = redis_server
    draft = make_submission(p, "draft", numerator=None)
    waiting = make_submission(p, "submitted", area=p.district_1)
    server.kill()  # the broker goes away

    client.force_login(p.submitter_a)
    began = time.monotonic()
    submit = client.post(
        reverse("indicators:submission_edit", args=[draft.pk]),
        {"row_version": draft.row_version, "action": "submit", "numerator": "3000"},
    )
    client.force_login(p.approver)
    approve = client.post(
        reverse("indicators:submission_approve", args=[waiting.pk]),
        {"row_version": waiting.row_version},
    )
    assert time.monotonic() - began < 6  # both actions, not 19 s each
    assert submit.status_code == approve.status_code == 302
    assert client.get(approve.url).status_code == 200
    assert OutboxEmail.objects.unsent().count() == 3  # two approvers, one submitter

    started(processes.redis(port, logs), None)  # the broker is back; beat sends the outbox
    wait_until(lambda: not OutboxEmail.objects.unsent().exists(), 120, "the outbox to empty")
    time.sleep(5)  # several more sender runs: nothing is sent twice
    assert sent_mail(tmp_path / "mail") == [
        "approver2@example.org.uk",
        "approver@example.org.uk",
        "sub_a@example.org.uk",
    ]


def other_backends(cursor) -> list[int]:
    cursor.execute(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
        "AND pid <> pg_backend_pid() AND pid <> %s",
        [connection.cursor().connection.info.backend_pid],
    )
    return [row[0] for row in cursor.fetchall()]


def test_after_postgresql_drops_the_connection_the_next_request_recovers(env, logs, started):
    port = free_port()
    app_env = {**env, "CELERY_BROKER_URL": ""}
    started(processes.gunicorn("app", port, app_env, logs), ready="Booting worker")
    health = f"http://127.0.0.1:{port}/health/"
    assert wait_until(lambda: requests.get(health, timeout=5).status_code == 200, 60, "the app")
    with psycopg.connect(database_url(), autocommit=True) as admin, admin.cursor() as cursor:
        kept = other_backends(cursor)
        assert len(kept) == 1  # CONN_MAX_AGE: the app keeps its connection between requests
        cursor.execute("SELECT pg_terminate_backend(%s)", kept)
    response = requests.get(health, timeout=10)
    assert response.status_code == 200 and response.json()["database"] == {"ok": True}


def signed_in(user) -> dict[str, str]:
    """Cookies of a session for `user` in the shared database (any app server accepts it)
    and a CSRF token to send back in the X-CSRFToken header."""
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return {"sessionid": session.session_key, "csrftoken": "c" * 32}


def test_an_export_prepared_through_one_server_downloads_through_another(
    partnership, env, logs, started, tmp_path
):
    import boto3

    s3_port = free_port()
    started(
        processes.Process(
            "moto",
            [str(processes.BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(s3_port)],
            {},
            logs,
        )
    )
    endpoint = f"http://127.0.0.1:{s3_port}"
    wait_until(lambda: requests.get(endpoint, timeout=2).ok, 60, "the S3 server")
    keys = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
    boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    ).create_bucket(Bucket="portal-files")
    shared = {
        **env,
        **keys,
        "STORAGE_URL": f"s3://portal-files/files?endpoint_url={endpoint}&region_name=us-east-1",
    }
    one, two = free_port(), free_port()
    for name, port in (("one", one), ("two", two)):
        folder = tmp_path / name
        started(
            processes.gunicorn(name, port, {**shared, "MEDIA_ROOT": str(folder)}, logs),
            ready="Booting worker",
        )
    worker_env = {**shared, "MEDIA_ROOT": str(tmp_path / "worker")}
    started(processes.worker("worker", worker_env, logs), ready="ready.")
    p = partnership
    cookies = signed_in(p.viewer)
    path = reverse("reporting:committee_export", args=[p.open_period.code, p.county.code, "csv"])
    wait_until(lambda: requests.get(f"http://127.0.0.1:{one}/health/", timeout=5).ok, 60, "one")
    started_export = requests.post(
        f"http://127.0.0.1:{one}{path}",
        cookies=cookies,
        headers={"X-CSRFToken": cookies["csrftoken"]},
        allow_redirects=False,
        timeout=30,
    )
    assert started_export.status_code == 302, started_export.text[:500]
    job = ExportJob.objects.get()
    wait_until(lambda: ExportJob.objects.get().status == "done", 120, "the export")

    download = requests.get(
        f"http://127.0.0.1:{two}{reverse('reporting:export_download', args=[job.token])}",
        cookies=cookies,
        timeout=30,
    )
    assert download.status_code == 200
    assert download.content.decode("utf-8-sig").startswith("Outcome")
    assert not any((tmp_path / name).exists() for name in ("one", "two", "worker"))


def test_a_running_worker_has_registered_every_task_the_code_sends(env, logs, started):
    started(processes.worker("worker", env, logs), ready="ready.")
    replies = wait_until(lambda: celery_app.control.inspect(timeout=5).registered(), 60, "inspect")
    (registered,) = replies.values()
    names = {entry.split()[0] for entry in registered}
    sent = sent_task_names()
    assert {name: where for name, where in sent.items() if name not in names} == {}
