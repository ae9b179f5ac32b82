"""Fixtures for the browser tests: the service on the demo portfolio and Debian's Chromium."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from tests.browser.support import (
    CHROMIUM,
    MISSING_CHROMIUM,
    MISSING_PLAYWRIGHT,
    VIEWPORT,
    launch_chromium,
    running_service,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Request, Route


@pytest.fixture(scope="package")
def dashboard_base_url(seeded_database_url: str) -> Iterator[str]:
    """The service on the demo portfolio, reached over a real loopback socket."""
    with running_service(seeded_database_url) as base_url:
        yield base_url


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    """Headless Chromium; a missing browser fails the run instead of skipping it."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail(MISSING_PLAYWRIGHT)
    if not CHROMIUM.exists():
        pytest.fail(MISSING_CHROMIUM)
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


class PageProblems:
    """What went wrong in the page: script errors and requests that left the machine."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.errors: list[str] = []
        self.foreign_requests: list[str] = []

    def on_request(self, request: Request) -> None:
        if not self.is_local(request.url):
            self.foreign_requests.append(request.url)

    def is_local(self, url: str) -> bool:
        return url == self.base_url or url.startswith((f"{self.base_url}/", "data:"))

    def block_outside_hosts(self, route: Route) -> None:
        """As on Norsk Helsenett: nothing outside the service answers."""
        if self.is_local(route.request.url):
            route.continue_()
        else:
            route.abort("internetdisconnected")


@pytest.fixture
def page_problems(dashboard_base_url: str) -> PageProblems:
    return PageProblems(dashboard_base_url)


@pytest.fixture
def page(browser: Browser, page_problems: PageProblems) -> Iterator[Page]:
    """A fresh page with outside hosts blocked; the test fails if the page throws or tries
    to fetch from outside."""
    context = browser.new_context(viewport=VIEWPORT, locale="nb-NO")
    context.route("**/*", page_problems.block_outside_hosts)
    new_page = context.new_page()
    new_page.on("pageerror", lambda error: page_problems.errors.append(str(error)))
    new_page.on(
        "console",
        lambda message: (
            page_problems.errors.append(message.text) if message.type == "error" else None
        ),
    )
    new_page.on("request", page_problems.on_request)
    yield new_page
    context.close()
    assert not page_problems.errors, page_problems.errors
    assert not page_problems.foreign_requests, page_problems.foreign_requests
