"""The quarterly return: template → fill → preview → confirm, and the re-upload no-op."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from conftest import approved
from openpyxl import load_workbook

from indicators.importing import (
    ImportRefused,
    apply_return,
    build_template,
    preview_upload,
)
from indicators.models import ImportBatch, Submission, SubmissionEvent
from indicators.workflow import save_draft, start_submission, submit

from .helpers import csv_bytes, fill_xlsx, row


def upload(p, content, filename="return.xlsx", submit=False, user=None, org=None):
    return preview_upload(
        content, filename, org or p.org_a, p.open_period, user or p.submitter_a, submit=submit
    )


def test_template_has_a_row_per_indicator_and_area_the_organisation_owns(partnership):
    content, filename, _ = build_template(partnership.org_a, partnership.open_period)
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["Instructions", "Return"]
    rows = list(book["Return"].iter_rows(values_only=True))
    assert rows[0][:5] == ("indicator_code", "indicator_title", "area_code", "area_name", "quarter")
    assert [(r[0], r[2], r[4]) for r in rows[1:]] == [
        ("crime", "E10000099", "2016/17-Q2"),
        ("crime", "E07000991", "2016/17-Q2"),
        ("crime", "E07000992", "2016/17-Q2"),
    ]
    assert rows[1][6] == "numerator (the count of crimes)"
    assert filename == "return-police-a-2016-17-Q2.xlsx"
    assert "Quarterly return: Police A, Q2 2016/17 (Jul–Sep 2016)" in str(
        book["Instructions"]["A1"].value
    )


def test_template_shows_last_quarters_figure(partnership):
    p = partnership
    approved(p.crime, p.county, p.closed_period, p.submitter_a, p.approver, numerator=3000)
    content, _, _ = build_template(p.org_a, p.open_period)
    rows = list(load_workbook(io.BytesIO(content))["Return"].iter_rows(values_only=True))
    assert rows[1][-1] == "10.00"  # 3000 crimes per 300,000 people × 1,000


def test_filled_template_previews_then_confirms_as_drafts(partnership):
    p = partnership
    content, _, _ = build_template(p.org_a, p.open_period)
    filled = fill_xlsx(
        content,
        {
            ("crime", "E10000099"): {"numerator": 3000, "commentary": "Seasonal rise"},
            ("crime", "E07000991"): {"numerator": 1000, "provisional": "yes"},
        },
    )
    batch, plan = upload(p, filled)
    assert batch.status == ImportBatch.Status.PREVIEWED, batch.errors
    assert [(r.number, r.status) for r in plan.rows] == [(2, "new"), (3, "new"), (4, "blank")]
    assert plan.rows[0].change_list == [
        ("numerator", "—", "3000"),
        ("commentary", "—", "Seasonal rise"),
    ]
    assert Submission.objects.count() == 0  # the preview writes nothing

    apply_return(batch, p.submitter_a)
    county = Submission.objects.get(area=p.county)
    assert (county.state, county.numerator, county.commentary) == ("draft", 3000, "Seasonal rise")
    assert Submission.objects.get(area=p.district_1).is_provisional
    assert list(county.events.values_list("action", "actor__username")) == [
        ("created", "sub_a"),
        ("imported", "sub_a"),
    ]
    imported = county.events.get(action="imported")
    assert imported.changes["numerator"] == [None, "3000"]
    assert imported.comment == "Imported from return.xlsx."
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.APPLIED


def test_confirm_as_submitted_sends_the_figures_for_review(partnership):
    p = partnership
    content = csv_bytes([row(area="E10000099", numerator="3000")])
    batch, plan = upload(p, content, "return.csv", submit=True)
    assert plan.counts["submit"] == 1
    apply_return(batch, p.submitter_a)
    sub = Submission.objects.get()
    assert (sub.state, sub.submitted_by) == ("submitted", p.submitter_a)
    assert list(sub.events.values_list("action", "from_state", "to_state")) == [
        ("created", "", "draft"),
        ("imported", "draft", "draft"),
        ("submitted", "draft", "submitted"),
    ]


def test_figures_imported_as_submitted_tell_the_approvers_in_one_email(
    partnership, mailoutbox, django_capture_on_commit_callbacks
):
    p = partnership
    content = csv_bytes(
        [row(area=code, numerator="3000") for code in ("E10000099", "E07000991", "E07000992")]
    )
    batch, _ = upload(p, content, "return.csv", submit=True)
    with django_capture_on_commit_callbacks(execute=True):
        apply_return(batch, p.submitter_a)
    assert sorted(m.to[0] for m in mailoutbox) == [
        "approver2@example.org.uk",
        "approver@example.org.uk",
    ]
    assert "3 figures from Police A" in mailoutbox[0].subject
    assert "Crime rate (per 1,000 population) (North)" in mailoutbox[0].body


def test_figures_imported_as_drafts_send_no_email(
    partnership, mailoutbox, django_capture_on_commit_callbacks
):
    batch, _ = upload(
        partnership, csv_bytes([row(area="E10000099", numerator="3000")]), "return.csv"
    )
    with django_capture_on_commit_callbacks(execute=True):
        apply_return(batch, partnership.submitter_a)
    assert mailoutbox == []


def test_the_same_file_twice_changes_nothing_the_second_time(partnership):
    p = partnership
    content = csv_bytes([row(area="E10000099", numerator="3000", footnote="Provisional")])
    batch, _ = upload(p, content, "return.csv", submit=True)
    apply_return(batch, p.submitter_a)
    events = SubmissionEvent.objects.count()
    before = list(Submission.objects.values())

    again, plan = upload(p, content, "return.csv", submit=True)
    assert [r.status for r in plan.rows] == ["unchanged"]
    assert plan.counts["submit"] == 0
    apply_return(again, p.submitter_a)
    assert SubmissionEvent.objects.count() == events
    assert list(Submission.objects.values()) == before


def test_a_changed_draft_shows_old_and_new_values(partnership):
    p = partnership
    sub = start_submission(p.crime, p.county, p.open_period, p.submitter_a)
    save_draft(sub, p.submitter_a, {"numerator": Decimal(2900)})
    batch, plan = upload(p, csv_bytes([row(area="E10000099", numerator="3000")]), "r.csv")
    assert plan.rows[0].status == "changed"
    assert plan.rows[0].change_list == [("numerator", "2900", "3000")]
    apply_return(batch, p.submitter_a)
    sub.refresh_from_db()
    assert sub.numerator == 3000 and sub.row_version == 3
    assert sub.events.last().changes == {"numerator": ["2900", "3000"]}


def test_an_import_overtaken_by_an_edit_after_the_preview_saves_nothing(partnership):
    p = partnership
    sub = start_submission(p.crime, p.county, p.open_period, p.submitter_a)
    batch, _ = upload(p, csv_bytes([row(area="E10000099", numerator="3000")]), "r.csv")
    save_draft(sub, p.submitter_a, {"numerator": Decimal(10)})
    with pytest.raises(ImportRefused) as refused:
        apply_return(batch, p.submitter_a)
    assert "changed by someone else after your preview" in refused.value.messages[0]
    sub.refresh_from_db()
    assert sub.numerator == 10


def test_a_batch_is_applied_once(partnership):
    p = partnership
    batch, _ = upload(p, csv_bytes([row(area="E10000099", numerator="3000")]), "r.csv")
    apply_return(batch, p.submitter_a)
    with pytest.raises(ImportRefused, match="already been imported"):
        apply_return(batch, p.submitter_a)
    assert Submission.objects.count() == 1


@pytest.mark.parametrize(
    "values, column, message",
    [
        ({"code": "nope"}, "indicator_code", "There is no indicator with the code 'nope'."),
        (
            {"code": "survey", "area": "E10000099", "value": "40"},
            "indicator_code",
            "survey is reported by Council B, not Police A: you cannot import its figures.",
        ),
        ({"area": "E0000000X"}, "area_code", "There is no area with the code 'E0000000X'."),
        (
            {"quarter": "2016/17-Q3"},
            "quarter",
            "This row is for Q3 2016/17 (Oct–Dec 2016), but this upload is for Q2 2016/17",
        ),
        ({"quarter": "2016/17-Q1"}, "quarter", "Q1 2016/17 has closed"),
        ({"quarter": "Q2"}, "quarter", "'Q2' is not a quarter; write it like 2016/17-Q2."),
        ({"numerator": "-5"}, "numerator", "A count must be a whole number, 0 or more."),
        ({"numerator": "2.5"}, "numerator", "A count must be a whole number, 0 or more."),
        ({"numerator": "", "value": "12"}, "value", "leave value empty"),
        (
            {"numerator": "1,234"},
            "numerator",
            "'1,234' has a thousands separator. Write it as 1234.",
        ),
        ({"numerator": "1 234"}, "numerator", "thousands separator"),
        ({"numerator": "12%"}, "numerator", "The cell shows 12%, a percentage, but numerator"),
        ({"numerator": "lots"}, "numerator", "'lots' is not a number."),
        (
            {"covered_start": "Sept 2016"},
            "covered_start",
            "'Sept 2016' is not a date. Write dates like 30/09/2016 or 2016-09-30.",
        ),
        ({"covered_start": "31/09/2016"}, "covered_start", "not a real date"),
        (
            {"covered_start": "30/09/2016", "covered_end": "2016-07-01"},
            "covered_end",
            "The covered period must end after it starts.",
        ),
        ({"provisional": "maybe"}, "provisional", "'maybe' is not yes or no."),
        ({"nil_return": "yes", "numerator": "4"}, "nil_return", "A nil return cannot carry"),
    ],
)
def test_bad_rows_are_named_and_refuse_the_whole_file(partnership, values, column, message):
    p = partnership
    good = row(area="E10000099", numerator="3000")
    bad = row(**{"numerator": "100", **values})
    batch, plan = upload(p, csv_bytes([good, bad]), "r.csv")
    assert batch.status == ImportBatch.Status.INVALID
    bad_row = plan.rows[1]
    assert bad_row.number == 3
    assert any(c == column and message in m for c, m in bad_row.errors), bad_row.errors
    assert any(e.startswith(f"Row 3, column {column}: ") for e in batch.errors)
    with pytest.raises(ImportRefused):
        apply_return(batch, p.submitter_a)
    assert Submission.objects.count() == 0


def test_trailing_spaces_are_ignored(partnership):
    p = partnership
    content = csv_bytes([row(code=" crime ", area="E10000099 ", numerator=" 3000 ")])
    batch, plan = upload(p, content, "r.csv")
    assert batch.status == ImportBatch.Status.PREVIEWED, batch.errors
    assert plan.rows[0].data["numerator"] == 3000


def test_iso_and_british_dates_are_read(partnership):
    p = partnership
    content = csv_bytes(
        [row(area="E10000099", numerator="1", covered_start="01/07/2016", covered_end="2016-09-30")]
    )
    _, plan = upload(p, content, "r.csv")
    assert plan.rows[0].change_list[1:] == [
        ("covered_start", "—", "1 Jul 2016"),
        ("covered_end", "—", "30 Sep 2016"),
    ]


def test_duplicate_rows_are_refused(partnership):
    p = partnership
    content = csv_bytes([row(numerator="1"), row(numerator="2")])
    batch, plan = upload(p, content, "r.csv")
    assert plan.rows[1].errors == [
        (
            "indicator_code",
            "This row repeats row 2 (the same indicator and area). Keep one of them.",
        )
    ]
    assert batch.status == ImportBatch.Status.INVALID


@pytest.mark.parametrize("state", ["submitted", "approved"])
def test_submitted_and_approved_figures_are_locked_with_the_workflow_message(partnership, state):
    p = partnership
    sub = start_submission(p.crime, p.county, p.open_period, p.submitter_a)
    save_draft(sub, p.submitter_a, {"numerator": Decimal(2900)})
    submit(sub, p.submitter_a)
    if state == "approved":
        from indicators.workflow import approve

        approve(sub, p.approver)
    batch, plan = upload(p, csv_bytes([row(area="E10000099", numerator="3000")]), "r.csv")
    message = plan.rows[0].errors[0][1]
    expected = "has been approved" if state == "approved" else "submitted and is waiting"
    assert expected in message
    assert batch.status == ImportBatch.Status.INVALID


def test_swing_without_commentary_cannot_be_submitted(partnership):
    p = partnership
    approved(p.crime, p.county, p.closed_period, p.submitter_a, p.approver, numerator=1000)
    _, plan = upload(p, csv_bytes([row(area="E10000099", numerator="3000")]), "r.csv", submit=True)
    assert plan.rows[0].errors[0][0] == "commentary"
    assert "higher than last quarter" in plan.rows[0].errors[0][1]
    _, as_draft = upload(p, csv_bytes([row(area="E10000099", numerator="3000")]), "r.csv")
    assert not as_draft.has_errors
