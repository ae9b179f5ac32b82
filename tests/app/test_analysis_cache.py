"""The analysis is computed once per data version and follows every write at once."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import sqlalchemy as sa
from starlette.testclient import TestClient

from app import models
from app.cli import seed_database
from app.data_version import move_data_version
from app.database import create_sync_engine
from app.main import create_app
from app.settings import Settings

DOWNSTREAM = '{ initiative(code: "LMR") { downstream { code } } }'


def seeded(database_url: str) -> str:
    seed_database(Settings(database_url=database_url))
    return database_url


def add_dependency_on_lmr(database_url: str, dependant: str) -> None:
    """Make ``dependant`` depend on LMR and bump the version, in one transaction."""
    engine = create_sync_engine(Settings(database_url=database_url))
    initiatives = models.table_of(models.Initiative)
    with engine.begin() as connection:
        ids = dict(connection.execute(sa.select(initiatives.c.code, initiatives.c.id)).all())
        connection.execute(
            models.table_of(models.Dependency).insert(),
            {
                "dependant_id": ids[dependant],
                "supplier_initiative_id": ids["LMR"],
                "criticality": "HIGH",
                "type": "FINISH_TO_START",
                "lag_days": 0,
            },
        )
        move_data_version(connection)
    engine.dispose()


def downstream_of_lmr(client: TestClient | httpx.Client) -> list[str]:
    body = client.post("/graphql", json={"query": DOWNSTREAM}).json()
    return [node["code"] for node in body["data"]["initiative"]["downstream"]]


def test_requests_share_one_analysis_per_data_version(empty_database_url: str) -> None:
    with TestClient(create_app(Settings(database_url=seeded(empty_database_url)))) as client:
        downstream_of_lmr(client)
        downstream_of_lmr(client)
        client.post("/graphql", json={"query": "{ riskPropagation { flagged { code } } }"})

        assert client.app.state.analysis_cache.builds == 1  # type: ignore[attr-defined]


def test_a_version_bump_rebuilds_the_analysis(empty_database_url: str) -> None:
    url = seeded(empty_database_url)
    with TestClient(create_app(Settings(database_url=url))) as client:
        assert downstream_of_lmr(client) == []

        add_dependency_on_lmr(url, "DIGPAT")

        assert downstream_of_lmr(client) == ["DIGPAT"]
        assert client.app.state.analysis_cache.builds == 2  # type: ignore[attr-defined]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def service_process(database_url: str) -> Iterator[httpx.Client]:
    """A real uvicorn process of the service on a free loopback port."""
    port = free_port()
    environment = os.environ | {"PORTFOLIO_DATABASE_URL": database_url}
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "app.main:create_app", "--factory",
         "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        env=environment,
    )  # fmt: skip
    client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if client.get("/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.1)
        yield client
    finally:
        client.close()
        process.terminate()
        process.wait(timeout=10)


def test_two_service_processes_both_see_a_write_at_once(empty_database_url: str) -> None:
    url = seeded(empty_database_url)
    with service_process(url) as first, service_process(url) as second:
        assert downstream_of_lmr(first) == downstream_of_lmr(second) == []

        add_dependency_on_lmr(url, "DIGPAT")

        assert downstream_of_lmr(first) == ["DIGPAT"]
        assert downstream_of_lmr(second) == ["DIGPAT"]
