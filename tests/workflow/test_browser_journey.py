"""The whole round in headless Chromium: enter and submit, return with a comment, correct
and resubmit, approve, and the figure shows as approved."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from indicators.models import Submission

from .helpers import make_submission

pytestmark = pytest.mark.browser
PASSWORD = "pw-test-12345"


def sign_in(page: Page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text(f"Signed in as {username}")).to_be_visible()


def test_submit_return_correct_resubmit_and_approve(
    live_server, page: Page, transactional_db, partnership
):
    p = partnership
    for user in User.objects.all():
        user.set_password(PASSWORD)
        user.save()
    draft = make_submission(p, "draft", numerator=None)
    base = live_server.url

    sign_in(page, base, "sub_a")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="My submissions").click()
    page.get_by_role("link", name=re.compile(r"Crime rate.*Shire")).click()
    page.get_by_label("Number of crimes").fill("3000")
    page.get_by_role("button", name="Check figure").click()
    expect(page.get_by_text("Checked figure (not saved yet)")).to_be_visible()
    expect(page.locator(".portal-figure")).to_contain_text("10.00")
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text("was submitted for review")).to_be_visible()

    sign_in(page, base, "approver")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Review queue").click()
    page.get_by_role("link", name="Crime rate (per 1,000 population)").click()
    page.get_by_label("Why is it being returned?").fill("Please include October's late crimes.")
    page.get_by_role("button", name="Return to Police A").click()
    expect(page.get_by_text("with your comment")).to_be_visible()

    sign_in(page, base, "sub_a")
    page.goto(f"{base}/submissions/")
    expect(page.locator("tbody")).to_contain_text("Returned")
    page.get_by_role("link", name=re.compile(r"Crime rate.*Shire")).click()
    expect(page.get_by_text("Please include October's late crimes.")).to_be_visible()
    page.get_by_label("Number of crimes").fill("3150")
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text("was submitted for review")).to_be_visible()

    sign_in(page, base, "approver2")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Review queue").click()
    page.get_by_role("link", name="Crime rate (per 1,000 population)").click()
    expect(page.locator(".portal-figure")).to_contain_text("10.50")
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_text("Approved Crime rate")).to_be_visible()

    sign_in(page, base, "sub_a")
    page.goto(f"{base}/submissions/")
    row = page.locator("tr", has_text="Crime rate")
    expect(row).to_contain_text("Approved")
    expect(row).to_contain_text("10.50")
    draft.refresh_from_db()
    assert (draft.state, draft.numerator, draft.is_latest_approved) == ("approved", 3150, True)
    assert list(draft.events.values_list("action", flat=True)) == [
        "saved",
        "submitted",
        "returned",
        "saved",
        "submitted",
        "approved",
    ]
    assert Submission.objects.count() == 1
