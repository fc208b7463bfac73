"""Numbers as people write them (issue 12, item 5): no trailing zeros from storage."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from indicators import figures
from indicators.forms import SubmissionForm
from indicators.quarters import Quarter
from tests.workflow.helpers import make_submission


@pytest.mark.parametrize(
    ("stored", "shown"),
    [("588.0000", "588"), ("5.3000", "5.3"), ("100.0000", "100"), ("0.0500", "0.05"), ("0", "0")],
)
def test_plain_number_drops_the_storage_zeros(stored, shown):
    assert figures.plain_number(Decimal(stored)) == shown


def test_the_one_figure_form_shows_the_count_as_typed(client, partnership):
    draft = make_submission(partnership, "draft", numerator=Decimal("588.0000"))
    client.force_login(partnership.submitter_a)
    html = client.get(reverse("indicators:submission_edit", args=[draft.pk])).content.decode()
    assert 'name="numerator" value="588"' in html
    assert "588.0000" not in html


def test_a_direct_figure_is_traced_as_value_5_3_not_5_3000(partnership):
    p = partnership
    sub = make_submission(p, "draft", indicator=p.survey, numerator=None, value=Decimal("5.3000"))
    sub.refresh_from_db()
    figure = figures.submission_figure(p.survey, sub, Quarter(2016, 2), {})
    assert figure.inputs == ("Q2 2016/17: value 5.3",)
    assert SubmissionForm(submission=sub)["value"].value() == "5.3"
    assert 'value="5.3"' in str(SubmissionForm(submission=sub)["value"])
