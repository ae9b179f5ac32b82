"""Abuse benchmark: the heaviest accepted documents, while a probe asks ``/healthz``.

For every analysis field, the heaviest document the cost limits still accept (the first
of its candidates, heaviest first, that is not refused with ``QUERY_TOO_COMPLEX``) is sent
cold (the data version moved just before) to one uvicorn worker while a second thread
asks ``/healthz`` every 100 ms. Reported per document: its latency and status, the
probe's p50/p99/max during it, and the worker's peak RSS (sampled with the probe, and
VmHWM at the end of the round).

Two builds are measured in the same run, interleaved (A, B, A, B, … one fresh server per
round): the code of this checkout (``new``) and the code of ``--baseline`` (a commit,
extracted with ``git archive`` into ``benchmarks/.data/baseline-<commit>``) on the same
databases. Medians over the rounds, with [min–max].

    python benchmarks/bench_abuse.py                            # 10,000, both backends
    python benchmarks/bench_abuse.py --quick --backend sqlite   # 1,000, 2 rounds
    python benchmarks/bench_abuse.py --sizes 10000 100000 --rounds 5

Caller budgets are off (``PORTFOLIO_RATE_LIMIT_POINTS=0``): this measures the worker,
not the budget. ``--execution-timeout`` sets
``PORTFOLIO_EXECUTION_TIMEOUT`` (default 10 s) so a 504's lateness shows.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common
import httpx

from seeds.synthetic import synthetic_code

PROBE_INTERVAL = 0.1
DEFAULT_BASELINE = "7ff13f5"

# Candidates per analysis field, heaviest first; the first the limits accept is measured.
_PAGE_SIZES = (500, 100, 20, 5, 1)
_CHAIN = "code depth path"
_SCHEDULE = "code earliestStart earliestFinish latestStart latestFinish totalFloatDays critical"


def _documents(root: str) -> dict[str, list[str]]:
    flagged = "flagged { initiative { code } level paths sources { code } }"
    return {
        "riskPropagation": [
            "{ riskPropagation(includeRiskLevel: true) { "
            f"{flagged} reach {{ code red yellow }} }} }}",
            "{ riskPropagation(includeRiskLevel: true) { flagged { level paths } } }",
            "{ riskPropagation(includeRiskLevel: true) { flagged { level } } }",
            "{ riskPropagation(includeRiskLevel: true) { reach { code red yellow } } }",
            "{ riskPropagation(includeRiskLevel: true) { includeRiskLevel } }",
        ],
        "criticalPath": [
            "{ criticalPath(nearCriticalDays: 30) { ... on CriticalPath { finish "
            f"chain {{ code }} activities {{ {_SCHEDULE} }} critical {{ code }} "
            "nearCritical { code } chains } } }",
            "{ criticalPath { ... on CriticalPath { finish "
            f"activities {{ {_SCHEDULE} }} }} }} }}",
            "{ criticalPath { ... on CriticalPath { finish critical { code } } } }",
            "{ criticalPath { ... on CriticalPath { finish } } }",
        ],
        "keyInitiatives": [
            "{ keyInitiatives(limit: 100) { rank code transitiveDependants betweenness } }",
            "{ keyInitiatives(limit: 10) { rank code } }",
        ],
        "impact": [
            f'{{ impact(code: "{root}", slipDays: 30) {{ ... on Impact {{ finishBefore '
            "finishAfter moved { code days newFinish } newlyLate { slackDays } } } }",
            f'{{ impact(code: "{root}", slipDays: 30) {{ ... on Impact {{ finishAfter }} }} }}',
        ],
        "dependencyGraph": [
            "{ dependencyGraph(includeRiskLevel: true) { nodes { code status propagatedLevel "
            "layer } edges { criticality late } } }",
            f'{{ dependencyGraph(root: "{root}", includeRiskLevel: true) {{ nodes {{ code '
            "propagatedLevel layer } edges { late } } }",
            f'{{ dependencyGraph(root: "{root}", maxDepth: 2) {{ nodes {{ code }} }} }}',
        ],
        "lateDependencies": [
            "{ lateDependencies { slackDays supplierDate } }",
        ],
        "chains (upstream, downstream)": [
            f"{{ initiatives(first: {first}) {{ nodes {{ code upstream {{ {_CHAIN} }} "
            f"downstream {{ {_CHAIN} }} }} }} }}"
            for first in _PAGE_SIZES
        ],
        "initiative analysis fields": [
            f"{{ initiatives(first: {first}) {{ nodes {{ code transitiveDependantCount "
            "foundationDependencies { depth path } schedule { totalFloatDays critical } "
            "propagatedRisk(includeRiskLevel: true) { level paths } } } }"
            for first in _PAGE_SIZES
        ],
    }


COLUMNS = [
    "backend", "N", "document", "code", "latency s", "status", "probe p50 ms",
    "probe p99 ms", "probe max ms", "peak RSS MB",
]  # fmt: skip


@dataclass
class Probe:
    """Asks ``/healthz`` every 100 ms and samples the worker's RSS, until stopped."""

    base: str
    pid: int
    latencies: list[float] = field(default_factory=list)
    failures: int = 0
    peak_rss_mb: float = 0.0
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        assert self._thread is not None
        self._thread.join()

    def _run(self) -> None:
        with httpx.Client(timeout=120) as client:
            while not self._stop.is_set():
                started = time.perf_counter()
                try:
                    ok = client.get(self.base + "/healthz").status_code == 200
                except httpx.HTTPError:
                    ok = False
                elapsed = time.perf_counter() - started
                self.latencies.append(elapsed)
                self.failures += not ok
                self.peak_rss_mb = max(self.peak_rss_mb, _rss_mb(self.pid, "VmRSS"))
                self._stop.wait(max(0.0, PROBE_INTERVAL - elapsed))


def _rss_mb(pid: int, key: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name == key:
            return int(value.split()[0]) / 1024
    return float("nan")


def baseline_source(commit: str) -> Path:
    """``app/ graph/ schema/ seeds/`` of ``commit``, extracted once."""
    target = common.DATA / f"baseline-{commit}"
    if not (target / "app").exists():
        target.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(
            ["git", "archive", commit, "app", "graph", "schema", "seeds"],
            cwd=common.ROOT,
            check=True,
            capture_output=True,
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return target


def _refused(body: dict[str, Any]) -> bool:
    return any(
        (error.get("extensions") or {}).get("code") == "QUERY_TOO_COMPLEX"
        for error in body.get("errors") or ()
    )


def choose_documents(base: str, size: int) -> dict[str, str]:
    """The heaviest accepted candidate of every field (refusals cost no work)."""
    chosen = {}
    with httpx.Client(timeout=600) as client:
        for name, candidates in _documents(synthetic_code(0)).items():
            for query in candidates:
                body = client.post(base + "/graphql", json={"query": query}).json()
                if not _refused(body):
                    chosen[name] = query
                    break
            else:
                print(f"  every {name} document is refused at N={size}", file=sys.stderr)
    return chosen


def one_round(
    database_url: str, source: Path, documents: dict[str, str], timeout: float
) -> dict[str, dict[str, Any]]:
    """One fresh server: warm it, then every document cold with the probe running."""
    environment = {
        "PORTFOLIO_EXECUTION_TIMEOUT": str(timeout),
        "PORTFOLIO_RATE_LIMIT_POINTS": "0",  # budgets off: this measures the worker
    }
    figures: dict[str, dict[str, Any]] = {}
    server = common.start_uvicorn(database_url, extra_env=environment, label="abuse", source=source)
    with common.running(server), httpx.Client(timeout=timeout + 600) as client:
        pid = server.worker_pids()[0]
        client.post(server.url + "/graphql", json={"query": "{ __typename }"})  # warm
        for name, query in documents.items():
            common.bump_version(database_url)
            probe = Probe(server.url, pid)
            probe.start()
            started = time.perf_counter()
            response = client.post(server.url + "/graphql", json={"query": query})
            latency = time.perf_counter() - started
            time.sleep(PROBE_INTERVAL)  # one more probe after the answer
            probe.stop()
            body = response.json()
            errors = [
                (error.get("extensions") or {}).get("code", "ERROR")
                for error in body.get("errors") or ()
            ]
            figures[name] = {
                "latency": latency,
                "status": f"{response.status_code}" + (f" {errors[0]}" if errors else ""),
                "p50": common.percentile(probe.latencies, 0.5) * 1000,
                "p99": common.percentile(probe.latencies, 0.99) * 1000,
                "max": max(probe.latencies) * 1000,
                "rss": probe.peak_rss_mb,
                "probe_failures": probe.failures,
                "first_error": (body.get("errors") or [{}])[0].get("message"),
            }
        figures["(round)"] = {"hwm": _rss_mb(pid, "VmHWM")}
    return figures


def _median_range(values: list[float], unit: str = "") -> str:
    if not values:
        return "–"
    median = statistics.median(values)
    digits = 2 if median < 10 else 0
    return f"{median:.{digits}f}{unit} [{min(values):.{digits}f}–{max(values):.{digits}f}]"


def main() -> None:
    options = common.parser("Heaviest accepted documents while a probe asks /healthz.")
    options.add_argument("--rounds", type=int, default=5, help="rounds per build (A, B, …)")
    options.add_argument("--baseline", default=DEFAULT_BASELINE, help="commit to compare")
    options.add_argument("--execution-timeout", type=float, default=10.0)
    options.add_argument("--no-baseline", action="store_true", help="this checkout only")
    arguments = options.parse_args()
    sizes = [1_000] if arguments.quick else arguments.sizes
    rounds = 2 if arguments.quick else arguments.rounds
    builds = {"new": common.SOURCE}
    if not arguments.no_baseline:
        builds[arguments.baseline] = baseline_source(arguments.baseline)
    report = common.Report("abuse", COLUMNS)
    report.notes += [
        f"One uvicorn worker per build and round; {rounds} rounds, interleaved "
        f"({', '.join(builds)}, …); each document cold (data version bumped first); "
        f"execution timeout {arguments.execution_timeout:g} s. Figures are medians "
        "[min–max] over the rounds; probe figures are over the probes sent while the "
        "document ran. Client, probe and server share the machine.",
    ]
    for backend in common.backends(arguments.backend):
        for size in sizes:
            print(f"[abuse] {backend} N={size}", file=sys.stderr)
            url = common.database(backend, size)
            warm = common.start_uvicorn(url, label="abuse-choose")
            with common.running(warm):
                documents = choose_documents(warm.url, size)
            report.extra.setdefault("documents", {})[f"{backend} {size}"] = documents
            results: dict[str, list[dict[str, dict[str, Any]]]] = {name: [] for name in builds}
            for number in range(rounds):
                for name, source in builds.items():
                    print(f"  round {number + 1}/{rounds}: {name}", file=sys.stderr)
                    results[name].append(
                        one_round(url, source, documents, arguments.execution_timeout)
                    )
            for document in documents:
                for name in builds:
                    runs = [run[document] for run in results[name]]
                    report.add(
                        backend=backend,
                        N=size,
                        document=document,
                        code=name,
                        **{
                            "latency s": _median_range([run["latency"] for run in runs]),
                            "status": ", ".join(sorted({run["status"] for run in runs})),
                            "probe p50 ms": _median_range([run["p50"] for run in runs]),
                            "probe p99 ms": _median_range([run["p99"] for run in runs]),
                            "probe max ms": _median_range([run["max"] for run in runs]),
                            "peak RSS MB": _median_range([run["rss"] for run in runs]),
                        },
                    )
            for name in builds:
                report.extra.setdefault("round_peak_rss_mb", {})[f"{backend} {size} {name}"] = [
                    run["(round)"]["hwm"] for run in results[name]
                ]
                report.extra.setdefault("raw", {})[f"{backend} {size} {name}"] = results[name]
    report.finish(arguments.output)
    common.drop_postgres_databases()


if __name__ == "__main__":
    main()
