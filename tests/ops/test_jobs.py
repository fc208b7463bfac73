"""Export and import jobs: a heartbeat, a retry or a clear failure, never a job left hanging."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from indicators.import_tasks import WORKER_LOST as IMPORT_LOST
from indicators.import_tasks import sweep_stale_imports
from indicators.models import ImportBatch
from reporting.models import ExportJob
from reporting.tasks import WORKER_LOST, perform_export, purge_old_exports, sweep_stale_exports

pytestmark = pytest.mark.django_db
LONG_AGO = dt.timedelta(hours=1)


def committee_job(p, **fields) -> ExportJob:
    return ExportJob.objects.create(
        format="csv", source="live", period=p.open_period, area=p.county, **fields
    )


def exported_files(settings) -> list[str]:
    folder = settings.MEDIA_ROOT / "exports"
    return sorted(f.name for f in folder.iterdir()) if folder.exists() else []


def test_a_job_whose_worker_died_is_retried_by_the_sweeper(partnership, settings):
    job = committee_job(
        partnership, status="running", attempts=1, updated_at=timezone.now() - LONG_AGO
    )
    assert sweep_stale_exports() == (1, 0)  # sent again (run at once here: no broker)
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("done", 2)
    assert exported_files(settings) == [f"{job.token}-{job.filename}"]


def test_a_job_that_keeps_dying_is_failed_with_a_message(client, partnership):
    job = committee_job(
        partnership, status="running", attempts=3, updated_at=timezone.now() - LONG_AGO
    )
    assert sweep_stale_exports() == (0, 1)
    job.refresh_from_db()
    assert job.status == "failed" and job.error == WORKER_LOST
    client.force_login(partnership.viewer)
    page = client.get(reverse("reporting:export_status", args=[job.token])).content.decode()
    assert "The file could not be made" in page and WORKER_LOST in page


def test_a_job_with_a_live_heartbeat_is_left_to_its_worker(partnership):
    job = committee_job(partnership, status="running", attempts=1)
    assert sweep_stale_exports() == (0, 0)
    job.refresh_from_db()
    assert job.status == "running"


def test_a_retry_after_a_crash_leaves_exactly_one_file(partnership, settings):
    job = committee_job(partnership, status="running", attempts=1)
    perform_export(job.id)
    job.refresh_from_db()
    name = job.file.name
    # A run that died after writing its file but before recording it, then a retry.
    job.status, job.file = "running", ""
    job.save()
    perform_export(job.id)
    perform_export(job.id)  # and a redelivered message on top
    job.refresh_from_db()
    assert job.status == "done" and job.file.name == name
    assert exported_files(settings) == [name.removeprefix("exports/")]


def test_a_new_public_request_never_gets_a_dead_job(client, partnership):
    from reporting.publishing import publish

    p = partnership
    (publication,) = publish(p.open_period, p.approver, areas=[p.county])
    dead = ExportJob.objects.create(
        format="csv",
        period=p.open_period,
        area=p.county,
        status="running",
        created_at=publication.published_at + dt.timedelta(seconds=1),
        updated_at=timezone.now() - LONG_AGO,
    )
    response = client.post(
        reverse("reporting:public_export", args=[p.open_period.code, p.county.code, "csv"])
    )
    new = ExportJob.objects.exclude(pk=dead.pk).get()
    assert response.url == reverse("reporting:export_status", args=[new.token])


def test_the_nightly_purge_removes_dead_jobs_but_not_live_ones(partnership):
    week_ago = timezone.now() - dt.timedelta(days=8)
    dead = committee_job(partnership, status="running", created_at=week_ago, updated_at=week_ago)
    pending = committee_job(partnership, status="pending", created_at=week_ago, updated_at=week_ago)
    live = committee_job(partnership, status="running", created_at=week_ago)
    assert purge_old_exports() == 2
    assert list(ExportJob.objects.values_list("pk", flat=True)) == [live.pk]
    assert not ExportJob.objects.filter(pk__in=[dead.pk, pending.pk]).exists()


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_an_export_says_try_again_and_leaves_no_pending_job(
    client, partnership, broker_down
):
    p = partnership
    client.force_login(p.viewer)
    response = client.post(
        reverse("reporting:committee_export", args=[p.open_period.code, p.county.code, "pdf"])
    )
    assert response.status_code == 503
    assert "Try again in a few minutes" in response.content.decode()
    assert response["Retry-After"] == "120"
    assert list(ExportJob.objects.values_list("status", flat=True)) == ["failed"]


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_a_historic_import_says_try_again(client, partnership, broker_down):
    client.force_login(partnership.admin)
    content = b"indicator_code,area_code,quarter,numerator\ncrime,E10000099,2015/16-Q1,3000\n"
    response = client.post(
        reverse("indicators:import_historic"),
        {"file": SimpleUploadedFile("history.csv", content)},
    )
    assert response.status_code == 503
    assert "Try again in a few minutes" in response.content.decode()
    batch = ImportBatch.objects.get()
    assert batch.status == "failed" and batch.content == b""


def test_a_stale_historic_import_is_retried_then_failed(partnership):
    stale = timezone.now() - dt.timedelta(hours=2)
    batch = ImportBatch.objects.create(
        kind="historic",
        owner=partnership.admin,
        status="running",
        content=b"not a spreadsheet",
        filename="history.csv",
        attempts=3,
        updated_at=stale,
    )
    assert sweep_stale_imports() == (0, 1)
    batch.refresh_from_db()
    assert batch.status == "failed" and batch.errors == [IMPORT_LOST]


def test_the_nightly_expiry_fails_an_import_left_queued_and_drops_its_file(partnership):
    from indicators.import_tasks import expire_import_previews

    old = timezone.now() - dt.timedelta(days=8)
    batch = ImportBatch.objects.create(
        kind="historic",
        owner=partnership.admin,
        status="queued",
        content=b"indicator_code\n",
        filename="history.csv",
        created_at=old,
        updated_at=old,
    )
    assert expire_import_previews() == 1
    batch.refresh_from_db()
    assert (batch.status, batch.content, batch.errors) == ("failed", b"", [IMPORT_LOST])
