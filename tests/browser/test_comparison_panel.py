"""The dashboard's comparison panel in a real browser: two rounds (or now) picked, what
changed between them listed, and the changed initiatives marked in the graph."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from tests.browser.accessibility import serious_violations
from tests.browser.support import open_dashboard

if TYPE_CHECKING:
    from playwright.sync_api import Page

NEWLY_FLAGGED = re.compile(r"\bnewly-flagged\b")


def compare(page: Page, start: str, end: str) -> None:
    page.wait_for_selector('[data-testid="comparison-body"][data-state=ready]')
    page.select_option('[data-testid="comparison-from"]', start)
    page.select_option('[data-testid="comparison-to"]', end)
    page.click('[data-testid="comparison-run"]')
    page.wait_for_selector('[data-testid="comparison-result"][data-state=ready]')


def test_comparing_two_rounds_lists_the_changes_and_marks_them_in_the_graph(
    page: Page, dashboard_base_url: str
) -> None:
    from playwright.sync_api import expect

    open_dashboard(page, dashboard_base_url)
    compare(page, "2025-1", "2026-2")

    hp = page.locator('[data-testid="comparison-status-item"][data-code="HP"]')
    expect(hp).to_contain_text("Gul → Rød")
    slip = page.locator('[data-testid="comparison-slips-item"][data-code="HP-D3"]')
    expect(slip).to_contain_text("+274 dager")
    lmr = page.locator('[data-testid="comparison-newly-red-item"][data-code="LMR"]')
    expect(lmr).to_contain_text("HAP-PROG")
    expect(page.get_by_test_id("comparison-critical")).not_to_be_empty()

    # The initiative whose deliveries slipped carries its longest slip; the newly red one
    # is marked as newly flagged.
    expect(page.locator('[data-testid="graph-node"][data-code="HP"] .moved-badge')).to_be_visible()
    expect(page.locator('[data-testid="graph-node"][data-code="LMR"]')).to_have_class(NEWLY_FLAGGED)
    assert serious_violations(page) == []

    page.click('[data-testid="comparison-clear"]')
    expect(page.locator(".newly-flagged")).to_have_count(0)
    expect(page.locator(".moved-badge")).to_have_count(0)


def test_the_panel_starts_at_the_round_before_the_newest_against_now(
    page: Page, dashboard_base_url: str
) -> None:
    from playwright.sync_api import expect

    open_dashboard(page, dashboard_base_url)
    page.wait_for_selector('[data-testid="comparison-body"][data-state=ready]')

    expect(page.get_by_test_id("comparison-from")).to_have_value("2026-1")
    expect(page.get_by_test_id("comparison-to")).to_have_value("")
    page.click('[data-testid="comparison-run"]')
    page.wait_for_selector('[data-testid="comparison-result"][data-state=ready]')
    expect(page.get_by_test_id("comparison-result")).to_contain_text("2026-1 → nå")
    # HP-D4's forecast moved 91 days later in 2026-2 (as the report's changes section says).
    slip = page.locator('[data-testid="comparison-slips-item"][data-code="HP-D4"]')
    expect(slip).to_contain_text("+91 dager")
