"""The quarterly return's status column: a figure, or why there is none this quarter."""

from __future__ import annotations

import io

from conftest import approved
from openpyxl import load_workbook

from indicators.importing import RETURN_COLUMNS, apply_return, build_template, preview_upload
from indicators.models import ImportBatch, Submission

from .helpers import csv_bytes, row


def upload(p, rows):
    return preview_upload(csv_bytes(rows), "return.csv", p.org_a, p.open_period, p.submitter_a)


def test_a_row_says_not_yet_available_and_is_saved_without_a_figure(partnership):
    p = partnership
    batch, plan = upload(p, [row(area="E10000099", status="Not yet available")])
    assert batch.status == ImportBatch.Status.PREVIEWED, batch.errors
    assert plan.rows[0].change_list == [("status", "figure", "not_yet_available")]
    apply_return(batch, p.submitter_a)
    saved = Submission.objects.get()
    assert (saved.status, saved.numerator) == ("not_yet_available", None)


def test_a_status_with_a_figure_is_refused_on_its_row_and_column(partnership):
    p = partnership
    batch, _ = upload(p, [row(status="no new data published", numerator="120")])
    assert batch.status == ImportBatch.Status.INVALID
    assert batch.errors == [
        "Row 2, column numerator: Leave this empty when the figure is “no new data published”."
    ]
    assert not Submission.objects.exists()


def test_an_unknown_status_word_is_refused(partnership):
    batch, _ = upload(partnership, [row(status="later", numerator="")])
    assert batch.errors == [
        "Row 2, column status: 'later' is not a data status. Write figure, not yet available "
        "or no new data published (or leave it empty)."
    ]


def test_a_figure_with_a_blank_status_replaces_an_earlier_not_yet_available(partnership):
    p = partnership
    apply_return(upload(p, [row(status="not yet available")])[0], p.submitter_a)
    batch, plan = upload(p, [row(numerator="120")])
    assert batch.status == ImportBatch.Status.PREVIEWED, batch.errors
    apply_return(batch, p.submitter_a)
    saved = Submission.objects.get()
    assert (saved.status, saved.numerator) == ("figure", 120)


def test_the_template_writes_the_status_in_words_and_leaves_figures_blank(partnership):
    p = partnership
    approved(p.crime, p.county, p.open_period, p.submitter_a, p.approver, status="no_new_data")
    content, _, _ = build_template(p.org_a, p.open_period)
    rows = list(load_workbook(io.BytesIO(content))["Return"].iter_rows(values_only=True))
    status_at = RETURN_COLUMNS.index("status")
    assert [r[status_at] for r in rows[1:]] == ["No new data published", None, None]


def test_a_nil_return_with_a_no_figure_status_is_refused_on_the_nil_return_column(partnership):
    batch, _ = upload(partnership, [row(status="not yet available", nil_return="yes")])
    assert batch.errors == [
        "Row 2, column nil_return: A nil return is a figure: it cannot be “not yet available”."
    ]
