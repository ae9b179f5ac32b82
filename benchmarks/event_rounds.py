"""One measured round of each phase of ``bench_events.py``; each returns its figures."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import signal
import sys
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common
import sqlalchemy as sa
from event_clients import (
    CommitListener,
    Receiver,
    Subscriber,
    Writer,
    event_name,
    first_answered,
    tcp_owners,
    wait_answered,
    wait_for_all,
    write_many,
)
from sqlalchemy.ext.asyncio import AsyncEngine


def bounds_ms(seconds: Sequence[float], prefix: str = "") -> dict[str, float]:
    """p50, p99 and max of a sample of durations, in milliseconds."""
    return {
        prefix + "p50": common.percentile(seconds, 0.5) * 1000,
        prefix + "p99": common.percentile(seconds, 0.99) * 1000,
        prefix + "max": max(seconds) * 1000,
    }


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
