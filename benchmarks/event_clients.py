"""The clients ``bench_events.py`` drives the service's events with.

A writer of status reports, graphql-transport-ws subscribers (and which worker holds
each connection, from ``/proc``), a ``LISTEN`` on the service's channel that notes when
each commit was announced, and a webhook receiver that checks every signature and can
hold requests unanswered.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import os
import sys
import time
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common
import httpx
import psycopg
import sqlalchemy as sa
import websockets
from bench_write import variables
from websockets.asyncio.client import ClientConnection
from websockets.typing import Subprotocol

CONCURRENCY = 8
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


# --- the webhook receiver ------------------------------------------------------------------


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


def first_answered(receipts: Sequence[Receipt], names: Collection[str]) -> dict[str, Receipt]:
    """The first receipt answered 200 of every event in ``names``."""
    firsts: dict[str, Receipt] = {}
    for receipt in receipts:
        if receipt.name in names and receipt.answered == 200:
            firsts.setdefault(receipt.name, receipt)
    return firsts


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


async def create_webhook(client: httpx.AsyncClient, base: str, url: str, secret: str) -> None:
    """A portfolio-wide webhook for every submitted status report."""
    webhook = {"url": url, "events": ["STATUS_REPORT_SUBMITTED"], "secret": secret}
    response = await client.post(
        base + "/graphql", json={"query": CREATE_WEBHOOK, "variables": {"input": webhook}}
    )
    made = response.json()["data"]["createWebhook"]
    if made["__typename"] != "WebhookPayload":
        raise RuntimeError(f"createWebhook refused: {made}")
