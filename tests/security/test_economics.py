"""Economics (investment, operating cost, benefits) are hidden from anonymous callers."""

from __future__ import annotations

from typing import Any

import pytest

from tests.security.conftest import Secured

ECONOMICS = """
{
  initiatives(filter: { segment: [CO_GOVERN] }) {
    nodes {
      code
      latestReport { investmentNok annualOperatingCostNok benefits benefitPrerequisites }
      reports(includeRevisions: true) {
        investmentNok annualOperatingCostNok benefits benefitPrerequisites
      }
    }
  }
}
"""
FIELDS = ("investmentNok", "annualOperatingCostNok", "benefits", "benefitPrerequisites")


def economics(secured: Secured, token: str | None) -> list[Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    body = secured.http.post("/graphql", json={"query": ECONOMICS}, headers=headers).json()
    assert "errors" not in body, body
    values = []
    for node in body["data"]["initiatives"]["nodes"]:
        for report in [node["latestReport"], *node["reports"]]:
            if report is not None:
                values.extend(report[field] for field in FIELDS)
    return values


def test_anonymous_callers_see_no_economics(secured: Secured) -> None:
    values = economics(secured, None)

    assert values
    assert set(values) == {None}


@pytest.mark.parametrize("role", ["reader", "admin", "hdir_reporter"])
def test_callers_with_a_token_see_the_economics(secured: Secured, role: str) -> None:
    values = economics(secured, getattr(secured, role))

    assert any(value is not None for value in values)


def test_the_viewer_field_says_whether_economics_are_shown(secured: Secured) -> None:
    query = "{ viewer { canReadEconomics } }"
    anonymous = secured.http.post("/graphql", json={"query": query}).json()
    reader = secured.http.post(
        "/graphql", json={"query": query}, headers={"Authorization": f"Bearer {secured.reader}"}
    ).json()

    assert anonymous["data"]["viewer"]["canReadEconomics"] is False
    assert reader["data"]["viewer"]["canReadEconomics"] is True
