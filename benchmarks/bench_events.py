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
so a crash round ends within a minute; the happy path never retries. The clients live in
``event_clients.py``, one round of each phase in ``event_rounds.py``.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import statistics
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common
import httpx
from bench_write import admin_token
from event_clients import (
    CONCURRENCY,
    CommitListener,
    Receiver,
    Writer,
    create_webhook,
    delivery_statuses,
    open_subscribers,
    wait_for_all,
)
from event_rounds import backlog_round, bounds_ms, crash_round, latency_round, throughput_round

WEBHOOK_KEY = "bench-events-key-of-the-webhook-secrets"
SECRET = "bench-events-shared-secret"
ENVIRONMENT = {
    "PORTFOLIO_WEBHOOK_KEY": WEBHOOK_KEY,
    "PORTFOLIO_WEBHOOK_ALLOW_PRIVATE": "true",
    "PORTFOLIO_WEBHOOK_TIMEOUT": "2",
    "PORTFOLIO_WEBHOOK_RETRY": "1",
    "PORTFOLIO_WEBHOOK_RETRY_MAX": "2",
    "PORTFOLIO_RATE_LIMIT_POINTS": "0",  # budgets off: this measures events, not budgets
}
RESPONSE = "value (latencies: from the write's response)"
NOTIFIED = "latencies from the commit's NOTIFY"
COLUMNS = ["phase", "figure", RESPONSE, NOTIFIED, "detail"]


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
            await create_webhook(client, server.url, receiver.url, SECRET)
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
