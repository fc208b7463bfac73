"""Historic approved values: long format, checked whole, all or nothing, as a Celery task."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from indicators import historic
from indicators.columns import OPEN_DATA_COLUMNS
from indicators.import_tasks import queue_historic_import, run_historic_import
from indicators.models import ImportBatch, ReportingPeriod, Submission, SubmissionEvent


def long_csv(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=OPEN_DATA_COLUMNS)
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return out.getvalue().encode()


def value(quarter="2015/16-Q1", area="E10000099", **extra):
    return {
        "indicator_code": "crime",
        "area_code": area,
        "quarter": quarter,
        "numerator": "3000",
        "nil_return": "no",
        "revision": "1",
        **extra,
    }


def run(p, content, name="history.csv"):
    batch = ImportBatch.objects.create(
        kind=ImportBatch.Kind.HISTORIC,
        owner=p.admin,
        filename=name,
        content=content,
        status=ImportBatch.Status.QUEUED,
    )
    return historic.run(batch)


def test_it_loads_approved_values_and_creates_closed_quarters(partnership):
    p = partnership
    content = long_csv(
        [value(q, footnote="'-5 on last year") for q in ("2015/16-Q1", "2015/16-Q2")]
        + [value(area="E07000991", numerator="1000")]
    )
    batch = run(p, content)
    assert batch.status == ImportBatch.Status.APPLIED, batch.errors
    assert batch.counts == {"created": 3, "unchanged": 0}
    subs = Submission.objects.filter(period__year=2015)
    assert subs.count() == 3
    assert {s.state for s in subs} == {"approved"}
    assert all(s.is_latest_approved and s.approved_by == p.admin for s in subs)
    assert subs.first().footnote == "-5 on last year"  # the open data's "'" guard removed
    period = ReportingPeriod.objects.get(year=2015, quarter=1)
    assert period.is_closed()
    event = SubmissionEvent.objects.filter(action="imported").first()
    assert event.comment == "Historic approved value imported from history.csv."


def test_importing_the_same_file_again_changes_nothing(partnership):
    p = partnership
    content = long_csv([value()])
    run(p, content)
    again = run(p, content)
    assert again.counts == {"created": 0, "unchanged": 1}
    assert Submission.objects.count() == 1
    assert SubmissionEvent.objects.count() == 1


def test_one_bad_row_refuses_the_whole_file(partnership):
    p = partnership
    rows = [value(f"{1980 + n}/{(n + 81) % 100:02d}-Q1") for n in range(30)]
    rows[17]["numerator"] = "12%"
    batch = run(p, long_csv(rows))
    assert batch.status == ImportBatch.Status.INVALID
    assert batch.errors == [
        "Row 19, column numerator: '12%' has a % sign. Write the percentage as a plain number: "
        "12 for 12%."
    ]
    assert not Submission.objects.exists()
    assert not ReportingPeriod.objects.filter(year__lt=2016).exists()


@pytest.mark.parametrize(
    "row, message",
    [
        (value(indicator_code="nope"), "There is no indicator with the code 'nope'."),
        (value(area="X1"), "There is no area with the code 'X1'."),
        (value(quarter="2016/17-Q3"), "Q3 2016/17 (Oct–Dec 2016) is not over yet"),
        (value(numerator="2.5"), "A count must be a whole number, 0 or more."),
        (value(revision="0"), "The revision is a whole number, 1 or more."),
        (value(covered_start="2015-13-01"), "is not a real date"),
        (value(status="maybe"), "'maybe' is not a data status."),
        (
            value(status="not yet available"),
            "Row 2, column numerator: Leave this empty when the figure is “not yet available”.",
        ),
        (value(nn_rank="10", nn_of="9"), "A rank of 10 cannot be more than 9 compared."),
        (value(county_band="Middling"), "'Middling' is not a band."),
        (value(district_rank="1.5"), "'1.5' is not a rank"),
    ],
)
def test_bad_rows_are_named(partnership, row, message):
    batch = run(partnership, long_csv([row]))
    assert batch.status == ImportBatch.Status.INVALID
    assert message in batch.errors[0]


def test_the_status_and_typed_comparisons_are_loaded(partnership):
    p = partnership
    rows = [
        value(nn_rank="3", nn_of="9", county_band="top", district_not_benchmarked="yes"),
        value(quarter="2015/16-Q2", numerator="", nil_return="", status="No new data published"),
    ]
    batch = run(p, long_csv(rows))
    assert batch.status == ImportBatch.Status.APPLIED, batch.errors
    first, second = Submission.objects.order_by("period__quarter")
    assert first.comparison_display("nn") == "3/9"
    assert first.comparison_display("county") == "Top"
    assert first.comparison_display("district") == "-"
    assert first.status == Submission.Status.FIGURE
    assert (second.status, second.numerator) == (Submission.Status.NO_NEW_DATA, None)


def test_the_admin_export_of_history_imports_back_unchanged(client, partnership):
    from conftest import approved

    p = partnership
    approved(
        p.crime,
        p.county,
        p.closed_period,
        p.submitter_a,
        p.approver,
        status="not_yet_available",
        nn_rank=2,
        nn_of=15,
    )
    exported = historic_export(client, p)
    Submission.objects.all().delete()
    assert run(p, exported).status == ImportBatch.Status.APPLIED
    held = Submission.objects.get()
    assert (held.status, held.comparison_display("nn")) == ("not_yet_available", "2/15")


def historic_export(client, p) -> bytes:
    client.force_login(p.admin)
    url = reverse("admin:indicators_submission_export")
    choices = client.get(url).context["form"].fields["format"].choices
    csv_index = next(str(i) for i, label in choices if str(label).lower() == "csv")
    response = client.post(
        url,
        {
            "format": csv_index,
            "resource": "0",
            **{f"historicvalueresource_{c}": "on" for c in OPEN_DATA_COLUMNS},
        },
    )
    return response.content


def test_a_different_approved_figure_is_not_overwritten(partnership):
    p = partnership
    run(p, long_csv([value()]))
    batch = run(p, long_csv([value(numerator="2999")]))
    assert "already has a different approved figure" in batch.errors[0]
    assert Submission.objects.get().numerator == 3000


def test_duplicate_rows_are_refused(partnership):
    batch = run(partnership, long_csv([value(), value()]))
    assert batch.errors == ["Row 3, column quarter: crime for Shire in 2015/16-Q1 appears twice."]


def test_a_workbook_in_long_format_is_read(partnership):
    book = Workbook()
    sheet = book.active
    sheet.title = "Data"
    sheet.append(OPEN_DATA_COLUMNS)
    row = value()
    sheet.append([row.get(c) for c in OPEN_DATA_COLUMNS])
    out = io.BytesIO()
    book.save(out)
    batch = run(partnership, out.getvalue(), "history.xlsx")
    assert batch.status == ImportBatch.Status.APPLIED, batch.errors


def test_the_task_runs_once_and_a_repeat_is_harmless(
    partnership, django_capture_on_commit_callbacks
):
    p = partnership
    with django_capture_on_commit_callbacks(execute=True):
        batch = queue_historic_import(long_csv([value()]), "history.csv", p.admin)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.APPLIED
    assert run_historic_import(batch.pk) == "applied"
    assert Submission.objects.count() == 1


def test_the_admin_page_uploads_and_shows_progress(
    client, partnership, django_capture_on_commit_callbacks
):
    p = partnership
    client.force_login(p.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("indicators:import_historic"),
            {"file": SimpleUploadedFile("history.csv", long_csv([value()]))},
        )
    batch = ImportBatch.objects.get(kind="historic")
    assert response["Location"] == reverse("indicators:import_job", args=[batch.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Historic figures imported" in page
    assert 'http-equiv="refresh"' not in page


def test_a_running_import_refreshes_itself(client, partnership):
    p = partnership
    batch = ImportBatch.objects.create(
        kind="historic",
        owner=p.admin,
        filename="big.csv",
        status="running",
        progress_done=15000,
        progress_total=40000,
    )
    client.force_login(p.admin)
    page = client.get(reverse("indicators:import_job", args=[batch.pk])).content.decode()
    assert '<meta http-equiv="refresh" content="3">' in page
    assert "37% done (15000 of 40000 steps" in page
    assert "<script>" not in page


def test_only_admins_import_history(client, partnership):
    p = partnership
    for user in (p.submitter_a, p.approver, p.viewer):
        client.force_login(user)
        assert client.get(reverse("indicators:import_historic")).status_code == 403
