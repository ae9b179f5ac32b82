"""Concurrent writers and readers against real uvicorn workers: nothing lost, nothing doubled.

A short version of ``benchmarks/load/run_load.py``: two workers on PostgreSQL (one on
SQLite, where a single process is the supported setup), 6 writers and 8 readers for 8 s.
"""

from __future__ import annotations

import asyncio

import pytest

from tests.conftest import ON_POSTGRES
from tests.load.conftest import LoadDatabase
from tests.load.harness import (
    LoadRun,
    Tally,
    Verdict,
    every_worker_sees,
    initiative_versions,
    read_targets,
    run_load,
    running_service,
    verify,
)

WORKERS = 2 if ON_POSTGRES else 1
SECONDS = 8


@pytest.fixture
def outcome(load_database: LoadDatabase) -> tuple[Tally, Verdict, list[bool]]:
    """Run the load, verify the database, then check a last write shows on every worker."""
    with running_service(load_database.url, workers=WORKERS) as service:
        targets = read_targets(service.base_url, load_database.admin_token)
        initial = initiative_versions(load_database.url, targets.shared)
        run = LoadRun(
            base_url=service.base_url,
            admin_token=load_database.admin_token,
            reporter_tokens=load_database.reporter_tokens,
            writers=6,
            readers=8,
            seconds=SECONDS,
        )
        tally = asyncio.run(run_load(run, targets))
        verdict = verify(load_database.url, tally, initial)
        seen = every_worker_sees(
            service.base_url,
            load_database.admin_token,
            dependant="DIGPAT",
            supplier="LMR",
            attempts=8 * WORKERS,
        )
    return tally, verdict, seen


def test_every_acknowledged_write_is_stored_exactly_once(
    outcome: tuple[Tally, Verdict, list[bool]],
) -> None:
    tally, verdict, _ = outcome

    assert tally.acknowledged_reports, tally.summary()
    assert verdict.problems == [], tally.summary()


def test_no_request_fails_on_the_server_or_hangs(
    outcome: tuple[Tally, Verdict, list[bool]],
) -> None:
    tally, _, _ = outcome

    assert tally.server_errors == 0, tally.summary()
    assert tally.transport_errors == {}, tally.summary()
    assert tally.error_codes == {}, tally.summary()
    assert tally.locked_messages == 0, tally.summary()


def test_stale_updates_are_answered_with_conflict_errors(
    outcome: tuple[Tally, Verdict, list[bool]],
) -> None:
    tally, _, _ = outcome

    assert tally.stale_updates > 0
    assert tally.stale_updates_refused == tally.stale_updates


def test_the_analysis_on_every_worker_reflects_the_last_write(
    outcome: tuple[Tally, Verdict, list[bool]],
) -> None:
    _, _, seen = outcome

    assert all(seen), seen
