"""Admin import and export of reference data: administrators only, files kept in the DB."""

from __future__ import annotations

from conftest import make_user
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from indicators.models import ImportBatch
from portal.models import Organisation

ORGS_CSV = (
    b"slug,name,short_name,kind,contact_email,is_active\r\n"
    b"probation,Probation Service,Probation,probation,,1\r\n"
    b"police-a,Police A,,police,,1\r\n"
)


def csv_format_index(response) -> str:
    form = response.context["form"]
    return next(str(i) for i, label in form.fields["format"].choices if str(label).lower() == "csv")


def test_an_admin_imports_organisations_with_a_dry_run_then_confirm(client, partnership):
    p = partnership
    client.force_login(p.admin)
    url = reverse("admin:portal_organisation_import")
    page = client.get(url)
    assert page.status_code == 200
    fmt = csv_format_index(page)
    dry_run = client.post(
        url,
        {"import_file": SimpleUploadedFile("orgs.csv", ORGS_CSV), "format": fmt, "resource": "0"},
    )
    assert dry_run.status_code == 200
    assert not Organisation.objects.filter(slug="probation").exists()
    confirm = dry_run.context["confirm_form"]
    # The file waits in the database, not in a worker's /tmp.
    assert ImportBatch.objects.filter(kind="admin", pk=confirm.initial["import_file_name"]).exists()
    done = client.post(
        reverse("admin:portal_organisation_process_import"), {**confirm.initial, "resource": "0"}
    )
    assert done.status_code == 302
    assert Organisation.objects.get(slug="probation").name == "Probation Service"
    assert not ImportBatch.objects.filter(kind="admin").exists()


def test_the_admin_export_of_approved_values_uses_the_open_data_columns(client, partnership):
    from conftest import approved

    from indicators.columns import OPEN_DATA_COLUMNS

    p = partnership
    approved(p.crime, p.county, p.closed_period, p.submitter_a, p.approver, numerator=3000)
    client.force_login(p.admin)
    page = client.get(reverse("admin:indicators_submission_export"))
    assert page.status_code == 200
    fmt = csv_format_index(page)
    response = client.post(
        reverse("admin:indicators_submission_export"),
        {
            "format": fmt,
            "resource": "0",
            **{f"submissionresource_{c}": "on" for c in OPEN_DATA_COLUMNS},
            **{f"historicvalueresource_{c}": "on" for c in OPEN_DATA_COLUMNS},
        },
    )
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == ",".join(OPEN_DATA_COLUMNS)
    assert lines[1] == (
        'crime,"Crime rate (per 1,000 population)",E10000099,Shire,2016/17-Q1,10.00,,3000,,'
        "rate_per_1000,,,,no,no,no,,1,figure,,,,no,,,,no,,,,no"
    )


def test_a_zip_bomb_is_refused_in_the_admin_too(client, partnership):
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", b" " * (20 * 1024 * 1024))
    client.force_login(partnership.admin)
    url = reverse("admin:portal_organisation_import")
    fmt = next(
        str(i)
        for i, label in client.get(url).context["form"].fields["format"].choices
        if str(label).lower() == "xlsx"
    )
    response = client.post(
        url,
        {
            "import_file": SimpleUploadedFile("orgs.xlsx", out.getvalue()),
            "format": fmt,
            "resource": "0",
        },
    )
    assert "compressed far more than a spreadsheet would be" in response.content.decode()


def test_staff_without_the_admin_role_cannot_import_or_export(client, partnership):
    p = partnership
    staff_viewer = make_user("staff_viewer", p.org_b, "viewer", is_staff=True)
    staff_viewer.user_permissions.set(
        Permission.objects.filter(
            codename__in=[
                "view_organisation",
                "add_organisation",
                "change_organisation",
                "view_indicator",
            ]
        )
    )
    client.force_login(staff_viewer)
    assert client.get(reverse("admin:portal_organisation_changelist")).status_code == 200
    assert client.get(reverse("admin:portal_organisation_import")).status_code == 403
    response = client.post(
        reverse("admin:portal_organisation_import"),
        {"import_file": SimpleUploadedFile("orgs.csv", ORGS_CSV), "format": "0"},
    )
    assert response.status_code == 403
    assert client.get(reverse("admin:portal_organisation_export")).status_code == 403
    assert client.get(reverse("admin:indicators_indicator_import")).status_code == 403
    assert not Organisation.objects.filter(slug="probation").exists()
    page = client.get(reverse("admin:portal_organisation_changelist")).content.decode()
    assert reverse("admin:portal_organisation_import") not in page


def test_every_reference_model_has_import_and_export_for_admins(client, partnership):
    client.force_login(partnership.admin)
    for name in [
        "portal_organisation",
        "portal_area",
        "portal_population",
        "indicators_outcome",
        "indicators_indicator",
    ]:
        assert client.get(reverse(f"admin:{name}_import")).status_code == 200, name
        assert client.get(reverse(f"admin:{name}_export")).status_code == 200, name
    page = client.get(reverse("admin:indicators_importbatch_changelist")).content.decode()
    assert reverse("indicators:import_historic") in page
