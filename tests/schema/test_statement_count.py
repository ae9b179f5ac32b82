"""Data loaders: a deep portfolio query costs the same statements for 50 or 5,000 initiatives."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from starlette.testclient import TestClient

from app.main import create_app
from app.settings import Settings

DASHBOARD = """
query Dashboard($first: Int!) {
  initiatives(first: $first) {
    totalCount
    nodes {
      code name segment status riskLevel reportIsStale
      owner { code name }
      latestReport { status statusReason riskLevel period { code } }
      deliveries { code forecastDate status }
      risks { code level }
      dependencies {
        criticality
        supplier { __typename ... on Initiative { code } ... on Solution { code } }
      }
      dependants { dependant { code } }
    }
  }
}
"""


def statements_for_everything(database_url: str, size: int) -> tuple[int, int]:
    """Run the dashboard query over every initiative; return (statements, nodes)."""
    # One request for every initiative: far beyond a normal page, so no execution or cost limit.
    settings = Settings(
        database_url=database_url,
        max_page_size=size,
        execution_timeout_seconds=600,
        max_query_cost=100_000_000,
        max_query_nodes=100_000_000,
    )
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    with TestClient(create_app(settings)) as client:
        engine = client.app.state.engine  # type: ignore[attr-defined]
        sa.event.listen(engine.sync_engine, "before_cursor_execute", count)
        response = client.post("/graphql", json={"query": DASHBOARD, "variables": {"first": size}})
        sa.event.remove(engine.sync_engine, "before_cursor_execute", count)
    body = response.json()
    assert "errors" not in body, body
    return len(statements), len(body["data"]["initiatives"]["nodes"])


def test_statements_do_not_grow_with_the_portfolio(
    synthetic_database_url: Callable[[int], str],
) -> None:
    small, small_nodes = statements_for_everything(synthetic_database_url(50), 50)
    large, large_nodes = statements_for_everything(synthetic_database_url(5000), 5000)

    assert (small_nodes, large_nodes) == (50, 5000)
    assert small == large
    assert small <= 20


DASHBOARD_PAGE = """
query Page($first: Int!) {
  initiatives(first: $first) {
    pageInfo { hasNextPage endCursor }
    nodes {
      code name segment phase
      owner { code name }
      status riskLevel
      latestReport { period { code } status statusReason riskLevel submittedAt }
      deliveries { code name forecastDate status }
      dependencies {
        criticality neededBy
        supplier { __typename ... on Initiative { code name } ... on Solution { code name } }
      }
    }
  }
}
"""


def test_dashboard_page_reads_each_fan_out_once(seeded_database_url: str) -> None:
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    with TestClient(create_app(Settings(database_url=seeded_database_url))) as client:
        engine = client.app.state.engine  # type: ignore[attr-defined]
        sa.event.listen(engine.sync_engine, "before_cursor_execute", count)
        response = client.post(
            "/graphql", json={"query": DASHBOARD_PAGE, "variables": {"first": 50}}
        )
        sa.event.remove(engine.sync_engine, "before_cursor_execute", count)

    assert "errors" not in response.json()
    # Data version (cache key), periods, the page, owners, latest reports, deliveries,
    # dependencies, supplier initiatives, supplier solutions; a report's period comes from
    # the periods already read.
    assert len(statements) <= 9, statements


LATE_DEPENDENCIES = """
query Late($first: Int!) {
  lateDependencyCount
  lateDependencies(first: $first) { supplierCode dependant { code } neededBy }
}
"""


def test_late_dependencies_read_their_rows_in_one_batch(
    synthetic_database_url: Callable[[int], str],
) -> None:
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    # Reads only: no response cache, and no budget (on PostgreSQL its charge is a statement).
    settings = Settings(
        database_url=synthetic_database_url(1000),
        response_cache_megabytes=0,
        rate_limit_points=0,
    )
    with TestClient(create_app(settings)) as client:
        warm = client.post("/graphql", json={"query": LATE_DEPENDENCIES, "variables": {"first": 1}})
        assert "errors" not in warm.json(), warm.json()
        engine = client.app.state.engine  # type: ignore[attr-defined]
        sa.event.listen(engine.sync_engine, "before_cursor_execute", count)
        response = client.post(
            "/graphql", json={"query": LATE_DEPENDENCIES, "variables": {"first": 100}}
        )
        sa.event.remove(engine.sync_engine, "before_cursor_execute", count)

    data = response.json()["data"]
    assert min(data["lateDependencyCount"], 100) == len(data["lateDependencies"]) > 10
    # Data version, the dependants of the page, their dependencies: not two per item.
    assert len(statements) <= 4, statements
