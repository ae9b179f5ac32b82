"""Events benchmark: live updates across workers, webhook throughput, a worker killed mid-send.

One uvicorn process with ``--workers`` workers (default 4) serves a fresh PostgreSQL
database holding the synthetic portfolio (``--sizes``, default 1,000); this process is
the only client, on one asyncio loop. Writes are ``submitStatusReport`` with an ADMIN
token (the reports of ``bench_write.py``); an event is named by its initiative and
revision. Latencies are given from two moments: when the write's HTTP response returned
(the commit as the writer sees it: negative when an event arrived before the response),
and when this process, LISTENing on the service's channel, read the ``NOTIFY`` that
PostgreSQL hands out only once the write has committed (the commit as any listener can
first see it).

1. **Subscriptions.** ``--subscribers`` (default 200) graphql-transport-ws connections
   subscribe to ``statusReportSubmitted``, spread evenly over the workers (the worker
   holding each connection is read from ``/proc``). After a warm-up, ``--rounds`` rounds
   of ``--writes`` sequential writes, one every ``--interval`` s; latency for every
   (subscriber, event) pair, taken when this loop reads the frame (so with hundreds of
   sockets it includes the client's own queueing). Every subscriber must get every
   event, in write order.
2. **Webhooks.** A receiver (asyncio, a free loopback port) checks
   ``X-Portfolio-Signature-256`` on every request; a portfolio-wide webhook for
   ``STATUS_REPORT_SUBMITTED`` points at it. Per round, ``--webhook-writes`` writes from
   8 concurrent clients as fast as they go (deliveries/s, writes/s, commit → receipt
   p50/p99, the drain after the last commit), then a backlog of ``--backlog`` events
   committed in one transaction as a write stores them (the dispatchers' own pace).
3. **Crash.** The receiver holds every request without answering; ``--crash-writes``
   writes commit; once requests are held, the worker holding most of them (found from
   the held connections' ports in ``/proc/net/tcp``) gets SIGKILL — its deliveries are
   committed, sent and unanswered — and the receiver answers 500 to what it held and 200
   from then on. uvicorn starts a new worker; the dead worker's claims are sent again by
   any worker once their lease has run out (3 × timeout + 30 s). Every event must be
   answered 200 at least once, and every repeat must carry the same delivery id.

    python benchmarks/bench_events.py                  # 4 workers, 200 subscribers, 1,000
    python benchmarks/bench_events.py --quick          # 40 subscribers, 2 rounds, 1 crash

Budgets are off (``PORTFOLIO_RATE_LIMIT_POINTS=0``). The dispatcher runs with a 2 s
timeout and a 1 s first retry (``PORTFOLIO_WEBHOOK_TIMEOUT``, ``PORTFOLIO_WEBHOOK_RETRY``)
so a crash round ends within a minute; the happy path never retries.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import hashlib
import hmac
import itertools
import json
import os
import signal
import statistics
import sys
import time
from collections import Counter
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common
import httpx
import psycopg
import sqlalchemy as sa
import websockets
from bench_write import admin_token, variables
from sqlalchemy.ext.asyncio import AsyncEngine
from websockets.asyncio.client import ClientConnection
from websockets.typing import Subprotocol

WEBHOOK_KEY = "bench-events-key-of-the-webhook-secrets"
SECRET = "bench-events-shared-secret"
CONCURRENCY = 8
ENVIRONMENT = {
    "PORTFOLIO_WEBHOOK_KEY": WEBHOOK_KEY,
    "PORTFOLIO_WEBHOOK_ALLOW_PRIVATE": "true",
    "PORTFOLIO_WEBHOOK_TIMEOUT": "2",
    "PORTFOLIO_WEBHOOK_RETRY": "1",
    "PORTFOLIO_WEBHOOK_RETRY_MAX": "2",
    "PORTFOLIO_RATE_LIMIT_POINTS": "0",  # budgets off: this measures events, not budgets
}
SUBMIT = """
mutation Submit($input: SubmitStatusReportInput!) {
  submitStatusReport(input: $input) {
    __typename
    ... on StatusReportPayload { report { revision } initiative { code } }
  }
}
"""
SUBSCRIBE = "subscription { statusReportSubmitted { initiativeCode revision } }"
CREATE_WEBHOOK = """
mutation Create($input: CreateWebhookInput!) {
  createWebhook(input: $input) { __typename ... on WebhookPayload { webhook { id } } }
}
"""
RESPONSE = "value (latencies: from the write's response)"
NOTIFIED = "latencies from the commit's NOTIFY"
COLUMNS = ["phase", "figure", RESPONSE, NOTIFIED, "detail"]


# --- writes ----------------------------------------------------------------------------------


@dataclass
class Writer:
    """Submits reports in rotation over the synthetic initiatives; remembers commit times."""

    client: httpx.AsyncClient
    base: str
    size: int
    counter: int = 0

    async def submit(self) -> tuple[str, float]:
        """One write; returns its event's name and its commit time."""
        self.counter += 1
        payload = {"query": SUBMIT, "variables": variables(self.counter, self.size)}
        response = await self.client.post(self.base + "/graphql", json=payload)
        committed = time.perf_counter()
        body = response.json()
        result = (body.get("data") or {}).get("submitStatusReport") or {}
        if result.get("__typename") != "StatusReportPayload":
            raise RuntimeError(f"write refused: {str(body)[:500]}")
        return event_name(result["initiative"]["code"], result["report"]["revision"]), committed


async def write_many(writer: Writer, writes: int) -> dict[str, float]:
    """``writes`` writes from ``CONCURRENCY`` clients at once; their commit times."""
    commits: dict[str, float] = {}
    remaining = iter(range(writes))

    async def loop() -> None:
        for _ in remaining:
            name, committed = await writer.submit()
            commits[name] = committed

    await asyncio.gather(*(loop() for _ in range(CONCURRENCY)))
    return commits


def event_name(code: str, revision: int) -> str:
    return f"{code}#{revision}"


# --- which worker holds a connection ---------------------------------------------------------


def tcp_owners(pids: Sequence[int]) -> dict[tuple[int, int], int]:
    """(local port, remote port) → pid, for the TCP sockets the processes ``pids`` hold."""
    inodes: dict[str, int] = {}
    for pid in pids:
        try:
            entries = list(Path(f"/proc/{pid}/fd").iterdir())
        except OSError:
            continue
        for entry in entries:
            try:
                target = os.readlink(entry)
            except OSError:
                continue
            if target.startswith("socket:["):
                inodes[target[len("socket:[") : -1]] = pid
    owners = {}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if fields[9] in inodes:
                local, remote = (int(address.rsplit(":", 1)[1], 16) for address in fields[1:3])
                owners[(local, remote)] = inodes[fields[9]]
    return owners


# --- subscribers ---------------------------------------------------------------------------


@dataclass
class Subscriber:
    """One graphql-transport-ws connection and the events it received, with their times."""

    connection: ClientConnection
    received: list[tuple[str, float]] = field(default_factory=list)
    """(event, ``perf_counter`` at receipt)"""
    problems: list[str] = field(default_factory=list)
    task: asyncio.Task[None] | None = None

    @property
    def local_port(self) -> int:
        return int(self.connection.local_address[1])

    async def listen(self) -> None:
        async for raw in self.connection:
            now = time.perf_counter()
            message = json.loads(raw)
            if message["type"] == "next":
                event = message["payload"]["data"]["statusReportSubmitted"]
                name = event_name(event["initiativeCode"], event["revision"])
                self.received.append((name, now))
            elif message["type"] == "ping":
                await self.connection.send(json.dumps({"type": "pong"}))
            else:
                self.problems.append(str(message)[:300])

    async def close(self) -> None:
        await self.connection.close()
        if self.task is not None:
            await self.task


async def subscribe(ws_url: str) -> Subscriber:
    connection = await websockets.connect(
        ws_url, subprotocols=[Subprotocol("graphql-transport-ws")], ping_interval=None
    )
    await connection.send(json.dumps({"type": "connection_init"}))
    ack = json.loads(await connection.recv())
    if ack.get("type") != "connection_ack":
        raise RuntimeError(f"no connection_ack: {ack}")
    message = {"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIBE}}
    await connection.send(json.dumps(message))
    subscriber = Subscriber(connection)
    subscriber.task = asyncio.create_task(subscriber.listen())
    return subscriber


async def open_subscribers(
    server: common.Server, count: int, workers: int
) -> dict[int | None, list[Subscriber]]:
    """``count`` subscribers spread evenly over the workers, by worker.

    The workers share one listening socket and the kernel hands a new connection to
    whichever is waiting, so connections are opened in small batches and one landing on a
    worker that already has its share is closed again (up to ten times ``count`` tries).
    """
    ws_url = server.url.replace("http://", "ws://") + "/graphql"
    port = int(server.url.rsplit(":", 1)[1])
    share = -(-count // workers)
    kept: dict[int | None, list[Subscriber]] = {}
    tries = 0
    while sum(map(len, kept.values())) < count and tries < 10 * count:
        batch = min(10, count - sum(map(len, kept.values())))
        tries += batch
        opened = await asyncio.gather(*(subscribe(ws_url) for _ in range(batch)))
        owners = tcp_owners(server.worker_pids())
        for subscriber in opened:
            worker = owners.get((port, subscriber.local_port))
            if len(kept.setdefault(worker, [])) < share:
                kept[worker].append(subscriber)
            else:
                await subscriber.close()
    return kept


async def wait_for_all(
    subscribers: Sequence[Subscriber], starts: Sequence[int], count: int, timeout: float
) -> None:
    deadline = time.monotonic() + timeout
    pairs = list(zip(subscribers, starts, strict=True))
    while time.monotonic() < deadline:
        if all(len(subscriber.received) - start >= count for subscriber, start in pairs):
            return
        await asyncio.sleep(0.02)


async def latency_round(
    writer: Writer, subscribers: Sequence[Subscriber], writes: int, interval: float
) -> dict[str, Any]:
    """``writes`` sequential writes, one every ``interval`` s; every pair's latency."""
    starts = [len(subscriber.received) for subscriber in subscribers]
    names: list[str] = []
    commits: dict[str, float] = {}
    for _ in range(writes):
        begun = time.perf_counter()
        name, committed = await writer.submit()
        names.append(name)
        commits[name] = committed
        await asyncio.sleep(max(0.0, interval - (time.perf_counter() - begun)))
    await wait_for_all(subscribers, starts, writes, timeout=30)
    latencies: list[float] = []
    receipts: list[tuple[str, float]] = []
    missing = in_order = 0
    for subscriber, start in zip(subscribers, starts, strict=True):
        got = subscriber.received[start:]
        in_order += [name for name, _ in got] == names
        missing += len(set(names) - {name for name, _ in got})
        latencies += [at - commits[name] for name, at in got if name in commits]
        receipts += [(name, at) for name, at in got if name in commits]
    return {
        "p50": common.percentile(latencies, 0.5) * 1000,
        "p99": common.percentile(latencies, 0.99) * 1000,
        "max": max(latencies) * 1000,
        "pairs": len(latencies),
        "expected": writes * len(subscribers),
        "missing": missing,
        "in_order": in_order,
        "receipts": receipts,
    }


# --- the webhook receiver --------------------------------------------------------------------


@dataclass(frozen=True)
class Receipt:
    """One request the receiver got, and what it answered."""

    name: str
    delivery: str
    at: float
    """``perf_counter`` at receipt"""
    signed: bool
    answered: int
    peer_port: int


class Receiver:
    """An HTTP/1.1 server on a free loopback port that checks every signature.

    ``hold()`` keeps each request unanswered until ``release(status)`` answers them all
    with ``status``; otherwise (and after a release) it answers 200 at once.
    """

    def __init__(self, secret: str) -> None:
        self.secret = secret.encode()
        self.receipts: list[Receipt] = []
        self.holding: list[int] = []
        self.port = 0
        self._holding = False
        self._release = asyncio.Event()
        self._release_status = 200
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/portfolio"

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._connection, "127.0.0.1", 0, backlog=256)
        self.port = int(self._server.sockets[0].getsockname()[1])

    async def stop(self) -> None:
        """Close the server and every open connection; their handlers end on their own."""
        self.release(500)
        if self._server is not None:
            self._server.close()
        for writer in list(self._writers):
            writer.close()
        while self._writers:
            await asyncio.sleep(0.01)

    def hold(self) -> None:
        self._holding = True
        self._release = asyncio.Event()

    def release(self, status: int) -> None:
        self._holding = False
        self._release_status = status
        self._release.set()

    def answered_ok(self) -> set[str]:
        return {receipt.name for receipt in self.receipts if receipt.answered == 200}

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        peer_port = int(writer.get_extra_info("peername")[1])
        self._writers.add(writer)
        try:
            while True:  # keep-alive: one request after another
                head = await reader.readuntil(b"\r\n\r\n")
                headers = {
                    name.strip().lower(): value.strip()
                    for name, _, value in (
                        line.partition(":") for line in head.decode("latin-1").split("\r\n")[1:]
                    )
                    if name
                }
                body = await reader.readexactly(int(headers.get("content-length", "0")))
                at = time.perf_counter()
                status = 200
                if self._holding:
                    self.holding.append(peer_port)
                    await self._release.wait()
                    self.holding.remove(peer_port)
                    status = self._release_status
                self.receipts.append(self._receipt(headers, body, at, status, peer_port))
                reason = b"OK" if status == 200 else b"Internal Server Error"
                writer.write(b"HTTP/1.1 %d %s\r\nContent-Length: 0\r\n\r\n" % (status, reason))
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()
            self._writers.discard(writer)

    def _receipt(
        self,
        headers: dict[str, str],
        body: bytes,
        at: float,
        status: int,
        peer_port: int,
    ) -> Receipt:
        expected = "sha256=" + hmac.new(self.secret, body, hashlib.sha256).hexdigest()
        document = json.loads(body)
        return Receipt(
            name=event_name(document["data"]["initiative_code"], document["data"]["revision"]),
            delivery=headers.get("x-portfolio-delivery", ""),
            at=at,
            signed=hmac.compare_digest(expected, headers.get("x-portfolio-signature-256", "")),
            answered=status,
            peer_port=peer_port,
        )


async def wait_answered(receiver: Receiver, names: Sequence[str], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not set(names) <= receiver.answered_ok():
        await asyncio.sleep(0.02)


async def create_webhook(client: httpx.AsyncClient, base: str, url: str) -> None:
    webhook = {"url": url, "events": ["STATUS_REPORT_SUBMITTED"], "secret": SECRET}
    response = await client.post(
        base + "/graphql", json={"query": CREATE_WEBHOOK, "variables": {"input": webhook}}
    )
    made = response.json()["data"]["createWebhook"]
    if made["__typename"] != "WebhookPayload":
        raise RuntimeError(f"createWebhook refused: {made}")


def bounds_ms(seconds: Sequence[float], prefix: str = "") -> dict[str, float]:
    """p50, p99 and max of a sample of durations, in milliseconds."""
    return {
        prefix + "p50": common.percentile(seconds, 0.5) * 1000,
        prefix + "p99": common.percentile(seconds, 0.99) * 1000,
        prefix + "max": max(seconds) * 1000,
    }


def first_answered(receipts: Sequence[Receipt], names: Collection[str]) -> dict[str, Receipt]:
    """The first receipt answered 200 of every event in ``names``."""
    firsts: dict[str, Receipt] = {}
    for receipt in receipts:
        if receipt.name in names and receipt.answered == 200:
            firsts.setdefault(receipt.name, receipt)
    return firsts


async def throughput_round(
    writer: Writer, receiver: Receiver, listener: CommitListener, writes: int
) -> dict[str, Any]:
    """``writes`` writes from ``CONCURRENCY`` clients; how fast the deliveries follow."""
    first = len(receiver.receipts)
    started = time.perf_counter()
    commits = await write_many(writer, writes)
    await wait_answered(receiver, list(commits), timeout=60)
    receipts = [r for r in receiver.receipts[first:] if r.name in commits]
    firsts = first_answered(receipts, commits)
    notified = await listener.by_name()
    last_receipt = max(receipt.at for receipt in firsts.values())
    return {
        "deliveries_per_s": len(firsts) / (last_receipt - started),
        "writes_per_s": writes / (max(commits.values()) - started),
        **bounds_ms([receipt.at - commits[name] for name, receipt in firsts.items()]),
        **bounds_ms([r.at - notified[name] for name, r in firsts.items()], "notify_"),
        "drain": (last_receipt - max(commits.values())) * 1000,
        "delivered": len(firsts),
        "written": writes,
        "badly_signed": sum(not receipt.signed for receipt in receipts),
        "repeats": len(receipts) - len(firsts),
    }


async def backlog_round(
    engine: AsyncEngine, receiver: Receiver, events: int, serial: Iterator[int]
) -> dict[str, Any]:
    """``events`` report events committed in one transaction; how fast they are delivered.

    Each is the newest stored report event with another revision, stored as a write
    stores it (``store_event`` after the data version moved), so the write path does not
    limit the figure: this is the dispatchers' own pace.
    """
    from app.data_version import bump_data_version
    from app.events import StatusReportSubmitted, event_from_record, store_event
    from app.tables import event_table

    first = len(receiver.receipts)
    names = []
    async with engine.begin() as connection:
        row = (
            await connection.execute(
                sa.select(event_table.c.kind, event_table.c.payload)
                .where(event_table.c.kind == "StatusReportSubmitted")
                .order_by(event_table.c.id.desc())
                .limit(1)
            )
        ).one()
        model = event_from_record(row.kind, row.payload)
        assert isinstance(model, StatusReportSubmitted)
        await bump_data_version(connection)
        for _ in range(events):
            event = dataclasses.replace(model, revision=next(serial))
            await store_event(connection, event)
            names.append(event_name(event.initiative_code, event.revision))
    committed = time.perf_counter()
    await wait_answered(receiver, names, timeout=120)
    receipts = [r for r in receiver.receipts[first:] if r.name in set(names)]
    firsts = first_answered(receipts, set(names))
    times = [receipt.at for receipt in firsts.values()]
    return {
        "backlog_per_s": len(firsts) / (max(times) - committed),
        "backlog_first": (min(times) - committed) * 1000,
        "backlog_delivered": len(firsts),
        "backlog_written": events,
        "backlog_badly_signed": sum(not receipt.signed for receipt in receipts),
        "backlog_repeats": len(receipts) - len(firsts),
    }


# --- the crash -------------------------------------------------------------------------------


async def crash_round(
    server: common.Server, writer: Writer, receiver: Receiver, writes: int, workers: int
) -> dict[str, Any]:
    """Writes commit, the receiver holds their deliveries, the worker holding most dies."""
    first = len(receiver.receipts)
    receiver.hold()
    names = list(await write_many(writer, writes))
    deadline = time.monotonic() + 30
    while not receiver.holding and time.monotonic() < deadline:
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.3)  # the other workers' claims arrive too
    pids = server.worker_pids()
    owners = tcp_owners(pids)
    held_by = Counter(owners.get((port, receiver.port)) for port in receiver.holding)
    held_by.pop(None, None)
    if not held_by:
        receiver.release(500)
        raise RuntimeError("no worker held a delivery: nothing to kill")
    victim, held = held_by.most_common(1)[0]
    assert victim is not None
    victim_ports = {
        port for port in receiver.holding if owners.get((port, receiver.port)) == victim
    }
    os.kill(victim, signal.SIGKILL)
    killed_at = time.perf_counter()
    receiver.release(500)  # the receiver comes back: 500 to what it held, then 200
    await asyncio.sleep(0.1)  # the held requests are recorded as they are answered
    in_flight = {r.delivery for r in receiver.receipts[first:] if r.peer_port in victim_ports}
    await wait_answered(receiver, names, timeout=120)
    recovered = time.perf_counter() - killed_at
    receipts = [r for r in receiver.receipts[first:] if r.name in names]
    ids: dict[str, set[str]] = {}
    for receipt in receipts:
        ids.setdefault(receipt.name, set()).add(receipt.delivery)
    answered = {r.name for r in receipts if r.answered == 200}
    for _ in range(100):  # uvicorn replaces the dead worker
        if len(server.worker_pids()) == workers and victim not in server.worker_pids():
            break
        await asyncio.sleep(0.1)
    return {
        "written": writes,
        "delivered": len(answered),
        "lost": len(set(names) - answered),
        "receipts": len(receipts),
        "duplicates": len(receipts) - len(ids),
        "one_id_per_event": sum(len(found) == 1 for found in ids.values()),
        "badly_signed": sum(not receipt.signed for receipt in receipts),
        "held_by_killed": held,
        "killed_resent": len(in_flight & {r.delivery for r in receipts if r.answered == 200}),
        "held_by_others": sum(held_by.values()) - held,
        "recovered_s": recovered,
        "workers_after": len(server.worker_pids()),
    }


def event_names(database_url: str) -> dict[int, str]:
    """Every stored report event's id → its name."""
    from app.database import create_sync_engine
    from app.settings import Settings
    from app.tables import event_table

    engine = create_sync_engine(Settings(database_url=database_url))
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                sa.select(event_table.c.id, event_table.c.payload).where(
                    event_table.c.kind == "StatusReportSubmitted"
                )
            )
            return {
                row.id: event_name(row.payload["initiative_code"], row.payload["revision"])
                for row in rows
            }
    finally:
        engine.dispose()


class CommitListener:
    """LISTENs on the service's channel: when each event's commit was announced.

    PostgreSQL hands a ``NOTIFY`` to listeners only once its transaction has committed, so
    the moment this loop reads it is the commit as any listener can first see it.
    """

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        self.seen: dict[int, float] = {}
        self._connection: psycopg.AsyncConnection[Any] | None = None
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        from app.events import CHANNEL

        self._connection = await psycopg.AsyncConnection.connect(self.database_url, autocommit=True)
        await self._connection.execute(f"LISTEN {CHANNEL}")
        self._task = asyncio.create_task(self._listen(self._connection))

    async def _listen(self, connection: psycopg.AsyncConnection[Any]) -> None:
        async for notify in connection.notifies():
            self.seen.setdefault(int(notify.payload), time.perf_counter())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._connection is not None:
            await self._connection.close()

    async def by_name(self) -> dict[str, float]:
        """``perf_counter`` of each announced report event, by event name."""
        names = await asyncio.to_thread(event_names, self.database_url)
        return {names[id_]: at for id_, at in self.seen.items() if id_ in names}


def delivery_statuses(database_url: str) -> dict[str, int]:
    from app.database import create_sync_engine
    from app.settings import Settings
    from app.tables import webhook_delivery_table

    engine = create_sync_engine(Settings(database_url=database_url))
    try:
        with engine.connect() as connection:
            status = webhook_delivery_table.c.status
            rows = connection.execute(sa.select(status, sa.func.count()).group_by(status))
            return {str(row[0]): int(row[1]) for row in rows}
    finally:
        engine.dispose()


# --- the run ---------------------------------------------------------------------------------


def median_range(values: Sequence[float], digits: int = 1) -> str:
    median = statistics.median(values)
    return f"{median:,.{digits}f} [{min(values):,.{digits}f}–{max(values):,.{digits}f}]"


async def measure(
    server: common.Server, token: str, size: int, arguments: Any, report: common.Report
) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    limits = httpx.Limits(max_connections=CONCURRENCY)
    listener = CommitListener(arguments.database_url)
    receiver = Receiver(SECRET)
    await listener.start()
    await receiver.start()
    try:
        async with httpx.AsyncClient(headers=headers, timeout=60, limits=limits) as client:
            writer = Writer(client, server.url, size)
            await subscriptions(server, writer, listener, arguments, report)
            await create_webhook(client, server.url, receiver.url)
            await webhooks(writer, receiver, listener, arguments, report)
            await crashes(server, writer, receiver, arguments, report)
    finally:
        await receiver.stop()
        await listener.stop()


async def subscriptions(
    server: common.Server,
    writer: Writer,
    listener: CommitListener,
    arguments: Any,
    report: common.Report,
) -> None:
    by_worker = await open_subscribers(server, arguments.subscribers, arguments.workers)
    subscribers = [subscriber for kept in by_worker.values() for subscriber in kept]
    spread = {worker: len(kept) for worker, kept in by_worker.items()}
    print(f"  subscribers per worker: {spread}", file=sys.stderr)
    # Subscriptions start asynchronously: write until every subscriber has seen a write.
    for _ in range(50):
        starts = [len(s.received) for s in subscribers]
        await writer.submit()
        await wait_for_all(subscribers, starts, 1, timeout=2)
        if all(len(s.received) > start for s, start in zip(subscribers, starts, strict=True)):
            break
    for _ in range(arguments.warmup):
        await latency_round(writer, subscribers, arguments.writes, arguments.interval)
    rounds = []
    for number in range(arguments.rounds):
        figures = await latency_round(writer, subscribers, arguments.writes, arguments.interval)
        shown = {key: value for key, value in figures.items() if key != "receipts"}
        print(f"  subscriptions round {number + 1}: {json.dumps(shown)}", file=sys.stderr)
        rounds.append(figures)
    problems = [problem for s in subscribers for problem in s.problems]
    for subscriber in subscribers:
        await subscriber.close()
    notified = await listener.by_name()
    for figures in rounds:
        since = [at - notified[name] for name, at in figures.pop("receipts")]
        figures |= bounds_ms(since, "notify_")
    detail = (
        f"{arguments.subscribers} subscribers × {arguments.writes} events × "
        f"{arguments.rounds} rounds, one write every {arguments.interval * 1000:g} ms"
    )
    for key in ("p50", "p99", "max"):
        report.add(
            phase="subscriptions",
            figure=f"commit → receipt {key} ms",
            **{
                RESPONSE: median_range([r[key] for r in rounds]),
                NOTIFIED: median_range([r["notify_" + key] for r in rounds]),
            },
            detail=detail,
        )
    spread_text = " · ".join(str(count) for _, count in sorted(spread.items(), key=str))
    report.add(
        phase="subscriptions",
        figure="pairs received / expected",
        **{RESPONSE: f"{total(rounds, 'pairs'):,} / {total(rounds, 'expected'):,}"},
        detail=f"missing {total(rounds, 'missing')}; subscribers with every event in "
        f"order: {min(r['in_order'] for r in rounds)}/{arguments.subscribers} in every round; "
        f"per worker: {spread_text}; other messages: {len(problems)}",
    )
    report.extra["subscription_rounds"] = rounds
    report.extra["subscribers_per_worker"] = {str(pid): count for pid, count in spread.items()}


async def webhooks(
    writer: Writer,
    receiver: Receiver,
    listener: CommitListener,
    arguments: Any,
    report: common.Report,
) -> None:
    from app.database import create_engine
    from app.settings import Settings

    engine = create_engine(Settings(database_url=arguments.database_url))
    serial = itertools.count(1_000_000)  # the backlog's revisions, apart from real ones
    try:
        await throughput_round(writer, receiver, listener, arguments.webhook_writes)  # warm-up
        await backlog_round(engine, receiver, arguments.backlog, serial)
        rounds = []
        for number in range(arguments.rounds):
            figures = await throughput_round(writer, receiver, listener, arguments.webhook_writes)
            figures |= await backlog_round(engine, receiver, arguments.backlog, serial)
            print(f"  webhook round {number + 1}: {json.dumps(figures)}", file=sys.stderr)
            rounds.append(figures)
    finally:
        await engine.dispose()
    detail = (
        f"{arguments.webhook_writes} writes × {arguments.rounds} rounds from {CONCURRENCY} "
        "clients; one portfolio-wide webhook"
    )
    for key, label in (
        ("deliveries_per_s", "deliveries/s (first write → last receipt)"),
        ("writes_per_s", "writes/s meanwhile"),
        ("p50", "commit → receipt p50 ms"),
        ("p99", "commit → receipt p99 ms"),
        ("drain", "last commit → last receipt ms"),
    ):
        figures = {RESPONSE: median_range([r[key] for r in rounds])}
        if key in ("p50", "p99"):
            figures[NOTIFIED] = median_range([r["notify_" + key] for r in rounds])
        report.add(phase="webhooks", figure=label, **figures, detail=detail)
    report.add(
        phase="webhooks",
        figure="delivered / written",
        **{RESPONSE: f"{total(rounds, 'delivered'):,} / {total(rounds, 'written'):,}"},
        detail=f"badly signed {total(rounds, 'badly_signed')}, repeats {total(rounds, 'repeats')}",
    )
    backlog = f"{arguments.backlog} events committed in one transaction × {arguments.rounds} rounds"
    report.add(
        phase="webhooks",
        figure="backlog: deliveries/s (commit → last receipt)",
        **{RESPONSE: median_range([r["backlog_per_s"] for r in rounds])},
        detail=backlog,
    )
    report.add(
        phase="webhooks",
        figure="backlog: commit → first receipt ms",
        **{RESPONSE: median_range([r["backlog_first"] for r in rounds])},
        detail=f"delivered {total(rounds, 'backlog_delivered'):,} of "
        f"{total(rounds, 'backlog_written'):,}; badly signed "
        f"{total(rounds, 'backlog_badly_signed')}, repeats {total(rounds, 'backlog_repeats')}",
    )
    report.extra["webhook_rounds"] = rounds


def total(rounds: Sequence[dict[str, Any]], key: str) -> int:
    return sum(int(figures[key]) for figures in rounds)


async def crashes(
    server: common.Server,
    writer: Writer,
    receiver: Receiver,
    arguments: Any,
    report: common.Report,
) -> None:
    rounds = []
    for number in range(arguments.crash_rounds):
        figures = await crash_round(
            server, writer, receiver, arguments.crash_writes, arguments.workers
        )
        print(f"  crash round {number + 1}: {json.dumps(figures)}", file=sys.stderr)
        rounds.append(figures)

    for _ in range(300):  # the last attempts are recorded just after their answer
        statuses = await asyncio.to_thread(delivery_statuses, arguments.database_url)
        if "PENDING" not in statuses:
            break
        await asyncio.sleep(0.1)

    def count(key: str) -> int:
        return total(rounds, key)

    report.add(
        phase="crash",
        figure="events written / delivered (200) / lost",
        **{RESPONSE: f"{count('written')} / {count('delivered')} / {count('lost')}"},
        detail=f"{arguments.crash_rounds} rounds of {arguments.crash_writes} writes, one worker "
        "SIGKILLed per round while its deliveries were in flight",
    )
    report.add(
        phase="crash",
        figure="receipts / duplicates / events with one delivery id",
        **{RESPONSE: f"{count('receipts')} / {count('duplicates')} / {count('one_id_per_event')}"},
        detail=f"held by the killed worker {count('held_by_killed')}, of which answered 200 "
        f"later under the same delivery id {count('killed_resent')}; held by the others "
        f"{count('held_by_others')}; all held answered 500; badly signed "
        f"{count('badly_signed')}",
    )
    report.add(
        phase="crash",
        figure="kill → every event answered 200, s",
        **{RESPONSE: median_range([r["recovered_s"] for r in rounds])},
        detail="lease 3 × 2 s + 30 s; workers after each round: "
        f"{', '.join(str(r['workers_after']) for r in rounds)}; deliveries in the database "
        f"at the end: {statuses}",
    )
    report.extra["crash_rounds"] = rounds
    report.extra["delivery_statuses"] = statuses


def main() -> None:
    options = common.parser("Events across workers: subscriptions, webhooks, a killed worker.")
    options.set_defaults(backend="postgresql", sizes=[1_000])
    options.add_argument("--workers", type=int, default=4)
    options.add_argument("--subscribers", type=int, default=200)
    options.add_argument("--rounds", type=int, default=5, help="timed rounds per phase")
    options.add_argument("--warmup", type=int, default=1, help="untimed rounds first")
    options.add_argument("--writes", type=int, default=30, help="writes per subscription round")
    options.add_argument("--interval", type=float, default=0.1, help="seconds between writes")
    options.add_argument("--webhook-writes", type=int, default=100)
    options.add_argument("--backlog", type=int, default=500, help="events per backlog round")
    options.add_argument("--crash-rounds", type=int, default=3)
    options.add_argument("--crash-writes", type=int, default=20)
    arguments = options.parse_args()
    if arguments.backend != "postgresql":
        options.error("events cross workers through PostgreSQL: --backend postgresql only")
    if arguments.quick:
        arguments.subscribers, arguments.rounds, arguments.writes = 40, 2, 10
        arguments.webhook_writes, arguments.crash_rounds, arguments.crash_writes = 30, 1, 10
        arguments.backlog = 100
    size = arguments.sizes[0]
    report = common.Report("events", COLUMNS)
    load_before = os.getloadavg()
    print(f"[events] postgresql N={size}, {arguments.workers} workers", file=sys.stderr)
    arguments.database_url = common.postgres_database(size)
    token = admin_token(arguments.database_url)
    server = common.start_uvicorn(
        arguments.database_url, workers=arguments.workers, extra_env=ENVIRONMENT, label="events"
    )
    with common.running(server):
        asyncio.run(measure(server, token, size, arguments, report))
    load_after = os.getloadavg()
    report.notes.append(
        f"PostgreSQL, synthetic portfolio of {size:,}; one uvicorn process with "
        f"{arguments.workers} workers; the client (subscribers, writers, receiver) is one "
        "asyncio loop on the same machine. Timings: median [min–max] over the rounds, after "
        f"a warm-up. Load average (1, 5, 15 min) {', '.join(f'{v:.2f}' for v in load_before)} "
        f"at the start, {', '.join(f'{v:.2f}' for v in load_after)} at the end, on "
        f"{os.cpu_count()} cores."
    )
    report.finish(arguments.output)
    common.drop_postgres_databases()


if __name__ == "__main__":
    main()
