"""Quarters: open with expected drafts, deadlines, close (which locks edits), the tracker
with its percentages and CSV, and overrides kept as a record."""

from __future__ import annotations

import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from indicators import workflow
from indicators.import_files import neutralise, restore_neutralised
from indicators.models import Override, ReportingPeriod, Submission, SubmissionEvent
from indicators.quarters import Quarter

from .helpers import make_submission

pytestmark = pytest.mark.django_db
UK = ZoneInfo("Europe/London")


def test_opening_a_quarter_creates_a_draft_for_every_indicator_and_area_once(partnership):
    period, created = workflow.open_quarter(Quarter(2016, 3), partnership.approver)
    # crime for county and two districts, survey for the county
    assert created == 4
    assert (period.opens_on, period.deadline) == (dt.date(2017, 1, 1), dt.date(2017, 2, 11))
    assert set(Submission.objects.filter(period=period).values_list("state", flat=True)) == {
        "draft"
    }
    assert SubmissionEvent.objects.filter(submission__period=period, action="created").count() == 4
    assert workflow.open_quarter(Quarter(2016, 3), partnership.approver)[1] == 0
    assert Submission.objects.filter(period=period).count() == 4


def test_the_open_quarter_page_offers_the_next_quarter_with_its_months(client, partnership):
    client.force_login(partnership.approver)
    html = client.get(reverse("indicators:period_open")).content.decode()
    assert "Q3 2016/17 (Oct–Dec 2016)" in html
    response = client.post(
        reverse("indicators:period_open"),
        {"quarter": "2016/17-Q3", "opens_on": "01/01/2017", "deadline": "10/02/2017"},
    )
    assert response.status_code == 302
    period = ReportingPeriod.objects.get(year=2016, quarter=3)
    assert period.deadline == dt.date(2017, 2, 10)
    assert Submission.objects.filter(period=period).count() == 4


def test_a_deadline_before_opening_is_refused(client, partnership):
    client.force_login(partnership.approver)
    response = client.post(
        reverse("indicators:period_open"),
        {"quarter": "2016/17-Q3", "opens_on": "01/01/2017", "deadline": "31/12/2016"},
    )
    assert "The deadline must be on or after the day entry opens (1 Jan 2017)." in (
        response.content.decode()
    )
    assert not ReportingPeriod.objects.filter(year=2016, quarter=3).exists()


def test_setting_a_deadline(client, partnership):
    client.force_login(partnership.approver)
    url = reverse("indicators:period_deadline", args=[Quarter(2016, 2)])
    assert "Enter a real date" in client.post(url, {"deadline": "31/13/2016"}).content.decode()
    client.post(url, {"deadline": "18/11/2016"})
    partnership.open_period.refresh_from_db()
    assert partnership.open_period.deadline == dt.date(2016, 11, 18)


def test_closing_a_quarter_locks_edits_with_the_closed_message(client, partnership, draft):
    client.force_login(partnership.approver)
    page = client.get(reverse("indicators:period_close", args=[Quarter(2016, 2)]))
    assert "not approved yet" in page.content.decode()
    client.post(
        reverse("indicators:period_close", args=[Quarter(2016, 2)]), {"confirm_unfinished": "yes"}
    )
    partnership.open_period.refresh_from_db()
    assert partnership.open_period.closed_by == partnership.approver
    client.force_login(partnership.submitter_a)
    response = client.post(
        reverse("indicators:submission_edit", args=[draft.pk]),
        {"row_version": draft.row_version, "numerator": "5"},
    )
    assert "Q2 2016/17 has closed" in response.content.decode()
    draft.refresh_from_db()
    assert draft.numerator == 120


def test_the_tracker_counts_on_time_late_and_missing(client, partnership):
    p = partnership
    period = p.closed_period  # deadline 12 Aug 2016
    on_time = make_submission(p, "approved", period=period)
    late = make_submission(p, "submitted", period=period, area=p.district_1)
    for sub, when in (
        (on_time, dt.datetime(2016, 8, 12, 23, 30, tzinfo=UK)),
        (late, dt.datetime(2016, 8, 13, 0, 30, tzinfo=UK)),
    ):
        SubmissionEvent.objects.create(
            submission=sub, action="submitted", actor=p.submitter_a, at=when
        )
    client.force_login(p.approver)
    html = client.get(reverse("indicators:tracker", args=[Quarter(2016, 1)])).content.decode()
    # 4 expected: crime × 3 areas, survey × county; 2 received, 1 on time.
    assert "50% (2 of 4 expected figures submitted or approved)" in html
    assert "25% (1 of 4 first submitted by the deadline)" in html
    assert "On time" in html and "Late" in html and "Overdue" in html


def test_the_tracker_csv_neutralises_formulas(client, partnership):
    p = partnership
    p.org_a.name = '=HYPERLINK("http://x")'
    p.org_a.save()
    make_submission(p, "submitted")
    client.force_login(p.approver)
    response = client.get(reverse("indicators:tracker_csv", args=[Quarter(2016, 2)]))
    assert response["Content-Disposition"].endswith('q2.csv"')
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["Organisation", "Indicator code", "Indicator"]
    assert '\'=HYPERLINK("http://x")' in [r[0] for r in rows]
    assert all(not cell.startswith(("=", "+", "-", "@")) for r in rows for cell in r)


@pytest.mark.parametrize("cell", ["=1+1", "+A1", "-A1+2", "@SUM(A1)", "\tx", "\rx"])
def test_neutralise_prefixes_a_quote_and_a_reader_takes_it_off(cell):
    assert neutralise(cell) == "'" + cell
    assert restore_neutralised(neutralise(cell)) == cell
    assert neutralise("Blaby") == "Blaby"


@pytest.mark.parametrize("cell", ["-312", "+4.2%", "1,264"])
def test_signed_figures_stay_numbers(cell):
    assert neutralise(cell) == cell


def test_an_override_replaces_the_previous_one_and_both_stay_on_record(client, partnership):
    p = partnership
    client.force_login(p.approver)
    url = reverse("indicators:overrides", args=[Quarter(2016, 2)])
    base = {"kind": "rag", "indicator": p.crime.pk, "area": p.county.pk}
    response = client.post(url, {**base, "value": "A", "reason": ""})
    assert "Give the reason for the override." in response.content.decode()
    client.post(url, {**base, "value": "A", "reason": "Close to target."})
    client.post(url, {**base, "value": "G", "reason": "Target met on revised figures."})
    assert list(
        Override.objects.order_by("created_at", "id").values_list("value", "is_active")
    ) == [
        ("A", False),
        ("G", True),
    ]
    response = client.post(url, {**base, "kind": "direction", "value": "G", "reason": "x"})
    assert "Choose improving, stable, worsening, increasing or decreasing." in (
        response.content.decode()
    )
    response = client.post(
        url,
        {
            "kind": "outcome_rag",
            "outcome": p.outcome.pk,
            "area": p.county.pk,
            "value": "G",
            "reason": "Board judgement.",
        },
    )
    assert Override.objects.get(kind="outcome_rag").outcome == p.outcome


@time_machine.travel(dt.datetime(2016, 10, 20, 9, tzinfo=UK), tick=False)
def test_the_quarters_list_shows_each_quarter_with_dates_and_progress(client, partnership):
    make_submission(partnership, "approved")
    client.force_login(partnership.approver)
    html = client.get(reverse("indicators:period_list")).content.decode()
    assert "Q2 2016/17 (Jul–Sep 2016)" in html and "12 Aug 2016" in html
    assert "1 approved" in html and "Open Q3 2016/17 (Oct–Dec 2016)" in html
