"""axe-core finds no WCAG violations on the signed-in pages: forms (with their error summary),
the review queue, the tracker, the import page and the committee dashboard."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from indicators.models import Submission

pytestmark = pytest.mark.browser
PASSWORD = "pw-test-12345"


def sign_in(page: Page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text(f"Signed in as {username}")).to_be_visible()


def assert_accessible(page: Page, what: str) -> None:
    results = Axe().run(page)
    assert results.violations_count == 0, f"{what}:\n{results.generate_report()}"


def test_signed_in_pages_have_no_axe_violations(live_server, page: Page, transactional_db, demo):
    for user in User.objects.all():
        user.set_password(PASSWORD)
        user.save()
    base = live_server.url
    draft = Submission.objects.current().get(
        indicator__code="crime-burglary",
        area__code="E10000018",
        period__year=2016,
        period__quarter=3,
    )

    page.goto(f"{base}/accounts/login/")
    assert_accessible(page, "sign-in page")

    sign_in(page, base, "police.officer")
    page.goto(f"{base}/submissions/")
    assert_accessible(page, "my submissions")
    page.goto(f"{base}/submissions/{draft.pk}/")
    page.get_by_label("Number of domestic burglaries").fill("12%")
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page, "entry form with an error")
    page.goto(f"{base}/import/")
    assert_accessible(page, "spreadsheet import")

    sign_in(page, base, "performance.manager")
    for path in ["/review/", "/quarters/", "/quarters/2016-17-Q3/"]:
        page.goto(base + path)
        assert_accessible(page, path)

    sign_in(page, base, "committee.member")
    for path in ["/committee/", "/committee/2016/17-Q3/"]:
        page.goto(base + path)
        assert_accessible(page, path)
