"""Pages that fit (issue 12, item 4): the public and committee dashboards, the review queue
and the tracker never scroll the page sideways at 1,280, 390 or 320 px; a dashboard's table
fits its container on a desktop and on a phone becomes a stacked list in which every cell
keeps its column's name. Screenshots: <page>-<width>.png in tmp_path."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import User
from playwright.sync_api import Page

from tests.workflow.test_browser_journey import PASSWORD, sign_in

pytestmark = pytest.mark.browser

WIDTHS = (1280, 390, 320)
DASHBOARDS = {
    "public-county": (None, "/dashboard/2016/17-Q2/"),
    "public-district": (None, "/dashboard/2016/17-Q2/E07000129/"),
    "committee": ("committee.member", "/committee/2016/17-Q2/"),
}
WORK_PAGES = {
    "review-queue": ("performance.manager", "/review/"),
    "tracker": ("performance.manager", "/quarters/2016-17-Q3/"),
}


@pytest.fixture
def demo_people(transactional_db, demo) -> None:
    for user in User.objects.all():
        user.set_password(PASSWORD)
        user.save()


def visit(page: Page, base: str, who: str | None, path: str, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    if who:
        sign_in(page, base, who)
    else:
        page.context.clear_cookies()
    page.goto(base + path)


def page_overflow(page: Page) -> int:
    """How far the page scrolls sideways, in CSS pixels (0 when it fits)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def table_overflow(page: Page, selector: str = ".portal-table-container") -> int:
    """How far the widest table reaches past its scroll box (0 or less when all fit)."""
    return page.evaluate(
        "sel => Math.max(...[...document.querySelectorAll(sel)].map("
        "box => box.scrollWidth - box.clientWidth))",
        selector,
    )


DASHBOARD_BOX = ".portal-table-container:has(> .portal-dashboard-table)"


def shoot(page: Page, tmp_path, name: str, width: int) -> None:
    page.screenshot(path=str(tmp_path / f"{name}-{width}.png"), full_page=True)


@pytest.mark.parametrize("width", WIDTHS)
def test_no_page_scrolls_sideways_and_dashboards_fit_their_box(
    live_server, page: Page, demo_people, tmp_path, width
):
    for name, (who, path) in {**DASHBOARDS, **WORK_PAGES}.items():
        visit(page, live_server.url, who, path, width)
        shoot(page, tmp_path, name, width)
        assert page_overflow(page) <= 0, f"{name} at {width}px"
        if name in DASHBOARDS:
            assert table_overflow(page, DASHBOARD_BOX) <= 0, f"{name} dashboard at {width}px"
        if width == 1280:
            assert table_overflow(page) <= 0, f"{name} tables at {width}px"


LABELS = """() => [...document.querySelectorAll('.portal-dashboard-table tbody tr')].map(
  tr => [...tr.children].map(cell => [
    getComputedStyle(cell, '::before').content.replace(/^"|"$/g, ''),
    cell.getBoundingClientRect().right <= window.innerWidth,
  ]))"""


@pytest.mark.parametrize("name", ["public-county", "committee"])
def test_on_a_phone_every_dashboard_cell_shows_its_column_name(
    live_server, page: Page, demo_people, name
):
    who, path = DASHBOARDS[name]
    visit(page, live_server.url, who, path, 390)
    headings = page.locator(".portal-dashboard-table thead th").all_inner_texts()
    rows = page.evaluate(LABELS)

    assert len(rows) == 12
    for cells in rows:
        labels = [label for label, _ in cells]
        assert set(labels) <= set(headings) and "Supporting Indicators" in labels
        assert all(on_screen for _, on_screen in cells)
    first_row = [label for label, _ in rows[0]]
    assert first_row == headings
    assert not page.locator(".portal-dashboard-table thead").is_visible() or (
        page.locator(".portal-dashboard-table thead").bounding_box()["height"] <= 1
    )


def test_at_desktop_width_the_dashboard_keeps_its_column_headers(
    live_server, page: Page, demo_people
):
    visit(page, live_server.url, None, DASHBOARDS["public-county"][1], 1280)
    header = page.get_by_role("columnheader", name="Previous Year (2015-16)")
    assert header.bounding_box()["height"] > 10
    cell = page.get_by_role("row", name="Vehicle Crime rate").get_by_role("cell").first
    assert page.evaluate("c => getComputedStyle(c, '::before').content", cell.element_handle()) in (
        "none",
        "normal",
    )


def luminance(rgb: str) -> float:
    r, g, b = (int(v) / 255 for v in rgb[rgb.index("(") + 1 : rgb.index(")")].split(",")[:3])
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_a_focused_table_region_has_an_outline_of_3_to_1_on_its_background(
    live_server, page: Page, demo_people
):
    visit(page, live_server.url, None, DASHBOARDS["public-county"][1], 1280)
    region = page.get_by_role("region", name="Safer Communities Performance Dashboard", exact=False)
    region.first.focus()
    style = region.first.evaluate(
        "el => { const s = getComputedStyle(el); return [s.outlineStyle, s.outlineWidth,"
        " s.outlineColor, getComputedStyle(document.body).backgroundColor]; }"
    )
    outline_style, outline_width, outline_colour, page_background = style

    assert outline_style == "solid" and float(outline_width.rstrip("px")) >= 2
    background = page_background if "0)" not in page_background else "rgb(255, 255, 255)"
    assert contrast(outline_colour, background) >= 3


def test_screen_reader_text_stays_inside_its_table_box_at_320px(
    live_server, page: Page, demo_people
):
    visit(page, live_server.url, "performance.manager", WORK_PAGES["review-queue"][1], 320)
    escaped = page.evaluate(
        """() => [...document.querySelectorAll('.portal-table-container .govuk-visually-hidden')]
        .filter(el => {
          const scroller = el.closest('.portal-table-container');
          const box = scroller.getBoundingClientRect();
          const r = el.getBoundingClientRect();
          return r.left < box.left - 1 || r.right > box.left + scroller.scrollWidth + 1;
        }).length"""
    )

    assert escaped == 0
    assert page_overflow(page) <= 0


@pytest.mark.parametrize("name", ["public-county", "committee"])
def test_the_stacked_dashboard_on_a_phone_has_no_axe_violations(
    live_server, page: Page, demo_people, name
):
    who, path = DASHBOARDS[name]
    visit(page, live_server.url, who, path, 390)

    results = Axe().run(page)

    assert results.violations_count == 0, results.generate_report()
