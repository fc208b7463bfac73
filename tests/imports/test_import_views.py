"""The import pages: download, upload, preview, confirm; who may use them."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from indicators.models import ImportBatch, Submission

from .helpers import csv_bytes, fill_xlsx, row


def post_upload(client, p, content, name="return.xlsx", submit="", org=None, period=None):
    return client.post(
        reverse("indicators:import_upload"),
        {
            "organisation": (org or p.org_a).pk,
            "period": (period or p.open_period).pk,
            "file": SimpleUploadedFile(name, content),
            "submit": submit,
        },
    )


def test_a_submitter_downloads_fills_previews_and_confirms(client, partnership):
    p = partnership
    client.force_login(p.submitter_a)
    page = client.get(reverse("indicators:import_upload"))
    assert page.status_code == 200
    assert "Download the Excel template" in page.content.decode()

    download = client.get(
        reverse("indicators:import_template"),
        {"organisation": p.org_a.pk, "period": p.open_period.pk, "format": "xlsx"},
    )
    assert download.status_code == 200
    assert 'filename="return-police-a-2016-17-Q2.xlsx"' in download["Content-Disposition"]
    assert load_workbook(io.BytesIO(download.content)).sheetnames == ["Instructions", "Return"]

    filled = fill_xlsx(download.content, {("crime", "E10000099"): {"numerator": 3000}})
    response = post_upload(client, p, filled)
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("indicators:import_preview", args=[batch.pk])

    preview = client.get(response["Location"]).content.decode()
    assert "Check the import of return.xlsx" in preview
    assert "numerator: — → 3000" in preview
    assert "New" in preview
    assert Submission.objects.count() == 0

    done = client.post(reverse("indicators:import_confirm", args=[batch.pk]))
    assert done.status_code == 302
    assert Submission.objects.get().numerator == 3000
    assert "Return imported" in client.get(done["Location"]).content.decode()


def test_the_csv_template_downloads(client, partnership):
    p = partnership
    client.force_login(p.submitter_a)
    response = client.get(
        reverse("indicators:import_template"),
        {"organisation": p.org_a.pk, "period": p.open_period.pk, "format": "csv"},
    )
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith('"indicator_code","indicator_title","area_code"')
    assert len(lines) == 4


def test_a_bad_file_shows_its_errors_and_no_confirm_button(client, partnership):
    p = partnership
    client.force_login(p.submitter_a)
    content = csv_bytes([row(numerator="1,234")])
    response = post_upload(client, p, content, "return.csv")
    page = client.get(response["Location"]).content.decode()
    assert "This file cannot be imported" in page
    assert "Row 2, column numerator: &#x27;1,234&#x27; has a thousands separator." in page
    assert "Confirm the import" not in page
    batch = ImportBatch.objects.get()
    assert client.post(reverse("indicators:import_confirm", args=[batch.pk])).status_code == 409
    assert Submission.objects.count() == 0


def test_an_oversized_upload_is_refused_before_it_is_read(client, partnership, settings):
    p = partnership
    settings.IMPORT_MAX_UPLOAD_BYTES = 1024
    client.force_login(p.submitter_a)
    response = post_upload(client, p, b"x" * 2048, "return.csv")
    assert response.status_code == 200
    assert "the largest file you can upload is 1 KB" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_a_submitter_cannot_import_for_another_organisation(client, partnership):
    p = partnership
    client.force_login(p.submitter_a)
    response = post_upload(client, p, csv_bytes([row(numerator="1")]), "r.csv", org=p.org_b)
    assert response.status_code == 200
    assert "You can only import figures for an organisation you submit for." in (
        response.content.decode()
    )
    template = client.get(
        reverse("indicators:import_template"),
        {"organisation": p.org_b.pk, "period": p.open_period.pk},
    )
    assert template.status_code == 400
    assert not ImportBatch.objects.exists()


def test_a_submitter_cannot_import_another_organisations_indicator(client, partnership):
    p = partnership
    client.force_login(p.submitter_a)
    content = csv_bytes([row(code="survey", area="E10000099", value="50")])
    page = client.get(post_upload(client, p, content, "r.csv")["Location"]).content.decode()
    assert "survey is reported by Council B, not Police A" in page


def test_a_closed_quarter_cannot_be_chosen(client, partnership):
    p = partnership
    client.force_login(p.submitter_a)
    response = post_upload(client, p, csv_bytes([row()]), "r.csv", period=p.closed_period)
    assert "Choose a quarter that is open for entry." in response.content.decode()


def test_a_viewer_cannot_import_at_all(client, partnership):
    p = partnership
    client.force_login(p.viewer)
    assert client.get(reverse("indicators:import_upload")).status_code == 403
    assert post_upload(client, p, csv_bytes([row()]), "r.csv").status_code == 403
    assert client.get(reverse("indicators:import_template")).status_code == 403
    assert client.get(reverse("indicators:import_historic")).status_code == 403


def test_anonymous_users_are_sent_to_sign_in(client, partnership):
    response = client.get(reverse("indicators:import_upload"))
    assert response.status_code == 302
    assert "/login" in response["Location"] or "login" in response["Location"]


def test_someone_elses_upload_is_not_found(client, partnership):
    p = partnership
    client.force_login(p.submitter_a)
    location = post_upload(client, p, csv_bytes([row(numerator="1")]), "r.csv")["Location"]
    batch = ImportBatch.objects.get()
    client.force_login(p.submitter_b)
    assert client.get(location).status_code == 404  # not their upload
    other = ImportBatch.objects.create(
        kind=ImportBatch.Kind.QUARTERLY_RETURN,
        owner=p.submitter_b,
        organisation=p.org_b,
        period=p.open_period,
        status=ImportBatch.Status.PREVIEWED,
    )
    client.force_login(p.submitter_a)
    assert client.get(reverse("indicators:import_preview", args=[other.pk])).status_code == 404
    assert client.post(reverse("indicators:import_confirm", args=[other.pk])).status_code == 404
    assert client.get(reverse("indicators:import_preview", args=[batch.pk])).status_code == 200
