"""Over HTTP: every answer names its cost, and a document over the limits never runs."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from app.main import create_app
from app.settings import Settings

CHAINS_OF_A_PAGE = """
query ChainsOfAPage($first: Int!) {
  initiatives(first: $first) { nodes { code upstream { code path } } }
}
"""

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"


@pytest.fixture
def costed(seeded_database_url: str) -> Iterator[TestClient]:
    settings = Settings(database_url=seeded_database_url, max_query_cost=20_000)
    with TestClient(create_app(settings)) as client:
        yield client


def test_every_answer_carries_its_cost_and_the_limit(costed: TestClient) -> None:
    response = costed.post(
        "/graphql", json={"query": "{ initiatives(first: 5) { nodes { code } } }"}
    )

    assert response.status_code == 200
    assert response.json()["extensions"]["cost"] == {
        "requested": 1 + 5,
        "limit": 20_000,
        "nodeCount": 5,
        "nodeLimit": Settings().max_query_nodes,
    }


def test_a_document_over_the_limit_answers_400_with_its_figures_and_runs_nothing(
    costed: TestClient,
) -> None:
    response = costed.post(
        "/graphql",
        json={"query": CHAINS_OF_A_PAGE, "variables": {"first": 50}},
        headers={"Accept": GRAPHQL_RESPONSE_JSON},
    )

    assert response.status_code == 400
    body = response.json()
    assert "data" not in body
    [error] = body["errors"]
    assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    assert error["extensions"]["cost"]["requested"] > error["extensions"]["cost"]["limit"] == 20_000


def test_the_same_document_with_a_smaller_page_runs(costed: TestClient) -> None:
    response = costed.post("/graphql", json={"query": CHAINS_OF_A_PAGE, "variables": {"first": 2}})

    body = response.json()
    assert "errors" not in body
    assert len(body["data"]["initiatives"]["nodes"]) == 2
    assert body["extensions"]["cost"]["requested"] <= 20_000
