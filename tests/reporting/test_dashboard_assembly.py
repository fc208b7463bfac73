"""The assembled dashboard: the seed cell for cell, districts, gaps, overrides, breaks."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from reporting_helpers import Q2, YEAR_TO_Q2, crime_history, period_for
from reporting_seed import SEED_COLUMNS, SEED_FOOTNOTES, SEED_ROWS, SEED_TITLE

from indicators.models import DefinitionChange, Override, ReportingPeriod, Submission
from portal.models import Area
from reporting.assembly import build_dashboard
from reporting.dashboard import AWAITING_DATA, BREAK_IN_SERIES, Dashboard


def seed_dashboard(area_code: str = "E10000018") -> Dashboard:
    return build_dashboard(
        ReportingPeriod.objects.get_by_code("2016/17-Q2"), Area.objects.get(code=area_code)
    )


def test_the_county_dashboard_reproduces_the_seed_cell_for_cell(demo):
    dashboard = seed_dashboard()
    assert dashboard.heading == SEED_TITLE
    assert dashboard.headings == SEED_COLUMNS
    assert dashboard.table() == SEED_ROWS
    assert dashboard.footnote_lines() == SEED_FOOTNOTES


def test_the_seed_outcome_judgement_is_an_override_with_its_reason(demo):
    asb = seed_dashboard().outcomes[3]
    assert asb.rag == "G"
    assert asb.rag_overridden
    assert "judges the outcome on track" in asb.rag_reason


def test_the_dashboard_survives_a_snapshot_round_trip(demo):
    dashboard = seed_dashboard()
    again = Dashboard.from_dict(dashboard.to_dict())
    assert again == dashboard
    assert again.table() == SEED_ROWS


def test_every_figure_traces_back_to_its_approved_submissions(demo):
    crime = seed_dashboard().rows[0]
    assert [s.quarter for s in crime.submissions] == [
        "2015/16-Q3",
        "2015/16-Q4",
        "2016/17-Q1",
        "2016/17-Q2",
    ]
    assert all(s.approved_by and s.submitted_by for s in crime.submissions)
    assert any("population" in line for line in crime.inputs)


def test_a_district_dashboard_ranks_the_district_among_the_partnerships_districts(demo):
    county = Area.objects.get(code="E10000018")
    boards = {d.code: seed_dashboard(d.code) for d in county.children.all()}
    blaby = boards["E07000129"]
    assert blaby.area_is_district
    assert [r.code for r in blaby.rows] == [
        "crime-total",
        "crime-burglary",
        "crime-vehicle",
        "crime-violence-injury",
        "hate-incidents",
    ]
    total = blaby.rows[0]
    assert tuple(total[k].text for k in ("previous_year", "latest", "nn", "county")) == (
        "46.51",
        "46.24",
        "",
        "",
    )
    # Lower crime is better: rank 1 is the district with the lowest rate.
    rates = {code: Decimal(b.rows[0].headline_value) for code, b in boards.items()}
    ranks = {code: b.rows[0]["district"].text for code, b in boards.items()}
    best_first = sorted(rates, key=rates.get)
    assert [ranks[code] for code in best_first] == [f"{n}/7" for n in range(1, 8)]
    # Higher is better for hate incident reporting: rank 1 is the highest rate.
    hate = {code: Decimal(b.rows[4].headline_value) for code, b in boards.items()}
    assert boards[max(hate, key=hate.get)].rows[4]["district"].text == "1/7"


def test_a_missing_quarter_shows_awaiting_data_not_a_stale_figure(partnership):
    p = partnership
    counts = {q: 3000 for q in YEAR_TO_Q2}
    q1 = Q2.previous()
    del counts[q1]
    crime_history(p, p.county, counts)
    dashboard = build_dashboard(period_for(Q2), p.county)
    row = dashboard.rows[0]
    assert row["latest"].text == AWAITING_DATA
    assert q1.label in row["latest"].reason
    assert row["previous_year"].text == "40.00"  # 2015/16 is complete: 12000 / 300000 × 1,000
    assert row["direction"].text == ""
    assert row["progress"].text == ""
    survey = dashboard.rows[1]
    assert survey["latest"].text == AWAITING_DATA and survey["progress"].value == "n/a"


def test_an_unapproved_or_superseded_version_never_reaches_the_dashboard(partnership):
    p = partnership
    made = crime_history(p, p.county, {q: 3000 for q in YEAR_TO_Q2})
    # A correction in progress: a newer version submitted but not approved.
    Submission.objects.filter(pk=made[Q2].pk).update(is_current=False)
    Submission.objects.create(
        indicator=p.crime,
        area=p.county,
        period=made[Q2].period,
        version=2,
        state=Submission.State.SUBMITTED,
        is_current=True,
        numerator=Decimal(9000),
    )
    assert build_dashboard(made[Q2].period, p.county).rows[0]["latest"].text == "40.00"


def test_an_override_replaces_the_rule_and_keeps_its_reason(partnership):
    p = partnership
    crime_history(p, p.county, {q: 3000 for q in YEAR_TO_Q2})
    period = period_for(Q2)
    computed = build_dashboard(period, p.county)
    assert (
        computed.rows[0]["progress"].value == "G"
    )  # 40.00 against a target of 40, lower is better
    Override.objects.create(
        kind=Override.Kind.RAG,
        indicator=p.crime,
        area=p.county,
        period=period,
        value="R",
        reason="Recording audit found under-recording.",
        author=p.approver,
    )
    Override.objects.create(
        kind=Override.Kind.OUTCOME_RAG,
        outcome=p.outcome,
        area=p.county,
        period=period,
        value="A",
        reason="Board judgement.",
        author=p.approver,
    )
    dashboard = build_dashboard(period, p.county)
    row = dashboard.rows[0]
    progress = row["progress"]
    assert (progress.value, progress.text, progress.overridden) == ("R", "R", True)
    assert progress.reason == "Recording audit found under-recording."
    assert dashboard.outcomes[0].rag == "A" and dashboard.outcomes[0].rag_overridden
    assert {(o.kind, o.value, o.computed) for o in dashboard.overrides} == {
        ("rag", "R", computed.rows[0]["progress"].value),
        # The roll-up the override replaced already counts the indicator's override.
        ("outcome_rag", "A", "R"),
    }


def test_a_judgement_indicator_waits_for_the_approver(partnership):
    p = partnership
    p.crime.rag_method = "judgement"
    p.crime.save()
    crime_history(p, p.county, {q: 3000 for q in YEAR_TO_Q2})
    row = build_dashboard(period_for(Q2), p.county).rows[0]
    assert (row["progress"].value, row["progress"].text) == ("", "awaiting judgement")


def test_a_break_in_series_replaces_the_direction(partnership):
    p = partnership
    counts = {q: 3000 for q in YEAR_TO_Q2}
    counts[Q2] = 4000
    crime_history(p, p.county, counts)
    period = period_for(Q2)
    assert build_dashboard(period, p.county).rows[0]["direction"].text == "↓"
    DefinitionChange.objects.create(
        indicator=p.crime, effective_from=dt.date(2016, 7, 1), description="New counting rules"
    )
    row = build_dashboard(period, p.county).rows[0]
    assert row["direction"].text == BREAK_IN_SERIES
    assert row["direction"].value == ""
    assert "1 Jul 2016" in row["direction"].reason


def test_provisional_and_estimated_flags_without_text_get_a_footnote(partnership):
    p = partnership
    crime_history(p, p.county, {q: 3000 for q in YEAR_TO_Q2}, is_estimated=True)
    dashboard = build_dashboard(period_for(Q2), p.county)
    assert dashboard.rows[0]["latest"].text == "40.00*"
    assert dashboard.footnote_lines() == ["* Estimated figure"]
