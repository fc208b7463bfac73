"""Exports from the web (Celery jobs with a status page) and from the shell."""

from __future__ import annotations

import io
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.urls import reverse
from reporting_seed import SEED_COLUMNS, SEED_TITLE

from indicators.models import ReportingPeriod
from portal.models import Area
from reporting.models import ExportJob
from reporting.tasks import perform_export, run_export

Q2, COUNTY = "2016/17-Q2", "E10000018"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_a_public_export_runs_as_a_job_and_becomes_a_download(
    client, demo, django_capture_on_commit_callbacks
):
    url = reverse("reporting:public_export", args=[Q2, COUNTY, "xlsx"])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(url)
    assert len(callbacks) == 1  # sent only once the job row is committed
    job = ExportJob.objects.get()
    assert response.url == reverse("reporting:export_status", args=[job.token])
    status = client.get(response.url).content.decode()
    assert "Your file is ready" in status and 'http-equiv="refresh"' not in status
    download = client.get(reverse("reporting:export_download", args=[job.token]))
    assert download["Content-Disposition"].startswith("attachment")
    assert "dashboard-2016-17-Q2-E10000018.xlsx" in download["Content-Disposition"]
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    assert sheet["A1"].value == SEED_TITLE


def test_repeated_public_requests_share_one_file_per_published_revision(
    client, demo, django_capture_on_commit_callbacks
):
    from reporting.publishing import publish

    url = reverse("reporting:public_export", args=[Q2, COUNTY, "pdf"])
    with django_capture_on_commit_callbacks(execute=False):
        first, second = client.post(url), client.post(url)
    assert first.url == second.url
    assert ExportJob.objects.count() == 1
    period = ReportingPeriod.objects.get_by_code(Q2)
    publish(
        period,
        User.objects.get(username="performance.manager"),
        note="Burglary figure corrected.",
        areas=[Area.objects.get(code=COUNTY)],
    )
    with django_capture_on_commit_callbacks(execute=False):
        third = client.post(url)
    assert third.url != first.url  # a new revision gets a new file
    assert ExportJob.objects.count() == 2


def test_the_status_page_refreshes_until_the_file_is_ready(client, demo):
    job = ExportJob.objects.create(
        format="pdf",
        period=ReportingPeriod.objects.get_by_code(Q2),
        area=Area.objects.get(code=COUNTY),
    )
    page = client.get(reverse("reporting:export_status", args=[job.token])).content.decode()
    assert '<meta http-equiv="refresh" content="3">' in page
    assert "Preparing your PDF file" in page
    # Asking for the download too early leads back to the status page.
    early = client.get(reverse("reporting:export_download", args=[job.token]))
    assert early.url == reverse("reporting:export_status", args=[job.token])


def test_running_an_export_twice_is_harmless(demo):
    job = ExportJob.objects.create(
        format="csv",
        period=ReportingPeriod.objects.get_by_code(Q2),
        area=Area.objects.get(code=COUNTY),
    )
    run_export.delay(job.id)
    job.refresh_from_db()
    first = (job.status, job.file.name, job.finished_at)
    assert job.status == "done"
    assert job.file.read().decode("utf-8-sig").startswith(",".join(SEED_COLUMNS[:3]))
    perform_export(job.id)
    job.refresh_from_db()
    assert (job.status, job.file.name, job.finished_at) == first


def test_an_export_of_an_unpublished_quarter_fails_with_a_reason(client, demo):
    job = ExportJob.objects.create(
        format="pdf",
        period=ReportingPeriod.objects.get_by_code("2016/17-Q3"),
        area=Area.objects.get(code=COUNTY),
    )
    perform_export(job.id)
    job.refresh_from_db()
    assert job.status == "failed" and not job.file
    page = client.get(reverse("reporting:export_status", args=[job.token])).content.decode()
    assert "This quarter has not been published for this area." in page


def test_a_committee_export_uses_the_approved_figures_and_stays_private(
    client, demo, django_capture_on_commit_callbacks
):
    client.force_login(User.objects.get(username="committee.member"))
    url = reverse("reporting:committee_export", args=["2016/17-Q3", COUNTY, "csv"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    job = ExportJob.objects.get()
    assert job.source == "live" and job.status == "done"
    assert client.get(response.url).status_code == 200
    client.logout()
    assert client.get(response.url).status_code == 404


def test_the_command_writes_csv_to_standard_output(demo):
    out = StringIO()
    call_command("export_dashboard", "--period", Q2, "--format", "csv", stdout=out)
    lines = out.getvalue().lstrip("\ufeff").splitlines()
    assert lines[0].split(",")[:3] == SEED_COLUMNS[:3]
    assert any(line.startswith("* Provisional Q2 Crime figures") for line in lines)


@pytest.mark.parametrize(("fmt", "magic"), [("xlsx", b"PK"), ("pdf", b"%PDF")])
def test_the_command_writes_a_file(demo, tmp_path, fmt, magic):
    target = tmp_path / f"out.{fmt}"
    call_command(
        "export_dashboard",
        "--period",
        Q2,
        "--area",
        "E07000129",
        "--format",
        fmt,
        "--output",
        str(target),
        stderr=StringIO(),
    )
    assert target.read_bytes().startswith(magic)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--period", "2016/17-Q9"], "No reporting period '2016/17-Q9'"),
        (["--period", "2030/31-Q1"], "No reporting period '2030/31-Q1'"),
        (["--period", Q2, "--area", "NOPE"], "No area with code 'NOPE'"),
        (["--period", Q2, "--format", "docx"], "Unknown format 'docx'"),
        (["--period", Q2, "--format", "pdf"], "Name a file with --output"),
        (["--period", "2016/17-Q3", "--published"], "is not published"),
    ],
)
def test_the_command_explains_bad_input(demo, args, message, tmp_path):
    with pytest.raises(CommandError, match=message):
        call_command("export_dashboard", *args, stdout=StringIO())


def test_old_export_jobs_and_their_files_are_purged(
    client, demo, django_capture_on_commit_callbacks
):
    import datetime as dt

    from django.utils import timezone

    from reporting.tasks import purge_old_exports

    url = reverse("reporting:public_export", args=[Q2, COUNTY, "csv"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    job = ExportJob.objects.get()
    path = job.file.path
    assert job.status == "done"
    assert purge_old_exports() == 0  # a fresh file stays
    later = timezone.now() + dt.timedelta(days=8)
    assert purge_old_exports(now=later) == 1
    assert not ExportJob.objects.exists()
    import os

    assert not os.path.exists(path)
