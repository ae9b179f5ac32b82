"""GraphQL over HTTP: media types, status codes and clear errors for malformed requests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from unittest.mock import ANY

import pytest
from starlette.testclient import TestClient

from app.main import create_app
from app.settings import Settings
from app.web.graphql_http import preferred_media_type
from schema.build import _validate_without_suggestions

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


FILTER_QUERY = "query($f: InitiativeFilter) { initiatives(filter: $f) { totalCount } }"
SUGGESTION_BAITS = {
    "enum literal": {"query": "{ initiatives(filter: {status: [REDD]}) { totalCount } }"},
    "enum variable": {"query": FILTER_QUERY, "variables": {"f": {"status": ["REDD"]}}},
    "input field variable": {"query": FILTER_QUERY, "variables": {"f": {"statuss": ["RED"]}}},
    "input field literal": {"query": "{ initiatives(filter: {statuss: [RED]}) { totalCount } }"},
    "argument": {"query": '{ initiative(cod: "PLL") { code } }'},
    "variable type": {"query": "query($s: TrafficLite) { __typename }"},
    "fragment type": {"query": '{ initiative(code: "PLL") { ... on Initiativ { code } } }'},
}


@pytest.mark.parametrize("body", SUGGESTION_BAITS.values(), ids=SUGGESTION_BAITS.keys())
def test_no_error_suggests_schema_names_outside_debug(
    client: TestClient, body: dict[str, Any]
) -> None:
    response = post(client, body)

    messages = [error["message"] for error in response.json()["errors"]]
    assert messages
    assert not [message for message in messages if "Did you mean" in message]


@pytest.fixture
def debug_without_introspection(seeded_database_url: str) -> Iterator[TestClient]:
    settings = Settings(database_url=seeded_database_url, debug=True, introspection=False)
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.mark.parametrize(
    "body",
    [{"query": '{ initiativ(code: "PLL") { code } }'}, *SUGGESTION_BAITS.values()],
    ids=["field", *SUGGESTION_BAITS.keys()],
)
def test_suggestions_are_off_in_debug_when_introspection_is_off(
    debug_without_introspection: TestClient, body: dict[str, Any]
) -> None:
    response = post(debug_without_introspection, body)

    messages = [error["message"] for error in response.json()["errors"]]
    assert messages
    assert not [message for message in messages if "Did you mean" in message]


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


def test_a_repeated_document_is_validated_once_with_suggestions_off(client: TestClient) -> None:
    # An answer with errors is never kept by the response cache, so both requests run.
    body = {"query": "query Twice { currentPeriod { nam } }"}
    post(client, body, accept=LEGACY)
    hits_before = _validate_without_suggestions.cache_info().hits

    post(client, body, accept=LEGACY)

    assert _validate_without_suggestions.cache_info().hits == hits_before + 1


DEEPLY_NESTED = b"[" * 100_000 + b"]" * 100_000
MALFORMED_BODIES = {
    "nested brackets": (DEEPLY_NESTED, LEGACY, "nested too deeply"),
    "nested variables": (
        b'{"query": "{ __typename }", "variables": {"v": ' + DEEPLY_NESTED + b"}}",
        LEGACY,
        "nested too deeply",
    ),
    "invalid UTF-8": (b'{"query": "{ __typename \xff\xfe }"}', LEGACY, "UTF-8"),
    "UTF-8 declared UTF-16": (
        '{"query": "{ __typename }", "note": "blåbær"}'.encode(),
        f"{LEGACY}; charset=utf-16",
        "charset",
    ),
    "UTF-16 declared UTF-16": (
        '{"query": "{ __typename }"}'.encode("utf-16"),
        f"{LEGACY}; charset=utf-16",
        "charset",
    ),
    "Latin-1 declared UTF-8": (
        '{"query": "{ __typename }", "note": "blåbær"}'.encode("latin-1"),
        f"{LEGACY}; charset=utf-8",
        "UTF-8",
    ),
    "null": (b"null", LEGACY, "not null"),
    "string": (b'"{ __typename }"', LEGACY, "not a string"),
    "number": (b"42", LEGACY, "not a number"),
}


@pytest.mark.parametrize("accept", [NEW, LEGACY])
@pytest.mark.parametrize(
    ("content", "content_type", "fragment"), MALFORMED_BODIES.values(), ids=MALFORMED_BODIES.keys()
)
def test_malformed_bodies_answer_400_with_a_graphql_error_body_under_both_media_types(
    client: TestClient, content: bytes, content_type: str, fragment: str, accept: str
) -> None:
    response = client.post(
        "/graphql", content=content, headers={"Content-Type": content_type, "Accept": accept}
    )

    assert response.status_code == 400
    assert response.headers["content-type"].startswith(accept)
    error = response.json()["errors"][0]
    assert fragment in error["message"]
    assert error["extensions"]["code"] == "BAD_REQUEST"


def test_deeply_nested_variables_over_get_answer_400(client: TestClient) -> None:
    response = client.get(
        "/graphql",
        params={"query": "{ __typename }", "variables": "[" * 3_000},
        headers={"Accept": NEW},
    )

    assert response.status_code == 400
    assert "nested too deeply" in response.json()["errors"][0]["message"]


LONE_SURROGATE_BODY = (
    b'{"query": "query($code: String!) { initiative(code: $code) { code } }",'
    b' "variables": {"code": "PLL\\ud800"}}'
)


def test_a_lone_surrogate_in_a_variable_is_bad_user_input_naming_it(client: TestClient) -> None:
    response = client.post(
        "/graphql",
        content=LONE_SURROGATE_BODY,
        headers={"Content-Type": LEGACY, "Accept": NEW},
    )

    assert response.status_code == 400
    assert "data" not in response.json()
    error = response.json()["errors"][0]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "argument": "code"}
    assert "surrogate" in error["message"]


def test_an_error_quoting_a_lone_surrogate_answers_json(client: TestClient) -> None:
    response = client.post(
        "/graphql",
        content=b'{"query": "{ __typename }", "operationName": "x\\ud800"}',
        headers={"Content-Type": LEGACY, "Accept": NEW},
    )

    assert response.status_code == 400
    assert "x\\ud800" in response.json()["errors"][0]["message"]
