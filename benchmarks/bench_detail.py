"""Detail benchmark: one initiative with upstream, downstream, propagatedRisk and schedule.

Requests per second at 16 concurrent clients over loopback HTTP against
``uvicorn --workers W`` (W = 1, 2, 4), each request for one of 64 initiatives spread
over the portfolio. Uses ``wrk`` (``apt-get install -y wrk``) when it is installed,
else an httpx.AsyncClient load generator (which itself needs a good share of a core).
Every run is preceded by a warm-up, so each worker has built the analysis of the
current data version.

    python benchmarks/bench_detail.py                     # 1,000 and 10,000, both backends
    python benchmarks/bench_detail.py --quick --backend postgresql
"""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common
import httpx

DETAIL = """
query Detail($code: String!) {
  initiative(code: $code) {
    code name status riskLevel
    upstreamCount upstream(first: 1000) { code kind depth path }
    downstreamCount downstream(first: 1000) { code kind depth }
    propagatedRisk { level sourceCount paths(first: 10) sources(first: 10) { code } }
    schedule { earliestStart earliestFinish latestStart latestFinish totalFloatDays critical }
  }
}
"""

CONCURRENCY = 16
CODES = 64


def codes(size: int) -> list[str]:
    from seeds.synthetic import synthetic_code

    step = max(1, size // CODES)
    return [synthetic_code(index) for index in range(step // 2, size, step)][:CODES]


def bodies(size: int) -> list[bytes]:
    return [
        json.dumps({"query": DETAIL, "variables": {"code": code}}).encode() for code in codes(size)
    ]


LUA = """
local bodies = {%s}
local counter = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
  counter = counter + 1
  return wrk.format(nil, "/graphql", nil, bodies[(counter %% #bodies) + 1])
end
response = function(status, headers, body)
  if status ~= 200 then error("HTTP " .. status) end
end
"""


def _lua_string(body: bytes) -> str:
    return "[==[" + body.decode() + "]==]"


def run_wrk(base: str, payloads: list[bytes], seconds: float) -> dict[str, Any]:
    script = common.RESULTS / "detail.lua"
    script.write_text(LUA % ", ".join(_lua_string(body) for body in payloads))
    command = [
        "wrk", "-t", "2", "-c", str(CONCURRENCY), "-d", f"{max(1, round(seconds))}s",
        "--latency", "--timeout", "60s", "-s", str(script), base,
    ]  # fmt: skip
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    requests = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]

    def latency(label: str) -> float | None:
        match = re.search(rf"{label}%\s+([\d.]+)(us|ms|s)\b", output)
        if match is None:
            return None
        value, unit = float(match.group(1)), match.group(2)
        return value * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    timeouts = re.search(r"timeout (\d+)", output)
    return {
        "tool": "wrk",
        "rps": rps,
        "requests": requests,
        "p50_ms": latency("50"),
        "p99_ms": latency("99"),
        "errors": (int(errors.group(1)) if errors else 0)
        + (int(timeouts.group(1)) if timeouts else 0),
    }


async def _httpx_load(base: str, payloads: list[bytes], seconds: float) -> dict[str, Any]:
    latencies: list[float] = []
    errors = 0
    deadline = time.monotonic() + seconds

    async def client_loop(client: httpx.AsyncClient, offset: int) -> None:
        nonlocal errors
        index = offset
        while time.monotonic() < deadline:
            started = time.perf_counter()
            response = await client.post(
                base + "/graphql",
                content=payloads[index % len(payloads)],
                headers={"content-type": "application/json"},
            )
            latencies.append(time.perf_counter() - started)
            errors += response.status_code != 200 or b'"errors"' in response.content[:20]
            index += 1

    limits = httpx.Limits(max_connections=CONCURRENCY)
    started = time.monotonic()
    async with httpx.AsyncClient(timeout=60, limits=limits) as client:
        await asyncio.gather(*(client_loop(client, offset) for offset in range(CONCURRENCY)))
    elapsed = time.monotonic() - started
    summary = common.summary_ms(latencies)
    return {
        "tool": "httpx",
        "rps": len(latencies) / elapsed,
        "requests": len(latencies),
        "p50_ms": summary["median_ms"],
        "p99_ms": common.percentile(latencies, 0.99) * 1000 if latencies else None,
        "errors": errors,
    }


def load(base: str, payloads: list[bytes], seconds: float) -> dict[str, Any]:
    if shutil.which("wrk"):
        return run_wrk(base, payloads, seconds)
    return asyncio.run(_httpx_load(base, payloads, seconds))


def check(base: str, payload: bytes) -> dict[str, Any]:
    response = httpx.post(
        base + "/graphql",
        content=payload,
        headers={"content-type": "application/json"},
        timeout=120,
    )
    body = response.json()
    if body.get("errors"):
        raise RuntimeError(body["errors"])
    initiative = body["data"]["initiative"]
    return {
        "upstream": initiative["upstreamCount"],
        "downstream": initiative["downstreamCount"],
        "bytes": len(response.content),
    }


COLUMNS = ["backend", "N", "workers", "tool", "requests", "rps", "p50 ms", "p99 ms", "errors"]


def main() -> None:
    options = common.parser("Detail query throughput at 16 concurrent clients.")
    options.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    options.add_argument("--seconds", type=float, default=10.0, help="measured seconds per run")
    arguments = options.parse_args()
    sizes = [1_000] if arguments.quick else arguments.sizes
    seconds = 3.0 if arguments.quick else arguments.seconds
    report = common.Report("detail", COLUMNS)
    report.notes.append(
        f"{CONCURRENCY} concurrent keep-alive clients, POST, {CODES} initiatives in rotation, "
        f"{seconds:g} s per run after a warm-up; the load generator shares the 2 cores."
    )
    for backend in common.backends(arguments.backend):
        for size in sizes:
            print(f"[detail] {backend} N={size}", file=sys.stderr)
            url = common.database(backend, size)
            payloads = bodies(size)
            for workers in arguments.workers:
                with common.running(
                    common.start_uvicorn(url, workers=workers, label=f"detail-w{workers}")
                ) as server:
                    shape = check(server.url, payloads[len(payloads) // 2])
                    load(server.url, payloads, max(2.0, seconds / 3))  # warm every worker
                    result = load(server.url, payloads, seconds)
                report.add(
                    backend=backend,
                    N=size,
                    workers=workers,
                    tool=result["tool"],
                    requests=result["requests"],
                    rps=result["rps"],
                    **{"p50 ms": result["p50_ms"], "p99 ms": result["p99_ms"]},
                    errors=result["errors"],
                    shape=shape,
                )
    report.finish(arguments.output)


if __name__ == "__main__":
    main()
