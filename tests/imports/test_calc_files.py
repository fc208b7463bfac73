"""Templates filled in and saved by LibreOffice Calc 7.4, uploaded as a partner would.

The files in fixtures/calc/ were made by scripts/make_calc_fixtures.py from the demo's Q3
2016/17 templates, typing through Calc's own input path (see fixtures/README.md). Each is
uploaded through the upload page and its preview read as the person sees it.
"""

from __future__ import annotations

import io
import time
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from indicators.importing import read_return
from indicators.models import ImportBatch, ReportingPeriod, Submission, SubmissionEvent

from .helpers import upload_and_preview

CALC = Path(__file__).parent / "fixtures" / "calc"
POLICE, COUNCIL = "police.officer", "council.officer"
# Leicestershire Police's template: 41 rows; row 3 is Total Crime for Blaby, where each
# case types 2100 into the numerator. Rows 2 and 33 hold figures already entered.
BLABY_TYPED = "numerator: — → 2100"


@pytest.fixture
def q3(demo) -> ReportingPeriod:
    return ReportingPeriod.objects.get(year=2016, quarter=3)


def upload(client, period: ReportingPeriod, name: str, username: str = POLICE):
    user = User.objects.get(username=username)
    organisation = user.memberships.get().organisation
    return upload_and_preview(client, user, organisation, period, name, (CALC / name).read_bytes())


def confirm(client, batch: ImportBatch) -> str:
    response = client.post(reverse("indicators:import_confirm", args=[batch.pk]))
    assert response.status_code == 302
    return client.get(response["Location"]).content.decode()


def counts(batch: ImportBatch, **expected) -> dict:
    found = {k: v for k, v in batch.counts.items() if v}
    assert found == expected
    return found


def test_an_unchanged_round_trip_through_calc_changes_nothing(client, q3):
    batch, page = upload(client, q3, "roundtrip.xlsx")
    assert batch.status == ImportBatch.Status.PREVIEWED
    counts(batch, unchanged=2, blank=39)
    events = SubmissionEvent.objects.count()
    assert "Return imported" in confirm(client, batch)
    assert SubmissionEvent.objects.count() == events


def test_a_csv_round_trip_keeps_a_commentary_with_a_semicolon_in_one_cell(client, q3):
    # Opened with Calc's import dialog splitting at commas and semicolons, then saved.
    batch, page = upload(client, q3, "roundtrip.csv")
    assert batch.status == ImportBatch.Status.PREVIEWED
    counts(batch, unchanged=2, blank=39)
    assert "values beyond the last column" not in page


def test_deleted_rows_and_a_million_row_sheet_import_quickly(client, q3):
    content = (CALC / "deleted_rows.xlsx").read_bytes()
    sheet = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet2.xml")
    assert b'<dimension ref="A1:S1048576"/>' in sheet  # as Calc declares it
    started = time.perf_counter()
    rows = read_return(content, "deleted_rows.xlsx", q3)
    assert time.perf_counter() - started < 5
    assert [r["row"] for r in rows][-1] == 35
    batch, page = upload(client, q3, "deleted_rows.xlsx")
    counts(batch, changed=1, unchanged=2, blank=31)
    assert BLABY_TYPED in page
    confirm(client, batch)
    blaby = Submission.objects.current().get(
        indicator__code="crime-total", area__name="Blaby", period=q3
    )
    assert blaby.numerator == 2100


def test_rows_cleared_with_the_delete_key_are_passed_over(client, q3):
    batch, page = upload(client, q3, "cleared_rows.xlsx")
    counts(batch, changed=1, unchanged=2, blank=31)
    assert [r["row"] for r in batch.rows][-1] == 35
    assert "Ignored" not in page


def test_notes_totals_and_signatures_under_the_table_are_listed_as_ignored(client, q3):
    batch, page = upload(client, q3, "notes_and_totals.xlsx")
    assert batch.status == ImportBatch.Status.PREVIEWED
    counts(batch, changed=1, unchanged=2, blank=38, ignored=3)
    for line in [
        "ignored: not a row of the return (Figures checked by Priya Shah on 20/10/2016)",
        "ignored: not a row of the return (Total, =SUM(I2:I42))",
        "ignored: not a row of the return (Signed, P. Shah, Performance Officer)",
    ]:
        assert line in page
    assert [r["row"] for r in batch.rows if "ignored" in r] == [44, 45, 47]
    assert "Return imported" in confirm(client, batch)


def test_an_autofilter_and_its_empty_drawing_are_accepted(client, q3):
    batch, page = upload(client, q3, "autofilter.xlsx")
    assert batch.status == ImportBatch.Status.PREVIEWED, batch.errors
    counts(batch, changed=1, unchanged=2, blank=38)
    assert BLABY_TYPED in page


def test_a_cell_comment_and_its_vml_drawing_are_accepted(client, q3):
    batch, page = upload(client, q3, "comment.xlsx")
    assert batch.status == ImportBatch.Status.PREVIEWED, batch.errors
    counts(batch, changed=1, unchanged=2, blank=38)
    assert "Checked with the crime analyst" not in page  # a comment is not a commentary


@pytest.mark.parametrize("name", ["percent.xlsx", "percent.csv"])
def test_a_percentage_typed_as_88_2_percent_is_read_as_88_2(client, q3, name):
    batch, page = upload(client, q3, name, username=COUNCIL)
    assert batch.status == ImportBatch.Status.PREVIEWED, batch.errors
    counts(batch, changed=1, unchanged=1)
    assert "value: — → 88.2" in page
    confirm(client, batch)
    confidence = Submission.objects.current().get(indicator__code="asb-confidence", period=q3)
    assert confidence.value == Decimal("88.2")


def test_two_digit_years_in_the_quarters_window_are_read_as_20xx(client, q3):
    batch, page = upload(client, q3, "two_digit_dates.csv")
    assert batch.status == ImportBatch.Status.PREVIEWED, batch.errors
    counts(batch, changed=1, unchanged=2, blank=38)
    assert "covered_start: — → 1 Jul 2016" in page
    assert "covered_end: — → 30 Sep 2016" in page


def test_two_digit_years_outside_the_window_are_refused_precisely(client, q3):
    batch, page = upload(client, q3, "two_digit_dates_outside_quarter.csv")
    assert batch.status == ImportBatch.Status.INVALID
    assert batch.errors == [
        "Row 3, column covered_start: '01/07/26' has a two-digit year: read as 1 Jul 2026, it "
        "falls outside the dates this file can cover (1 Oct 2011 to 31 Dec 2016). Check the "
        "date and write its year in full. Type the date year first, like 2016-09-30, so the "
        "year is kept in full.",
        "Row 3, column covered_end: '30/09/26' has a two-digit year: read as 30 Sep 2026, it "
        "falls outside the dates this file can cover (1 Oct 2011 to 31 Dec 2016). Check the "
        "date and write its year in full. Type the date year first, like 2016-09-30, so the "
        "year is kept in full.",
    ]
    assert "This file cannot be imported" in page


def test_a_windows_1252_csv_is_read_and_the_preview_says_so(client, q3):
    batch, page = upload(client, q3, "windows_1252.csv")
    assert batch.status == ImportBatch.Status.PREVIEWED, batch.errors
    assert batch.encoding == "Windows-1252"
    assert "it was read as Windows-1252" in page
    assert (
        "commentary: — → Burglary fell – the ‘Safer Homes’ scheme; “Lock it” leaflets cost "
        "£1200." in page
    )


def test_an_ods_saved_by_calc_is_accepted(client, q3):
    batch, page = upload(client, q3, "return.ods")
    assert batch.status == ImportBatch.Status.PREVIEWED, batch.errors
    assert batch.file_format == "ods"
    counts(batch, changed=1, unchanged=2, blank=38)
    assert BLABY_TYPED in page
    assert "commentary: — → Burglary fell; the Safer Homes scheme helped." in page


def test_a_csv_of_the_instructions_sheet_says_which_sheet_to_save(client, q3):
    batch, page = upload(client, q3, "instructions.csv")
    assert batch.status == ImportBatch.Status.INVALID
    assert batch.errors == [
        "This CSV file holds the template's Instructions sheet, not its figures: you saved "
        "the Instructions sheet; save the Return sheet as CSV. A CSV file keeps only the "
        "sheet that was showing: open the workbook, click the 'Return' tab at the bottom, "
        "then save as CSV again (or upload the .xlsx workbook itself)."
    ]
    assert "you saved the Instructions sheet" in page
