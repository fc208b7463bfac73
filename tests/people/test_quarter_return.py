"""The quarter's return on one page (issue 12, item 1): save all, submit, errors, conflicts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from indicators import workflow
from indicators.models import Submission
from indicators.quarters import Quarter
from tests.conftest import approved
from tests.workflow.helpers import make_submission

Q2 = Quarter(2016, 2)
URL = reverse("indicators:quarter_return", args=[Q2])


@pytest.fixture
def rows(partnership):
    """Org A's three crime figures for Q2 as drafts not started, and org B's survey figure."""
    p = partnership
    found = {
        area.name: make_submission(p, "draft", area=area, numerator=None)
        for area in (p.county, p.district_1, p.district_2)
    }
    found["survey"] = make_submission(p, "draft", indicator=p.survey, numerator=None)
    return found


def post_data(subs: dict, values: dict, action: str = "save", **extra) -> dict:
    """The page's POST: each row's row_version, and `values` as {area name: count text}."""
    data = {"action": action, **extra}
    for name, sub in subs.items():
        if name == "survey":
            continue
        data[f"s{sub.pk}-row_version"] = sub.row_version
        if name in values:
            data[f"s{sub.pk}-numerator"] = values[name]
    return data


def test_the_page_shows_every_figure_the_organisation_owes_and_no_other(
    client, partnership, rows, django_assert_max_num_queries
):
    client.force_login(partnership.submitter_a)
    with django_assert_max_num_queries(12):
        html = client.get(URL).content.decode()
    assert "Your return for Q2 2016/17" in html
    for name in ("Shire", "North", "South"):
        assert f'{name}<span class="govuk-visually-hidden">, Crime rate' in html
    assert f'name="s{rows["Shire"].pk}-numerator"' in html
    assert f"s{rows['survey'].pk}-" not in html
    assert "% feeling safe" not in html


def test_last_quarters_figure_is_shown_beside_the_input_as_people_write_it(
    client, partnership, rows
):
    p = partnership
    approved(p.crime, p.county, p.closed_period, p.submitter_a, p.approver, numerator=Decimal(600))
    rows["Shire"].numerator = Decimal("588.0000")
    rows["Shire"].save()
    client.force_login(p.submitter_a)
    html = client.get(URL).content.decode()
    assert f'name="s{rows["Shire"].pk}-numerator" value="588"' in html
    assert "Last quarter: 2.00" in html  # 600 crimes ÷ 300,000 people × 1,000


def test_save_all_saves_every_changed_row_as_a_draft(client, partnership, rows):
    client.force_login(partnership.submitter_a)
    response = client.post(URL, post_data(rows, {"Shire": "300", "North": "100"}))
    assert response.status_code == 302
    for name, count in (("Shire", 300), ("North", 100), ("South", None)):
        rows[name].refresh_from_db()
        assert rows[name].numerator == count
        assert rows[name].state == "draft"
    page = client.get(URL).content.decode()
    assert "Your figures were saved as drafts." in page


def test_one_bad_value_shows_the_summary_and_the_field_error_and_saves_nothing(
    client, partnership, rows
):
    client.force_login(partnership.submitter_a)
    response = client.post(
        URL, post_data(rows, {"Shire": "300", "North": "1,200"}, action="submit_all")
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem: nothing was saved" in html
    field_id = f"id_s{rows['North'].pk}-numerator"
    assert (
        f'<a href="#{field_id}">Crime rate (per 1,000 population) – North: '
        "Enter the number without commas, like 1234.</a>"
    ) in html
    assert f'id="{field_id}_error"' in html
    assert 'value="1,200"' in html  # what the officer typed stays in the box
    for sub in rows.values():
        sub.refresh_from_db()
        assert sub.numerator is None and sub.state == "draft" and sub.row_version == 1


def test_submit_all_complete_submits_the_complete_rows_and_sends_one_email(
    client, partnership, rows
):
    client.force_login(partnership.submitter_a)
    mail.outbox.clear()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("django.db.transaction.on_commit", lambda fn, **kw: fn())
        response = client.post(
            URL, post_data(rows, {"Shire": "300", "North": "100"}, action="submit_all")
        )
    assert response.status_code == 302
    states = {}
    for name in ("Shire", "North", "South"):
        rows[name].refresh_from_db()
        states[name] = rows[name].state
    assert states == {"Shire": "submitted", "North": "submitted", "South": "draft"}
    # Two approvers, one email each for the two figures (not one per figure).
    assert len(mail.outbox) == 2
    assert "has submitted 2 figures for Q2 2016/17" in mail.outbox[0].body
    page = client.get(URL).content.decode()
    assert "2 figures submitted for review. 1 figure is still to submit." in page


def test_submit_ticked_submits_only_the_ticked_rows(client, partnership, rows):
    client.force_login(partnership.submitter_a)
    data = post_data(rows, {"Shire": "300", "North": "100"}, action="submit_ticked")
    data[f"s{rows['North'].pk}-selected"] = "on"
    assert client.post(URL, data).status_code == 302
    rows["Shire"].refresh_from_db()
    rows["North"].refresh_from_db()
    assert (rows["Shire"].state, rows["Shire"].numerator) == ("draft", 300)
    assert rows["North"].state == "submitted"


def test_a_ticked_row_without_its_figure_is_refused_on_its_row(client, partnership, rows):
    client.force_login(partnership.submitter_a)
    data = post_data(rows, {"Shire": "300"}, action="submit_ticked")
    data[f"s{rows['South'].pk}-selected"] = "on"
    html = client.post(URL, data).content.decode()
    assert "Crime rate (per 1,000 population) – South: Enter the crimes." in html
    rows["Shire"].refresh_from_db()
    assert rows["Shire"].numerator is None


def test_a_large_swing_without_commentary_is_refused_on_its_row(client, partnership, rows):
    p = partnership
    approved(p.crime, p.county, p.closed_period, p.submitter_a, p.approver, numerator=Decimal(100))
    client.force_login(p.submitter_a)
    html = client.post(URL, post_data(rows, {"Shire": "300"}, action="submit_all")).content.decode()
    assert "Shire: This figure is 203% higher than last quarter (0.33 → 1.00)" in html
    rows["Shire"].refresh_from_db()
    assert rows["Shire"].state == "draft" and rows["Shire"].numerator is None


def test_a_row_changed_by_someone_else_is_reported_on_its_row_and_nothing_is_saved(
    client, partnership, rows
):
    p = partnership
    stale = post_data(rows, {"Shire": "300", "North": "100"})
    workflow.save_draft(rows["North"], p.submitter_a, {"numerator": Decimal(90)})
    client.force_login(p.submitter_a)
    response = client.post(URL, stale)
    html = response.content.decode()
    assert response.status_code == 400
    assert "Crime rate (per 1,000 population) – North: This figure was changed by someone" in html
    rows["Shire"].refresh_from_db()
    rows["North"].refresh_from_db()
    assert rows["Shire"].numerator is None
    assert rows["North"].numerator == 90


def test_submitted_and_approved_rows_are_shown_without_inputs(client, partnership, rows):
    p = partnership
    done = make_submission(p, "approved", period=p.closed_period)
    Submission.objects.filter(pk=rows["Shire"].pk).update(state="submitted", numerator=5)
    client.force_login(p.submitter_a)
    html = client.get(URL).content.decode()
    assert f'name="s{rows["Shire"].pk}-numerator"' not in html
    assert workflow.LOCK_SUBMITTED in html
    assert f"s{done.pk}-" not in html  # another quarter's figure


def test_another_organisations_row_is_refused_by_url(client, partnership, rows):
    client.force_login(partnership.submitter_a)
    url = reverse("indicators:quarter_row_save", args=[Q2, rows["survey"].pk])
    response = client.post(url, {f"s{rows['survey'].pk}-value": "50"})
    assert response.status_code == 404
    rows["survey"].refresh_from_db()
    assert rows["survey"].value is None


def test_another_organisations_row_posted_to_the_page_is_ignored(client, partnership, rows):
    client.force_login(partnership.submitter_a)
    data = post_data(rows, {"Shire": "300"})
    data[f"s{rows['survey'].pk}-row_version"] = 1
    data[f"s{rows['survey'].pk}-value"] = "50"
    assert client.post(URL, data).status_code == 302
    rows["survey"].refresh_from_db()
    assert rows["survey"].value is None


@pytest.mark.parametrize("who", ["approver", "viewer"])
def test_the_page_is_for_data_officers_only(client, partnership, who):
    client.force_login(getattr(partnership, who))
    assert client.get(URL).status_code == 403


def test_a_row_is_saved_as_a_draft_on_its_own(client, partnership, rows):
    sub = rows["North"]
    client.force_login(partnership.submitter_a)
    url = reverse("indicators:quarter_row_save", args=[Q2, sub.pk])
    response = client.post(url, {f"s{sub.pk}-row_version": 1, f"s{sub.pk}-numerator": "77"})
    body = response.json()
    assert body["saved"] is True and body["row_version"] == 2
    assert body["message"].startswith("Draft saved at ")
    sub.refresh_from_db()
    assert sub.numerator == 77 and sub.state == "draft"


def test_a_row_saved_on_its_own_with_a_bad_value_says_why_and_saves_nothing(
    client, partnership, rows
):
    sub = rows["North"]
    client.force_login(partnership.submitter_a)
    url = reverse("indicators:quarter_row_save", args=[Q2, sub.pk])
    response = client.post(url, {f"s{sub.pk}-row_version": 1, f"s{sub.pk}-numerator": "12%"})
    assert response.status_code == 400
    assert response.json()["errors"]["numerator"] == [
        "Enter the number without the % sign, like 12.5."
    ]
    sub.refresh_from_db()
    assert sub.numerator is None


def test_a_stale_row_saved_on_its_own_is_a_conflict(client, partnership, rows):
    sub = rows["North"]
    workflow.save_draft(sub, partnership.submitter_a, {"numerator": Decimal(90)})
    client.force_login(partnership.submitter_a)
    url = reverse("indicators:quarter_row_save", args=[Q2, sub.pk])
    response = client.post(url, {f"s{sub.pk}-row_version": 1, f"s{sub.pk}-numerator": "5"})
    assert response.status_code == 409
    sub.refresh_from_db()
    assert sub.numerator == 90


def test_my_submissions_links_to_the_quarter_page(client, partnership, rows):
    client.force_login(partnership.submitter_a)
    html = client.get(reverse("indicators:my_submissions")).content.decode()
    assert f'href="{URL}"' in html


def test_an_expected_figure_with_no_draft_can_be_started_from_the_page(client, partnership):
    p = partnership
    make_submission(p, "draft", numerator=None)  # Shire only: North and South not started
    client.force_login(p.submitter_a)
    html = client.get(URL).content.decode()
    assert "Crime rate (per 1,000 population) – North" in html
    assert 'Start<span class="govuk-visually-hidden"> Crime rate (per 1,000 population), South' in (
        html
    )
    response = client.post(
        reverse("indicators:submission_start"),
        {"indicator": p.crime.pk, "area": p.district_1.pk, "period": p.open_period.pk},
    )
    assert response.status_code == 302
    assert (
        f"s{Submission.objects.get(area=p.district_1).pk}-numerator"
        in client.get(URL).content.decode()
    )


def test_a_saved_large_change_asks_for_commentary_on_its_row(client, partnership, rows):
    p = partnership
    approved(p.crime, p.county, p.closed_period, p.submitter_a, p.approver, numerator=Decimal(100))
    rows["Shire"].numerator = Decimal(300)
    rows["Shire"].save()
    client.force_login(p.submitter_a)
    html = client.get(URL).content.decode()
    assert "This quarter: 1.00 (+0.67 (+203%))" in html
    assert "A large change since last quarter: explain it in the commentary" in html


def test_a_quarter_not_open_yet_shows_why_instead_of_inputs(client, partnership, rows):
    p = partnership
    p.open_period.opens_on = dt.date(2099, 1, 1)
    p.open_period.deadline = dt.date(2099, 2, 1)
    p.open_period.save()
    client.force_login(p.submitter_a)
    html = client.get(URL).content.decode()
    assert "Q2 2016/17 is not open for entry until 1 Jan 2099." in html
    assert f'name="s{rows["Shire"].pk}-numerator"' not in html
    assert "Save all as drafts" not in html
