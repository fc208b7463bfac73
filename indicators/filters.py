"""The review queue's filters (django-filter)."""

from __future__ import annotations

import django_filters
from django import forms

from portal.models import Organisation

from .models import Outcome, ReportingPeriod, Submission


class PeriodChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ReportingPeriod) -> str:
        return obj.label  # "Q2 2016/17 (Jul–Sep 2016)": the months say which year it is


class PeriodFilter(django_filters.ModelChoiceFilter):
    field_class = PeriodChoiceField


class ReviewFilter(django_filters.FilterSet):
    period = PeriodFilter(
        label="Quarter", queryset=ReportingPeriod.objects.all(), empty_label="All quarters"
    )
    organisation = django_filters.ModelChoiceFilter(
        label="Organisation",
        field_name="indicator__owner",
        queryset=Organisation.objects.filter(is_active=True),
        empty_label="All organisations",
    )
    outcome = django_filters.ModelChoiceFilter(
        label="Outcome",
        field_name="indicator__outcome",
        queryset=Outcome.objects.all(),
        empty_label="All outcomes",
    )
    state = django_filters.ChoiceFilter(
        label="State", choices=Submission.State.choices, empty_label="All states"
    )

    class Meta:
        model = Submission
        fields = ["period", "organisation", "outcome", "state"]

    def __init__(self, data=None, *args, **kwargs):
        # The queue opens on what waits for review.
        if data is not None and "state" not in data:
            data = data.copy()
            data["state"] = Submission.State.SUBMITTED
        super().__init__(data, *args, **kwargs)
