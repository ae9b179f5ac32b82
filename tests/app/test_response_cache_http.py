"""The response cache in front of the service: hits, ETag and 304, and what it never keeps."""

from __future__ import annotations

from typing import Any
from unittest.mock import ANY

import sqlalchemy as sa
from starlette.testclient import TestClient

from tests.app.test_analysis_cache import add_dependency_on_lmr
from tests.conftest import Callers, make_token

DOWNSTREAM = '{ initiative(code: "LMR") { downstream { code } } }'
ECONOMICS = '{ initiative(code: "PLL") { latestReport { investmentNok } } }'


def get(http: TestClient, query: str, **headers: str) -> Any:
    return http.get(
        "/graphql", params={"query": query}, headers={"Accept": "application/json"} | headers
    )


def cache_hits(http: TestClient) -> int:
    hits: int = http.app.state.response_cache.hits  # type: ignore[attr-defined]
    return hits


def test_a_repeated_query_is_served_from_the_cache_with_the_same_etag(callers: Callers) -> None:
    first = get(callers.http, DOWNSTREAM)
    hits = cache_hits(callers.http)
    second = get(callers.http, DOWNSTREAM)

    assert second.json() == first.json()
    assert second.headers["etag"] == first.headers["etag"]
    assert cache_hits(callers.http) == hits + 1


def test_a_matching_if_none_match_answers_304_without_a_body(callers: Callers) -> None:
    etag = get(callers.http, DOWNSTREAM).headers["etag"]

    response = get(callers.http, DOWNSTREAM, **{"If-None-Match": etag})

    assert response.status_code == 304
    assert response.content == b""
    assert response.headers["etag"] == etag


def test_a_write_moves_the_version_so_the_next_request_runs_again(callers: Callers) -> None:
    before = get(callers.http, DOWNSTREAM)

    add_dependency_on_lmr(callers.database_url, "DIGPAT")
    after = get(callers.http, DOWNSTREAM, **{"If-None-Match": before.headers["etag"]})

    assert after.status_code == 200
    assert after.headers["etag"] != before.headers["etag"]
    assert after.json()["data"]["initiative"]["downstream"] == [{"code": "DIGPAT"}]


def test_callers_with_different_rights_never_share_an_entry(callers: Callers) -> None:
    reader = make_token(callers.database_url, "READER")

    as_reader = get(callers.http, ECONOMICS, Authorization=f"Bearer {reader}").json()
    as_anonymous = get(callers.http, ECONOMICS).json()

    assert as_reader["data"]["initiative"]["latestReport"]["investmentNok"] is not None
    assert as_anonymous["data"]["initiative"]["latestReport"]["investmentNok"] is None


def test_token_check_cache_key_and_execution_share_one_connection(callers: Callers) -> None:
    reader = make_token(callers.database_url, "READER")
    engine = callers.http.app.state.engine  # type: ignore[attr-defined]
    checkouts: list[object] = []
    statements: list[str] = []

    def checkout(*args: Any) -> None:
        checkouts.append(args[0])

    def count(*args: Any) -> None:
        statements.append(args[2])

    sa.event.listen(engine.sync_engine.pool, "checkout", checkout)
    sa.event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        response = get(callers.http, DOWNSTREAM, Authorization=f"Bearer {reader}")
    finally:
        sa.event.remove(engine.sync_engine.pool, "checkout", checkout)
        sa.event.remove(engine.sync_engine, "before_cursor_execute", count)

    assert response.status_code == 200
    assert "errors" not in response.json()
    assert len(checkouts) == 1
    # The cache key reads the data version; the analysis behind downstream does not again.
    assert sum("data_version" in statement for statement in statements) == 1


def test_responses_with_errors_are_not_kept(callers: Callers) -> None:
    query = '{ currentPeriod { code } node(id: "!!") { id } }'
    get(callers.http, query)
    hits = cache_hits(callers.http)

    response = get(callers.http, query)

    assert "etag" not in response.headers
    assert cache_hits(callers.http) == hits


def test_mutations_are_never_served_from_the_cache(callers: Callers) -> None:
    mutation = {"query": "mutation { __typename }"}
    callers.http.post("/graphql", json=mutation)
    hits = cache_hits(callers.http)

    response = callers.http.post("/graphql", json=mutation)

    assert response.json() == {"data": {"__typename": "Mutation"}, "extensions": {"cost": ANY}}
    assert cache_hits(callers.http) == hits
