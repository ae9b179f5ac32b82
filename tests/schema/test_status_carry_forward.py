"""Status and risk come from the latest report up to the period, carried forward."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from starlette.testclient import TestClient

from app.database import create_sync_engine
from app.main import create_app
from app.settings import Settings
from seeds.portfolio import PortfolioData, write_portfolio
from tests.conftest import GraphQLClient

PERIODS = [
    {
        "code": "P1",
        "name": "januar 2026",
        "opens": date(2026, 1, 5),
        "deadline": date(2026, 1, 23),
        "closed": True,
    },
    {
        "code": "P2",
        "name": "april 2026",
        "opens": date(2026, 3, 16),
        "deadline": date(2026, 4, 10),
        "closed": False,
    },
    {
        "code": "P3",
        "name": "september 2099",
        "opens": date(2099, 8, 25),
        "deadline": date(2099, 9, 12),
        "closed": False,
    },
]


def initiative(code: str, reports: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "code": code,
        "name": code,
        "owner": "ORG",
        "segment": "OBSERVE",
        "phase": "EXECUTION",
        "reports": reports,
    }


def report(period: str, status: str, *, revision: int = 1) -> dict[str, Any]:
    reason = None if status == "GREEN" else "Utfordringer."
    return {"period": period, "status": status, "status_reason": reason, "revision": revision}


@pytest.fixture
def graphql(empty_database_url: str) -> Iterator[GraphQLClient]:
    data = PortfolioData(
        organisations=[{"code": "ORG", "name": "Org", "kind": "AGENCY"}],
        reporting_periods=PERIODS,
        initiatives=[
            initiative("OLD", [report("P1", "RED")]),
            initiative("NEW", [report("P1", "RED"), report("P2", "GREEN")]),
            initiative("REVISED", [report("P2", "YELLOW"), report("P2", "RED", revision=2)]),
            initiative("SILENT", []),
        ],
    )
    engine = create_sync_engine(Settings(database_url=empty_database_url))
    with engine.begin() as connection:
        write_portfolio(connection, data)
    engine.dispose()
    with TestClient(create_app(Settings(database_url=empty_database_url))) as client:
        yield GraphQLClient(client)


STATUS = """
query Status($code: String!, $period: String) {
  initiative(code: $code) {
    status(period: $period) reportIsStale(period: $period)
    latestReport(period: $period) { periodCode revision }
  }
  currentPeriod { code }
}
"""


def status(graphql: GraphQLClient, code: str, period: str | None = None) -> dict[str, Any]:
    data = graphql.data(STATUS, {"code": code, "period": period})
    assert data["currentPeriod"] == {"code": "P2"}, "a period that has not opened is not current"
    result: dict[str, Any] = data["initiative"]
    return result


def test_a_missing_report_carries_the_previous_status_forward_as_stale(
    graphql: GraphQLClient,
) -> None:
    assert status(graphql, "OLD") == {
        "status": "RED",
        "reportIsStale": True,
        "latestReport": {"periodCode": "P1", "revision": 1},
    }


def test_a_report_in_the_current_period_is_not_stale(graphql: GraphQLClient) -> None:
    assert status(graphql, "NEW")["status"] == "GREEN"
    assert status(graphql, "NEW")["reportIsStale"] is False


def test_an_earlier_period_sees_the_status_of_its_own_time(graphql: GraphQLClient) -> None:
    assert status(graphql, "NEW", "P1") == {
        "status": "RED",
        "reportIsStale": False,
        "latestReport": {"periodCode": "P1", "revision": 1},
    }


def test_the_latest_revision_in_a_period_wins(graphql: GraphQLClient) -> None:
    assert status(graphql, "REVISED")["latestReport"] == {"periodCode": "P2", "revision": 2}
    assert status(graphql, "REVISED")["status"] == "RED"


def test_before_its_first_report_an_initiative_has_no_status(graphql: GraphQLClient) -> None:
    assert status(graphql, "REVISED", "P1") == {
        "status": None,
        "reportIsStale": True,
        "latestReport": None,
    }


def test_an_initiative_that_never_reported_has_no_status(graphql: GraphQLClient) -> None:
    assert status(graphql, "SILENT") == {
        "status": None,
        "reportIsStale": True,
        "latestReport": None,
    }
