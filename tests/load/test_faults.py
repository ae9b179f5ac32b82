"""Faults in the middle of the load: the database's connections killed, a worker killed.

Killing PostgreSQL's connections (``pg_terminate_backend``) must give clients a clear
``DATABASE_UNAVAILABLE`` or a success, quickly, and the service must recover by itself
(``pool_pre_ping``). A worker killed with SIGKILL in the middle of writes that each insert
several rows must leave every write whole or absent. Restarting PostgreSQL itself is left
to ``benchmarks/load/run_load.py --restart-postgres-at`` (CI shares the server).
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections import Counter
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from app.database import create_sync_engine
from app.settings import Settings
from tests.conftest import Databases
from tests.load.conftest import new_load_database
from tests.load.harness import (
    LoadRun,
    Tally,
    Verdict,
    initiative_versions,
    read_targets,
    run_load,
    running_service,
    verify,
)

NO_HANG_SECONDS = 15

CREATE = """
mutation Create($input: CreateInitiativeInput!) {
  createInitiative(input: $input) { __typename ... on Error { message } }
}
"""

# Each creation writes the initiative, three supporting goals, two SDGs, an audit event
# and the data version: seven statements that must land together or not at all.
SUPPORTING_GOALS = [2, 3, 4]
SDGS = [3, 9]


def terminate_connections(database_url: str) -> int:
    """Kill every server connection to the database but our own; returns how many."""
    engine = create_sync_engine(Settings(database_url=database_url))
    try:
        with engine.connect() as connection:
            killed = connection.execute(
                sa.text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": make_url(database_url).database},
            ).all()
    finally:
        engine.dispose()
    return len(killed)


# SQLite has no server connections to kill: these run in the PostgreSQL pass of the suite.
ONLY_POSTGRES = pytest.mark.postgresql_only
KilledConnections = tuple[Tally, Verdict, list[int], list[Any]]


@pytest.fixture(scope="module")
def killed_connections(databases: Databases, seed_template_url: str) -> KilledConnections:
    """Load on two workers while every connection to the database is killed three times."""
    database = new_load_database(databases, seed_template_url)
    killed: list[int] = []
    with running_service(database.url, workers=2) as service:
        targets = read_targets(service.base_url, database.admin_token)
        initial = initiative_versions(database.url, targets.shared)
        run = LoadRun(
            base_url=service.base_url,
            admin_token=database.admin_token,
            reporter_tokens=database.reporter_tokens,
            writers=6,
            readers=6,
            seconds=8,
            request_timeout=NO_HANG_SECONDS,
            events=[
                (offset, lambda: killed.append(terminate_connections(database.url)))
                for offset in (2.0, 4.0, 6.0)
            ],
        )
        tally = asyncio.run(run_load(run, targets))
        verdict = verify(database.url, tally, initial)
        # No restart: the same processes must answer reads and writes again.
        after = [
            httpx.post(
                f"{service.base_url}/graphql",
                json={"query": '{ initiative(code: "PLL") { code downstream { code } } }'},
                timeout=NO_HANG_SECONDS,
            ).json()
            for _ in range(6)
        ]
    return tally, verdict, killed, after


@ONLY_POSTGRES
def test_connections_were_killed_during_the_load(killed_connections: KilledConnections) -> None:
    _, _, killed, _ = killed_connections

    assert len(killed) == 3
    assert sum(killed) > 0


@ONLY_POSTGRES
def test_clients_get_a_success_or_database_unavailable_quickly(
    killed_connections: KilledConnections,
) -> None:
    tally, _, _, _ = killed_connections

    assert tally.server_errors == 0, tally.summary()
    assert tally.transport_errors == {}, tally.summary()
    assert set(tally.error_codes) <= {"DATABASE_UNAVAILABLE"}, tally.summary()
    assert tally.slowest_seconds < NO_HANG_SECONDS


@ONLY_POSTGRES
def test_nothing_is_half_written_and_acknowledged_writes_are_stored_once(
    killed_connections: KilledConnections,
) -> None:
    tally, verdict, _, _ = killed_connections

    assert tally.acknowledged_reports
    assert verdict.problems == [], tally.summary()


@ONLY_POSTGRES
def test_the_service_recovers_without_a_restart(killed_connections: KilledConnections) -> None:
    _, _, _, after = killed_connections

    assert all(body.get("data", {}).get("initiative", {}).get("code") == "PLL" for body in after)


async def create_until_killed(
    base_url: str, token: str, writer: int, stop_at: float, outcomes: dict[str, str]
) -> None:
    """Create initiatives one after another; record each answer (or its absence)."""
    async with httpx.AsyncClient(base_url=base_url, timeout=NO_HANG_SECONDS) as client:
        number = 0
        while time.monotonic() < stop_at:
            number += 1
            code = f"KILL-{writer}-{number}"
            variables = {
                "input": {
                    "code": code, "name": f"Avbrutt {code}", "owner": "HDIR",
                    "segment": "OBSERVE", "digitalisationEssential": True,
                    "coordinationOrStrategy": True, "mainGoal": 1,
                    "supportingGoals": SUPPORTING_GOALS, "sdgs": SDGS,
                }
            }  # fmt: skip
            try:
                response = await client.post(
                    "/graphql",
                    json={"query": CREATE, "variables": variables},
                    headers={"Authorization": f"Bearer {token}"},
                )
                outcomes[code] = response.json()["data"]["createInitiative"]["__typename"]
            except (httpx.HTTPError, ValueError, KeyError, TypeError):
                outcomes[code] = "no answer"
                return


def stored_creations(database_url: str) -> dict[str, Counter[str]]:
    """For every KILL- initiative, how many of each row its creation wrote."""
    engine = create_sync_engine(Settings(database_url=database_url))
    statement = sa.text(
        "SELECT i.code,"
        " (SELECT count(*) FROM initiative_supporting_goal g"
        "  WHERE g.initiative_id = i.id) AS goals,"
        " (SELECT count(*) FROM initiative_sdg s WHERE s.initiative_id = i.id) AS sdgs,"
        " (SELECT count(*) FROM audit_event a WHERE a.entity_code = i.code) AS audits"
        " FROM initiative i WHERE i.code LIKE 'KILL-%'"
    )
    try:
        with engine.connect() as connection:
            return {
                row.code: Counter(goals=row.goals, sdgs=row.sdgs, audits=row.audits)
                for row in connection.execute(statement)
            }
    finally:
        engine.dispose()


KilledWorker = tuple[dict[str, str], dict[str, Counter[str]], dict[str, Any]]


@pytest.fixture(scope="module")
def killed_worker(databases: Databases, seed_template_url: str) -> KilledWorker:
    """Eight clients creating initiatives while the worker gets SIGKILL, then a restart."""
    database = new_load_database(databases, seed_template_url)
    outcomes: dict[str, str] = {}
    with running_service(database.url, workers=1) as service:

        async def load_then_kill() -> None:
            stop_at = time.monotonic() + 10
            writers = [
                create_until_killed(
                    service.base_url, database.admin_token, writer, stop_at, outcomes
                )
                for writer in range(8)
            ]
            tasks = [asyncio.ensure_future(writer) for writer in writers]
            await asyncio.sleep(2.5)
            os.kill(service.process.pid, signal.SIGKILL)
            await asyncio.gather(*tasks)

        asyncio.run(load_then_kill())
    stored = stored_creations(database.url)
    # A fresh process on the same database: SQLite's journal or PostgreSQL's
    # aborted transactions must leave it usable.
    with running_service(database.url, workers=1) as restarted:
        after = httpx.post(
            f"{restarted.base_url}/graphql",
            json={"query": CREATE, "variables": {"input": {
                "code": "KILL-AFTER", "name": "Etter", "owner": "HDIR", "segment": "OBSERVE",
                "digitalisationEssential": True, "coordinationOrStrategy": True,
            }}},
            headers={"Authorization": f"Bearer {database.admin_token}"},
            timeout=NO_HANG_SECONDS,
        ).json()  # fmt: skip
    return outcomes, stored, after


def test_writes_were_cut_off_by_the_kill(killed_worker: KilledWorker) -> None:
    outcomes, _, _ = killed_worker

    assert "InitiativePayload" in outcomes.values()
    assert "no answer" in outcomes.values()


def test_every_acknowledged_creation_is_stored(killed_worker: KilledWorker) -> None:
    outcomes, stored, _ = killed_worker

    acknowledged = {code for code, kind in outcomes.items() if kind == "InitiativePayload"}
    assert acknowledged <= set(stored)


def test_every_stored_creation_is_whole(killed_worker: KilledWorker) -> None:
    outcomes, stored, _ = killed_worker
    whole = Counter(goals=len(SUPPORTING_GOALS), sdgs=len(SDGS), audits=1)

    assert {code: rows for code, rows in stored.items() if rows != whole} == {}
    assert set(stored) <= set(outcomes)


def test_the_database_takes_writes_after_the_kill(killed_worker: KilledWorker) -> None:
    _, _, after = killed_worker

    assert after["data"]["createInitiative"]["__typename"] == "InitiativePayload", after
