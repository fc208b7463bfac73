"""axe-core finds no accessibility violations on the public dashboard and a trend page."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse

PAGES = [
    reverse_args
    for reverse_args in (
        ("reporting:public_index", []),
        ("reporting:public_dashboard", ["2016/17-Q2"]),
        ("reporting:public_dashboard", ["2016/17-Q2", "E07000129"]),
        ("reporting:indicator_detail", ["crime-total"]),
        ("reporting:indicator_detail", ["da-referrals"]),
    )
]


@pytest.mark.browser
def test_public_dashboard_pages_have_no_axe_violations(live_server, page, transactional_db, demo):
    axe = Axe()
    for name, args in PAGES:
        page.goto(live_server.url + reverse(name, args=args))
        assert page.locator("h1").count() == 1
        results = axe.run(page)
        assert results.violations_count == 0, f"{name} {args}:\n{results.generate_report()}"


@pytest.mark.browser
def test_the_dashboard_reads_its_arrows_and_ratings_aloud(
    live_server, page, transactional_db, demo
):
    page.goto(live_server.url + reverse("reporting:public_dashboard", args=["2016/17-Q2"]))
    row = page.get_by_role("row", name="Vehicle Crime rate")
    text = row.inner_text()
    assert "↑" in text and "6.52*" in text
    hidden = row.locator(".govuk-visually-hidden").all_text_contents()
    assert "improving" in hidden
    assert " (amber: close to target)" in hidden
