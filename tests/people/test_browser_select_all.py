"""'Select all' on the review queue (issue 12, item 7): a static script adds a header
checkbox that ticks every row for "Approve selected"; without JavaScript there is no such
box and rows are ticked one by one. Screenshot: review-select-all-1280.png in tmp_path."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from indicators.models import Submission
from tests.workflow.helpers import make_submission
from tests.workflow.test_browser_journey import sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def queue(browser_people):
    p = browser_people
    return [
        make_submission(p, "submitted", area=area)
        for area in (p.county, p.district_1, p.district_2)
    ]


def row_boxes(page: Page):
    return page.locator("input.portal-select-row")


def states(figures) -> set[str]:
    return {Submission.objects.get(pk=f.pk).state for f in figures}


def test_select_all_ticks_every_row_and_bulk_approves_them(
    live_server, page: Page, queue, tmp_path
):
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server.url, "approver")
    page.goto(live_server.url + "/review/")
    select_all = page.get_by_role("checkbox", name="Select all 3 figures on this page")

    select_all.check()
    for box in row_boxes(page).all():
        expect(box).to_be_checked()
    row_boxes(page).first.uncheck()
    expect(select_all).not_to_be_checked()
    assert page.evaluate("document.querySelector('.portal-select-all').indeterminate")
    select_all.check()
    expect(row_boxes(page).first).to_be_checked()

    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    page.screenshot(path=str(tmp_path / "review-select-all-1280.png"), full_page=True)
    page.get_by_role("button", name="Approve selected").click()

    expect(page.get_by_text("Approved 3 figures.")).to_be_visible()
    assert states(queue) == {"approved"}


def test_without_javascript_rows_are_ticked_one_by_one(live_server, browser: Browser, queue):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    sign_in(page, live_server.url, "approver")
    page.goto(live_server.url + "/review/")

    expect(page.locator(".portal-select-all")).to_have_count(0)
    expect(row_boxes(page)).to_have_count(3)
    row_boxes(page).first.check()
    page.get_by_role("button", name="Approve selected").click()

    expect(page.get_by_text("Approved 1 figure.")).to_be_visible()
    assert sorted(states(queue)) == ["approved", "submitted"]
    context.close()
