"""Cold analysis, phase by phase, of this checkout beside an earlier commit.

Each round starts a fresh Python process per build (A, B, A, B, …, on the same
database) that does what the first requests after a write do, timing each step:
read the graph rows, build the analysis (graph, cycle check and, where the build has
them, its arrays), read the statuses, red-status propagation (levels of every node),
per-source reach, the critical-path schedule, the critical set and one what-if (a
30-day slip of the initiative that ends last, called as the service calls it), with the
garbage collector tuned as the service tunes it. The process's peak RSS (VmHWM) is
reported too. Medians over the rounds with [min–max].

    python benchmarks/bench_cold.py --sizes 10000 100000 --backend sqlite --rounds 5
    python benchmarks/bench_cold.py --quick   # 1,000, two rounds

The earlier commit is extracted with ``git archive`` (see ``bench_abuse.baseline_source``).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common
from bench_abuse import baseline_source

DEFAULT_BASELINE = "158522c"

STEPS = [
    "read graph rows",
    "build analysis",
    "read statuses",
    "propagation",
    "reach",
    "schedule",
    "critical set",
    "what-if (slip)",
]

# Runs inside the measured build: its own ``app`` and ``graph`` come first on sys.path.
ROUND = r"""
import asyncio, inspect, json, sys, time
from pathlib import Path

from app import repository
from app.analysis import Analysis
from app.database import create_engine
from app.settings import Settings
import graph


async def main(url):
    engine = create_engine(Settings(database_url=url))
    timings = {}

    def timed(name, started):
        timings[name] = time.perf_counter() - started

    async with engine.connect() as connection:
        async def read(query, *args, **kwargs):
            return await query(connection, *args, **kwargs)

        periods = await repository.list_reporting_periods(connection)
        opens = periods[0].opens if periods else None
        started = time.perf_counter()
        rows = await repository.graph_rows(connection)
        timed("read graph rows", started)
        started = time.perf_counter()
        if hasattr(Analysis, "from_records"):  # as the service builds: rows freed first
            from app.graph_records import graph_records
            records = graph_records(rows)
            del rows
            analysis = Analysis.from_records(1, records)
            del records
        else:
            analysis = Analysis.from_rows(1, rows)
        timed("build analysis", started)
        started = time.perf_counter()
        await analysis.statuses(read, opens)
        timed("read statuses", started)
        started = time.perf_counter()
        levels = await analysis.node_levels(read, opens, False)
        timed("propagation", started)
        started = time.perf_counter()
        reach = await analysis.source_reach(read, opens, include_risk_level=False)
        timed("reach", started)
        started = time.perf_counter()
        schedule = await analysis.schedule()
        timed("schedule", started)
        started = time.perf_counter()
        await analysis.critical_set()
        timed("critical set", started)
        last = max(schedule.items.values(), key=lambda item: (item.earliest_finish, item.code))
        options = {}
        if "arrays" in inspect.signature(graph.slip_impact).parameters:
            options = {"arrays": analysis.arrays, "before": schedule}
            if "before_slack" in inspect.signature(graph.slip_impact).parameters:
                options["before_slack"] = await analysis.slack()
        started = time.perf_counter()
        graph.slip_impact(analysis.graph, code=last.code, slip_days=30, **options)
        timed("what-if (slip)", started)
    await engine.dispose()
    hwm = next(
        int(line.split()[1]) / 1024
        for line in Path("/proc/self/status").read_text().splitlines()
        if line.startswith("VmHWM")
    )
    print(json.dumps({"timings": timings, "flagged": len(levels), "sources": len(reach),
                      "hwm": hwm}))


from app.collector import tuned_for_large_heaps

with tuned_for_large_heaps():  # the garbage collector as the service sets it
    asyncio.run(main(sys.argv[1]))
"""


def one_round(database_url: str, source: Path) -> dict[str, Any]:
    environment = os.environ | {
        "PYTHONPATH": os.pathsep.join(dict.fromkeys([str(source), str(common.ROOT)]))
    }
    finished = subprocess.run(
        [sys.executable, "-c", ROUND, database_url],
        cwd=source,
        env=environment,
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, Any] = json.loads(finished.stdout.strip().splitlines()[-1])
    return result


def _median_range(values: list[float]) -> str:
    median = statistics.median(values)
    digits = 3 if median < 10 else 1
    return f"{median:.{digits}f} [{min(values):.{digits}f}–{max(values):.{digits}f}]"


def main() -> None:
    options = common.parser("Cold analysis phases, two builds interleaved.")
    options.add_argument("--rounds", type=int, default=5, help="rounds per build (A, B, …)")
    options.add_argument("--baseline", default=DEFAULT_BASELINE, help="commit to compare")
    arguments = options.parse_args()
    sizes = [1_000] if arguments.quick else arguments.sizes
    rounds = 2 if arguments.quick else arguments.rounds
    builds = {"new": common.SOURCE, arguments.baseline: baseline_source(arguments.baseline)}
    report = common.Report("cold", ["backend", "N", "step", *builds])
    report.notes.append(
        f"In-process cold analysis, a fresh process per build and round, {rounds} rounds "
        f"interleaved ({', '.join(builds)}, …); seconds, median [min–max]. "
        "The what-if is called as each build's service calls it."
    )
    for backend in common.backends(arguments.backend):
        for size in sizes:
            url = common.database(backend, size)
            results: dict[str, list[dict[str, Any]]] = {name: [] for name in builds}
            for number in range(rounds):
                for name, source in builds.items():
                    print(f"[cold] {backend} N={size} round {number + 1}: {name}", file=sys.stderr)
                    results[name].append(one_round(url, source))
            for step in [*STEPS, "total"]:
                cells = {}
                for name in builds:
                    runs = results[name]
                    values = [
                        sum(run["timings"].values()) if step == "total" else run["timings"][step]
                        for run in runs
                    ]
                    cells[name] = _median_range(values)
                report.add(backend=backend, N=size, step=step, **cells)
            report.add(
                backend=backend,
                N=size,
                step="peak RSS MB",
                **{name: _median_range([run["hwm"] for run in results[name]]) for name in builds},
            )
            report.extra.setdefault("raw", {})[f"{backend} {size}"] = results
    report.finish(arguments.output)


if __name__ == "__main__":
    main()
