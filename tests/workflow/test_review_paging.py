"""The review queue pages in the database: a page of 50 costs the same at any size."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from indicators import figures
from indicators.models import Submission
from indicators.views.rows import PagedRows

from .helpers import many_submissions

pytestmark = pytest.mark.django_db

QUEUE = reverse("indicators:review_queue")


def _selected_ids(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'name="selected" value="(\d+)"', html)]


@pytest.fixture
def figures_computed(monkeypatch) -> list[int]:
    """The ids of the submissions whose figure the page computed."""
    computed = []
    real = figures.submission_figure

    def spy(indicator, submission, quarter, populations):
        if submission is not None:
            computed.append(submission.pk)
        return real(indicator, submission, quarter, populations)

    monkeypatch.setattr(figures, "submission_figure", spy)
    return computed


def test_all_states_shows_one_page_of_50_and_computes_only_its_figures(
    client, partnership, figures_computed
):
    many_submissions(partnership, 150)  # 150 submitted, 150 approved last quarter
    client.force_login(partnership.approver)
    html = client.get(QUEUE, {"state": ""}).content.decode()
    assert "300 figures match" in html
    shown = _selected_ids(html)
    assert len(shown) == 50
    # Each row's figure and, for this quarter's rows, last quarter's: never the other 250.
    assert set(shown) <= set(figures_computed) and len(set(figures_computed)) <= 100


def test_the_pages_together_show_every_matching_figure_once(client, partnership):
    many_submissions(partnership, 60)
    client.force_login(partnership.approver)
    seen = []
    for page in (1, 2, 3):
        html = client.get(QUEUE, {"state": "", "sort": "-area", "page": page}).content.decode()
        seen += _selected_ids(html)
    assert len(seen) == 120
    assert sorted(seen) == sorted(Submission.objects.values_list("pk", flat=True))


def test_sorting_by_state_orders_the_whole_queue_not_just_the_page(client, partnership):
    many_submissions(partnership, 60)
    client.force_login(partnership.approver)
    html = client.get(QUEUE, {"state": "", "sort": "-state", "page": 1}).content.decode()
    states = set(Submission.objects.filter(pk__in=_selected_ids(html)).values_list("state"))
    assert states == {("submitted",)}  # "submitted" sorts after "approved": first, reversed
    html = client.get(QUEUE, {"state": "", "sort": "state", "page": 1}).content.decode()
    states = set(Submission.objects.filter(pk__in=_selected_ids(html)).values_list("state"))
    assert states == {("approved",)}


def test_past_the_count_limit_the_queue_says_more_than(client, partnership, monkeypatch):
    monkeypatch.setattr(PagedRows, "COUNT_LIMIT", 100)
    many_submissions(partnership, 60)  # 120 figures
    client.force_login(partnership.approver)
    html = client.get(QUEUE, {"state": ""}).content.decode()
    assert "More than 100 figures match" in html
    assert len(_selected_ids(html)) == 50
