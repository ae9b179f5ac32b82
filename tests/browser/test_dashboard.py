"""The dashboard in a real browser, on the demo portfolio, talking only to /graphql."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from tests.browser.support import open_dashboard, take_screenshots

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

ROWS = '[data-testid="initiative-row"]'
NODES = '[data-testid="graph-node"]'


def expect_codes(locator: Locator, codes: list[str]) -> None:
    from playwright.sync_api import expect

    expect(locator).to_have_count(len(codes))
    assert sorted(locator.evaluate_all("items => items.map(item => item.dataset.code)")) == sorted(
        codes
    )


def test_dashboard_loads_the_seed_portfolio(page: Page, dashboard_base_url: str) -> None:
    from playwright.sync_api import expect

    open_dashboard(page, dashboard_base_url)

    expect(page.locator(ROWS)).to_have_count(22)
    expect(page.get_by_test_id("summary-total")).to_contain_text("22")
    expect(page.get_by_test_id("current-period")).to_contain_text("Rapporteringsrunde")
    # 22 initiatives and the 19 national solutions
    expect(page.locator(NODES)).to_have_count(41)


def test_dashboard_uses_norwegian_labels_from_the_api(page: Page, dashboard_base_url: str) -> None:
    from playwright.sync_api import expect

    open_dashboard(page, dashboard_base_url)

    row = page.locator(f'{ROWS}[data-code="HP"]')
    expect(row.get_by_test_id("row-status")).to_have_text("Rød")
    expect(row).to_contain_text("Koordinere")


def test_graph_draws_solutions_and_propagation_distinctly(
    page: Page, dashboard_base_url: str
) -> None:
    open_dashboard(page, dashboard_base_url)

    hap = page.locator(f'{NODES}[data-code="HAP"]')
    assert hap.get_attribute("data-kind") == "SOLUTION"
    assert hap.locator("polygon.shape").count() == 1
    lmr = page.locator(f'{NODES}[data-code="LMR"]')
    assert lmr.get_attribute("data-propagated") == "RED"
    assert lmr.locator(".halo-RED").count() == 1
    late = page.locator('[data-testid="graph-edge"][data-late="true"]')
    assert late.count() >= 1


def test_filtering_by_red_status_narrows_the_table(page: Page, dashboard_base_url: str) -> None:
    open_dashboard(page, dashboard_base_url)

    page.get_by_test_id("filter-status").select_option("RED")

    expect_codes(page.locator(ROWS), ["HAP-PROG", "HP"])


def test_text_search_narrows_the_table(page: Page, dashboard_base_url: str) -> None:
    open_dashboard(page, dashboard_base_url)

    page.get_by_test_id("filter-search").fill("legemiddel")

    expect_codes(page.locator(ROWS), ["KULE", "LMR", "PLL"])


def test_full_text_search_lists_hits_with_the_word_marked(
    page: Page, dashboard_base_url: str
) -> None:
    from playwright.sync_api import expect

    open_dashboard(page, dashboard_base_url)

    page.get_by_test_id("text-search-input").fill("radiologisvar")
    page.get_by_test_id("text-search-submit").click()

    hit = page.locator('[data-testid="text-search-hit"]')
    expect(hit).to_have_count(1)
    assert hit.get_attribute("data-code") == "PPS"
    expect(hit.get_by_test_id("hit-field")).to_have_text("Formål")
    expect(hit.locator("mark")).to_have_text("radiologisvar")
    expect(page.get_by_test_id("text-search-count")).to_have_text("1 treff for «radiologisvar».")


def test_full_text_search_pages_and_opens_a_hit(page: Page, dashboard_base_url: str) -> None:
    from playwright.sync_api import expect

    open_dashboard(page, dashboard_base_url)
    page.get_by_test_id("text-search-input").fill("kommunene")  # 32 hits, pages of 20
    page.get_by_test_id("text-search-input").press("Enter")
    hits = page.locator('[data-testid="text-search-hit"]')
    expect(hits).to_have_count(20)
    expect(page.get_by_test_id("text-search-count")).to_have_text("20 av 32 treff for «kommunene».")

    page.get_by_test_id("text-search-more").click()
    expect(hits).to_have_count(32)
    expect(page.get_by_test_id("text-search-count")).to_have_text("32 treff for «kommunene».")
    expect(page.get_by_test_id("text-search-more")).to_be_hidden()

    hits.first.locator("button.code").click()
    expect(page.get_by_test_id("panel-title")).to_have_text(
        hits.first.get_attribute("data-code") or ""
    )


def test_clicking_a_graph_node_shows_its_chain(page: Page, dashboard_base_url: str) -> None:
    from playwright.sync_api import expect

    open_dashboard(page, dashboard_base_url)

    page.locator(f'{NODES}[data-code="HAP-PROG"]').click()

    panel = page.get_by_test_id("detail-panel")
    expect(panel).to_be_visible()
    expect(page.get_by_test_id("panel-title")).to_contain_text("HAP-PROG")
    downstream = page.locator('[data-testid="downstream-item"][data-code="LMR"]')
    expect(downstream).to_contain_text("HAP-PROG → HAP → LMR")
    expect(page.get_by_test_id("graph")).to_have_attribute("data-root", "HAP-PROG")


def test_keyboard_selects_a_graph_node(page: Page, dashboard_base_url: str) -> None:
    from playwright.sync_api import expect

    open_dashboard(page, dashboard_base_url)

    page.locator(f'{NODES}[data-code="PLL"]').focus()
    page.keyboard.press("Enter")

    expect(page.get_by_test_id("panel-title")).to_contain_text("PLL")
    expect(page.locator('[data-testid="upstream-item"][data-code="SFM-UTV"]')).to_be_visible()


def test_panel_names_the_critical_chains_the_api_lists(page: Page, dashboard_base_url: str) -> None:
    from playwright.sync_api import expect

    open_dashboard(page, dashboard_base_url)

    page.locator(f'{NODES}[data-code="LMR"]').click()
    expect(page.get_by_test_id("panel-title")).to_contain_text("LMR")
    expect(page.get_by_test_id("panel-body")).to_contain_text("0 dager (kritisk linje: PLL → LMR)")

    open_dashboard(page, dashboard_base_url)
    page.locator(f'{NODES}[data-code="BILDEDELING"]').click()
    expect(page.get_by_test_id("panel-title")).to_contain_text("BILDEDELING")
    expect(page.get_by_test_id("panel-body")).to_contain_text("365 dager")
    expect(page.get_by_test_id("panel-body")).not_to_contain_text("kritisk linje")


def test_clicking_a_solution_shows_who_depends_on_it(page: Page, dashboard_base_url: str) -> None:
    from playwright.sync_api import expect

    open_dashboard(page, dashboard_base_url)

    page.locator(f'{NODES}[data-code="HAP"]').click()

    expect(page.get_by_test_id("panel-title")).to_contain_text("HAP")
    expect(page.locator('[data-testid="dependants-item"][data-code="LMR"]')).to_be_visible()
    expect(page.locator('[data-testid="upstream-item"][data-code="HAP-PROG"]')).to_be_visible()


def test_slip_what_if_shows_the_moved_initiatives(page: Page, dashboard_base_url: str) -> None:
    from playwright.sync_api import expect

    open_dashboard(page, dashboard_base_url)
    page.locator(f'{ROWS}[data-code="PLL"]').click()

    page.get_by_test_id("whatif-days").fill("90")
    page.get_by_test_id("whatif-run").click()

    moved = page.locator('[data-testid="moved-item"][data-code="PLL"]')
    expect(moved).to_have_attribute("data-days", "90")
    expect(page.locator('[data-testid="moved-item"][data-code="LMR"]')).to_be_visible()
    expect(page.get_by_test_id("whatif-summary")).to_contain_text("90 dager")


def test_closing_the_panel_returns_to_the_whole_portfolio(
    page: Page, dashboard_base_url: str
) -> None:
    from playwright.sync_api import expect

    open_dashboard(page, dashboard_base_url)
    page.locator(f'{NODES}[data-code="HAP-PROG"]').click()
    expect(page.get_by_test_id("graph")).to_have_attribute("data-root", "HAP-PROG")

    page.get_by_test_id("panel-close").click()

    expect(page.get_by_test_id("detail-panel")).to_be_hidden()
    expect(page.get_by_test_id("graph")).to_have_attribute("data-root", "")
    expect(page.locator(NODES)).to_have_count(41)


def test_screenshots_are_kept_as_test_artefacts(page: Page, dashboard_base_url: str) -> None:
    pictures = take_screenshots(page, dashboard_base_url, ARTIFACTS)

    for picture in pictures:
        assert picture.read_bytes().startswith(b"\x89PNG"), picture
