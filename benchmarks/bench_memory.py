"""Memory benchmark: resident size of one uvicorn worker holding the portfolio.

Starts one worker, reads VmRSS from /proc/<pid>/status at idle, then after one full
dashboard pass (pages of 500), after ``riskPropagation`` (lean selection) and
``criticalPath``, and after four detail queries; VmHWM is the peak.

    python benchmarks/bench_memory.py                 # 10,000 (and 1,000), both backends
    python benchmarks/bench_memory.py --quick --backend sqlite
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_analysis
import bench_dashboard
import bench_detail
import common
import httpx


def memory_mb(pid: int) -> dict[str, float]:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in {"VmRSS", "VmHWM"}:
            fields[key] = int(value.split()[0]) / 1024  # kB → MB
    return fields


COLUMNS = [
    "backend", "N", "idle MB", "after dashboard MB", "after analysis MB", "after detail MB",
    "peak (VmHWM) MB",
]  # fmt: skip


def main() -> None:
    options = common.parser("Resident size of a worker holding the portfolio.")
    arguments = options.parse_args()
    sizes = [1_000] if arguments.quick else arguments.sizes
    report = common.Report("memory", COLUMNS)
    report.notes.append("One uvicorn worker (no --workers), RSS from /proc/<pid>/status.")
    for backend in common.backends(arguments.backend):
        for size in sizes:
            print(f"[memory] {backend} N={size}", file=sys.stderr)
            url = common.database(backend, size)
            with (
                common.running(common.start_uvicorn(url, label="memory")) as server,
                httpx.Client(timeout=300) as client,
            ):
                pid = server.worker_pids()[0]
                idle = memory_mb(pid)
                bench_dashboard.one_pass(client, "service", server.url)
                dashboard = memory_mb(pid)
                for name in ("riskPropagation (lean)", "criticalPath"):
                    bench_analysis._post(client, server.url, bench_analysis.QUERIES[name])
                analysis = memory_mb(pid)
                payloads = bench_detail.bodies(size)
                for payload in payloads[:: max(1, len(payloads) // 4)][:4]:
                    client.post(
                        server.url + "/graphql",
                        content=payload,
                        headers={"content-type": "application/json"},
                    )
                detail = memory_mb(pid)
            report.add(
                backend=backend,
                N=size,
                **{
                    "idle MB": idle["VmRSS"],
                    "after dashboard MB": dashboard["VmRSS"],
                    "after analysis MB": analysis["VmRSS"],
                    "after detail MB": detail["VmRSS"],
                    "peak (VmHWM) MB": detail["VmHWM"],
                },
            )
    report.finish(arguments.output)


if __name__ == "__main__":
    main()
