"""Shared by the browser tests and the README screenshots: the service, Chromium, pictures.

Playwright drives Debian's ``chromium`` package; it never downloads a browser of its own.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import uvicorn

from app.main import create_app
from app.settings import Settings

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Playwright, ViewportSize

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT: ViewportSize = {"width": 1440, "height": 1000}
MISSING_CHROMIUM = (
    f"Chromium is not installed at {CHROMIUM}; the browser tests need Debian's package: "
    "apt-get update && apt-get install -y chromium (Playwright must not download a browser)."
)
MISSING_PLAYWRIGHT = (
    "Playwright for Python is not installed; install the dev extra: pip install -e '.[dev]'."
)


@contextmanager
def running_service(
    database_url: str, *, settings: Settings | None = None, host_name: str = "127.0.0.1"
) -> Iterator[str]:
    """Serve the app with uvicorn on a free loopback port in a thread; yield its base URL
    (named by ``host_name``: ``localhost`` where a browser must treat it as secure)."""
    app = create_app(settings or Settings(database_url=database_url, debug=False))
    # Binding here, before the server starts, leaves no window for another process to take
    # the port between choosing and listening.
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    # WebSocket too: the dashboard listens to the service's subscriptions.
    config = uvicorn.Config(app, log_level="warning", ws="websockets-sansio", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [listener]}, name="dashboard-service"
    )
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the service did not start")
            time.sleep(0.05)
        yield f"http://{host_name}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        listener.close()


def launch_chromium(playwright: Playwright) -> Browser:
    """Debian's Chromium, headless, with nothing that phones home."""
    if not CHROMIUM.exists():
        raise FileNotFoundError(MISSING_CHROMIUM)
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


def open_dashboard(page: Page, base_url: str, fragment: str = "") -> None:
    """Open the dashboard and wait until its first data is drawn."""
    page.goto(f"{base_url}/dashboard{fragment}")
    page.wait_for_selector("body[data-state=ready]", timeout=20_000)
    page.wait_for_selector('[data-testid="graph"][data-state=ready]', timeout=20_000)


def take_reporting_screenshot(page: Page, base_url: str, token: str, directory: Path) -> Path:
    """docs/dashboard.md's picture of the reporting form: a Koordinere report refused for a
    missing answer, the API's message beside the field."""
    directory.mkdir(parents=True, exist_ok=True)
    picture = directory / "reporting.png"
    page.goto(f"{base_url}/dashboard/rapportering")
    page.wait_for_selector("body[data-state=ready]")
    page.fill('[data-testid="signin-token"]', token)
    page.click('[data-testid="signin-submit"]')
    page.wait_for_selector('[data-testid="pick"]:not([hidden])')
    page.select_option('[data-testid="pick-initiative"]', "DPN")
    page.wait_for_selector('[data-testid="report-form"]:not([hidden])')
    page.fill('[data-testid="input-mainRiskAreas"]', "")
    page.check('[data-testid="input-dependenciesConfirmed"]')
    page.click('[data-testid="report-submit"]')
    page.wait_for_selector('[data-testid="error-mainRiskAreas"]:not([hidden])')
    page.evaluate("window.scrollTo(0, 0)")
    bottom = page.get_by_test_id("section-dependencies").bounding_box()
    assert bottom is not None
    page.screenshot(
        path=str(picture),
        full_page=True,
        clip={"x": 0, "y": 0, "width": 1440, "height": bottom["y"] + bottom["height"] + 16},
    )
    return picture


def take_screenshots(page: Page, base_url: str, directory: Path) -> list[Path]:
    """README and docs/dashboard.md pictures: the whole portfolio, and PLL with a 90-day slip."""
    directory.mkdir(parents=True, exist_ok=True)
    overview = directory / "dashboard.png"
    detail = directory / "dashboard-detail.png"
    open_dashboard(page, base_url)
    # Down to the graph's legend: the table below it is plain rows.
    legend = page.get_by_test_id("legend").bounding_box()
    assert legend is not None
    bottom = legend["y"] + legend["height"] + 16
    page.screenshot(
        path=str(overview), full_page=True, clip={"x": 0, "y": 0, "width": 1440, "height": bottom}
    )
    page.locator('[data-testid="initiative-row"][data-code="PLL"] button').click()
    page.wait_for_selector('[data-testid="whatif-form"]')
    page.fill('[data-testid="whatif-days"]', "90")
    page.click('[data-testid="whatif-run"]')
    page.wait_for_selector('[data-testid="whatif-result"][data-state=ready]')
    page.wait_for_selector('[data-testid="graph"][data-root="PLL"][data-state=ready]')
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(detail), clip={"x": 0, "y": 0, "width": 1440, "height": 1000})
    return [overview, detail]
