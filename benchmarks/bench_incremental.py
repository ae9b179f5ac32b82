"""The first ``riskPropagation`` after a write, this checkout beside an earlier commit.

Each round serves a fresh copy of the cached SQLite portfolio with one build at a time
(A, B, A, B, …; one uvicorn worker, as the service runs), warms it with the query below,
then, for each write:

1. a status report that turns one initiative RED (``submitStatusReport``), and
2. a new HIGH dependency between two initiatives (``addDependency``),

sends the write and, as soon as it has answered, times the same query: the latency a
client sees for the first propagation of the new data version. The write's own
after-commit work (events derived from the analysis) runs in the same worker meanwhile,
as it does in service. The query pages 100 flagged initiatives and 100 sources with the
counts of both, so every source's reach and every initiative's level are decided.
Medians over the rounds with [min–max], in milliseconds.

    python benchmarks/bench_incremental.py --sizes 10000 100000 --rounds 5
    python benchmarks/bench_incremental.py --quick   # 1,000, two rounds

The cached copies are never written: each round copies the file first.
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common
import httpx
from bench_abuse import baseline_source
from bench_write import SUBMIT, admin_token, variables

DEFAULT_BASELINE = "c486531"

QUERY = """
{ riskPropagation {
    flaggedCount reachCount
    flagged(first: 100) { code level }
    reach(first: 100) { code red yellow }
} }
"""

ADD_DEPENDENCY = """
mutation Add($input: AddDependencyInput!) { addDependency(input: $input) { __typename } }
"""

STEPS = ["warm", "after a status report", "after a dependency added"]


def _post(client: httpx.Client, base: str, body: dict[str, Any], headers: dict[str, str]) -> Any:
    response = client.post(base + "/graphql", json=body, headers=headers)
    response.raise_for_status()
    answer = response.json()
    if answer.get("errors"):
        raise RuntimeError(str(answer["errors"])[:500])
    return answer["data"]


def _timed_query(client: httpx.Client, base: str) -> tuple[float, Any]:
    started = time.perf_counter()
    data = _post(client, base, {"query": QUERY}, {})
    return time.perf_counter() - started, data


def one_round(cached: Path, size: int, source: Path, number: int) -> dict[str, Any]:
    from seeds.synthetic import synthetic_code

    with tempfile.TemporaryDirectory(prefix="bench-incremental-") as directory:
        copy = Path(directory) / cached.name
        shutil.copyfile(cached, copy)
        url = f"sqlite+aiosqlite:///{copy}"
        headers = {"authorization": f"Bearer {admin_token(url)}"}
        timings: dict[str, float] = {}
        answers: dict[str, Any] = {}
        with (
            common.running(
                common.start_uvicorn(url, source=source, label="incremental", ready_within=600)
            ) as server,
            httpx.Client(timeout=600) as client,
        ):
            _timed_query(client, server.url)  # the cold build
            time.sleep(1)
            timings["warm"], answers["warm"] = _timed_query(client, server.url)
            report = variables(number * 131 + 17, size)
            report["input"] |= {"status": "RED", "statusReason": "Benchmark: stans."}
            written = _post(client, server.url, {"query": SUBMIT, "variables": report}, headers)
            assert written["submitStatusReport"]["__typename"] == "StatusReportPayload", written
            timings[STEPS[1]], answers[STEPS[1]] = _timed_query(client, server.url)
            time.sleep(1)
            dependency = {
                "input": {
                    "supplier": synthetic_code((number * 7919 + 3) % size),
                    "dependant": synthetic_code((number * 7919 + 5) % size),
                    "criticality": "HIGH",
                }
            }
            added = _post(
                client, server.url, {"query": ADD_DEPENDENCY, "variables": dependency}, headers
            )
            timings[STEPS[2]], answers[STEPS[2]] = _timed_query(client, server.url)
        return {"timings": timings, "answers": answers, "added": added}


def _median_range(values: list[float]) -> str:
    milliseconds = [value * 1000 for value in values]
    median = statistics.median(milliseconds)
    return f"{median:.0f} [{min(milliseconds):.0f}–{max(milliseconds):.0f}]"


def _load() -> str:
    """The 1, 5 and 15 minute load averages: other work on the machine skews the figures."""
    return ", ".join(f"{value:.2f}" for value in os.getloadavg())


def main() -> None:
    options = common.parser("The first riskPropagation after a write, two builds interleaved.")
    options.add_argument("--rounds", type=int, default=5, help="rounds per build (A, B, …)")
    options.add_argument("--baseline", default=DEFAULT_BASELINE, help="commit to compare")
    arguments = options.parse_args()
    sizes = [1_000] if arguments.quick else arguments.sizes
    rounds = 2 if arguments.quick else arguments.rounds
    builds = {"new": common.SOURCE, arguments.baseline: baseline_source(arguments.baseline)}
    report = common.Report("incremental", ["N", "riskPropagation", *builds, "same answers"])
    report.notes.append(
        f"SQLite, one uvicorn worker per build and round, {rounds} rounds interleaved "
        f"({', '.join(builds)}, …); the query's latency right after each write; "
        "milliseconds, median [min–max]."
    )
    report.notes.append(f"Load average at the start: {_load()}.")
    for size in sizes:
        cached = Path(common.sqlite_database(size).split("///", 1)[1])  # built when missing
        results: dict[str, list[dict[str, Any]]] = {name: [] for name in builds}
        for number in range(rounds):
            for name, source in builds.items():
                print(f"[incremental] N={size} round {number + 1}: {name}", file=sys.stderr)
                found = one_round(cached, size, source, number)
                results[name].append(found)
                print(  # so that an interrupted run still tells what it measured
                    f"  {name}: "
                    + ", ".join(f"{step} {found['timings'][step] * 1000:.0f} ms" for step in STEPS)
                    + f"; load {_load()}",
                    file=sys.stderr,
                    flush=True,
                )
        for step in STEPS:
            cells = {
                name: _median_range([run["timings"][step] for run in results[name]])
                for name in builds
            }
            same = all(
                len({repr(results[name][number]["answers"][step]) for name in builds}) == 1
                for number in range(rounds)
            )
            report.add(
                N=size, riskPropagation=step, **cells, **{"same answers": "yes" if same else "no"}
            )
        report.extra.setdefault("raw", {})[str(size)] = {
            name: [run["timings"] for run in runs] for name, runs in results.items()
        }
    report.notes.append(f"Load average at the end: {_load()}.")
    report.finish(arguments.output)


if __name__ == "__main__":
    main()
