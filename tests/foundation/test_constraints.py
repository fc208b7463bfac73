"""Impossible rows are refused, by the database where it can see the rule, else by clean()."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from indicators.models import Override, ReportingPeriod, Submission


def draft(p, **values):
    return Submission(indicator=p.crime, area=p.county, period=p.open_period, **values)


def test_a_second_current_submission_for_the_same_quarter_is_refused(partnership):
    draft(partnership, numerator=Decimal(5)).save()
    with pytest.raises(IntegrityError), transaction.atomic():
        draft(partnership, numerator=Decimal(6), version=2).save()


def test_a_second_current_submission_fails_validation_with_a_clear_message(partnership):
    draft(partnership, numerator=Decimal(5)).save()
    with pytest.raises(ValidationError, match="already a current submission"):
        draft(partnership, numerator=Decimal(6), version=2).validate_constraints()


def test_an_old_version_and_a_current_one_can_coexist(partnership):
    draft(partnership, numerator=Decimal(5), is_current=False).save()
    draft(partnership, numerator=Decimal(6), version=2).save()
    assert Submission.objects.current().get().version == 2


def test_a_negative_count_is_refused_by_the_database(partnership):
    with pytest.raises(IntegrityError), transaction.atomic():
        draft(partnership, numerator=Decimal(-1)).save()


def test_a_negative_count_gets_a_clear_message(partnership):
    with pytest.raises(ValidationError, match="whole number, 0 or more"):
        draft(partnership, numerator=Decimal(-1)).full_clean()


def test_a_part_count_is_refused(partnership):
    with pytest.raises(ValidationError, match="whole number"):
        draft(partnership, numerator=Decimal("2.5")).full_clean()


@pytest.mark.parametrize("value", ["100.1", "-0.5"])
def test_a_percentage_outside_0_to_100_is_refused(partnership, value):
    sub = Submission(
        indicator=partnership.survey,
        area=partnership.county,
        period=partnership.open_period,
        value=Decimal(value),
    )
    with pytest.raises(ValidationError, match="between 0 and 100"):
        sub.full_clean()


def test_a_zero_denominator_is_refused_by_the_database(partnership):
    with pytest.raises(IntegrityError), transaction.atomic():
        draft(partnership, numerator=Decimal(1), denominator=Decimal(0)).save()


def test_a_nil_return_cannot_carry_a_figure(partnership):
    with pytest.raises(IntegrityError), transaction.atomic():
        draft(partnership, numerator=Decimal(3), is_nil_return=True).save()


def test_a_rank_beyond_its_group_is_refused(partnership):
    with pytest.raises(ValidationError, match="cannot exceed the group size"):
        draft(partnership, numerator=Decimal(3), nn_rank=10, nn_of=9).full_clean()


def test_only_an_approved_version_can_be_the_latest_approved(partnership):
    with pytest.raises(IntegrityError), transaction.atomic():
        draft(partnership, numerator=Decimal(3), is_latest_approved=True).save()


def test_two_periods_for_one_quarter_are_refused(partnership):
    p = partnership.open_period
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportingPeriod.objects.create(
            year=p.year, quarter=p.quarter, opens_on=p.opens_on, deadline=p.deadline
        )


def test_an_override_needs_a_reason(partnership):
    with pytest.raises(ValidationError, match="reason"):
        Override(
            kind=Override.Kind.RAG,
            indicator=partnership.crime,
            area=partnership.county,
            period=partnership.open_period,
            value="G",
            reason="",
        ).full_clean()


def test_an_override_value_must_fit_its_kind(partnership):
    with pytest.raises(ValidationError, match="Choose one of"):
        Override(
            kind=Override.Kind.DIRECTION,
            indicator=partnership.crime,
            area=partnership.county,
            period=partnership.open_period,
            value="G",
            reason="judgement",
        ).full_clean()


def test_a_target_rag_indicator_without_targets_rates_no_target_set(partnership):
    """Targets may come year by year; a year with none is "no target set", not an error."""
    crime = partnership.crime
    crime.target = None
    crime.full_clean()
    crime.save()
    assert crime.target_for(2016) is None
