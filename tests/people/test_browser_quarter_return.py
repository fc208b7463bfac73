"""The quarter's return in headless Chromium: a data officer fills it in with one bad value,
sees the error summary, fixes it and submits everything, at desktop and phone widths.

Screenshots go to the pytest temporary directory (kept for the last few runs), named after
the step and the width: quarter-error-1280.png, quarter-error-390.png,
quarter-submitted-1280.png, quarter-autosaved-390.png.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.workflow.helpers import make_submission
from tests.workflow.test_browser_journey import sign_in

pytestmark = pytest.mark.browser
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def fits(page: Page, shots: Path, name: str) -> None:
    """Screenshot the page and check it does not scroll sideways."""
    width = page.viewport_size["width"]
    page.screenshot(path=str(shots / f"{name}-{width}.png"), full_page=True)
    scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll <= inner, f"{name} at {width} px scrolls sideways: {scroll} > {inner}"


def count_box(page: Page, area: str):
    return row(page, area).get_by_label("Number of crimes")


def row(page: Page, area: str):
    return page.get_by_role("group", name=re.compile(rf"^{area}\b.*Crime rate"))


@pytest.fixture
def officer(browser_people):
    p = browser_people
    return {
        area.name: make_submission(p, "draft", area=area, numerator=None)
        for area in (p.county, p.district_1, p.district_2)
    }


def test_fill_the_quarter_with_a_bad_value_fix_it_and_submit_all(
    live_server, page: Page, officer, tmp_path
):
    base = live_server.url
    page.set_viewport_size(DESKTOP)
    sign_in(page, base, "sub_a")
    page.get_by_role("link", name="Enter your Q2 2016/17 figures on one page").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Your return for Q2 2016/17 (Jul–Sep 2016)"
    )
    count_box(page, "Shire").fill("300")
    count_box(page, "North").fill("1,200")
    count_box(page, "South").fill("100")
    page.get_by_role("button", name="Submit all complete figures").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("There is a problem: nothing was saved")
    expect(summary).to_contain_text("North: Enter the number without commas, like 1234.")
    expect(count_box(page, "North")).to_have_value("1,200")
    fits(page, tmp_path, "quarter-error")
    for sub in officer.values():
        sub.refresh_from_db()
        assert sub.state == "draft"

    page.set_viewport_size(PHONE)
    fits(page, tmp_path, "quarter-error")
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()

    summary.get_by_role("link").first.click()
    expect(count_box(page, "North")).to_be_focused()
    count_box(page, "North").fill("120")
    page.get_by_role("button", name="Submit all complete figures").click()
    expect(page.get_by_text("3 figures submitted for review.")).to_be_visible()
    page.set_viewport_size(DESKTOP)
    fits(page, tmp_path, "quarter-submitted")
    states = {}
    for name, sub in officer.items():
        sub.refresh_from_db()
        states[name] = (sub.state, sub.numerator)
    assert states == {
        "Shire": ("submitted", 300),
        "North": ("submitted", 120),
        "South": ("submitted", 100),
    }


def test_a_row_is_saved_as_a_draft_when_the_officer_moves_on(
    live_server, page: Page, officer, tmp_path
):
    base = live_server.url
    page.set_viewport_size(PHONE)
    sign_in(page, base, "sub_a")
    page.goto(f"{base}/submissions/quarter/2016-17-Q2/")
    count_box(page, "Shire").fill("300")
    count_box(page, "North").focus()  # leaves the Shire row by keyboard
    shire = row(page, "Shire")
    expect(shire.locator("[data-row-status]")).to_contain_text("Draft saved at")
    fits(page, tmp_path, "quarter-autosaved")
    officer["Shire"].refresh_from_db()
    assert (officer["Shire"].state, officer["Shire"].numerator) == ("draft", 300)

    # The page's own "Save all" still works after the script saved the row.
    count_box(page, "Shire").fill("301")
    page.get_by_role("button", name="Save all as drafts").click()
    expect(page.get_by_text("Your figures were saved as drafts.")).to_be_visible()
    officer["Shire"].refresh_from_db()
    assert officer["Shire"].numerator == 301
