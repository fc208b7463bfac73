"""Targets per financial year, the submission's data status and comparator values.

The shared interfaces of issue 8: `Target`, `rag_against`, `target_text`,
`Indicator.target_for`, `Submission.status` and `PeerValue`'s source and as-at date.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from indicators.figures import Target, rag_against, target_text
from indicators.models import (
    ComparatorGroup,
    ComparatorMember,
    IndicatorTarget,
    PeerValue,
    Submission,
)

D = Decimal
AT_MOST_47 = Target(low=None, high=D("47"), tolerance=D("2"))
AT_LEAST_80 = Target(low=D("80"), high=None, tolerance=None)
RANGE_25_35 = Target(low=D("25"), high=D("35"), tolerance=D("5"))


@pytest.mark.parametrize(
    ("value", "target", "expected"),
    [
        ("47", AT_MOST_47, "G"),
        ("30", AT_MOST_47, "G"),
        ("48.5", AT_MOST_47, "A"),
        ("49", AT_MOST_47, "A"),
        ("49.01", AT_MOST_47, "R"),
        ("80", AT_LEAST_80, "G"),
        ("79.99", AT_LEAST_80, "R"),  # no tolerance: anything short is red
        ("25", RANGE_25_35, "G"),
        ("35", RANGE_25_35, "G"),
        ("20", RANGE_25_35, "A"),
        ("40", RANGE_25_35, "A"),
        ("19.9", RANGE_25_35, "R"),
        ("40.1", RANGE_25_35, "R"),
    ],
)
def test_a_value_is_rated_against_the_bounds_and_tolerance(value, target, expected):
    assert rag_against(D(value), target, "none") == expected


def test_a_point_target_takes_its_side_from_the_polarity():
    point = Target(low=D("40"), high=D("40"), tolerance=D("2"))
    assert rag_against(D("30"), point, "lower") == "G"
    assert rag_against(D("41"), point, "lower") == "A"
    assert rag_against(D("50"), point, "higher") == "G"
    assert rag_against(D("37"), point, "higher") == "R"
    assert rag_against(D("39"), point, "none") == "A"
    assert rag_against(D("40"), point, "none") == "G"


def test_no_target_is_its_own_rating_not_not_applicable():
    assert rag_against(D("12"), None, "lower") == "none"


@pytest.mark.parametrize(
    ("target", "unit", "dp", "expected"),
    [
        (AT_MOST_47, "rate_per_1000", 1, "≤ 47.0"),
        (AT_LEAST_80, "percentage", 0, "≥ 80%"),
        (RANGE_25_35, "percentage", 0, "25–35%"),
        (Target(low=D("1264"), high=D("1264")), "count", 0, "1264"),
        (None, "count", 0, "no target set"),
    ],
)
def test_a_target_reads_as_the_dashboard_writes_it(target, unit, dp, expected):
    assert target_text(target, unit, dp) == expected


def test_the_target_set_for_the_year_wins_over_the_standing_target(partnership):
    crime = partnership.crime
    IndicatorTarget.objects.create(indicator=crime, year=2016, high=D("38"), tolerance=D("1"))
    assert crime.target_for(2016) == Target(
        low=None, high=D("38"), tolerance=D("1"), source_year=2016
    )


def test_a_year_without_its_own_target_falls_back_to_the_standing_target(partnership):
    crime = partnership.crime  # lower is better, standing target 40 ± 2
    IndicatorTarget.objects.create(indicator=crime, year=2016, high=D("38"))
    assert crime.target_for(2015) == Target(
        low=None, high=D("40"), tolerance=D("2"), source_year=None
    )


def test_the_standing_target_of_a_higher_is_better_indicator_is_a_lower_bound(partnership):
    survey = partnership.survey
    survey.target = D("80")
    assert survey.target_for(2016) == Target(low=D("80"), high=None, source_year=None)


def test_an_indicator_with_no_target_at_all_has_none(partnership):
    assert partnership.survey.target_for(2016) is None


def test_prefetched_targets_are_used_without_a_query(partnership, django_assert_num_queries):
    crime = partnership.crime
    IndicatorTarget.objects.create(indicator=crime, year=2016, low=D("30"), high=D("38"))
    targets = list(IndicatorTarget.objects.all())
    with django_assert_num_queries(0):
        assert crime.target_for(2016, targets).low == D("30")
        assert crime.target_for(2017, targets).high == D("40")


def test_a_target_without_any_bound_is_refused(partnership):
    target = IndicatorTarget(indicator=partnership.crime, year=2016, tolerance=D("1"))
    with pytest.raises(ValidationError, match="at least one bound"):
        target.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        target.save()


def test_a_range_whose_low_is_above_its_high_is_refused(partnership):
    target = IndicatorTarget(indicator=partnership.crime, year=2016, low=D("40"), high=D("30"))
    with pytest.raises(ValidationError) as caught:
        target.full_clean()
    assert "cannot be less than" in str(caught.value.message_dict["high"])
    with pytest.raises(IntegrityError), transaction.atomic():
        target.save()


def test_a_second_target_for_the_same_year_is_refused(partnership):
    IndicatorTarget.objects.create(indicator=partnership.crime, year=2016, high=D("38"))
    second = IndicatorTarget(indicator=partnership.crime, year=2016, high=D("36"))
    with pytest.raises(ValidationError, match="already has a target for that year"):
        second.full_clean()


def test_a_negative_tolerance_is_refused(partnership):
    target = IndicatorTarget(indicator=partnership.crime, year=2016, high=D("38"), tolerance=-1)
    with pytest.raises(ValidationError):
        target.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        target.save()


def status_draft(p, **values):
    return Submission(indicator=p.crime, area=p.county, period=p.open_period, **values)


def test_a_submission_is_a_figure_unless_it_says_otherwise(partnership):
    submission = status_draft(partnership, numerator=D(5))
    submission.save()
    assert submission.status == Submission.Status.FIGURE


def test_not_yet_available_with_no_figure_is_accepted(partnership):
    submission = status_draft(partnership, status=Submission.Status.NOT_YET_AVAILABLE)
    submission.full_clean()
    submission.save()
    assert Submission.objects.get().get_status_display() == "Not yet available"


def test_a_status_other_than_a_figure_with_a_figure_gets_a_message_on_the_field(partnership):
    submission = status_draft(partnership, status=Submission.Status.NO_NEW_DATA, numerator=D(5))
    with pytest.raises(ValidationError) as caught:
        submission.full_clean()
    assert caught.value.message_dict["numerator"] == [
        "Leave this empty when the figure is “no new data published”."
    ]


def test_the_database_refuses_a_figure_under_a_no_figure_status(partnership):
    with pytest.raises(IntegrityError), transaction.atomic():
        status_draft(partnership, status=Submission.Status.NOT_YET_AVAILABLE, numerator=D(5)).save()
    with pytest.raises(IntegrityError), transaction.atomic():
        status_draft(partnership, status=Submission.Status.NO_NEW_DATA, is_nil_return=True).save()


@pytest.fixture
def group(partnership):
    group = ComparatorGroup.objects.create(
        name="Most similar", source="iQuanta", as_at=dt.date(2016, 4, 1)
    )
    partnership.crime.comparator_group = group
    partnership.crime.save()
    return group


def test_a_peer_value_keeps_its_source_and_date(partnership, group):
    member = ComparatorMember.objects.create(group=group, name="Elsewhere")
    value = PeerValue(
        indicator=partnership.crime,
        period=partnership.closed_period,
        member=member,
        value=D("41.2"),
        source="iQuanta",
        as_at=dt.date(2016, 9, 30),
    )
    value.full_clean()
    value.save()
    assert PeerValue.objects.get().as_at == dt.date(2016, 9, 30)


def test_a_peer_value_for_the_partnership_itself_is_refused(partnership, group):
    itself = ComparatorMember.objects.create(group=group, name="Shire", is_self=True)
    value = PeerValue(
        indicator=partnership.crime, period=partnership.closed_period, member=itself, value=1
    )
    with pytest.raises(ValidationError, match="Shire is this partnership"):
        value.full_clean()


def test_a_peer_value_for_a_member_of_another_group_is_refused(partnership, group):
    other = ComparatorGroup.objects.create(name="Other", source="x", as_at=dt.date(2016, 4, 1))
    stranger = ComparatorMember.objects.create(group=other, name="Faraway")
    value = PeerValue(
        indicator=partnership.crime, period=partnership.closed_period, member=stranger, value=1
    )
    with pytest.raises(ValidationError, match="not in the comparator group of crime"):
        value.full_clean()
