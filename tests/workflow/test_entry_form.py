"""The entry form: shaped by the indicator, clear errors next to the field, nothing saved
on bad input, the computed figure shown, swings need commentary, stale edits refused."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from conftest import approved
from django.core import mail
from django.urls import reverse

from indicators import workflow
from indicators.models import Indicator, Submission, SubmissionEvent

from .helpers import make_submission

pytestmark = pytest.mark.django_db


@pytest.fixture
def rate(partnership):
    """A draft of org A's crime rate, with nothing entered yet."""
    return make_submission(partnership, "draft", numerator=None)


@pytest.fixture
def percentage(partnership):
    p = partnership
    ind = Indicator.objects.create(
        code="repeat",
        title="Repeat victims (%)",
        outcome=p.outcome,
        owner=p.org_a,
        unit=Indicator.Unit.PERCENTAGE,
        formula=Indicator.Formula.PERCENTAGE,
        aggregation=Indicator.Aggregation.LATEST,
        polarity=Indicator.Polarity.LOWER_IS_BETTER,
        decimal_places=0,
        rag_method=Indicator.RagMethod.CONTEXTUAL,
        numerator_label="repeat victims",
        denominator_label="victims",
    )
    ind.areas.set([p.county])
    return make_submission(p, "draft", indicator=ind, numerator=None)


@pytest.fixture
def survey(partnership):
    """Org B's direct percentage."""
    return make_submission(partnership, "draft", indicator=partnership.survey, numerator=None)


def post(client, submission, action="save", **fields):
    data = {"row_version": submission.row_version, "action": action, **fields}
    return client.post(reverse("indicators:submission_edit", args=[submission.pk]), data)


def field_error(html: str, field: str) -> str:
    match = re.search(
        rf'<p id="id_{field}_error" class="govuk-error-message">(.*?)</p>', html, re.S
    )
    return re.sub(r"<[^>]+>", "", match.group(1)).replace("Error:", "").strip() if match else ""


def state_of(submission):
    return (
        Submission.objects.filter(pk=submission.pk)
        .values_list("row_version", "value", "numerator", "denominator", "commentary")
        .get(),
        SubmissionEvent.objects.filter(submission=submission).count(),
    )


BAD = [
    ("rate", "numerator", "lots", "Enter a number, like 47 or 12.5."),
    ("rate", "numerator", "1,234", "Enter the number without commas, like 1234."),
    ("rate", "numerator", "12%", "Enter the number without the % sign, like 12.5."),
    ("rate", "numerator", "-5", "The figure cannot be negative."),
    ("rate", "numerator", "12.5", "Enter a whole number, like 47."),
    ("rate", "numerator", "99999999999999", "That number is too large"),
    ("rate", "numerator", "1e9", "Enter a number, like 47 or 12.5."),
    ("rate", "numerator", "9" * 60, "That number is too large"),
    ("survey", "value", "101", "A percentage must be between 0 and 100."),
    ("survey", "value", "12%", "Enter the number without the % sign"),
    ("survey", "value", "0.12345", "Enter at most 4 decimal places."),
    ("percentage", "denominator", "0", "The denominator must be more than 0."),
    ("percentage", "numerator", "-1", "The figure cannot be negative."),
]


@pytest.mark.parametrize(("which", "field", "typed", "message"), BAD)
def test_bad_figures_get_a_message_next_to_the_field_and_nothing_is_saved(
    client, partnership, request, which, field, typed, message
):
    submission = request.getfixturevalue(which)
    owner = partnership.submitter_b if which == "survey" else partnership.submitter_a
    client.force_login(owner)
    before = state_of(submission)
    extra = {"denominator": "10"} if which == "percentage" and field != "denominator" else {}
    if which == "percentage" and field == "denominator":
        extra = {"numerator": "0"}
    for action in ("save", "submit", "check"):
        response = post(client, submission, action, **{field: typed, **extra})
        assert response.status_code == 200
        html = response.content.decode()
        assert message in field_error(html, field)
        assert "There is a problem" in html
        assert state_of(submission) == before


def test_a_percentage_numerator_above_its_denominator_is_refused(client, partnership, percentage):
    client.force_login(partnership.submitter_a)
    before = state_of(percentage)
    response = post(client, percentage, numerator="11", denominator="10")
    assert "cannot be more than the denominator" in field_error(
        response.content.decode(), "numerator"
    )
    assert state_of(percentage) == before


def test_100_kb_of_commentary_is_refused_with_its_length(client, partnership, rate):
    client.force_login(partnership.submitter_a)
    before = state_of(rate)
    response = post(client, rate, numerator="10", commentary="x" * 102_400)
    assert "10,000 characters or fewer (you entered 102,400)" in field_error(
        response.content.decode(), "commentary"
    )
    assert state_of(rate) == before


def test_html_in_commentary_is_kept_as_text_and_shown_escaped(client, partnership, rate):
    attack = '<script>alert("x")</script><b onmouseover="x()">bold</b>'
    client.force_login(partnership.submitter_a)
    post(client, rate, numerator="10", commentary=attack)
    rate.refresh_from_db()
    assert rate.commentary == attack
    workflow.submit(rate, partnership.submitter_a)
    pages = [
        ("submitter", reverse("indicators:submission_edit", args=[rate.pk])),
        ("approver", reverse("indicators:submission_review", args=[rate.pk])),
        ("approver", reverse("indicators:review_queue")),
    ]
    for who, url in pages:
        client.force_login(partnership.submitter_a if who == "submitter" else partnership.approver)
        html = client.get(url).content.decode()
        assert "<script>alert" not in html and "<b onmouseover" not in html, url
        assert "&lt;script&gt;" in html, url


def test_the_form_is_shaped_by_the_indicator(client, partnership, rate, percentage, survey):
    client.force_login(partnership.submitter_a)
    html = client.get(reverse("indicators:submission_edit", args=[rate.pk])).content.decode()
    assert 'name="numerator"' in html and 'name="value"' not in html
    assert 'name="denominator"' not in html and "Number of crimes" in html
    html = client.get(reverse("indicators:submission_edit", args=[percentage.pk])).content.decode()
    assert 'name="numerator"' in html and 'name="denominator"' in html
    client.force_login(partnership.submitter_b)
    html = client.get(reverse("indicators:submission_edit", args=[survey.pk])).content.decode()
    assert 'name="value"' in html and 'name="numerator"' not in html
    assert "Figure (%)" in html


def test_saving_a_draft_shows_the_computed_rate(client, partnership, rate):
    client.force_login(partnership.submitter_a)
    response = post(client, rate, numerator="3000")
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    # 3000 crimes in a county of 300,000 people: 10.00 per 1,000.
    assert "10.00" in html and "per 1,000 population" in html
    assert "Draft saved" in html
    rate.refresh_from_db()
    assert rate.numerator == 3000 and rate.state == "draft"
    event = rate.events.get(action="saved")
    assert event.changes["numerator"] == [None, "3000"]


def test_check_figure_shows_the_figure_without_saving(client, partnership, rate):
    client.force_login(partnership.submitter_a)
    before = state_of(rate)
    html = post(client, rate, "check", numerator="1500").content.decode()
    assert "Checked figure (not saved yet)" in html and "5.00" in html
    assert state_of(rate) == before


def test_a_nil_return_is_a_confirmed_zero(client, partnership, rate):
    client.force_login(partnership.submitter_a)
    response = post(client, rate, "submit", is_nil_return="on")
    assert response.status_code == 302
    rate.refresh_from_db()
    assert rate.is_nil_return and rate.state == "submitted"


def test_a_nil_return_with_a_figure_is_refused(client, partnership, rate):
    client.force_login(partnership.submitter_a)
    html = post(client, rate, is_nil_return="on", numerator="4").content.decode()
    assert "A nil return is a confirmed 0" in field_error(html, "is_nil_return")


def test_submitting_with_no_figure_says_what_is_missing(client, partnership, rate):
    client.force_login(partnership.submitter_a)
    before = state_of(rate)
    html = post(client, rate, "submit").content.decode()
    assert "Enter the crimes." in field_error(html, "numerator")
    assert state_of(rate) == before


def test_submitting_tells_the_approvers(
    client, partnership, rate, django_capture_on_commit_callbacks
):
    client.force_login(partnership.submitter_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, rate, "submit", numerator="3000")
    assert response.status_code == 302
    rate.refresh_from_db()
    assert rate.state == "submitted" and rate.submitted_by == partnership.submitter_a
    assert sorted(m.to[0] for m in mail.outbox) == [
        "approver2@example.org.uk",
        "approver@example.org.uk",
    ]
    message = mail.outbox[0]
    assert message.subject == "For review: Crime rate (per 1,000 population) (Shire, Q2 2016/17)"
    assert message.alternatives and message.alternatives[0][1] == "text/html"


def test_a_large_swing_needs_commentary_before_submit(client, partnership, rate):
    p = partnership
    approved(p.crime, p.county, p.closed_period, p.submitter_a, p.approver, numerator=Decimal(3000))
    client.force_login(p.submitter_a)
    before = state_of(rate)
    html = post(client, rate, "submit", numerator="6000").content.decode()
    assert "100% higher than last quarter" in field_error(html, "commentary")
    assert state_of(rate) == before
    response = post(client, rate, "submit", numerator="6000", commentary="A new recording system.")
    assert response.status_code == 302
    rate.refresh_from_db()
    assert rate.state == "submitted"


def test_the_history_of_the_indicator_and_last_quarter_are_shown(client, partnership, rate):
    p = partnership
    approved(p.crime, p.county, p.closed_period, p.submitter_a, p.approver, numerator=Decimal(3000))
    client.force_login(p.submitter_a)
    html = client.get(reverse("indicators:submission_edit", args=[rate.pk])).content.decode()
    assert "Q1 2016/17 (Apr–Jun 2016)" in html and "10.00" in html


def test_a_returned_figure_shows_the_approvers_comment_next_to_the_form(client, partnership):
    returned = make_submission(partnership, "returned")
    client.force_login(partnership.submitter_a)
    html = client.get(reverse("indicators:submission_edit", args=[returned.pk])).content.decode()
    assert "Returned for changes" in html
    assert "Check the count against the crime system." in html
    assert 'name="numerator"' in html


def test_a_stale_edit_is_refused_at_the_top_and_saves_nothing(client, partnership, rate):
    client.force_login(partnership.submitter_a)
    old_version = rate.row_version
    workflow.save_draft(rate, partnership.submitter_b, {"numerator": Decimal(777)})
    before = state_of(rate)
    response = client.post(
        reverse("indicators:submission_edit", args=[rate.pk]),
        {"row_version": old_version, "action": "save", "numerator": "5"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    summary = html.split('class="govuk-error-summary"')[1].split("</div>")[0]
    assert "changed by someone else" in summary
    assert state_of(rate) == before
    rate.refresh_from_db()
    assert rate.numerator == 777


def test_a_submitted_figure_is_locked_with_the_reason_and_can_be_withdrawn(
    client, partnership, submitted
):
    client.force_login(partnership.submitter_a)
    url = reverse("indicators:submission_edit", args=[submitted.pk])
    html = client.get(url).content.decode()
    assert workflow.LOCK_SUBMITTED in html and 'name="numerator"' not in html
    client.post(
        reverse("indicators:submission_withdraw", args=[submitted.pk]),
        {"row_version": submitted.row_version},
    )
    submitted.refresh_from_db()
    assert submitted.state == "draft"


def test_an_approved_figure_says_to_ask_for_a_reopen(client, partnership):
    done = make_submission(partnership, "approved")
    client.force_login(partnership.submitter_a)
    before = state_of(done)
    url = reverse("indicators:submission_edit", args=[done.pk])
    response = client.post(url, {"row_version": done.row_version, "numerator": "1"})
    assert workflow.LOCK_APPROVED in response.content.decode()
    assert state_of(done) == before


def test_a_closed_quarter_says_it_has_closed(client, partnership):
    old = make_submission(partnership, "draft", period=partnership.closed_period)
    client.force_login(partnership.submitter_a)
    html = client.get(reverse("indicators:submission_edit", args=[old.pk])).content.decode()
    assert "Q1 2016/17 has closed, so its figures can no longer be changed." in html
