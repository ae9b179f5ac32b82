"""The whole-portfolio graph: groups that fold, pan and zoom, search-to-focus, highlighted
edges, keyboard use, and paths that read in the direction of the arrows."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

import httpx
import pytest

from tests.browser.support import VIEWPORT, open_dashboard, running_service

if TYPE_CHECKING:
    from collections.abc import Callable

    from playwright.sync_api import Browser, Page

NODES = '[data-testid="graph-node"]'
EDGES = '[data-testid="graph-edge"]'
HDIR_INITIATIVES = 8  # Helsedirektoratet owns eight of the 22 seed initiatives


def view_box(page: Page) -> list[float]:
    box = page.get_by_test_id("graph").get_attribute("viewBox") or ""
    return [float(value) for value in box.split()]


def group_by(page: Page, grouping: str) -> None:
    page.get_by_test_id("graph-group-by").select_option(grouping)


def test_grouping_by_owner_draws_one_band_per_owner_and_one_for_solutions(
    page: Page, dashboard_base_url: str
) -> None:
    from playwright.sync_api import expect

    open_dashboard(page, dashboard_base_url)

    group_by(page, "owner")

    groups = page.locator('[data-testid="graph-group"]')
    expect(groups).to_have_count(10)  # nine owners and the national solutions
    expect(page.locator(NODES)).to_have_count(41)
    band = page.locator('[data-testid="graph-group-toggle"][data-group="owner:HDIR"]')
    expect(band).to_have_attribute("aria-expanded", "true")


def test_folding_a_group_draws_it_as_one_box_with_its_edges(
    page: Page, dashboard_base_url: str
) -> None:
    from playwright.sync_api import expect

    open_dashboard(page, dashboard_base_url)
    group_by(page, "owner")

    page.locator('[data-testid="graph-group-toggle"][data-group="owner:HDIR"]').click()

    cluster = page.locator('[data-testid="graph-cluster"][data-group="owner:HDIR"]')
    expect(cluster).to_have_attribute("data-count", str(HDIR_INITIATIVES))
    expect(page.locator(f'{NODES}[data-code="PLL"]')).to_have_count(0)
    expect(page.locator(NODES)).to_have_count(41 - HDIR_INITIATIVES)
    # PLL's suppliers now feed the folded box, and its dependants hang off it
    assert page.locator(f'{EDGES}[data-to="group:owner:HDIR"]').count() > 0
    assert page.locator(f'{EDGES}[data-from="group:owner:HDIR"]').count() > 0

    cluster.click()

    expect(page.locator(f'{NODES}[data-code="PLL"]')).to_have_count(1)
    expect(page.locator('[data-testid="graph-cluster"]')).to_have_count(0)


def test_keyboard_folds_and_unfolds_a_group(page: Page, dashboard_base_url: str) -> None:
    from playwright.sync_api import expect

    open_dashboard(page, dashboard_base_url)
    group_by(page, "segment")
    toggle = page.locator('[data-testid="graph-group-toggle"][data-group="segment:CO_GOVERN"]')

    toggle.focus()
    page.keyboard.press("Enter")

    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(toggle).to_be_focused()
    expect(page.locator('[data-testid="graph-cluster"]')).to_have_count(1)
    page.keyboard.press("Space")
    expect(toggle).to_have_attribute("aria-expanded", "true")


def test_search_centres_and_focuses_the_node(page: Page, dashboard_base_url: str) -> None:
    from playwright.sync_api import expect

    open_dashboard(page, dashboard_base_url)
    whole = view_box(page)

    page.get_by_label("Finn i grafen").fill("legemiddelreg")
    page.get_by_test_id("graph-find-submit").click()

    node = page.locator(f'{NODES}[data-code="LMR"]')
    expect(node).to_be_focused()
    expect(node).to_have_class(re.compile(r"(^|\s)found(\s|$)"))
    expect(page.get_by_test_id("graph-status")).to_have_text("Fant LMR – Legemiddelregisteret.")
    assert view_box(page) != whole
    box = node.locator(".shape").bounding_box()
    frame = page.get_by_test_id("graph").bounding_box()
    assert box is not None
    assert frame is not None
    # At natural size, in the middle of the frame
    assert box["width"] == pytest.approx(164, abs=5)  # its focus ring adds 4
    assert box["x"] + box["width"] / 2 == pytest.approx(frame["x"] + frame["width"] / 2, abs=4)
    assert box["y"] + box["height"] / 2 == pytest.approx(frame["y"] + frame["height"] / 2, abs=4)


def test_search_unfolds_the_group_that_holds_the_node(page: Page, dashboard_base_url: str) -> None:
    from playwright.sync_api import expect

    open_dashboard(page, dashboard_base_url)
    group_by(page, "owner")
    page.locator('[data-testid="graph-group-toggle"][data-group="owner:FHI"]').click()
    expect(page.locator(f'{NODES}[data-code="LMR"]')).to_have_count(0)

    page.get_by_label("Finn i grafen").fill("LMR")
    page.keyboard.press("Enter")

    expect(page.locator(f'{NODES}[data-code="LMR"]')).to_be_focused()


def test_search_without_a_match_says_so(page: Page, dashboard_base_url: str) -> None:
    from playwright.sync_api import expect

    open_dashboard(page, dashboard_base_url)

    page.get_by_label("Finn i grafen").fill("finnes ikke")
    page.get_by_test_id("graph-find-submit").click()

    expect(page.get_by_test_id("graph-status")).to_have_text(
        "Ingen node i grafen passer til «finnes ikke»."
    )


def test_zoom_buttons_and_fit(page: Page, dashboard_base_url: str) -> None:
    open_dashboard(page, dashboard_base_url)
    whole = view_box(page)

    page.get_by_role("button", name="Zoom inn").click()
    zoomed_in = view_box(page)
    page.get_by_role("button", name="Zoom ut").click()
    page.get_by_role("button", name="Zoom ut").click()
    zoomed_out = view_box(page)
    page.get_by_role("button", name="Tilpass").click()

    assert zoomed_in[2] < whole[2] < zoomed_out[2]
    assert view_box(page) == whole


def test_keyboard_pans_and_zooms_the_graph(page: Page, dashboard_base_url: str) -> None:
    open_dashboard(page, dashboard_base_url)
    page.get_by_test_id("graph-wrap").focus()
    whole = view_box(page)

    page.keyboard.press("+")
    zoomed = view_box(page)
    page.keyboard.press("ArrowRight")
    panned = view_box(page)
    page.keyboard.press("0")

    assert zoomed[2] < whole[2]
    assert panned[0] > zoomed[0]
    assert panned[1] == zoomed[1]
    assert view_box(page) == whole


def test_dragging_the_background_pans(page: Page, dashboard_base_url: str) -> None:
    open_dashboard(page, dashboard_base_url)
    page.get_by_role("button", name="Zoom inn").click()
    before = view_box(page)
    frame = page.get_by_test_id("graph").bounding_box()
    assert frame is not None
    # Top right: the column headers' row, where no node is drawn
    x, y = frame["x"] + frame["width"] - 30, frame["y"] + 8

    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x - 200, y + 50, steps=5)
    page.mouse.up()

    after = view_box(page)
    assert after[0] > before[0]
    assert after[1] < before[1]
    assert after[2:] == before[2:]


def test_ctrl_wheel_zooms_and_the_plain_wheel_scrolls_the_page(
    page: Page, dashboard_base_url: str
) -> None:
    open_dashboard(page, dashboard_base_url)
    whole = view_box(page)
    frame = page.get_by_test_id("graph").bounding_box()
    assert frame is not None
    page.mouse.move(frame["x"] + frame["width"] / 2, frame["y"] + 100)

    page.keyboard.down("Control")
    page.mouse.wheel(0, -200)
    page.keyboard.up("Control")
    page.wait_for_function(
        "(width) => Number(document.querySelector('[data-testid=graph]')"
        ".getAttribute('viewBox').split(' ')[2]) < width",
        arg=whole[2],
    )
    zoomed = view_box(page)
    page.mouse.wheel(0, 300)
    page.wait_for_function("window.scrollY > 0")

    assert zoomed[2] < whole[2]
    assert view_box(page) == zoomed


def test_hovering_a_node_highlights_its_edges_only(page: Page, dashboard_base_url: str) -> None:
    open_dashboard(page, dashboard_base_url)

    page.locator(f'{NODES}[data-code="KULE"]').hover()

    hot = page.locator(f"{EDGES}.hot").evaluate_all(
        "edges => edges.map(edge => `${edge.dataset.from}>${edge.dataset.to}`)"
    )
    assert sorted(hot) == ["ERESEPT>KULE", "PLL>KULE", "SFM>KULE"]
    assert "hovering" in (page.get_by_test_id("graph").get_attribute("class") or "")


def test_upstream_paths_read_from_supplier_to_dependant(
    page: Page, dashboard_base_url: str
) -> None:
    from playwright.sync_api import expect

    open_dashboard(page, dashboard_base_url, "#HP")
    upstream = page.get_by_test_id("upstream")
    expect(upstream).to_be_visible()

    paths = upstream.locator(".path").all_inner_texts()
    downstream = page.get_by_test_id("downstream-section").locator(".path").all_inner_texts()

    assert paths
    assert all(path.split(" → ")[-1] == "HP" for path in paths), paths
    assert "ERESEPT → HP" in paths
    assert all(path.split(" → ")[0] == "HP" for path in downstream), downstream


# --- a portfolio too big to draw unfolded at first ---------------------------------------

LARGE_PORTFOLIO = 400  # initiatives: more than 150 nodes, and more than 1,000 edges


@pytest.fixture(scope="module")
def large_base_url(synthetic_database_url: Callable[[int], str]) -> Iterator[str]:
    with running_service(synthetic_database_url(LARGE_PORTFOLIO)) as base_url:
        yield base_url


def test_large_portfolio_starts_folded_by_segment_and_draws_every_edge_unfolded(
    browser: Browser, large_base_url: str
) -> None:
    from playwright.sync_api import expect

    counts = httpx.post(
        f"{large_base_url}/graphql", json={"query": "{ dependencyGraph { nodeCount edgeCount } }"}
    ).json()["data"]["dependencyGraph"]
    assert counts["edgeCount"] > 1000  # more than dependencyGraph lists in one answer
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    try:
        page.goto(f"{large_base_url}/dashboard")
        page.wait_for_selector('[data-testid="graph"][data-state=ready]', timeout=60_000)

        expect(page.get_by_test_id("graph-group-by")).to_have_value("segment")
        expect(page.locator(NODES)).to_have_count(0)
        expect(page.locator('[data-testid="graph-cluster"]')).to_have_count(4)

        group_by(page, "none")

        expect(page.locator(NODES)).to_have_count(counts["nodeCount"])
        expect(page.locator(EDGES)).to_have_count(counts["edgeCount"])
        expect(page.get_by_test_id("graph-more")).to_be_hidden()
    finally:
        context.close()
