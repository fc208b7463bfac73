"""Overrides (issue 12, item 8): one form per kind, required fields marked, plain messages."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from indicators.models import Override
from indicators.quarters import Quarter

URL = reverse("indicators:overrides", args=[Quarter(2016, 2)])


def test_each_kind_has_its_own_form_with_only_its_own_values(client, partnership):
    client.force_login(partnership.approver)
    html = client.get(URL).content.decode()
    forms = re.findall(r'<form method="post" novalidate aria-labelledby.*?</form>', html, re.S)
    assert len(forms) == 3
    direction, rag, outcome = forms
    assert "Improving (↑)" in direction and "Amber" not in direction
    assert "Amber" in rag and "Improving" not in rag
    assert 'name="outcome"' in outcome and "Amber" in outcome and 'name="indicator"' not in outcome


def test_no_field_is_labelled_optional(client, partnership):
    client.force_login(partnership.approver)
    assert "(optional)" not in client.get(URL).content.decode()


def test_an_empty_form_explains_each_missing_field_in_plain_words(client, partnership):
    client.force_login(partnership.approver)
    response = client.post(URL, {"kind": "rag"})
    html = response.content.decode()
    assert response.status_code == 400
    for message in (
        "Choose the indicator.",
        "Choose the area the judgement is for.",
        "Choose red, amber, green or not applicable.",
        "Give the reason for the override.",
    ):
        assert message in html
    assert "This field is required." not in html
    assert '<a href="#id_rag_indicator">Choose the indicator.</a>' in html
    assert '<a href="#id_rag_value_0">Choose red, amber, green or not applicable.</a>' in html
    assert not Override.objects.exists()


@pytest.mark.parametrize(
    ("kind", "target", "value", "shown"),
    [
        ("direction", "indicator", "improving", "Improving (↑)"),
        ("rag", "indicator", "A", "Amber"),
        ("outcome_rag", "outcome", "G", "Green"),
    ],
)
def test_each_form_records_its_judgement_and_shows_it_in_words(
    client, partnership, kind, target, value, shown
):
    p = partnership
    client.force_login(p.approver)
    target_pk = p.crime.pk if target == "indicator" else p.outcome.pk
    response = client.post(
        URL,
        {
            "kind": kind,
            target: target_pk,
            "area": p.county.pk,
            "value": value,
            "reason": "Board judgement.",
        },
        follow=True,
    )
    html = response.content.decode()
    assert "The override was recorded with its reason." in html
    override = Override.objects.get()
    assert (override.kind, override.value, override.reason) == (kind, value, "Board judgement.")
    assert f'<td class="govuk-table__cell">{shown}</td>' in html


def test_a_rag_value_is_refused_by_the_direction_form(client, partnership):
    p = partnership
    client.force_login(p.approver)
    response = client.post(
        URL,
        {"kind": "direction", "indicator": p.crime.pk, "area": p.county.pk, "value": "G"},
    )
    assert "Choose improving, stable, worsening, increasing or decreasing." in (
        response.content.decode()
    )
    assert not Override.objects.exists()


def test_an_unknown_kind_is_refused_with_a_message(client, partnership):
    client.force_login(partnership.approver)
    response = client.post(URL, {"kind": "colour"}, follow=True)
    assert "Choose what to override: direction, RAG or outcome RAG." in response.content.decode()
    assert not Override.objects.exists()
