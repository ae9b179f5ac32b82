"""GraphQL over HTTP: media types, status codes and clear errors for malformed requests."""

from __future__ import annotations

from typing import Any
from unittest.mock import ANY

import pytest
from starlette.testclient import TestClient

from app.graphql_http import preferred_media_type

NEW = "application/graphql-response+json"
LEGACY = "application/json"
QUERY = "{ currentPeriod { code } }"


def post(client: TestClient, body: Any, accept: str | None = NEW) -> Any:
    headers = {"Accept": accept} if accept else {}
    return client.post("/graphql", json=body, headers=headers)


def test_the_new_media_type_is_answered_when_accepted(client: TestClient) -> None:
    response = post(client, {"query": QUERY})

    assert response.status_code == 200
    assert response.headers["content-type"].startswith(NEW)
    assert response.json() == {
        "data": {"currentPeriod": {"code": "2026-2"}},
        "extensions": {"cost": ANY},
    }


def test_legacy_clients_get_application_json(client: TestClient) -> None:
    response = post(client, {"query": QUERY}, accept=LEGACY)

    assert response.headers["content-type"].startswith(LEGACY)


def test_no_accept_header_is_treated_as_application_json(client: TestClient) -> None:
    response = post(client, {"query": QUERY}, accept=None)

    assert response.status_code == 200
    assert response.headers["content-type"].startswith(LEGACY)


def test_an_unacceptable_media_type_answers_406(client: TestClient) -> None:
    response = post(client, {"query": QUERY}, accept="application/xml")

    assert response.status_code == 406
    assert response.json()["errors"][0]["extensions"]["code"] == "NOT_ACCEPTABLE"


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"query": "{ currentPeriod { code }"}, "Syntax Error"),
        ({"query": "{ noSuchField }"}, "noSuchField"),
        (
            {"query": "query($n: Int) { initiatives(first: $n) { totalCount } }",
             "variables": {"n": "ten"}},
            "$n",
        ),
    ],
    ids=["parse", "validation", "variables"],
)  # fmt: skip
def test_request_errors_answer_400_under_the_new_media_type(
    client: TestClient, body: dict[str, Any], fragment: str
) -> None:
    response = post(client, body)

    assert response.status_code == 400
    assert "data" not in response.json()
    assert fragment in response.json()["errors"][0]["message"]


def test_request_errors_answer_200_under_application_json(client: TestClient) -> None:
    response = post(client, {"query": "{ noSuchField }"}, accept=LEGACY)

    assert response.status_code == 200
    assert response.json()["errors"]


def test_execution_errors_answer_200_with_partial_data(client: TestClient) -> None:
    response = post(client, {"query": '{ currentPeriod { code } node(id: "!!") { id } }'})

    body = response.json()
    assert response.status_code == 200
    assert body["data"]["currentPeriod"] == {"code": "2026-2"}
    assert body["errors"][0]["path"] == ["node"]


def test_mutation_over_get_answers_405_allowing_post(client: TestClient) -> None:
    response = client.get(
        "/graphql",
        params={"query": "mutation { __typename }"},
        headers={"Accept": NEW},
    )

    assert response.status_code == 405
    assert response.headers["allow"] == "POST"


def test_other_methods_answer_405(client: TestClient) -> None:
    response = client.put("/graphql", json={"query": QUERY}, headers={"Accept": NEW})

    assert response.status_code == 405
    assert response.headers["allow"] == "GET, POST"


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"{not json", "JSON"),
        (b'{"variables": {}}', "No GraphQL query"),
        (b'{"query": "{ currentPeriod { code } }", "variables": [1]}', "variables"),
    ],
    ids=["malformed JSON", "missing query", "variables not an object"],
)
def test_malformed_requests_answer_400_with_a_graphql_error_body(
    client: TestClient, content: bytes, fragment: str
) -> None:
    response = client.post(
        "/graphql", content=content, headers={"Content-Type": "application/json", "Accept": NEW}
    )

    assert response.status_code == 400
    assert response.headers["content-type"].startswith(NEW)
    assert fragment in response.json()["errors"][0]["message"]


def test_field_suggestions_are_off_outside_debug(client: TestClient) -> None:
    response = post(client, {"query": '{ initiativ(code: "PLL") { code } }'})

    assert "Did you mean" not in response.json()["errors"][0]["message"]


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, LEGACY),
        ("", LEGACY),
        ("*/*", LEGACY),
        ("application/json, application/graphql-response+json;q=0.9", NEW),
        ("text/plain", None),
    ],
)
def test_media_type_negotiation(accept: str | None, expected: str | None) -> None:
    assert preferred_media_type(accept) == expected
