"""Hostile text through every text filter and code argument: no error, no extra rows.

Search is a case-insensitive substring match with ``%`` and ``_`` taken literally; codes
are matched exactly. Text holding NUL is refused as bad input on both backends (PostgreSQL
cannot hold it) rather than failing inside a query.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.security.conftest import Secured

HOSTILE = [
    "' OR 1=1 --",
    "' OR '1'='1",
    '" OR ""="',
    "'; DROP TABLE initiative; --",
    "%",
    "_",
    "%%",
    "P_L",
    "\\",
    "\\%",
    "*",
    "PLL' --",
    "ÆØÅ",
    "Pasientens legemiddelliste",
    "🙂",
    "\u202e",
    " ",
]

LIST = """
query List($search: String, $owner: [String!]) {
  initiatives(filter: { search: $search, owner: $owner }, first: 500) {
    totalCount
    nodes { code name }
  }
}
"""

BY_CODE = """
query ByCode($code: String!, $id: ID!) {
  initiative(code: $code) { code }
  solution(code: $code) { code }
  organisation(code: $code) { code }
  node(id: $id) { id }
  dependencyGraph(root: $code) { nodes { code } }
  impact(code: $code, slipDays: 10) { __typename }
}
"""


def post(secured: Secured, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    response = secured.http.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


@pytest.fixture(scope="module")
def everything(secured: Secured) -> list[tuple[str, str]]:
    body = post(secured, LIST, {})
    return [(node["code"], node["name"]) for node in body["data"]["initiatives"]["nodes"]]


@pytest.mark.parametrize("text", HOSTILE)
def test_search_matches_the_text_literally(
    secured: Secured, everything: list[tuple[str, str]], text: str
) -> None:
    body = post(secured, LIST, {"search": text})

    assert "errors" not in body, body
    found = {node["code"] for node in body["data"]["initiatives"]["nodes"]}
    needle = text.strip()
    # Exact-case containment must match; case folding beyond ASCII may differ by backend.
    at_least = {code for code, name in everything if needle in code or needle in name}
    at_most = {
        code
        for code, name in everything
        if needle.casefold() in code.casefold() or needle.casefold() in name.casefold()
    }
    assert at_least <= found <= at_most
    assert body["data"]["initiatives"]["totalCount"] == len(found)


@pytest.mark.parametrize("text", HOSTILE)
def test_owner_filter_matches_no_organisation_for_hostile_codes(
    secured: Secured, text: str
) -> None:
    body = post(secured, LIST, {"owner": [text]})

    assert "errors" not in body, body
    assert body["data"]["initiatives"]["nodes"] == []


@pytest.mark.parametrize("text", HOSTILE)
def test_code_arguments_find_nothing_for_hostile_codes(secured: Secured, text: str) -> None:
    body = post(secured, BY_CODE, {"code": text, "id": text})

    data = body.get("data") or {}
    assert data.get("initiative") is None
    assert data.get("solution") is None
    assert data.get("organisation") is None
    assert data.get("node") is None
    assert (data.get("dependencyGraph") or {}).get("nodes") in (None, [])
    codes = {(error.get("extensions") or {}).get("code") for error in body.get("errors", [])}
    assert codes <= {"BAD_USER_INPUT"}, body


@pytest.mark.parametrize("query", [LIST, BY_CODE])
def test_text_holding_nul_is_refused_as_bad_input(secured: Secured, query: str) -> None:
    variables = {"search": "PLL\x00' OR 1=1"} if query == LIST else {"code": "PLL\x00", "id": "x"}

    body = post(secured, query, variables)

    assert "data" not in body
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_nul_in_a_document_literal_is_refused_as_bad_input(secured: Secured) -> None:
    body = post(secured, '{ initiative(code: "PLL\\u0000") { code } }', {})

    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "argument": "query"}


def test_nul_in_a_mutation_input_writes_nothing(secured: Secured) -> None:
    query = (
        "mutation($input: UpsertDeliveryInput!) { upsertDelivery(input: $input) { __typename } }"
    )
    variables = {"input": {"initiative": "PLL", "code": "PLL-NUL", "name": "a\x00b"}}
    headers = {"Authorization": f"Bearer {secured.admin}"}

    body = secured.http.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers
    ).json()
    check = post(secured, '{ initiative(code: "PLL") { deliveries { code } } }', {})

    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "PLL-NUL" not in {d["code"] for d in check["data"]["initiative"]["deliveries"]}
