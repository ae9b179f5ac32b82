"""Events that matter for dependencies: propagated risk, late dependencies, reporting rounds.

Propagated risk and lateness are derived after commit by comparing the analysis of the
version compared last with the current one; each such event is stored once, with the
version it derives from, and told to subscribers like the events writes store
themselves. Opening and closing a round are stored in the round's own transaction.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa
from starlette.testclient import TestClient

import graph
from app.analysis import AnalysisCache
from app.auth import Viewer
from app.data_version import bump_data_version
from app.database import create_engine
from app.domain import Role, TrafficLight
from app.event_derivation import EventDeriver, compare
from app.events import (
    PropagatedRiskChanged,
    ReportingPeriodOpened,
    broadcaster,
    reported_only,
    store_event,
)
from app.main import create_app
from app.settings import Settings
from app.status_report_writes import submit_status_report
from app.tables import event_table
from app.validation import REFUSALS
from app.writes import run_write
from tests.conftest import Callers, settings_for
from tests.schema.writes import ADD_DEPENDENCY, CLOSE_PERIOD, OPEN_PERIOD, SUBMIT

PROPAGATED = """
subscription Propagated($owner: String, $initiative: String) {
  propagatedRiskChanged(owner: $owner, initiative: $initiative) {
    initiativeCode ownerCode before after sourceCodes sourceCount periodCode
    version fromVersion causes
    initiative { code name }
  }
}
"""

LATE = """
subscription Late($owner: String) {
  dependencyBecameLate(owner: $owner) {
    supplierCode dependantCode ownerCode neededBy supplierDate slackDays causes
    dependant { code }
  }
}
"""

ROUNDS = """
subscription { %s { periodCode name opens deadline period { code closed } } }
"""

# SFM-UTV (Norsk helsenett) supplies PLL (Helsedirektoratet) over a HIGH dependency.
SFM_REPORT = {
    "initiative": "SFM-UTV",
    "status": "GREEN",
    "riskLevel": "GREEN",
    "mainRiskAreas": "Utprøving i kommunene.",
    "dependenciesConfirmed": True,
}
SFM_RED = {**SFM_REPORT, "status": "RED", "statusReason": "Stans i utprøvingen."}


@pytest.fixture
def subscribe(callers: Callers) -> Iterator[Any]:
    """Open subscriptions on one graphql-transport-ws connection: ``subscribe(query, vars)``."""
    with callers.http.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        ws.send_json({"type": "connection_init"})
        assert ws.receive_json()["type"] == "connection_ack"
        opened: list[str] = []

        def start(query: str, variables: dict[str, Any] | None = None) -> Any:
            operation = str(len(opened) + 1)
            ws.send_json(
                {
                    "id": operation,
                    "type": "subscribe",
                    "payload": {"query": query, "variables": variables or {}},
                }
            )
            opened.append(operation)
            deadline = time.monotonic() + 5
            while broadcaster.subscriber_count < len(opened):
                assert time.monotonic() < deadline, "the subscription never started"
                time.sleep(0.01)
            return ws

        yield start
        for operation in opened:
            ws.send_json({"id": operation, "type": "complete"})
        deadline = time.monotonic() + 5
        while broadcaster.subscriber_count > 0:
            assert time.monotonic() < deadline, "the subscriptions never ended"
            time.sleep(0.01)


def next_event(ws: Any, field: str) -> dict[str, Any]:
    message = ws.receive_json()
    assert message["type"] == "next", message
    event: dict[str, Any] = message["payload"]["data"][field]
    return event


def submit(callers: Callers, report: dict[str, Any]) -> None:
    result = callers.admin.data(SUBMIT, {"input": report})["submitStatusReport"]
    assert result["__typename"] == "StatusReportPayload", result


def stored(database_url: str, kind: str) -> list[tuple[int, dict[str, Any]]]:
    async def read() -> list[tuple[int, dict[str, Any]]]:
        engine = create_engine(Settings(database_url=database_url))
        try:
            async with engine.connect() as connection:
                rows = await connection.execute(
                    sa.select(event_table.c.version, event_table.c.payload)
                    .where(event_table.c.kind == kind)
                    .order_by(event_table.c.id)
                )
                return [(row.version, row.payload) for row in rows]
        finally:
            await engine.dispose()

    return asyncio.run(read())


# --- propagated risk ------------------------------------------------------------------------


def test_a_red_supplier_tells_its_dependant_that_it_inherits_red(
    callers: Callers, subscribe: Any
) -> None:
    ws = subscribe(PROPAGATED, {"initiative": "PLL"})

    submit(callers, SFM_RED)
    event = next_event(ws, "propagatedRiskChanged")

    assert event["initiativeCode"] == "PLL"
    assert event["initiative"]["code"] == "PLL"
    assert event["ownerCode"] == "HDIR"
    assert (event["before"], event["after"]) == (None, "RED")
    assert event["sourceCodes"] == ["SFM-UTV"]
    assert event["sourceCount"] == 1
    assert event["version"] == event["fromVersion"] + 1
    assert event["causes"][0].startswith("status_report.submit SFM-UTV@")


def test_a_supplier_back_to_green_clears_what_it_caused(callers: Callers, subscribe: Any) -> None:
    ws = subscribe(PROPAGATED, {"initiative": "PLL"})
    submit(callers, SFM_RED)
    next_event(ws, "propagatedRiskChanged")

    submit(callers, {**SFM_REPORT, "status": "GREEN"})
    cleared = next_event(ws, "propagatedRiskChanged")

    assert (cleared["before"], cleared["after"], cleared["sourceCodes"]) == ("RED", None, [])


def test_the_owner_filter_tells_an_owner_of_its_own_initiatives_only(
    callers: Callers, subscribe: Any
) -> None:
    ws = subscribe(PROPAGATED, {"owner": "HDIR"})

    submit(callers, SFM_RED)
    heard = [next_event(ws, "propagatedRiskChanged")]
    # One derivation stores its events in one transaction, so all of them are stored now.
    everything = stored(callers.database_url, "PropagatedRiskChanged")
    told = sorted(payload["initiative_code"] for _, payload in everything)
    own = sorted(
        payload["initiative_code"] for _, payload in everything if payload["owner_code"] == "HDIR"
    )
    heard += [next_event(ws, "propagatedRiskChanged") for _ in own[1:]]

    assert sorted(event["initiativeCode"] for event in heard) == own
    assert {event["ownerCode"] for event in heard} == {"HDIR"}
    assert len(own) < len(told)  # others' initiatives changed too, unheard


def test_each_change_is_stored_once_with_the_version_it_derives_from(
    callers: Callers, subscribe: Any
) -> None:
    ws = subscribe(PROPAGATED, {"initiative": "PLL"})
    submit(callers, SFM_RED)
    event = next_event(ws, "propagatedRiskChanged")

    # Two more workers derive the same version: nothing is stored twice.
    async def derive_twice() -> list[int]:
        engine = create_engine(Settings(database_url=callers.database_url))
        try:
            derivers = [EventDeriver(engine, AnalysisCache()) for _ in range(2)]
            found = await asyncio.gather(*(deriver.derive() for deriver in derivers))
            return [len(events) for events in found]
        finally:
            await engine.dispose()

    assert asyncio.run(derive_twice()) == [0, 0]
    rows = stored(callers.database_url, "PropagatedRiskChanged")
    keys = [(version, payload["initiative_code"]) for version, payload in rows]
    assert len(keys) == len(set(keys))
    assert (event["version"], "PLL") in keys


# --- late dependencies ----------------------------------------------------------------------


def test_a_new_dependency_needed_before_its_supplier_finishes_is_late(
    callers: Callers, subscribe: Any
) -> None:
    ws = subscribe(LATE, {"owner": "HN"})

    result = callers.admin.data(
        ADD_DEPENDENCY,
        {
            "input": {
                "dependant": "DPN",
                "supplier": "PLL",
                "criticality": "MEDIUM",
                "neededBy": "2024-01-01",
            }
        },
    )["addDependency"]
    assert result["__typename"] == "DependencyPayload", result
    event = next_event(ws, "dependencyBecameLate")

    assert (event["supplierCode"], event["dependantCode"]) == ("PLL", "DPN")
    assert event["dependant"] == {"code": "DPN"}
    assert event["ownerCode"] == "HN"
    assert event["neededBy"] == "2024-01-01"
    assert event["slackDays"] < 0
    assert event["supplierDate"] > event["neededBy"]
    assert any(cause.startswith("dependency.add") for cause in event["causes"])


# --- reporting rounds -----------------------------------------------------------------------


def test_opening_and_closing_a_round_are_told_as_they_commit(
    callers: Callers, subscribe: Any
) -> None:
    opened_ws = subscribe(ROUNDS % "reportingPeriodOpened")
    closed_ws = subscribe(ROUNDS % "reportingPeriodClosed")
    period = {
        "code": "2031-1",
        "name": "januar 2031",
        "opens": "2031-01-05",
        "deadline": "2031-02-01",
    }

    callers.admin.data(OPEN_PERIOD, {"input": period})
    opened = next_event(opened_ws, "reportingPeriodOpened")
    callers.admin.data(CLOSE_PERIOD, {"code": "2031-1"})
    closed = next_event(closed_ws, "reportingPeriodClosed")

    assert opened == {
        "periodCode": "2031-1",
        "name": "januar 2031",
        "opens": "2031-01-05",
        "deadline": "2031-02-01",
        "period": {"code": "2031-1", "closed": False},
    }
    assert (closed["periodCode"], closed["period"]) == (
        "2031-1",
        {"code": "2031-1", "closed": True},
    )


# --- the comparison, and what incremental analysis reads ----------------------------------


def test_the_comparison_lays_the_stored_levels_on_the_current_graph() -> None:
    built = graph.build_dependency_graph(
        initiatives=[graph.InitiativeNode(code, code, None, None, None) for code in "ABCD"],
        solutions=[],
        dependencies=[
            graph.DependencyEdge("A", "B", graph.Criticality.HIGH),
            graph.DependencyEdge("B", "C", graph.Criticality.MEDIUM),
        ],
    )
    arrays = graph.graph_arrays(built)
    trace = graph.RedStatusTrace(built, ("A",), arrays=arrays)

    compared = compare(arrays, trace, {}, levels_before={"B": 1, "D": 2, "GONE": 2}, late_before=[])

    assert compared.levels == {"B": 2, "C": 1}
    assert compared.changed == [("B", 1, 2, ("A",), 1), ("C", 0, 1, ("A",), 1), ("D", 2, 0, (), 0)]


def test_derived_events_leave_incremental_analysis_to_the_writes(
    fresh_seeded_database_url: str,
) -> None:
    derived = PropagatedRiskChanged(
        1, "PLL", 2, "HDIR", None, TrafficLight.RED, ("SFM-UTV",), 1, None, 2, 1, ()
    )
    opened = ReportingPeriodOpened(
        9, "2031-1", "januar 2031", date(2031, 1, 5), date(2031, 2, 1), "admin"
    )

    async def run() -> tuple[Any, Any, Any]:
        engine = create_engine(Settings(database_url=fresh_seeded_database_url))
        try:
            async with engine.begin() as connection:
                start = await connection.scalar(sa.text("SELECT version FROM data_version"))
            async with engine.begin() as connection:  # a write that stored no event
                await bump_data_version(connection)
            async with engine.begin() as connection:  # ... and an event derived at it
                await store_event(connection, derived, version=start + 1)
            async with engine.connect() as connection:
                unaccounted = await reported_only(connection, after=start, up_to=start + 1)
            async with engine.begin() as connection:  # a round opened: no graph input moved
                await bump_data_version(connection)
                await store_event(connection, opened)
            async with engine.connect() as connection:
                neutral = await reported_only(connection, after=start + 1, up_to=start + 2)
                both = await reported_only(connection, after=start, up_to=start + 2)
            return unaccounted, neutral, both
        finally:
            await engine.dispose()

    unaccounted, neutral, both = asyncio.run(run())

    assert unaccounted is None  # the derived event does not account for the silent write
    assert neutral == frozenset()
    assert both is None


def test_a_service_started_on_a_new_database_compares_before_it_answers(
    fresh_seeded_database_url: str,
) -> None:
    app = create_app(settings_for(fresh_seeded_database_url))
    with TestClient(app):
        deriver = app.state.event_deriver

        assert asyncio.run(_derivation_version(fresh_seeded_database_url)) is not None
        assert deriver.stored == 0


async def _derivation_version(database_url: str) -> int | None:
    engine = create_engine(Settings(database_url=database_url))
    try:
        async with engine.connect() as connection:
            value = await connection.scalar(sa.text("SELECT version FROM event_derivation"))
            return None if value is None else int(value)
    finally:
        await engine.dispose()


def test_a_write_no_service_heard_is_derived_when_a_service_starts(
    fresh_seeded_database_url: str,
) -> None:
    url = fresh_seeded_database_url
    with TestClient(create_app(settings_for(url))):  # the first comparison, as on first start
        pass

    async def write_unheard() -> None:  # as a tool writing beside the service would
        engine = create_engine(Settings(database_url=url))
        try:
            viewer = Viewer(role=Role.ADMIN, name="tool")
            values = {
                "initiative": "SFM-UTV",
                "status": "RED",
                "status_reason": "Stans.",
                "risk_level": "GREEN",
                "main_risk_areas": "Utprøving.",
                "dependencies_confirmed": True,
            }
            written = await run_write(
                engine,
                lambda connection: submit_status_report(
                    connection, viewer=viewer, today=date.today(), values=values
                ),
            )
            assert not isinstance(written, REFUSALS), written
        finally:
            await engine.dispose()

    asyncio.run(write_unheard())
    assert stored(url, "PropagatedRiskChanged") == []

    with TestClient(create_app(settings_for(url))):
        deadline = time.monotonic() + 20
        while not stored(url, "PropagatedRiskChanged"):
            assert time.monotonic() < deadline, "the write was never derived"
            time.sleep(0.05)

    derived = stored(url, "PropagatedRiskChanged")
    assert "PLL" in {payload["initiative_code"] for _, payload in derived}
