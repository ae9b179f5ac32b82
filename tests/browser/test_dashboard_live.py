"""The dashboard listens: a report submitted through the API changes the figures, the table
row and the graph node in the open page, without a reload. On a private copy of the demo
portfolio; outside hosts are blocked (the ``page`` fixture)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

import httpx
import pytest

from tests.browser.support import open_dashboard, running_service
from tests.conftest import Databases, copy_database, make_token
from tests.schema.writes import SUBMIT

if TYPE_CHECKING:
    from playwright.sync_api import Page

ROWS = '[data-testid="initiative-row"]'
NODES = '[data-testid="graph-node"]'
# SFM-UTV supplies PLL over a HIGH dependency: red at SFM-UTV reaches PLL.
SFM_RED = {
    "initiative": "SFM-UTV",
    "status": "RED",
    "statusReason": "Stans i utprøvingen.",
    "riskLevel": "GREEN",
    "mainRiskAreas": "Utprøving i kommunene.",
    "dependenciesConfirmed": True,
}


@pytest.fixture(scope="module")
def live_database_url(databases: Databases, seed_template_url: str) -> str:
    return copy_database(databases, seed_template_url, "live")


@pytest.fixture(scope="module")
def dashboard_base_url(live_database_url: str) -> Iterator[str]:
    """This module writes: its own service on its own copy of the demo portfolio."""
    with running_service(live_database_url) as base_url:
        yield base_url


KJ_PLO_RED = {
    "initiative": "KJ-PLO",
    "status": "RED",
    "statusReason": "Stans i innføringen.",
    "riskLevel": "GREEN",
    "mainRiskAreas": "Innføring i kommunene.",
    "dependenciesConfirmed": True,
}


def submit(base_url: str, database_url: str, report: dict[str, object]) -> None:
    answer = httpx.post(
        base_url + "/graphql",
        json={"query": SUBMIT, "variables": {"input": report}},
        headers={"Authorization": f"Bearer {make_token(database_url, 'ADMIN')}"},
    )
    assert answer.json()["data"]["submitStatusReport"]["__typename"] == "StatusReportPayload"


def figure(page: Page, testid: str) -> int:
    return int(page.get_by_test_id(testid).locator(".stat-value").inner_text())


def test_a_report_submitted_elsewhere_changes_the_open_dashboard(
    page: Page, dashboard_base_url: str, live_database_url: str
) -> None:
    from playwright.sync_api import expect

    open_dashboard(page, dashboard_base_url)
    expect(page.get_by_test_id("live-status")).to_have_attribute("data-state", "open")
    navigations: list[str] = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))
    page.evaluate("window.sameDocument = true")
    red_before = figure(page, "summary-red-status")
    inherited_before = figure(page, "summary-propagated")
    sfm, pll = (
        page.locator(f'{ROWS}[data-code="SFM-UTV"]'),
        page.locator(f'{ROWS}[data-code="PLL"]'),
    )
    expect(sfm.get_by_test_id("row-status")).not_to_have_attribute("data-value", "RED")
    expect(pll.get_by_test_id("row-propagated")).not_to_have_attribute("data-value", "RED")

    submit(dashboard_base_url, live_database_url, SFM_RED)

    expect(sfm.get_by_test_id("row-status")).to_have_attribute("data-value", "RED")
    expect(pll.get_by_test_id("row-propagated")).to_have_attribute("data-value", "RED")
    expect(pll).to_have_class(re.compile(r"\bupdated\b"))
    expect(page.get_by_test_id("summary-red-status").locator(".stat-value")).to_have_text(
        str(red_before + 1)
    )
    assert figure(page, "summary-propagated") >= inherited_before
    expect(page.locator(f'{NODES}[data-code="SFM-UTV"]')).to_have_attribute("data-status", "RED")
    expect(page.locator(f'{NODES}[data-code="PLL"]')).to_have_attribute("data-propagated", "RED")
    assert page.evaluate("window.sameDocument") is True
    assert navigations == []


def test_after_a_lost_connection_the_dashboard_listens_again_and_shows_what_changed(
    page: Page, dashboard_base_url: str, live_database_url: str
) -> None:
    from playwright.sync_api import WebSocketRoute, expect

    connections: list[WebSocketRoute] = []

    def through_to_the_service(socket: WebSocketRoute) -> None:
        socket.connect_to_server()
        connections.append(socket)

    page.route_web_socket(re.compile(r"/graphql$"), through_to_the_service)
    open_dashboard(page, dashboard_base_url)
    live = page.get_by_test_id("live-status")
    expect(live).to_have_attribute("data-state", "open")
    row = page.locator(f'{ROWS}[data-code="KJ-PLO"]')
    expect(row.get_by_test_id("row-status")).to_have_attribute("data-value", "GREEN")

    connections[0].close(code=1012, reason="Service restart")
    expect(live).to_have_attribute("data-state", "waiting")
    submit(dashboard_base_url, live_database_url, KJ_PLO_RED)  # while nobody listens

    expect(live).to_have_attribute("data-state", "open")
    expect(row.get_by_test_id("row-status")).to_have_attribute("data-value", "RED")
    assert len(connections) == 2
