"""Load, concurrency and faults against real uvicorn processes on loopback.

Shared by the pytest tests in ``tests/load`` (short runs) and by
``benchmarks/load/run_load.py`` (the full run). Everything is bounded: the run stops at
its deadline, every request has a timeout, and the service is stopped afterwards.

Writers submit status reports into the open period (each carrying a unique marker in its
reason), upsert a delivery of their own, and update shared initiatives with
``expectedVersion`` — racing each other, so some answers are ``ConflictError`` — plus, now
and then, a deliberately stale version that must be refused. Readers run the dashboard's
list, the dependency graph, red-status propagation and a what-if. :func:`verify` then
compares what was acknowledged with what the database holds.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa

from app.database import create_sync_engine
from app.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
MARKER = "load-test"

# --- the service --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Service:
    """A uvicorn process tree serving the app on a loopback port."""

    process: subprocess.Popen[bytes]
    base_url: str
    workers: int

    def worker_pids(self) -> list[int]:
        """The processes that serve requests (the main process itself with one worker)."""
        if self.workers == 1:
            return [self.process.pid]
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        text = children.read_text() if children.exists() else ""
        return [int(pid) for pid in text.split()]


def wait_until_healthy(base_url: str, process: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if httpx.get(f"{base_url}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if process.poll() is not None:
            raise RuntimeError(f"the service exited with {process.returncode} while starting")
        if time.monotonic() > deadline:
            raise TimeoutError(f"the service did not answer /healthz within {timeout} s")
        time.sleep(0.1)


@contextlib.contextmanager
def running_service(
    database_url: str,
    *,
    workers: int = 1,
    log_path: Path | None = None,
    log_level: str = "warning",
    environment: dict[str, str] | None = None,
) -> Iterator[Service]:
    """uvicorn with ``workers`` processes on a free loopback port; stopped on exit."""
    port = free_port()
    env = os.environ | {
        "PORTFOLIO_DATABASE_URL": database_url,
        "PORTFOLIO_SEED_ON_START": "false",
        "PYTHONPATH": str(ROOT),
    }
    env |= environment or {}
    command = [
        sys.executable, "-m", "uvicorn", "app.main:create_app", "--factory",
        "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
        "--log-level", log_level,
    ]  # fmt: skip
    with contextlib.ExitStack() as stack:
        output: Any = (
            stack.enter_context(log_path.open("ab")) if log_path is not None else subprocess.DEVNULL
        )
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        base_url = f"http://127.0.0.1:{port}"
        try:
            wait_until_healthy(base_url, process, timeout=60)
            yield Service(process=process, base_url=base_url, workers=workers)
        finally:
            stop_process_group(process)


def stop_process_group(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the service's process group, SIGKILL if it lingers."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


# --- documents ----------------------------------------------------------------------------

TARGETS = """
{
  currentPeriod { code closed }
  initiatives(filter: { state: [ACTIVE] }, first: 500) {
    nodes { code version segment owner { code } }
  }
}
"""

SUBMIT = """
mutation Submit($input: SubmitStatusReportInput!) {
  submitStatusReport(input: $input) {
    __typename
    ... on Error { message }
    ... on StatusReportPayload { report { periodCode revision } }
  }
}
"""

UPSERT_DELIVERY = """
mutation Upsert($input: UpsertDeliveryInput!) {
  upsertDelivery(input: $input) {
    __typename
    ... on Error { message }
    ... on DeliveryPayload { delivery { code name } }
  }
}
"""

VERSION = "query Version($code: String!) { initiative(code: $code) { version } }"

UPDATE = """
mutation Update($code: String!, $expectedVersion: Int!, $input: UpdateInitiativeInput!) {
  updateInitiative(code: $code, expectedVersion: $expectedVersion, input: $input) {
    __typename
    ... on Error { message }
    ... on ConflictError { currentVersion }
    ... on InitiativePayload { initiative { version } }
  }
}
"""

DASHBOARD = """
query Dashboard($after: String) {
  currentPeriod { code name }
  initiatives(first: 50, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes {
      code name segment status riskLevel reportIsStale
      owner { code name }
      propagatedRisk { level sourceCodes }
    }
  }
}
"""

GRAPH = """
{
  dependencyGraph {
    nodeCount edgeCount
    nodes(first: 1000) { code kind status propagatedLevel layer }
    edges(first: 1000) { supplierCode dependantCode criticality late }
  }
}
"""

PROPAGATION = """
{
  riskPropagation(includeRiskLevel: true) {
    flaggedCount
    flagged(first: 50) { code level sourceCount sourceCodes(first: 5) paths(first: 3) }
  }
}
"""

IMPACT = """
query Impact($code: String!) {
  impact(code: $code, slipDays: 90) {
    __typename
    ... on Impact { movedCount moved(first: 50) { days } newlyLate(first: 50) { slackDays } }
  }
}
"""

DOWNSTREAM = """
query Downstream($code: String!) { initiative(code: $code) { downstream(first: 1000) { code } } }
"""

ADD_DEPENDENCY = """
mutation Add($input: AddDependencyInput!) {
  addDependency(input: $input) { __typename ... on Error { message } }
}
"""

READS: list[tuple[str, dict[str, Any]]] = [
    (DASHBOARD, {}),
    (GRAPH, {}),
    (PROPAGATION, {}),
    (IMPACT, {"code": "PLL"}),
]

# --- the run ------------------------------------------------------------------------------


@dataclass
class Tally:
    """Everything the clients saw."""

    requests: int = 0
    reads: int = 0
    writes: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    error_codes: Counter[str] = field(default_factory=Counter)
    results: Counter[str] = field(default_factory=Counter)
    transport_errors: Counter[str] = field(default_factory=Counter)
    locked_messages: int = 0
    unavailable_5xx: int = 0
    slowest_seconds: float = 0.0
    acknowledged_reports: list[tuple[str, str, str]] = field(default_factory=list)
    acknowledged_updates: Counter[str] = field(default_factory=Counter)
    acknowledged_deliveries: dict[str, str] = field(default_factory=dict)
    unacknowledged_writes: int = 0
    stale_updates: int = 0
    stale_updates_refused: int = 0
    racing_conflicts: int = 0

    @property
    def server_errors(self) -> int:
        """5xx answers other than 503 ``DATABASE_UNAVAILABLE`` (a clear, retryable refusal)."""
        every = sum(count for status, count in self.statuses.items() if status >= 500)
        return every - self.unavailable_5xx

    def summary(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "reads": self.reads,
            "writes": self.writes,
            "statuses": dict(sorted(self.statuses.items())),
            "unexpected_server_errors": self.server_errors,
            "error_codes": dict(self.error_codes),
            "results": dict(sorted(self.results.items())),
            "transport_errors": dict(self.transport_errors),
            "acknowledged_reports": len(self.acknowledged_reports),
            "acknowledged_updates": sum(self.acknowledged_updates.values()),
            "acknowledged_deliveries": len(self.acknowledged_deliveries),
            "unacknowledged_writes": self.unacknowledged_writes,
            "racing_conflicts": self.racing_conflicts,
            "stale_updates": self.stale_updates,
            "stale_updates_refused": self.stale_updates_refused,
            "database_is_locked_seen": self.locked_messages,
            "slowest_request_seconds": round(self.slowest_seconds, 2),
        }


@dataclass(frozen=True)
class Targets:
    period: str
    initiatives: list[tuple[str, str]]  # (code, owner organisation code)
    shared: list[str]  # initiatives every writer updates, to make them race


@dataclass
class Client:
    """One simulated client: an httpx client with a token, counting what it sees."""

    http: httpx.AsyncClient
    tally: Tally
    token: str | None
    office_token: str | None = None

    async def post(
        self, query: str, variables: dict[str, Any], *, as_office: bool = False
    ) -> dict[str, Any] | None:
        """The decoded body, or None when the request failed below GraphQL."""
        token = self.office_token if as_office else self.token
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        started = time.monotonic()
        self.tally.requests += 1
        try:
            response = await self.http.post(
                "/graphql", json={"query": query, "variables": variables}, headers=headers
            )
        except httpx.HTTPError as error:
            self.tally.transport_errors[type(error).__name__] += 1
            return None
        finally:
            self.tally.slowest_seconds = max(self.tally.slowest_seconds, time.monotonic() - started)
        self.tally.statuses[response.status_code] += 1
        if "database is locked" in response.text:
            self.tally.locked_messages += 1
        try:
            body: dict[str, Any] = response.json()
        except ValueError:
            return None
        codes = [
            (error.get("extensions") or {}).get("code", "NONE")
            for error in body.get("errors") or []
        ]
        self.tally.error_codes.update(codes)
        if response.status_code == 503 and codes and set(codes) == {"DATABASE_UNAVAILABLE"}:
            self.tally.unavailable_5xx += 1
        return body


def _result(body: dict[str, Any] | None, name: str) -> dict[str, Any] | None:
    if body is None:
        return None
    result = (body.get("data") or {}).get(name)
    return result if isinstance(result, dict) else None


async def writer(
    client: Client, number: int, targets: Targets, stop_at: float, pause: float
) -> None:
    """Reports, a delivery of its own, and racing (and stale) updates until the deadline."""
    tally, iteration = client.tally, 0
    code, _owner = targets.initiatives[number % len(targets.initiatives)]
    while time.monotonic() < stop_at:
        iteration += 1
        marker = f"{MARKER} w{number} n{iteration}"
        report = {
            "initiative": code, "period": targets.period, "status": "YELLOW",
            "statusReason": marker, "riskLevel": "GREEN", "mainRiskAreas": "Last.",
            "investmentNok": 1000, "annualOperatingCostNok": 100, "benefits": "Nytte.",
            "benefitPrerequisites": "Innføring.", "dependenciesConfirmed": True,
        }  # fmt: skip
        tally.writes += 1
        result = _result(await client.post(SUBMIT, {"input": report}), "submitStatusReport")
        _count(tally, result)
        if result is None:
            tally.unacknowledged_writes += 1
        elif result["__typename"] == "StatusReportPayload":
            tally.acknowledged_reports.append((code, targets.period, marker))

        delivery_code, name = f"LOAD-{number}", f"Last {number} #{iteration}"
        delivery = {"initiative": code, "code": delivery_code, "name": name}
        tally.writes += 1
        result = _result(await client.post(UPSERT_DELIVERY, {"input": delivery}), "upsertDelivery")
        _count(tally, result)
        if result is None:
            tally.unacknowledged_writes += 1
        elif result["__typename"] == "DeliveryPayload":
            tally.acknowledged_deliveries[delivery_code] = name

        shared = targets.shared[iteration % len(targets.shared)]
        read = _result(await client.post(VERSION, {"code": shared}), "initiative")
        tally.reads += 1
        if read is not None:
            stale = iteration % 4 == 1  # the first, then every fourth
            expected = read["version"] - 1 if stale else read["version"]
            variables = {
                "code": shared, "expectedVersion": expected,
                "input": {"contactPerson": f"{marker} {'stale' if stale else 'fresh'}"},
            }  # fmt: skip
            tally.writes += 1
            update = await client.post(UPDATE, variables, as_office=True)
            result = _result(update, "updateInitiative")
            _count(tally, result)
            if result is None:
                tally.unacknowledged_writes += 1
            elif stale:
                tally.stale_updates += 1
                tally.stale_updates_refused += result["__typename"] == "ConflictError"
            elif result["__typename"] == "InitiativePayload":
                tally.acknowledged_updates[shared] += 1
            elif result["__typename"] == "ConflictError":
                tally.racing_conflicts += 1
        if pause:
            await asyncio.sleep(pause)


def _count(tally: Tally, result: dict[str, Any] | None) -> None:
    tally.results[result["__typename"] if result is not None else "no result"] += 1


async def reader(client: Client, number: int, stop_at: float) -> None:
    iteration = number
    while time.monotonic() < stop_at:
        query, variables = READS[iteration % len(READS)]
        iteration += 1
        client.tally.reads += 1
        await client.post(query, variables)


def read_targets(base_url: str, token: str) -> Targets:
    response = httpx.post(
        f"{base_url}/graphql",
        json={"query": TARGETS},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    data = response.json()["data"]
    period = data["currentPeriod"]
    if period is None or period["closed"]:
        raise RuntimeError("the load needs an open current period")
    initiatives = [(node["code"], node["owner"]["code"]) for node in data["initiatives"]["nodes"]]
    return Targets(
        period=period["code"],
        initiatives=initiatives,
        shared=[code for code, _ in initiatives[:3]],
    )


@dataclass
class LoadRun:
    """What a run is given: the service, tokens, client counts and duration."""

    base_url: str
    admin_token: str
    reporter_tokens: dict[str, str]  # organisation code → REPORTER token
    writers: int
    readers: int
    seconds: float
    request_timeout: float = 45.0  # above the service's execution timeout (30 s)
    writer_pause: float = 0.0
    events: list[tuple[float, Callable[[], Any]]] = field(default_factory=list)


async def run_load(run: LoadRun, targets: Targets) -> Tally:
    """Writers and readers against the service until ``seconds`` have passed."""
    tally = Tally()
    stop_at = time.monotonic() + run.seconds
    limits = httpx.Limits(max_connections=4, max_keepalive_connections=4)
    timeout = httpx.Timeout(run.request_timeout)
    async with contextlib.AsyncExitStack() as stack:
        tasks = []
        for number in range(run.writers):
            _, owner = targets.initiatives[number % len(targets.initiatives)]
            # Odd writers report as the owner's REPORTER; updates of the shared initiatives
            # belong to the office, so every writer sends those with the ADMIN token.
            token = run.reporter_tokens.get(owner) if number % 2 else None
            http = await stack.enter_async_context(
                httpx.AsyncClient(base_url=run.base_url, timeout=timeout, limits=limits)
            )
            client = Client(http, tally, token or run.admin_token, run.admin_token)
            tasks.append(writer(client, number, targets, stop_at, run.writer_pause))
        for number in range(run.readers):
            http = await stack.enter_async_context(
                httpx.AsyncClient(base_url=run.base_url, timeout=timeout, limits=limits)
            )
            tasks.append(reader(Client(http, tally, None), number, stop_at))
        tasks.extend(_at(offset, action) for offset, action in run.events)
        await asyncio.gather(*tasks)
    return tally


async def _at(offset: float, action: Callable[[], Any]) -> None:
    await asyncio.sleep(offset)
    await asyncio.to_thread(action)


# --- checks afterwards ----------------------------------------------------------------------


@dataclass
class Verdict:
    """What the database holds compared with what the clients were told."""

    problems: list[str] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(database_url: str, tally: Tally, initial_versions: dict[str, int]) -> Verdict:
    """Every acknowledged write is stored exactly once; no write is half-done."""
    verdict = Verdict()
    engine = create_sync_engine(Settings(database_url=database_url))
    try:
        with engine.connect() as connection:
            stored = Counter(
                row.status_reason
                for row in connection.execute(
                    sa.text("SELECT status_reason FROM status_report WHERE status_reason LIKE :m"),
                    {"m": f"{MARKER}%"},
                )
            )
            for _code, _period, marker in tally.acknowledged_reports:
                if stored[marker] != 1:
                    verdict.problems.append(f"report {marker!r} stored {stored[marker]} times")
            duplicates = [marker for marker, count in stored.items() if count > 1]
            if duplicates:
                verdict.problems.append(f"reports stored twice: {duplicates[:5]}")
            extra = len(stored) - len(tally.acknowledged_reports)
            if extra > tally.unacknowledged_writes:
                verdict.problems.append(f"{extra} reports stored that nobody submitted")
            revisions = connection.execute(
                sa.text(
                    "SELECT initiative_id, period_id, count(*) AS n, count(DISTINCT revision) AS d,"
                    " max(revision) AS top FROM status_report GROUP BY initiative_id, period_id"
                )
            ).all()
            for row in revisions:
                if not row.n == row.d == row.top:
                    verdict.problems.append(
                        f"revisions of initiative {row.initiative_id} in period {row.period_id} "
                        f"are not 1..n: {row.n} rows, {row.d} distinct, highest {row.top}"
                    )
            audited = Counter(
                connection.execute(
                    sa.text(
                        "SELECT entity_code FROM audit_event WHERE action = 'status_report.submit'"
                    )
                ).scalars()
            )
            reports = connection.execute(
                sa.text(
                    "SELECT i.code, p.code AS period, r.revision FROM status_report r"
                    " JOIN initiative i ON i.id = r.initiative_id"
                    " JOIN reporting_period p ON p.id = r.period_id"
                    " WHERE r.status_reason LIKE :m"
                ),
                {"m": f"{MARKER}%"},
            ).all()
            unaudited = [
                f"{row.code}@{row.period}#{row.revision}"
                for row in reports
                if audited[f"{row.code}@{row.period}#{row.revision}"] != 1
            ]
            if unaudited:
                verdict.problems.append(f"reports without exactly one audit event: {unaudited[:5]}")
            for code, acknowledged in tally.acknowledged_updates.items():
                version = connection.scalar(
                    sa.text("SELECT version FROM initiative WHERE code = :c"), {"c": code}
                )
                expected = initial_versions[code] + acknowledged
                # Unacknowledged updates may have landed (the answer was lost), never more.
                if not expected <= int(version or 0) <= expected + tally.unacknowledged_writes:
                    verdict.problems.append(
                        f"{code} is at version {version}; {acknowledged} updates from "
                        f"{initial_versions[code]} were acknowledged"
                    )
            for code, name in tally.acknowledged_deliveries.items():
                stored_name = connection.scalar(
                    sa.text("SELECT name FROM delivery WHERE code = :c"), {"c": code}
                )
                if stored_name != name and tally.unacknowledged_writes == 0:
                    verdict.problems.append(f"delivery {code} is {stored_name!r}, not {name!r}")
            verdict.figures["reports_stored"] = sum(stored.values())
    finally:
        engine.dispose()
    if tally.server_errors:
        verdict.problems.append(f"{tally.server_errors} responses were 5xx")
    if tally.error_codes.get("INTERNAL_SERVER_ERROR"):
        verdict.problems.append("masked unexpected errors were answered")
    if tally.stale_updates_refused != tally.stale_updates:
        verdict.problems.append(
            f"{tally.stale_updates - tally.stale_updates_refused} of {tally.stale_updates} "
            "stale updates were not refused with ConflictError"
        )
    return verdict


def initiative_versions(database_url: str, codes: list[str]) -> dict[str, int]:
    engine = create_sync_engine(Settings(database_url=database_url))
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                sa.text("SELECT code, version FROM initiative WHERE code IN :codes").bindparams(
                    sa.bindparam("codes", expanding=True)
                ),
                {"codes": codes},
            )
            return {row.code: int(row.version) for row in rows}
    finally:
        engine.dispose()


def every_worker_sees(
    base_url: str, admin_token: str, *, dependant: str, supplier: str, attempts: int
) -> list[bool]:
    """Add a dependency, then ask over ``attempts`` fresh connections whether it shows.

    Each request opens a new connection, so the kernel spreads them over the workers.
    Returns, per request, whether ``dependant`` is downstream of ``supplier``.
    """
    headers = {"Authorization": f"Bearer {admin_token}"}
    added = httpx.post(
        f"{base_url}/graphql",
        json={
            "query": ADD_DEPENDENCY,
            "variables": {
                "input": {"dependant": dependant, "supplier": supplier, "criticality": "HIGH"}
            },
        },
        headers=headers,
        timeout=30,
    ).json()
    assert added["data"]["addDependency"]["__typename"] == "DependencyPayload", added
    seen = []
    for _ in range(attempts):
        with httpx.Client(base_url=base_url, timeout=30) as fresh:
            body = fresh.post(
                "/graphql", json={"query": DOWNSTREAM, "variables": {"code": supplier}}
            ).json()
        codes = {node["code"] for node in body["data"]["initiative"]["downstream"]}
        seen.append(dependant in codes)
    return seen


__all__ = [
    "LoadRun",
    "Service",
    "Tally",
    "Targets",
    "Verdict",
    "every_worker_sees",
    "initiative_versions",
    "read_targets",
    "run_load",
    "running_service",
    "verify",
]
