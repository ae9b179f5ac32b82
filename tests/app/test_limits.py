"""Limits against abusive queries, and what clients see when something goes wrong."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from app import repository
from app.main import create_app
from app.settings import Settings


@pytest.fixture
def limited(seeded_database_url: str) -> Iterator[TestClient]:
    settings = Settings(
        database_url=seeded_database_url,
        max_query_depth=4,
        max_aliases=3,
        max_tokens=60,
        max_body_bytes=2_000,
        introspection=False,
    )
    with TestClient(create_app(settings)) as client:
        yield client


def errors(response: Any) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = response.json()["errors"]
    return result


def test_a_declared_body_over_the_limit_answers_413(limited: TestClient) -> None:
    response = limited.post("/graphql", json={"query": "{ __typename }", "padding": "x" * 3_000})

    assert response.status_code == 413
    assert errors(response)[0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"


def test_a_streamed_body_over_the_limit_answers_413(limited: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"query": "{ __typename }", "padding": "'
        for _ in range(10):
            yield b"x" * 500
        yield b'"}'

    response = limited.post(
        "/graphql", content=chunks(), headers={"Content-Type": "application/json"}
    )

    assert response.status_code == 413


def test_a_query_deeper_than_the_limit_is_refused(limited: TestClient) -> None:
    query = (
        '{ initiative(code: "PLL") { dependencies { dependant { dependencies { dependant {'
        " owner { code } } } } } } }"
    )

    response = limited.post("/graphql", json={"query": query})

    assert "exceeds maximum operation depth" in errors(response)[0]["message"]


def test_a_repeated_query_deeper_than_the_limit_is_refused_again(limited: TestClient) -> None:
    # The second request finds the document validated in the cache, with the limits' errors.
    query = (
        '{ initiative(code: "PLL") { dependencies { dependant { dependencies { dependant {'
        " code } } } } } }"
    )

    first, second = (limited.post("/graphql", json={"query": query}) for _ in range(2))

    assert errors(second) == errors(first)
    assert "exceeds maximum operation depth" in errors(second)[0]["message"]


def test_too_many_aliases_are_refused(limited: TestClient) -> None:
    query = "{ " + " ".join(f"a{n}: currentPeriod {{ code }}" for n in range(4)) + " }"

    response = limited.post("/graphql", json={"query": query})

    assert "aliases" in errors(response)[0]["message"]


def test_too_many_tokens_are_refused(limited: TestClient) -> None:
    query = "{ " + " ".join("__typename" for _ in range(80)) + " }"

    response = limited.post("/graphql", json={"query": query})

    assert "token" in errors(response)[0]["message"].lower()


def test_introspection_can_be_switched_off(limited: TestClient) -> None:
    response = limited.post("/graphql", json={"query": "{ __schema { types { name } } }"})

    assert "introspection" in errors(response)[0]["message"].lower()


def test_unexpected_errors_are_masked_with_a_correlation_id_that_the_log_holds(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(repository, "list_organisations", broken)

    with caplog.at_level(logging.ERROR, logger="portfolio.graphql"):
        response = client.post("/graphql", json={"query": "{ organisations { code } }"})

    (error,) = errors(response)
    assert "secret" not in response.text
    assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    correlation_id = error["extensions"]["correlationId"]
    assert correlation_id in error["message"]
    assert any(correlation_id in record.getMessage() for record in caplog.records)
    assert any(record.exc_info for record in caplog.records)


def test_client_mistakes_are_not_logged_as_errors(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        client.post("/graphql", json={"query": "{ noSuchField }"})
        client.post("/graphql", json={"query": "{ initiatives(first: 0) { totalCount } }"})

    assert not [record for record in caplog.records if record.levelno >= logging.WARNING]


def test_a_request_over_the_execution_timeout_answers_504(
    seeded_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def slow(*_args: Any, **_kwargs: Any) -> Any:
        await asyncio.sleep(5)

    monkeypatch.setattr(repository, "list_organisations", slow)
    settings = Settings(database_url=seeded_database_url, execution_timeout_seconds=0.2)

    with TestClient(create_app(settings)) as client:
        response = client.post("/graphql", json={"query": "{ organisations { code } }"})

    assert response.status_code == 504
    assert errors(response)[0]["extensions"]["code"] == "TIMEOUT"
