"""Owners report a round in the browser, through the public mutations, on a private copy
of the demo portfolio; outside hosts are blocked (the ``page`` fixture)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

import httpx
import pytest

from tests.browser.support import running_service
from tests.conftest import Databases, copy_database, make_token

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from tests.browser.conftest import PageProblems

REPORTING = "/dashboard/rapportering"
DPN_REPORT = """query { initiative(code: "DPN") {
  latestReport { periodCode mainRiskAreas riskLevel dependenciesConfirmed }
  deliveries { code forecastDate }
} }"""


@pytest.fixture(scope="module")
def reporting_database_url(databases: Databases, seed_template_url: str) -> str:
    return copy_database(databases, seed_template_url, "reporting")


@pytest.fixture(scope="module")
def dashboard_base_url(reporting_database_url: str) -> Iterator[str]:
    """This module writes: its own service on its own copy of the demo portfolio."""
    with running_service(reporting_database_url) as base_url:
        yield base_url


REFUSED_REPORT = """mutation ($input: SubmitStatusReportInput!) {
  submitStatusReport(input: $input) {
    __typename
    ... on ValidationError { problems { field message } }
  }
}"""


def api_problem(base_url: str, token: str, field: str) -> str:
    """What the API says, as the form asks it (bokmål when it can), about DPN's report
    without main risk areas."""
    answer = httpx.post(
        f"{base_url}/graphql",
        json={
            "query": REFUSED_REPORT,
            "variables": {"input": {"initiative": "DPN", "status": "GREEN", "riskLevel": "GREEN"}},
        },
        headers={"Authorization": f"Bearer {token}", "Accept-Language": "nb"},
    ).json()["data"]["submitStatusReport"]
    assert answer["__typename"] == "ValidationError"
    messages = [problem["message"] for problem in answer["problems"] if problem["field"] == field]
    assert len(messages) == 1
    return messages[0]


def sign_in(page: Page, base_url: str, token: str) -> None:
    page.goto(f"{base_url}{REPORTING}")
    page.wait_for_selector("body[data-state=ready]")
    page.get_by_label("API-nøkkel").fill(token)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_selector('[data-testid="pick"]:not([hidden])')


def test_reporter_fixes_a_validation_error_and_gets_a_receipt(
    page: Page, dashboard_base_url: str, reporting_database_url: str
) -> None:
    from playwright.sync_api import expect

    token = make_token(reporting_database_url, "REPORTER", "HN")
    sign_in(page, dashboard_base_url, token)
    assert token not in page.url
    assert page.evaluate("sessionStorage.getItem('portfolio.apiToken')") == token

    # Given DPN, a Koordinere initiative of Helse Nord, with last round's answers prefilled
    page.get_by_label("Tiltak", exact=True).select_option("DPN")
    form = page.get_by_test_id("report-form")
    expect(form).to_be_visible()
    expect(page.get_by_test_id("section-risk")).to_be_visible()
    expect(page.get_by_test_id("section-economy")).to_have_count(0)
    risk_areas = page.get_by_label("Viktigste risikoområder")
    assert risk_areas.input_value() != ""
    # When the owner empties the main risk areas, confirms the dependencies, moves a
    # delivery's forecast and sends
    risk_areas.fill("")
    page.get_by_role("group", name="Samlet risiko").get_by_label("Gul").check()
    page.get_by_label("Planlagte tiltak mot risiko").fill("Ukentlig oppfølging med NHN.")
    page.get_by_label("Gjennomførte tiltak mot risiko").fill("Felles testmiljø er etablert.")
    page.get_by_test_id("input-dependenciesConfirmed").check()
    page.get_by_test_id("delivery-forecast-DPN-D2").fill("2026-10-15")
    page.get_by_role("button", name="Send rapport").click()

    # Then the API's refusal stands beside the field it names, in the API's own words
    error = page.get_by_test_id("error-mainRiskAreas")
    expect(error).to_be_visible()
    expect(error).to_have_text(api_problem(dashboard_base_url, token, "mainRiskAreas"))
    expect(risk_areas).to_have_attribute("aria-invalid", "true")
    described_by = risk_areas.get_attribute("aria-describedby") or ""
    assert error.get_attribute("id") in described_by.split()
    field = page.locator('[data-field="mainRiskAreas"]')
    expect(field.get_by_test_id("error-mainRiskAreas")).to_be_visible()
    expect(page.get_by_test_id("error-summary")).to_contain_text("Viktigste risikoområder")
    expect(page.get_by_test_id("receipt")).to_be_hidden()

    # When the owner fills it in and sends again
    risk_areas.fill("Kapasitet hos leverandøren av pasientportalen.")
    page.get_by_role("button", name="Send rapport").click()

    # Then a receipt names the initiative and the round, and the API holds the answers
    receipt = page.get_by_test_id("receipt")
    expect(receipt).to_be_visible()
    expect(receipt).to_be_focused()
    expect(page.get_by_test_id("receipt-message")).to_contain_text("DPN")
    expect(page.get_by_test_id("receipt-message")).to_contain_text("er mottatt for april 2026")
    expect(receipt).to_contain_text("DPN-D2")
    answer = httpx.post(
        f"{dashboard_base_url}/graphql",
        json={"query": DPN_REPORT},
        headers={"Authorization": f"Bearer {token}"},
    ).json()["data"]["initiative"]
    assert answer["latestReport"] == {
        "periodCode": "2026-2",
        "mainRiskAreas": "Kapasitet hos leverandøren av pasientportalen.",
        "riskLevel": "YELLOW",
        "dependenciesConfirmed": True,
    }
    forecasts = {item["code"]: item["forecastDate"] for item in answer["deliveries"]}
    assert forecasts["DPN-D2"] == "2026-10-15"


def test_samstyre_form_asks_for_economics(
    page: Page, dashboard_base_url: str, reporting_database_url: str
) -> None:
    from playwright.sync_api import expect

    sign_in(page, dashboard_base_url, make_token(reporting_database_url, "REPORTER", "HDIR"))

    page.get_by_label("Tiltak", exact=True).select_option("PLL")

    expect(page.get_by_test_id("section-economy")).to_be_visible()
    for name in ("Investeringskostnad (kr)", "Nytte", "Nytteforutsetninger"):
        expect(
            page.get_by_label(re.compile(rf"^{re.escape(name)}( \(påkrevd\))?$"))
        ).to_be_visible()


def test_observere_form_asks_for_no_risk(
    page: Page, dashboard_base_url: str, reporting_database_url: str
) -> None:
    from playwright.sync_api import expect

    sign_in(page, dashboard_base_url, make_token(reporting_database_url, "REPORTER", "HSO"))

    page.get_by_label("Tiltak", exact=True).select_option("HSO-RKL")

    expect(page.get_by_test_id("section-status")).to_be_visible()
    expect(page.get_by_test_id("section-deliveries")).to_be_visible()
    expect(page.get_by_test_id("section-risk")).to_have_count(0)
    expect(page.get_by_test_id("section-dependencies")).to_have_count(0)


def test_reporter_picks_only_its_organisations_initiatives(
    page: Page, dashboard_base_url: str, reporting_database_url: str
) -> None:
    sign_in(page, dashboard_base_url, make_token(reporting_database_url, "REPORTER", "HN"))

    options = (
        page.get_by_label("Tiltak", exact=True)
        .locator("option")
        .evaluate_all("options => options.map(option => option.value).filter(Boolean)")
    )

    assert sorted(options) == ["DPN", "UNGDOM-13-15"]


def test_office_sees_who_has_reported_and_who_is_missing(
    page: Page, dashboard_base_url: str, reporting_database_url: str
) -> None:
    from playwright.sync_api import expect

    sign_in(page, dashboard_base_url, make_token(reporting_database_url, "ADMIN"))

    progress = page.get_by_test_id("progress")
    expect(progress).to_be_visible()
    expect(page.get_by_test_id("progress-deadline")).to_contain_text("10.04.2026")
    reported = int(page.get_by_test_id("progress-reported-count").inner_text())
    missing = int(page.get_by_test_id("progress-missing-count").inner_text())
    listed = page.locator(
        '[data-testid="progress-missing"] li[data-code], '
        '[data-testid="progress-reported"] li[data-code]'
    )
    assert reported + missing == listed.count() > 0


def test_unknown_token_is_refused_beside_the_key_field(
    page: Page, page_problems: PageProblems, dashboard_base_url: str
) -> None:
    from playwright.sync_api import expect

    page.goto(f"{dashboard_base_url}{REPORTING}")
    page.wait_for_selector("body[data-state=ready]")
    page.get_by_label("API-nøkkel").fill("not-a-token")
    page.get_by_role("button", name="Logg inn").click()

    expect(page.get_by_test_id("signin-token-error")).to_contain_text("ukjent")
    expect(page.get_by_label("API-nøkkel")).to_have_attribute("aria-invalid", "true")
    assert page.evaluate("sessionStorage.getItem('portfolio.apiToken')") is None
    assert "not-a-token" not in page.url
    # The browser logs the 401 itself; that is the answer asked for, not a fault.
    page_problems.errors = [error for error in page_problems.errors if "401" not in error]


def tab_to(page: Page, selector: str, *, limit: int = 80) -> None:
    """Press Tab until the element ``selector`` names has the focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(selector) => document.activeElement.matches(selector)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_keyboard_alone_signs_in_and_reports(
    page: Page, dashboard_base_url: str, reporting_database_url: str
) -> None:
    from playwright.sync_api import expect

    token = make_token(reporting_database_url, "REPORTER", "HN")
    page.goto(f"{dashboard_base_url}{REPORTING}")
    page.wait_for_selector("body[data-state=ready]")

    tab_to(page, '[data-testid="signin-token"]')
    page.keyboard.type(token)
    page.keyboard.press("Enter")
    page.wait_for_selector('[data-testid="pick"]:not([hidden])')
    tab_to(page, '[data-testid="pick-initiative"]')
    for _ in range(5):
        if page.get_by_test_id("pick-initiative").input_value() == "UNGDOM-13-15":
            break
        page.keyboard.press("ArrowDown")
    expect(page.get_by_test_id("form-title")).to_contain_text("UNGDOM-13-15")

    tab_to(page, 'input[name="status"]')
    page.keyboard.press("ArrowRight")  # Grønn → Gul
    tab_to(page, '[data-testid="input-statusReason"]')
    page.keyboard.press("Control+A")
    page.keyboard.type("Avklaring av samtykke for foreldre tar lengre tid.")
    tab_to(page, '[data-testid="input-dependenciesConfirmed"]')
    confirmed = page.get_by_test_id("input-dependenciesConfirmed")
    expect(confirmed).to_be_checked()  # prefilled from last round
    page.keyboard.press("Space")
    expect(confirmed).not_to_be_checked()
    page.keyboard.press("Space")
    expect(confirmed).to_be_checked()
    tab_to(page, '[data-testid="report-submit"]')
    page.keyboard.press("Enter")

    receipt = page.get_by_test_id("receipt")
    expect(receipt).to_be_visible()
    expect(receipt).to_be_focused()
    expect(page.get_by_test_id("receipt-message")).to_contain_text("UNGDOM-13-15")


def test_form_with_errors_has_no_serious_accessibility_violation(
    page: Page, dashboard_base_url: str, reporting_database_url: str
) -> None:
    from playwright.sync_api import expect

    from tests.browser.accessibility import serious_violations, sideways_overflow

    page.set_viewport_size({"width": 360, "height": 740})
    sign_in(page, dashboard_base_url, make_token(reporting_database_url, "REPORTER", "HDIR"))
    page.get_by_label("Tiltak", exact=True).select_option("PLL")
    page.get_by_test_id("input-benefits").fill("")
    page.get_by_role("button", name="Send rapport").click()
    expect(page.get_by_test_id("error-summary")).to_be_visible()

    assert serious_violations(page) == []
    assert sideways_overflow(page) == 0
