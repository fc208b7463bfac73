"""The demo tells the truth about itself: who submitted what, and which values are synthetic."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

from indicators import figures
from indicators.demo_data import DEMO_USERS, PEER_FACTORS, PEER_SOURCE, SEED_QUARTER
from indicators.models import (
    Indicator,
    IndicatorTarget,
    PeerValue,
    ReportingPeriod,
    Submission,
    SubmissionEvent,
)
from portal.models import Area, Membership

README = Path(settings.BASE_DIR) / "README.md"


def members_of(organisation_id) -> set[int]:
    return set(
        Membership.objects.filter(organisation_id=organisation_id).values_list("user_id", flat=True)
    )


def test_every_demo_submission_is_submitted_by_a_member_of_the_owning_organisation(demo):
    submitted = Submission.objects.filter(submitted_by__isnull=False).select_related("indicator")
    assert submitted.count() > 300
    wrong = [
        (s.indicator.code, s.period_id, s.submitted_by.username)
        for s in submitted.select_related("submitted_by")
        if s.submitted_by_id not in members_of(s.indicator.owner_id)
    ]
    assert wrong == []
    # Opening a quarter creates its drafts in the approver's name; figures are the owner's.
    events = SubmissionEvent.objects.filter(
        action__in=["saved", "submitted"], actor__isnull=False
    ).select_related("submission__indicator", "actor")
    wrong = {
        (e.submission.indicator.code, e.actor.username)
        for e in events
        if e.actor_id not in members_of(e.submission.indicator.owner_id)
    }
    assert wrong == set()
    by_code = dict(
        Submission.objects.filter(indicator__code__in=["iom-offending-reduction", "da-referrals"])
        .values_list("indicator__code", "submitted_by__username")
        .distinct()
    )
    assert by_code == {
        "iom-offending-reduction": "probation.officer",
        "da-referrals": "da.officer",
    }


def test_the_readme_lists_every_demo_login():
    text = README.read_text()
    table = text.split("## Demo logins", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"^\| `([a-z.]+)` \|", table, re.M))
    assert listed == {username for username, *_ in DEMO_USERS}


def test_the_readme_says_which_demo_cells_are_typed_and_which_values_are_synthetic():
    text = README.read_text()
    assert "typed" in text and "synthetic" in text.lower()
    assert "first time entrants" in text.lower()


TYPED_RANKS = {
    "crime-total": 3,
    "crime-burglary": 5,
    "crime-vehicle": 5,
    "crime-violence-injury": 2,
    "yos-first-time-entrants": 2,
}


def test_group_members_have_synthetic_values_ranking_as_the_typed_cells_say(demo):
    seed = ReportingPeriod.objects.for_quarter(SEED_QUARTER).get()
    values = PeerValue.objects.filter(period=seed)
    assert set(values.values_list("indicator__code", flat=True)) == set(PEER_FACTORS)
    assert values.count() == 8 * len(PEER_FACTORS)
    assert not values.filter(member__is_self=True).exists()
    assert set(values.values_list("source", flat=True)) == {PEER_SOURCE}
    county = Area.objects.get(code="E10000018")
    pops = dict(county.populations.values_list("year", "population"))
    for code, typed_rank in TYPED_RANKS.items():
        indicator = Indicator.objects.get(code=code)
        own = {
            s.period.as_quarter: s
            for s in Submission.objects.approved()
            .filter(indicator=indicator, area=county)
            .select_related("period")
        }
        mine = figures.rolling_12_months(indicator, SEED_QUARTER, own, pops).value
        peers = values.filter(indicator=indicator).values_list("value", flat=True)
        assert 1 + sum(1 for v in peers if v < mine) == typed_rank, code


def test_a_yearly_target_is_set_without_touching_the_seed_year(demo):
    crime = Indicator.objects.get(code="crime-total")
    assert list(IndicatorTarget.objects.values_list("indicator__code", "year")) == [
        ("crime-total", 2015)
    ]
    assert crime.target_for(2015).high == 48
    assert crime.target_for(2016).source_year is None  # the standing 47.50 rules the seed
