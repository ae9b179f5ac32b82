"""Malformed request bodies: whatever bytes arrive, the answer is a client error, never 5xx.

The fixed cases are the ones that once answered a plain-text 500 (deep nesting, bytes that
are not UTF-8, a charset the body does not match, a JSON scalar as the whole body, a lone
surrogate in a variable); hypothesis then mixes their ingredients, derandomised.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from app.main import create_app
from app.settings import Settings
from tests.conftest import Databases, copy_database

EXAMPLES = 120
QUERY = "query($code: String!) { initiative(code: $code) { code name } }"


@pytest.fixture(scope="module")
def client(databases: Databases, seed_template_url: str) -> Iterator[TestClient]:
    url = copy_database(databases, seed_template_url, "fuzzbody")
    with TestClient(create_app(Settings(database_url=url, debug=False))) as test_client:
        yield test_client


def nested(depth: int, inner: bytes = b"") -> bytes:
    return b"[" * depth + inner + b"]" * depth


FIXED_BODIES = {
    "100,000 nested brackets": (nested(100_000), "application/json"),
    "nested object": (b'{"a":' * 50_000 + b"1" + b"}" * 50_000, "application/json"),
    "nested variables": (
        b'{"query": "{ __typename }", "variables": {"v": ' + nested(100_000) + b"}}",
        "application/json",
    ),
    "invalid UTF-8": (b'{"query": "{ __typename }\xc3\x28"}', "application/json"),
    "truncated UTF-8": (b'{"query": "{ __typename }", "x": "\xe2\x82', "application/json"),
    "Latin-1 declared UTF-8": (
        '{"query": "{ __typename }", "x": "æøå"}'.encode("latin-1"),
        "application/json; charset=utf-8",
    ),
    "Latin-1 declared Latin-1": (
        '{"query": "{ __typename }", "x": "æøå"}'.encode("latin-1"),
        "application/json; charset=latin-1",
    ),
    "null": (b"null", "application/json"),
    "string": (b'"{ __typename }"', "application/json"),
    "number": (b"1e999", "application/json"),
    "boolean": (b"true", "application/json"),
    "lone surrogate variable": (
        json.dumps({"query": QUERY, "variables": {"code": "\ud800"}}).encode(),
        "application/json",
    ),
    "lone surrogate operation name": (
        json.dumps({"query": QUERY, "operationName": "\udfff"}).encode(),
        "application/json",
    ),
}


def assert_client_error(response: Any) -> None:
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    codes = [(error.get("extensions") or {}).get("code") for error in body.get("errors", [])]
    assert "INTERNAL_SERVER_ERROR" not in codes, body


@pytest.mark.parametrize(
    ("content", "content_type"), FIXED_BODIES.values(), ids=FIXED_BODIES.keys()
)
def test_a_malformed_body_never_answers_a_server_error(
    client: TestClient, content: bytes, content_type: str
) -> None:
    response = client.post("/graphql", content=content, headers={"Content-Type": content_type})

    assert_client_error(response)


JSON_SCALARS = st.sampled_from([b"null", b"0", b"-1.5e308", b'""', b'"x"', b"false", b"[]"])
CHARSETS = st.sampled_from(["", "; charset=utf-8", "; charset=UTF-16", "; charset=latin-1",
                            '; charset="utf-8"', "; charset=", "; charset=x-unknown"])  # fmt: skip
TEXT = st.text(alphabet=st.characters(codec=None, min_codepoint=0, max_codepoint=0x10FFFF))


@st.composite
def malformed_bodies(draw: st.DrawFn) -> bytes:
    kind = draw(st.sampled_from(["nested", "bytes", "scalar", "variable", "mangled"]))
    if kind == "nested":
        return nested(draw(st.integers(min_value=900, max_value=200_000)))
    if kind == "bytes":
        return draw(st.binary(max_size=200))
    if kind == "scalar":
        return draw(JSON_SCALARS)
    document = {"query": QUERY, "variables": {"code": draw(TEXT)}}
    encoded = json.dumps(document).encode()
    if kind == "variable":
        return encoded
    # Cut the body short or splice raw bytes into it.
    cut = draw(st.integers(min_value=0, max_value=len(encoded)))
    return encoded[:cut] + draw(st.binary(max_size=8)) + encoded[cut:]


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(content=malformed_bodies(), charset=CHARSETS)
def test_generated_malformed_bodies_never_answer_a_server_error(
    client: TestClient, content: bytes, charset: str
) -> None:
    response = client.post(
        "/graphql", content=content, headers={"Content-Type": f"application/json{charset}"}
    )

    assert_client_error(response)
