"""A person signs in to the reporting form with a real OpenID Provider (authorization code
with PKCE), reports, and signs out — in Chromium, as the other browser tests drive it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

from tests.browser.support import (
    CHROMIUM,
    MISSING_CHROMIUM,
    VIEWPORT,
    launch_chromium,
    running_service,
)
from tests.conftest import Databases, copy_database, make_token, settings_for
from tests.oidc.provider import (
    AUDIENCE,
    RunningProvider,
    free_port,
    signing_key_set,
    start_provider,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

REPORTING = "/dashboard/rapportering"
GRANT = """mutation { grantRole(input: {orgNumber: "991324968", role: REPORTER}) { __typename } }"""
LATEST = """query { initiative(code: "HSO-RKL") {
  latestReport { periodCode status submittedBy }
} }"""
AUDIT = """query { auditEvents(first: 5, actor: "siri") {
  ... on AuditEventConnection { nodes { actorSubject actorName action entityCode } }
} }"""


@dataclass(frozen=True)
class BrowserSetting:
    base_url: str
    database_url: str
    provider: RunningProvider


@pytest.fixture(scope="module")
def setting(
    databases: Databases, seed_template_url: str, provider_directory: Path
) -> Iterator[BrowserSetting]:
    """The service (on ``localhost``, where Chromium keeps Secure cookies over http) and
    a provider that knows its callback."""
    url = copy_database(databases, seed_template_url, "browser-sign-in")
    provider_port = free_port()
    settings = settings_for(
        url,
        oidc_issuer=f"http://127.0.0.1:{provider_port}",  # asked on first sign-in only
        oidc_audience=AUDIENCE,
        oidc_client_id="portfolio-web",
        oidc_client_secret="portfolio-web-secret",
        oidc_scopes="openid profile orgnr",
    )
    with running_service(url, settings=settings, host_name="localhost") as base_url:
        provider = start_provider(
            provider_directory,
            signing_key_set("browser"),
            port=provider_port,
            redirect_uris=(f"{base_url}/auth/callback",),
            post_logout_redirect_uris=(f"{base_url}{REPORTING}",),
        )
        try:
            yield BrowserSetting(base_url=base_url, database_url=url, provider=provider)
        finally:
            provider.stop()


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        pytest.fail(MISSING_CHROMIUM)
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium: Browser, setting: BrowserSetting) -> Iterator[Page]:
    """A page that may reach the service and the provider, and nothing else."""
    allowed = (setting.base_url, setting.provider.issuer)
    context = chromium.new_context(viewport=VIEWPORT, locale="nb-NO")
    context.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith(allowed)
            else route.abort("internetdisconnected")
        ),
    )
    errors: list[str] = []
    new_page = context.new_page()
    new_page.on("pageerror", lambda error: errors.append(str(error)))
    yield new_page
    context.close()
    assert not errors, errors


def _graphql(setting: BrowserSetting, query: str, token: str) -> dict[str, object]:
    body = httpx.post(
        f"{setting.base_url}/graphql",
        json={"query": query},
        headers={"Authorization": f"Bearer {token}"},
    ).json()
    data: dict[str, object] = body["data"]
    return data


def test_a_person_signs_in_reports_and_signs_out(page: Page, setting: BrowserSetting) -> None:
    from playwright.sync_api import expect

    # Given the office has made everyone of Helse Sør-Øst RHF's organisation number a reporter
    admin = make_token(setting.database_url, "ADMIN")
    assert _graphql(setting, GRANT, admin) == {"grantRole": {"__typename": "RoleGrantPayload"}}

    # When Siri opens the reporting form and signs in at the provider
    page.goto(f"{setting.base_url}{REPORTING}")
    page.wait_for_selector("body[data-state=ready]")
    page.get_by_role("link", name="Logg inn med virksomhetens innlogging").click()
    page.wait_for_url(f"{setting.provider.issuer}/**")
    page.locator("input[name=login]").fill("siri")
    page.locator("input[name=password]").fill("any password")
    page.get_by_role("button", name="Sign-in").click()
    page.get_by_role("button", name="Continue").click()

    # Then she is back in the form, signed in as herself for her organisation
    page.wait_for_url(f"{setting.base_url}{REPORTING}")
    expect(page.get_by_test_id("viewer-name")).to_contain_text("Siri Sørøst")
    expect(page.get_by_test_id("viewer-name")).to_contain_text("Helse Sør-Øst RHF")
    cookie = next(c for c in page.context.cookies() if c["name"] == "portfolio_session")
    assert cookie["httpOnly"] is True
    assert cookie["secure"] is True
    assert cookie["sameSite"] == "Lax"
    assert page.evaluate("document.cookie") == ""  # no script can read it

    # When she reports HSO-RKL (Observere: status and deliveries) as green
    page.get_by_label("Tiltak", exact=True).select_option("HSO-RKL")
    page.get_by_role("group", name="Samlet status").get_by_label("Grønn").check()
    page.get_by_role("button", name="Send rapport").click()

    # Then the report is received, in her name, and the audit log names her
    expect(page.get_by_test_id("receipt")).to_be_visible()
    latest = _graphql(setting, LATEST, admin)["initiative"]
    assert latest == {
        "latestReport": {"periodCode": "2026-2", "status": "GREEN", "submittedBy": "Siri Sørøst"}
    }
    events = _graphql(setting, AUDIT, admin)["auditEvents"]
    assert {"actorSubject": "siri", "actorName": "Siri Sørøst"}.items() <= (
        events["nodes"][0].items()  # type: ignore[index]
    )

    # When she signs out, here and at the provider
    page.get_by_role("button", name="Logg ut").click()
    page.wait_for_url(f"{setting.provider.issuer}/**")
    page.get_by_role("button", name="Yes, sign me out").click()

    # Then the form asks for sign-in again and the session is gone
    page.wait_for_url(f"{setting.base_url}{REPORTING}")
    expect(page.get_by_test_id("signin")).to_be_visible()
    expect(page.get_by_test_id("viewer")).to_be_hidden()
    assert not [c for c in page.context.cookies() if c["name"] == "portfolio_session"]
    page.reload()
    page.wait_for_selector("body[data-state=ready]")
    expect(page.get_by_test_id("signin")).to_be_visible()
    # and signing in again asks the provider for her password: its session ended too
    page.get_by_role("link", name="Logg inn med virksomhetens innlogging").click()
    expect(page.locator("input[name=password]")).to_be_visible()
