"""Profile warm requests of the service in-process with pyinstrument (text reports).

Runs each request once to warm up, then profiles ``--repeat`` identical requests through
the ASGI app (httpx.ASGITransport) and writes the reports to ``benchmarks/results/``.

    python benchmarks/profile_requests.py --backend sqlite --size 10000 dashboard detail risk
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_analysis
import bench_dashboard
import bench_detail
import common
import httpx


def requests(size: int) -> dict[str, dict[str, object]]:
    return {
        "dashboard": {"query": bench_dashboard.DASHBOARD, "variables": {"first": 500}},
        "detail": json.loads(bench_detail.bodies(size)[len(bench_detail.bodies(size)) // 2]),
        "risk": {"query": bench_analysis.QUERIES["riskPropagation (lean)"]},
        "risk-full": {"query": bench_analysis.QUERIES["riskPropagation (full)"]},
        "critical": {"query": bench_analysis.QUERIES["criticalPath"]},
    }


async def profile(url: str, names: list[str], size: int, repeat: int) -> None:
    from pyinstrument import Profiler

    from app.main import create_app
    from app.settings import Settings
    from schema.context import Context

    spent = {"read_s": 0.0, "reads": 0}
    original_read = Context.read

    async def timed_read(self: Context, *args: object, **kwargs: object) -> object:
        started = time.perf_counter()
        try:
            return await original_read(self, *args, **kwargs)  # type: ignore[arg-type]
        finally:
            spent["read_s"] += time.perf_counter() - started
            spent["reads"] += 1

    Context.read = timed_read  # type: ignore[method-assign,assignment]
    app = create_app(Settings(database_url=url))
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://bench", timeout=300) as client,
    ):
        for name in names:
            payload = requests(size)[name]
            response = await client.post("/graphql", json=payload)
            assert "errors" not in response.json(), response.text[:500]
            spent.update(read_s=0.0, reads=0)
            started = time.perf_counter()
            for _ in range(repeat):
                await client.post("/graphql", json=payload)
            plain = (time.perf_counter() - started) / repeat
            print(
                f"{name}: {plain * 1000:.1f} ms/request unprofiled, of which "
                f"{spent['read_s'] / repeat * 1000:.1f} ms in {spent['reads'] / repeat:.0f} "
                "Context.read calls (SQL, driver, rows, lock waits)"
            )
            profiler = Profiler(interval=0.0005, async_mode="enabled")
            profiler.start()
            for _ in range(repeat):
                await client.post("/graphql", json=payload)
            profiler.stop()
            path = common.RESULTS / f"profile-{name}-{size}-{url.split(':')[0]}.txt"
            path.write_text(profiler.output_text(unicode=True, show_all=False))
            print(f"{name}: {profiler.last_session.duration / repeat * 1000:.1f} ms/request "
                  f"→ {path.relative_to(common.ROOT)}")  # fmt: skip


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__)
    options.add_argument("names", nargs="+", choices=list(requests(1000)))
    options.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    options.add_argument("--size", type=int, default=10_000)
    options.add_argument("--repeat", type=int, default=3)
    arguments = options.parse_args()
    common.RESULTS.mkdir(parents=True, exist_ok=True)
    url = common.database(arguments.backend, arguments.size)
    asyncio.run(profile(url, arguments.names, arguments.size, arguments.repeat))


if __name__ == "__main__":
    main()
