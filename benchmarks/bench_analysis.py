"""Analysis benchmark: riskPropagation and criticalPath, cold (right after a write) and warm.

Part 1, over loopback HTTP against uvicorn: for each query, bump the data version in its
own transaction (what every write does), time the first request (cold: the worker reads
the graph rows, rebuilds the graph and runs the analysis), then the median of repeated
identical requests (warm). Two selections of riskPropagation: *lean* (codes and levels)
and *full* (paths, sources and the initiative objects).

Part 2, in-process, issue 3's ask: the phases of a cold analysis (read graph rows, build
the graph, read statuses, propagation, schedule) and the warm per-request cost through
the ASGI app, at 10,000 and 100,000 initiatives (100,000 on SQLite only; the file is
generated once and cached). ``benchmarks/bench_graph.py`` covers the pure-graph steps.

    python benchmarks/bench_analysis.py                    # HTTP at 1,000/10,000 + phases
    python benchmarks/bench_analysis.py --phase-sizes 10000 100000
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common
import httpx

QUERIES = {
    "riskPropagation (lean)": """
        { riskPropagation {
            periodCode flaggedCount
            flagged(first: 1000) { code level }
            reach(first: 1000) { code red yellow }
        } }
    """,
    "riskPropagation (full)": """
        { riskPropagation {
            flagged(first: 100) {
                level paths(first: 10) initiative { code name } sources(first: 10) { code }
            }
            reach(first: 1000) { red yellow total source { code } }
        } }
    """,
    "criticalPath": """
        { criticalPath { __typename ... on CriticalPath {
            finish chain { code name }
            activityCount
            activities(first: 1000) { code earliestStart earliestFinish latestStart latestFinish
                         totalFloatDays critical }
        } ... on DependencyCycleError { message } } }
    """,
}


# Each of the full selection's paths is a search as long as the path: it runs up to 2,000.
FULL_ONLY_UP_TO = {"riskPropagation (full)": 2_000}
TIMEOUT = 120


def _post(client: httpx.Client, base: str, query: str) -> tuple[float, int]:
    started = time.perf_counter()
    response = client.post(base + "/graphql", json={"query": query})
    elapsed = time.perf_counter() - started
    body = response.json()
    if body.get("errors"):
        raise RuntimeError(body["errors"])
    return elapsed, len(response.content)


def http_runs(backend: str, size: int, *, repeat: int, report: common.Report) -> None:
    url = common.database(backend, size)
    with (
        common.running(common.start_uvicorn(url, label="analysis")) as server,
        httpx.Client(timeout=TIMEOUT) as client,
    ):
        _post(client, server.url, "{ currentPeriod { code } }")  # process warm-up
        for name, query in QUERIES.items():
            if name in FULL_ONLY_UP_TO and size > FULL_ONLY_UP_TO[name]:
                report.notes.append(
                    f"{name} not run at {size:,}: the response lists one path per (initiative, "
                    "source) pair — 1.6 million pairs and 32 million path elements at 10,000 "
                    "— and runs for minutes (see RESULTS.md)."
                )
                continue
            common.bump_version(url)
            try:
                cold, length = _post(client, server.url, query)
                warm = []
                deadline = time.monotonic() + 20
                while len(warm) < repeat and time.monotonic() < deadline:
                    warm.append(_post(client, server.url, query)[0])
            except httpx.TimeoutException:
                report.notes.append(f"{backend} N={size} {name}: no answer within {TIMEOUT} s.")
                report.add(backend=backend, N=size, query=name, **{"cold ms": f">{TIMEOUT} s"})
                continue
            except RuntimeError as error:  # a GraphQL error, e.g. the execution time limit
                report.notes.append(f"{backend} N={size} {name}: {str(error)[:200]}")
                report.add(backend=backend, N=size, query=name, **{"cold ms": "error"})
                continue
            summary = common.summary_ms(warm)
            report.add(
                backend=backend,
                N=size,
                query=name,
                **{
                    "cold ms": cold * 1000,
                    "warm median ms": summary["median_ms"],
                    "warm p95 ms": summary["p95_ms"],
                    "warm n": summary["n"],
                    "response kB": length / 1024,
                },
            )


async def phases(backend: str, size: int, *, repeat: int) -> dict[str, Any]:
    """Cold phases of the analysis and the warm in-process request cost."""
    from app import repository
    from app.analysis import Analysis
    from app.database import create_engine
    from app.main import create_app
    from app.settings import Settings

    url = common.database(backend, size)
    settings = Settings(database_url=url)
    engine = create_engine(settings)
    timings: dict[str, Any] = {"backend": backend, "N": size}
    async with engine.connect() as connection:
        periods = await repository.list_reporting_periods(connection)
        opens = periods[0].opens if periods else None
        started = time.perf_counter()
        rows = await repository.graph_rows(connection)
        timings["read graph rows s"] = time.perf_counter() - started
        started = time.perf_counter()
        analysis = Analysis.from_rows(1, rows)
        timings["build graph s"] = time.perf_counter() - started

        async def read(query: Any, *args: Any, **kwargs: Any) -> Any:
            return await query(connection, *args, **kwargs)

        started = time.perf_counter()
        await analysis.statuses(read, opens)
        timings["read statuses s"] = time.perf_counter() - started
        started = time.perf_counter()
        flagged = await analysis.propagation(read, opens, include_risk_level=False)
        timings["propagation s"] = time.perf_counter() - started
        started = time.perf_counter()
        await analysis.schedule()
        timings["schedule s"] = time.perf_counter() - started
    await engine.dispose()
    timings["cold total s"] = sum(value for key, value in timings.items() if key.endswith(" s"))
    timings["flagged"] = len(flagged)
    timings["edges"] = analysis.graph.number_of_edges()

    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://bench") as client,
    ):
        for name in ("riskPropagation (lean)", "criticalPath"):
            query = QUERIES[name]
            first = time.perf_counter()
            response = await client.post("/graphql", json={"query": query})
            timings[f"{name} in-process cold ms"] = (time.perf_counter() - first) * 1000
            assert "errors" not in response.json(), response.text[:500]
            warm = []
            for _ in range(repeat):
                started = time.perf_counter()
                await client.post("/graphql", json={"query": query})
                warm.append(time.perf_counter() - started)
            timings[f"{name} in-process warm ms"] = statistics.median(warm) * 1000
    return timings


HTTP_COLUMNS = [
    "backend", "N", "query", "cold ms", "warm median ms", "warm p95 ms", "warm n", "response kB",
]  # fmt: skip


def main() -> None:
    options = common.parser("riskPropagation and criticalPath, cold and warm.")
    options.add_argument("--repeat", type=int, default=20, help="warm requests per query")
    options.add_argument(
        "--phase-sizes", type=int, nargs="*", default=[10_000, 100_000],
        help="sizes for the in-process phases (100,000 runs on SQLite only)",
    )  # fmt: skip
    arguments = options.parse_args()
    sizes = [1_000] if arguments.quick else arguments.sizes
    repeat = 5 if arguments.quick else arguments.repeat
    phase_sizes = [1_000] if arguments.quick else arguments.phase_sizes
    report = common.Report("analysis", HTTP_COLUMNS)
    report.notes.append(
        "HTTP, one uvicorn worker. Cold: first request after a data-version bump (graph rows "
        "read, graph rebuilt, analysis computed). Warm: median of identical repeated requests. "
        "No response cache existed in the service at measurement time unless stated."
    )
    for backend in common.backends(arguments.backend):
        for size in sizes:
            print(f"[analysis] {backend} N={size}", file=sys.stderr)
            http_runs(backend, size, repeat=repeat, report=report)
    phase_rows = []
    for backend in common.backends(arguments.backend):
        for size in phase_sizes:
            if size > 20_000 and backend != "sqlite":
                continue
            print(f"[analysis phases] {backend} N={size}", file=sys.stderr)
            phase_rows.append(asyncio.run(phases(backend, size, repeat=repeat)))
            print("  " + str(phase_rows[-1]), file=sys.stderr)
    report.extra["phases"] = phase_rows
    if phase_rows:
        keys = [key for key in phase_rows[0] if key not in {"backend", "N"}]
        lines = ["| step | " + " | ".join(f"{r['backend']} {r['N']:,}" for r in phase_rows) + " |"]
        lines.append("|---|" + "---:|" * len(phase_rows))
        for key in keys:
            cells = []
            for row in phase_rows:
                value = row.get(key)
                cells.append(f"{value:.3f}" if isinstance(value, float) else str(value))
            lines.append(f"| {key} | " + " | ".join(cells) + " |")
        report.notes.append("In-process phases (issue 3):\n\n" + "\n".join(lines))
    report.finish(arguments.output)


if __name__ == "__main__":
    main()
