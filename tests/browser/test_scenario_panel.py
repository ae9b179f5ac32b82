"""The dashboard's scenario panel in a real browser: build, save, evaluate, see the graph."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from tests.browser.accessibility import serious_violations
from tests.browser.support import open_dashboard
from tests.conftest import make_token

if TYPE_CHECKING:
    from playwright.sync_api import Page

NEWLY_FLAGGED = re.compile(r"\bnewly-flagged\b")


def sign_in(page: Page, token: str) -> None:
    page.fill('[data-testid="scenario-token"]', token)
    page.click('[data-testid="scenario-signin-submit"]')
    page.wait_for_selector('[data-testid="scenario-body"][data-state=ready]')


def add_change(page: Page, kind: str, code: str, value: str) -> None:
    page.select_option('[data-testid="scenario-kind"]', kind)
    page.fill('[data-testid="scenario-change-code"]', code)
    if kind == "slip":
        page.fill('[data-testid="scenario-days"]', value)
    else:
        page.select_option('[data-testid="scenario-light"]', value)
    page.click('[data-testid="scenario-add"]')


def test_a_saved_scenario_marks_newly_flagged_and_moved_nodes_in_the_graph(
    page: Page, dashboard_base_url: str, seeded_database_url: str
) -> None:
    from playwright.sync_api import expect

    open_dashboard(page, dashboard_base_url)
    expect(page.get_by_test_id("scenario-signin")).to_be_visible()
    sign_in(page, make_token(seeded_database_url, "ADMIN"))

    add_change(page, "setStatus", "PDS", "RED")
    add_change(page, "slip", "SFM-UTV", "700")
    page.fill('[data-testid="scenario-save-code"]', "PANEL-PDS")
    page.fill('[data-testid="scenario-save-name"]', "PDS rød, SFM-UTV forsinket")
    page.click('[data-testid="scenario-save"]')

    result = page.locator('[data-testid="scenario-result"][data-state=ready]')
    expect(result.get_by_test_id("scenario-summary")).to_contain_text("flyttes")
    for code in ("PPS", "BILDEDELING"):
        expect(
            page.locator(f'[data-testid="scenario-flagged-item"][data-code="{code}"]')
        ).to_be_visible()
        node = page.locator(f'[data-testid="graph-node"][data-code="{code}"]')
        expect(node).to_have_class(NEWLY_FLAGGED)
    moved = page.locator('[data-testid="graph-node"][data-code="SFM-UTV"] .moved-badge')
    expect(moved).to_contain_text("+700 d")
    assert serious_violations(page) == []

    page.click('[data-testid="scenario-clear"]')
    expect(page.locator(".newly-flagged")).to_have_count(0)
