"""Every page in a browser that reaches nothing but the service, as on Norsk Helsenett."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import quote

from tests.browser.support import open_dashboard

if TYPE_CHECKING:
    from playwright.sync_api import Page

QUERY = "{ currentPeriod { code name } }"


def test_landing_page_links_every_page(page: Page, dashboard_base_url: str) -> None:
    from playwright.sync_api import expect

    page.goto(f"{dashboard_base_url}/")

    expect(page.get_by_role("heading", level=1)).to_have_text("Nasjonal e-helseportefølje")
    expect(page.get_by_test_id("link-graphiql")).to_have_attribute("href", "/graphql")
    expect(page.get_by_test_id("link-dashboard")).to_have_attribute("href", "/dashboard")
    expect(page.get_by_test_id("link-reporting")).to_have_attribute(
        "href", "/dashboard/rapportering"
    )
    expect(page.get_by_test_id("link-report")).to_have_attribute("href", "/reports/2026-2")
    expect(page.get_by_test_id("link-docs")).to_have_attribute("href", "/schema.graphql")


def test_graphiql_runs_a_query(page: Page, dashboard_base_url: str) -> None:
    from playwright.sync_api import expect

    page.goto(f"{dashboard_base_url}/graphql?q={quote(QUERY)}")
    editor = page.locator(".graphiql-query-editor .CodeMirror")
    expect(editor).to_be_visible(timeout=20_000)
    expect(editor).to_contain_text("currentPeriod")

    page.locator(".graphiql-execute-button").click()

    expect(page.locator(".result-window")).to_contain_text('"code": "2026-2"', timeout=20_000)
    outside_links = page.locator(
        f'a[href^="http"]:not([href^="{dashboard_base_url}"])'
    ).evaluate_all("links => links.map(link => link.href)")
    assert outside_links == []


def test_dashboard_renders_from_the_landing_page(page: Page, dashboard_base_url: str) -> None:
    from playwright.sync_api import expect

    page.goto(f"{dashboard_base_url}/")
    page.get_by_test_id("link-dashboard").click()

    open_dashboard(page, dashboard_base_url)
    expect(page.locator('[data-testid="initiative-row"]')).to_have_count(22)


def test_report_of_the_current_round_renders_from_the_landing_page(
    page: Page, dashboard_base_url: str
) -> None:
    from playwright.sync_api import expect

    page.goto(f"{dashboard_base_url}/")
    page.get_by_test_id("link-report").click()

    expect(page).to_have_url(f"{dashboard_base_url}/reports/2026-2")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Porteføljerapport")
    assert page.locator("svg").count() > 0


def test_reporting_page_renders_from_the_landing_page(page: Page, dashboard_base_url: str) -> None:
    from playwright.sync_api import expect

    page.goto(f"{dashboard_base_url}/")
    page.get_by_test_id("link-reporting").click()

    expect(page).to_have_url(f"{dashboard_base_url}/dashboard/rapportering")
    expect(page.get_by_role("heading", level=1)).to_have_text("Statusrapportering")
    expect(page.get_by_label("API-nøkkel")).to_be_visible()
