"""django-tables2 tables for the committee pages."""

import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from indicators.models import ReportingPeriod
from indicators.quarters import british_date


class CommitteePeriodTable(tables.Table):
    caption = "Quarters with approved figures"
    quarter = tables.Column(empty_values=(), orderable=False, verbose_name="Quarter")
    approved = tables.Column(
        verbose_name="Approved values",
        orderable=False,
        attrs={
            "th": {"class": "govuk-table__header--numeric"},
            "td": {"class": "govuk-table__cell--numeric"},
        },
    )
    published_at = tables.Column(verbose_name="Published", orderable=False)

    class Meta:
        model = ReportingPeriod
        fields = ("quarter", "approved", "published_at")
        empty_text = "No quarter has approved figures yet."

    def render_quarter(self, record):
        url = reverse("reporting:committee_dashboard", args=[record.code])
        return format_html('<a class="govuk-link" href="{}">{}</a>', url, record.label)

    def render_published_at(self, value):
        return f"Published {british_date(timezone.localtime(value).date())}"

    def value_published_at(self, value):
        return value
