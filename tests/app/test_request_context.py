"""A request's connection is given back once, after every resolver is done with it."""

from __future__ import annotations

import asyncio
from unittest.mock import ANY

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection
from starlette.testclient import TestClient

from app.database import create_engine, create_sync_engine
from app.main import create_app
from app.settings import Settings
from schema.context import Context, RequestFinishedError
from tests.conftest import settings_for

# SQLite has no server to drop the connection: these run in the PostgreSQL pass.
ONLY_POSTGRES = pytest.mark.postgresql_only

# statusTrend refuses `periods: 0` on a non-null path, so GraphQL answers at once while
# the sibling resolvers (deliveries, schedule, status) are still reading.
FAILING_WITH_SIBLINGS_READING = """
{
  lateDependencies(first: 20) {
    supplierDate
    dependant {
      decisions { initiative { kind } }
      id
      forecastEnd
      version
      dependants(first: 10) {
        type
        supplier {
          ... on Initiative { publishedFacts latestReport(period: "") { annualOperatingCostNok } }
          ... on Solution { developedBy { segment status(period: "") } }
        }
      }
    }
    supplier {
      ... on Initiative {
        statusTrend(periods: 0) { reported }
        schedule { critical }
        transitiveDependantCount
        id
        segment
        publishedFacts
        status(period: "")
        deliveries { id }
      }
    }
    supplierDelivery { deliveredDate }
  }
}
"""


def test_a_failed_field_with_siblings_still_reading_leaves_the_next_requests_working(
    seeded_database_url: str,
) -> None:
    app = create_app(settings_for(seeded_database_url))
    with TestClient(app) as client:
        for _ in range(25):
            response = client.post("/graphql", json={"query": FAILING_WITH_SIBLINGS_READING})

            assert response.status_code == 200
            assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
        after = client.post("/graphql", json={"query": '{ initiative(code: "PLL") { code } }'})
        assert after.json() == {
            "data": {"initiative": {"code": "PLL"}},
            "extensions": {"cost": ANY},
        }


async def test_closing_waits_for_a_read_in_flight_and_refuses_later_reads(
    seeded_database_url: str,
) -> None:
    settings = settings_for(seeded_database_url)
    engine = create_engine(settings)
    context = Context(engine=engine, settings=settings)
    started = asyncio.Event()

    async def slow_read(connection: AsyncConnection) -> int:
        started.set()
        await asyncio.sleep(0.2)
        return int(await connection.scalar(sa.text("SELECT 1")) or 0)

    try:
        reading = asyncio.ensure_future(context.read(slow_read))
        await started.wait()
        await context.close()

        assert await reading == 1
        with pytest.raises(RequestFinishedError):
            await context.read(slow_read)
    finally:
        await engine.dispose()


async def backend_pid(connection: AsyncConnection) -> int:
    return int(await connection.scalar(sa.text("SELECT pg_backend_pid()")) or 0)


def kill_backend(database_url: str, pid: int) -> None:
    engine = create_sync_engine(Settings(database_url=database_url))
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    finally:
        engine.dispose()


@ONLY_POSTGRES
async def test_a_read_on_a_connection_the_server_dropped_is_answered_on_a_fresh_one(
    seeded_database_url: str,
) -> None:
    settings = settings_for(seeded_database_url)
    engine = create_engine(settings)
    context = Context(engine=engine, settings=settings)
    try:
        first = await context.read(backend_pid)
        kill_backend(seeded_database_url, first)

        second = await context.read(backend_pid)

        assert second not in (0, first)
        await context.close()
    finally:
        await engine.dispose()


@ONLY_POSTGRES
async def test_closing_a_request_whose_connection_the_server_dropped_does_not_fail(
    seeded_database_url: str,
) -> None:
    settings = settings_for(seeded_database_url)
    engine = create_engine(settings)
    context = Context(engine=engine, settings=settings)
    try:
        kill_backend(seeded_database_url, await context.read(backend_pid))

        await context.close()

        fresh = Context(engine=engine, settings=settings)
        assert await fresh.read(backend_pid) > 0
        await fresh.close()
    finally:
        await engine.dispose()
