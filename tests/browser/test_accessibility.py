"""Universal design: axe-core's WCAG 2.0/2.1 A and AA rules find nothing serious or critical
on any page, nothing scrolls sideways at 360 px, and keyboard focus is visible."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.browser.accessibility import serious_violations, sideways_overflow
from tests.browser.support import open_dashboard

if TYPE_CHECKING:
    from playwright.sync_api import Page

# Each page, and what shows that it has drawn what it draws.
PAGES = {
    "/": '[data-testid="landing"]',
    "/graphql": ".graphiql-query-editor .CodeMirror",
    "/dashboard": '[data-testid="graph"][data-state=ready]',
    "/dashboard/rapportering": "body[data-state=ready]",
    "/reports/2026-2": "main svg",
}
SMALL_SCREEN = {"width": 360, "height": 740}


def open_page(page: Page, base_url: str, path: str) -> None:
    page.goto(f"{base_url}{path}")
    page.wait_for_selector(PAGES[path], timeout=20_000)
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("path", list(PAGES))
def test_page_has_no_serious_accessibility_violation(
    page: Page, dashboard_base_url: str, path: str
) -> None:
    open_page(page, dashboard_base_url, path)

    assert serious_violations(page) == []


@pytest.mark.parametrize("path", list(PAGES))
def test_page_does_not_scroll_sideways_at_360_px(
    page: Page, dashboard_base_url: str, path: str
) -> None:
    page.set_viewport_size(SMALL_SCREEN)

    open_page(page, dashboard_base_url, path)

    assert sideways_overflow(page) == 0


@pytest.mark.parametrize("path", ["/dashboard", "/reports/2026-2"])
def test_small_screen_has_no_serious_accessibility_violation(
    page: Page, dashboard_base_url: str, path: str
) -> None:
    page.set_viewport_size(SMALL_SCREEN)

    open_page(page, dashboard_base_url, path)

    assert serious_violations(page) == []


def test_dashboard_with_a_selection_and_a_what_if_has_no_serious_violation(
    page: Page, dashboard_base_url: str
) -> None:
    open_dashboard(page, dashboard_base_url, "#PLL")
    page.wait_for_selector('[data-testid="whatif-form"]')
    page.fill('[data-testid="whatif-days"]', "60")
    page.click('[data-testid="whatif-run"]')
    page.wait_for_selector('[data-testid="whatif-result"][data-state=ready]')

    assert serious_violations(page) == []


def test_dashboard_with_search_hits_has_no_serious_violation(
    page: Page, dashboard_base_url: str
) -> None:
    open_dashboard(page, dashboard_base_url)
    page.fill('[data-testid="text-search-input"]', "kjernejournal")
    page.click('[data-testid="text-search-submit"]')
    page.wait_for_selector('[data-testid="text-search-hit"] mark')

    assert serious_violations(page) == []


def test_graphiql_with_a_result_has_no_serious_violation(
    page: Page, dashboard_base_url: str
) -> None:
    from playwright.sync_api import expect

    open_page(page, dashboard_base_url, "/graphql")
    page.locator(".graphiql-execute-button").click()
    expect(page.locator(".result-window")).to_contain_text('"data"', timeout=20_000)

    assert serious_violations(page) == []


def focus_ring_width(page: Page) -> float:
    """The outline width of the focused element, in CSS pixels (0 without one)."""
    width: float = page.evaluate(
        """() => {
            const style = getComputedStyle(document.activeElement);
            return style.outlineStyle === "none" ? 0 : parseFloat(style.outlineWidth);
        }"""
    )
    return width


@pytest.mark.parametrize("path", ["/", "/dashboard", "/dashboard/rapportering"])
def test_keyboard_focus_is_visible(page: Page, dashboard_base_url: str, path: str) -> None:
    open_page(page, dashboard_base_url, path)

    widths = []
    for _ in range(6):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement === document.body"):
            break  # past the last control
        widths.append(focus_ring_width(page))

    assert len(widths) >= 4
    assert all(width >= 2 for width in widths), widths
