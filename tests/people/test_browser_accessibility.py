"""axe-core finds no violations on the pages this work touched, each at desktop and phone
width, and none of them scrolls sideways on a phone."""

from __future__ import annotations

import datetime as dt

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.workflow.helpers import make_submission
from tests.workflow.test_browser_journey import sign_in

pytestmark = pytest.mark.browser
WIDTHS = (1280, 390)


def check(page: Page, what: str) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        results = Axe().run(page)
        assert results.violations_count == 0, f"{what} at {width}:\n{results.generate_report()}"
        scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert scroll <= inner, f"{what} at {width} px scrolls sideways: {scroll} > {inner}"


@pytest.fixture
def people(browser_people):
    p = browser_people
    p.closed_period.closed_at = None
    p.closed_period.closes_on = None
    p.closed_period.save()
    make_submission(p, "returned")
    make_submission(p, "submitted", area=p.district_1)
    make_submission(p, "draft", area=p.district_2, period=p.closed_period)
    make_submission(p, "approved", indicator=p.survey, numerator=None, value=41)
    p.open_period.published_at = dt.datetime(2016, 11, 20, tzinfo=dt.UTC)
    p.open_period.save()
    return p


def test_footer_pages_have_no_axe_violations(live_server, page: Page, people):
    for path in ("/accessibility/", "/privacy/", "/cookies/"):
        page.goto(live_server.url + path)
        check(page, path)


def test_the_submitters_pages_have_no_axe_violations(live_server, page: Page, people):
    base = live_server.url
    sign_in(page, base, "sub_a")
    page.goto(base + "/")
    expect(page.get_by_text("returned to you for correction")).to_be_visible()
    check(page, "home, submitter")
    page.goto(base + "/submissions/")
    check(page, "my submissions")


def test_the_managers_pages_have_no_axe_violations(live_server, page: Page, people):
    base = live_server.url
    sign_in(page, base, "approver")
    page.goto(base + "/")
    check(page, "home, approver")
    page.goto(base + "/quarters/2016-17-Q1/")
    expect(page.get_by_role("heading", name="By organisation")).to_be_visible()
    check(page, "tracker after the deadline")
    page.goto(base + "/quarters/2016-17-Q2/close/")
    page.get_by_role("button", name="Close Q2 2016/17").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    check(page, "close with unfinished figures")
    page.goto(base + "/quarters/2016-17-Q2/overrides/")
    page.get_by_role("button", name="Record RAG").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    check(page, "overrides with errors")
    page.goto(base + "/committee/2016/17-Q2/publish/")
    expect(page.get_by_text("not approved yet")).to_be_visible()
    check(page, "publish page")


def test_the_viewers_home_has_no_axe_violations(live_server, page: Page, people):
    sign_in(page, live_server.url, "viewer")
    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", name="Latest quarter")).to_be_visible()
    check(page, "home, viewer")
