"""Browser benchmark of the dashboard's dependency graph at about 1,000 nodes.

Serves a synthetic portfolio whose graph has ``--nodes`` nodes (initiatives plus the 19
national solutions) and drives Debian's Chromium through Playwright (headless, outside hosts
blocked), measuring in the page with ``performance.now()``:

- **first draw**: from navigation start until the whole-portfolio graph is drawn
  (``svg[data-state=ready]``), as it first appears (large graphs start folded by owner);
- **first draw, unfolded**: switching "Grupper" to *Ingen* until every node is drawn;
- **select**: from a click on a node of the unfolded graph until its neighbourhood is drawn
  and the side panel lists its chains;
- **find**: from submitting the search box until the node is centred and focused.

Each is repeated ``--repeat`` times on a fresh page (median and min). Nothing here asserts a
time; the figures go to ``benchmarks/results/`` and RESULTS.md.

    python benchmarks/bench_browser_graph.py                  # 1,000 nodes, SQLite
    python benchmarks/bench_browser_graph.py --nodes 300 1000 --repeat 3
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run"]
SOLUTIONS = 19  # the national solutions of the reference data: nodes beyond the initiatives
READY = '[data-testid="graph"][data-state=ready]'
COLUMNS = [
    "nodes", "edges", "first draw ms", "first draw, unfolded ms", "select node ms", "find ms",
    "drawn elements",
]  # fmt: skip


def _ms(values: list[float]) -> str:
    return f"{statistics.median(values):,.0f} (min {min(values):,.0f})"


def measure(base_url: str, repeat: int) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    first: list[float] = []
    unfolded: list[float] = []
    selected: list[float] = []
    found: list[float] = []
    facts: dict[str, Any] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        for _ in range(repeat):
            context = browser.new_context(viewport={"width": 1440, "height": 1000})
            context.route(
                "**/*",
                lambda route: (
                    route.continue_()
                    if route.request.url.startswith((base_url, "data:"))
                    else route.abort()
                ),
            )
            page = context.new_page()
            page.goto(f"{base_url}/dashboard")
            page.wait_for_selector(READY, timeout=120_000)
            first.append(page.evaluate("performance.now()"))
            unfolded.append(
                page.evaluate(
                    """() => {
                        const select = document.querySelector('[data-testid="graph-group-by"]');
                        const start = performance.now();
                        select.value = "none";
                        select.dispatchEvent(new Event("change"));
                        return performance.now() - start;
                    }"""
                )
            )
            facts["edges"] = page.locator('[data-testid="graph-edge"]').count()
            facts["drawn"] = page.evaluate("document.querySelectorAll('svg *').length")
            code = page.evaluate(
                """() => {
                    const nodes = [...document.querySelectorAll('[data-testid="graph-node"]')];
                    return nodes[Math.floor(nodes.length / 2)].dataset.code;
                }"""
            )
            found.append(
                page.evaluate(
                    """(code) => {
                        const input = document.querySelector('[data-testid="graph-find"]');
                        input.value = code;
                        const start = performance.now();
                        input.form.requestSubmit();
                        return performance.now() - start;
                    }""",
                    code,
                )
            )
            start = page.evaluate(
                """(code) => {
                    const start = performance.now();
                    document.querySelector(`[data-testid="graph-node"][data-code="${code}"]`)
                        .dispatchEvent(new MouseEvent("click", { bubbles: true }));
                    return start;
                }""",
                code,
            )
            page.wait_for_selector(
                f'[data-testid="graph"][data-root="{code}"][data-state=ready]', timeout=120_000
            )
            page.wait_for_selector('[data-testid="upstream-section"]', timeout=120_000)
            selected.append(page.evaluate("performance.now()") - start)
            context.close()
        browser.close()
    return {
        "edges": facts.get("edges"),
        "first draw ms": _ms(first),
        "first draw, unfolded ms": _ms(unfolded),
        "select node ms": _ms(selected),
        "find ms": _ms(found),
        "drawn elements": facts.get("drawn"),
    }


def main() -> None:
    options = common.parser("The dashboard graph in Chromium: first draw and selecting a node.")
    options.add_argument("--nodes", type=int, nargs="+", default=[1_000])
    options.add_argument("--repeat", type=int, default=5)
    arguments = options.parse_args()
    if not CHROMIUM.exists():
        sys.exit(f"{CHROMIUM} is missing: apt-get install -y chromium")
    report = common.Report("browser-graph", COLUMNS)
    report.notes.append(
        "Chromium headless through Playwright, 1440×1000, SQLite, one uvicorn worker; "
        "times from performance.now() in the page, median (min) of the repeats."
    )
    for nodes in arguments.nodes:
        initiatives = max(1, nodes - SOLUTIONS)
        print(f"[browser-graph] {nodes} nodes ({initiatives} initiatives)", file=sys.stderr)
        url = common.sqlite_database(initiatives)
        with common.running(common.start_uvicorn(url, label="browser-graph")) as server:
            row = measure(server.url, 1 if arguments.quick else arguments.repeat)
        report.add(nodes=nodes, **row)
    report.finish(arguments.output)


if __name__ == "__main__":
    main()
