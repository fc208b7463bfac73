"""The review queue table (django-tables2). Rows are `views.rows.Row` objects."""

from __future__ import annotations

import django_tables2 as tables
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

NUMERIC = {
    "th": {"class": "govuk-table__header--numeric"},
    "td": {"class": "govuk-table__cell--numeric"},
}


class SelectColumn(tables.CheckBoxColumn):
    """Row checkboxes under a header that screen readers can name (no select-all box)."""

    @property
    def header(self):
        return mark_safe('<span class="govuk-visually-hidden">Select for approval</span>')


class ReviewTable(tables.Table):
    selected = SelectColumn(
        accessor="pk",
        verbose_name="Select",
        attrs={
            "td__input": {
                "class": "portal-select-row",
                "aria-label": lambda record: (
                    f"Select {record.submission.indicator.title}, {record.submission.area.name}"
                ),
            },
        },
    )
    indicator = tables.Column(
        accessor="submission__indicator__title",
        verbose_name="Indicator",
        order_by=("submission__indicator__display_order",),
    )
    area = tables.Column(accessor="submission__area__name", verbose_name="Area")
    quarter = tables.Column(
        accessor="submission__period__short_label",
        verbose_name="Quarter",
        order_by=("submission__period__year", "submission__period__quarter"),
    )
    # The queue sorts and pages in the database (views.rows.PagedRows): every sortable
    # column orders by a submission field; computed figures are not sortable.
    organisation = tables.Column(
        accessor="submission__indicator__owner__display_name",
        verbose_name="Organisation",
        order_by=("submission__indicator__owner__name",),
    )
    state = tables.Column(accessor="status", verbose_name="State", order_by=("submission__state",))
    figure = tables.Column(
        accessor="figure_text", verbose_name="Figure", attrs=NUMERIC, orderable=False
    )
    previous = tables.Column(
        accessor="previous_text", verbose_name="Last quarter", attrs=NUMERIC, orderable=False
    )
    change = tables.Column(accessor="change", verbose_name="Change", attrs=NUMERIC, orderable=False)
    flags = tables.Column(accessor="flags", verbose_name="Flags", orderable=False)
    commentary = tables.Column(
        accessor="submission__commentary", verbose_name="Commentary", orderable=False
    )
    submitted = tables.Column(
        accessor="submission__submitted_at", verbose_name="Submitted", empty_values=()
    )

    class Meta:
        attrs = {"class": "portal-review-table portal-compact-table"}
        empty_text = "Nothing matches these filters."
        order_by = ("quarter",)

    def render_indicator(self, value, record):
        url = reverse("indicators:submission_review", args=[record.pk])
        return format_html('<a class="govuk-link" href="{}">{}</a>', url, value)

    def render_state(self, value, record):
        return render_to_string("indicators/includes/state_tag.html", {"status": value})

    def render_change(self, value, record):
        text = record.change_text
        if record.is_swing:
            return format_html('<strong class="govuk-tag govuk-tag--orange">{}</strong>', text)
        return text

    def render_flags(self, value, record):
        if not value:
            return ""
        return format_html(
            '<ul class="govuk-list govuk-body-s">{}</ul>',
            format_html_join("", "<li>{}</li>", ((f,) for f in value)),
        )

    def render_commentary(self, value, record):
        return Truncator(value).chars(160)

    def render_submitted(self, value, record):
        s = record.submission
        if not value:
            return "—"
        who = s.submitted_by.get_full_name() or s.submitted_by.username if s.submitted_by else ""
        return render_to_string("indicators/includes/who_when.html", {"who": who, "when": value})
