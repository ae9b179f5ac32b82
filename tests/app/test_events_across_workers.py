"""Events are stored with their change and reach the subscribers of every worker.

Each event is a row written in the transaction of its change (an outbox). On PostgreSQL
every worker relays new rows to its own subscribers when the database notifies it, so a
subscriber sees the writes made through any worker, in commit order, and a relay that
lost its connection delivers what it missed.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
import websockets

from app.data_version import bump_data_version
from app.database import create_engine, create_sync_engine
from app.domain import TrafficLight
from app.events import (
    RELAY_APPLICATION_NAME,
    Broadcaster,
    StatusReportSubmitted,
    postgres_relay,
    store_event,
)
from app.settings import Settings
from app.tables import event_table
from tests.conftest import Callers, make_token
from tests.load.harness import Service, running_service
from tests.schema.writes import COORDINATE_REPORT, SUBMIT

SUBMITTED = "subscription { statusReportSubmitted { initiativeCode revision } }"


def stored_events(database_url: str) -> list[tuple[str, dict[str, Any]]]:
    engine = create_sync_engine(Settings(database_url=database_url))
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                sa.select(event_table.c.kind, event_table.c.payload).order_by(event_table.c.id)
            )
            return [(row.kind, row.payload) for row in rows]
    finally:
        engine.dispose()


def test_a_stored_report_is_one_event_row_and_a_refused_one_none(callers: Callers) -> None:
    reporter = callers.admin
    before = stored_events(callers.database_url)

    stored = reporter.data(
        SUBMIT, {"input": {**COORDINATE_REPORT, "status": "YELLOW", "statusReason": "Pilot."}}
    )
    refused = reporter.data(SUBMIT, {"input": {**COORDINATE_REPORT, "initiative": "NO-SUCH"}})

    assert stored["submitStatusReport"]["__typename"] == "StatusReportPayload"
    assert refused["submitStatusReport"]["__typename"] == "NotFoundError"
    added = stored_events(callers.database_url)[len(before) :]
    assert [(kind, payload["initiative_code"], payload["status"]) for kind, payload in added] == [
        ("StatusReportSubmitted", "KJ-PLO", "YELLOW")
    ]


# --- PostgreSQL: several workers on one database ---------------------------------------------


async def _subscribe(base_url: str, query: str = SUBMITTED) -> Any:
    connection = await websockets.connect(
        base_url.replace("http://", "ws://") + "/graphql", subprotocols=["graphql-transport-ws"]
    )
    await connection.send(json.dumps({"type": "connection_init"}))
    assert json.loads(await connection.recv())["type"] == "connection_ack"
    await connection.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": query}}))
    return connection


async def _revisions(connection: Any, count: int) -> list[int]:
    seen = []
    while len(seen) < count:
        message = json.loads(await asyncio.wait_for(connection.recv(), timeout=20))
        assert message["type"] == "next", message
        seen.append(message["payload"]["data"]["statusReportSubmitted"]["revision"])
    return seen


@pytest.fixture
def two_servers(fresh_seeded_database_url: str) -> Iterator[tuple[str, list[Service]]]:
    with (
        running_service(fresh_seeded_database_url) as first,
        running_service(fresh_seeded_database_url) as second,
    ):
        yield fresh_seeded_database_url, [first, second]


@pytest.mark.postgresql_only
@pytest.mark.slow
async def test_subscribers_of_every_worker_see_every_write_in_order(
    two_servers: tuple[str, list[Service]],
) -> None:
    database_url, services = two_servers
    token = make_token(database_url, "ADMIN")
    subscribers = [await _subscribe(service.base_url) for service in services for _ in range(4)]

    async with httpx.AsyncClient(headers={"Authorization": f"Bearer {token}"}) as client:

        async def submit(through: Service, number: int) -> None:
            answer = await client.post(
                through.base_url + "/graphql",
                json={
                    "query": SUBMIT,
                    "variables": {"input": {**COORDINATE_REPORT, "statusReason": f"#{number}"}},
                },
            )
            payload = answer.json()["data"]["submitStatusReport"]
            assert payload["__typename"] == "StatusReportPayload", payload

        # Subscriptions start asynchronously: once each has seen a first write, all listen.
        await submit(services[0], 0)
        firsts = await asyncio.gather(*(_revisions(subscriber, 1) for subscriber in subscribers))
        for number in range(1, 5):  # then writes go through both workers in turn
            await submit(services[number % 2], number)

    received = await asyncio.gather(*(_revisions(subscriber, 4) for subscriber in subscribers))
    for subscriber in subscribers:
        await subscriber.close()

    first = firsts[0][0]
    assert firsts == [[first]] * len(subscribers)
    assert received == [[first + 1, first + 2, first + 3, first + 4]] * len(subscribers)


def _event(revision: int) -> StatusReportSubmitted:
    return StatusReportSubmitted(
        report_id=revision,
        initiative_id=1,
        initiative_code="KJ-PLO",
        owner_id=1,
        period_code="2026-3",
        revision=revision,
        status=TrafficLight.GREEN,
        previous_status=None,
    )


@pytest.mark.postgresql_only
async def test_a_relay_that_lost_its_connection_delivers_what_it_missed(
    empty_database_url: str,
) -> None:
    engine = create_engine(Settings(database_url=empty_database_url))
    target = Broadcaster()
    # A second before reconnecting: time enough to commit events while nobody listens.
    relay = postgres_relay(engine, target, retry_seconds=1.0)

    async def store(revision: int) -> None:  # as a write does: the version moves first
        async with engine.begin() as connection:
            await bump_data_version(connection)
            await store_event(connection, _event(revision))

    try:
        async with target.subscribe() as queue:
            await relay.start()
            await asyncio.wait_for(relay.listening.wait(), timeout=10)
            await store(1)
            first = await asyncio.wait_for(queue.get(), timeout=10)

            async with engine.begin() as connection:
                terminated = await connection.scalar(
                    sa.text(
                        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND application_name = :name"
                    ),
                    {"name": RELAY_APPLICATION_NAME},
                )
            for _ in range(200):
                if not relay.listening.is_set():
                    break
                await asyncio.sleep(0.01)
            assert not relay.listening.is_set()
            await store(2)  # committed while the relay is away
            await store(3)
            later = [await asyncio.wait_for(queue.get(), timeout=15) for _ in range(2)]
    finally:
        await relay.stop()
        await engine.dispose()

    assert terminated == 1
    assert [event.revision for event in (first, *later)] == [1, 2, 3]


PROPAGATED = """
subscription { propagatedRiskChanged(initiative: "PLL") { after sourceCodes causes } }
"""
SFM_REPORT = {
    "initiative": "SFM-UTV",
    "riskLevel": "GREEN",
    "mainRiskAreas": "Utprøving i kommunene.",
    "statusReason": "Endret.",
    "dependenciesConfirmed": True,
}


@pytest.mark.postgresql_only
@pytest.mark.slow
async def test_propagated_risk_derived_by_one_worker_reaches_the_subscribers_of_every_worker(
    two_servers: tuple[str, list[Service]],
) -> None:
    database_url, services = two_servers
    token = make_token(database_url, "ADMIN")
    subscribers = []
    for service in services:
        for _ in range(3):
            connection = await _subscribe(service.base_url, PROPAGATED)
            subscribers.append(connection)

    async def changes(connection: Any, count: int) -> list[Any]:
        seen = []
        while len(seen) < count:
            message = json.loads(await asyncio.wait_for(connection.recv(), timeout=30))
            assert message["type"] == "next", message
            event = message["payload"]["data"]["propagatedRiskChanged"]
            seen.append((event["after"], event["sourceCodes"], event["causes"][0].split("@")[0]))
        return seen

    async with httpx.AsyncClient(headers={"Authorization": f"Bearer {token}"}) as client:

        async def report(through: Service, status: str) -> None:
            answer = await client.post(
                through.base_url + "/graphql",
                json={"query": SUBMIT, "variables": {"input": {**SFM_REPORT, "status": status}}},
            )
            payload = answer.json()["data"]["submitStatusReport"]
            assert payload["__typename"] == "StatusReportPayload", payload

        # Subscriptions start asynchronously: once each has seen a first change, all listen.
        await report(services[0], "RED")
        firsts = await asyncio.gather(*(changes(subscriber, 1) for subscriber in subscribers))
        await report(services[1], "GREEN")
        await report(services[0], "YELLOW")  # YELLOW is no source: nothing changes
        await report(services[1], "RED")

    received = await asyncio.gather(*(changes(subscriber, 2) for subscriber in subscribers))
    for subscriber in subscribers:
        await subscriber.close()

    red = ("RED", ["SFM-UTV"], "status_report.submit SFM-UTV")
    assert firsts == [[red]] * len(subscribers)
    assert received == [[(None, [], "status_report.submit SFM-UTV"), red]] * len(subscribers)
    stored = [payload for kind, payload in stored_events(database_url) if kind.startswith("Prop")]
    pll = [
        (payload["version"], payload["after"])
        for payload in stored
        if payload["initiative_code"] == "PLL"
    ]
    assert [after for _, after in pll] == ["RED", None, "RED"]
    assert len({version for version, _ in pll}) == 3
