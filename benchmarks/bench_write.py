"""Write benchmark: ``submitStatusReport`` latency and requests per second.

Each request submits a complete report (valid for every segment: reason, risk,
mitigations and economics) for the current period of one of the synthetic initiatives,
in rotation, with an ADMIN bearer token created for the run; a resubmission adds a
revision. Sequential requests give the latency; 8 concurrent clients (httpx) give
requests per second. SQLite runs on a copy of the cached file, so the other benchmarks
keep unchanged data; PostgreSQL databases are created per run anyway.

The mutation is part of the write API (DESIGN.md, "Mutations"). When the measured code
has no ``submitStatusReport`` field yet, the benchmark says so and exits without figures.

    python benchmarks/bench_write.py
    python benchmarks/bench_write.py --quick --backend sqlite
"""

from __future__ import annotations

import asyncio
import shutil
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common
import httpx

SUBMIT = """
mutation Submit($input: SubmitStatusReportInput!) {
  submitStatusReport(input: $input) { __typename }
}
"""

CONCURRENCY = 8


def mutation_available() -> str | None:
    """None when the measured schema has ``Mutation.submitStatusReport``, else why not."""
    try:
        from app.settings import Settings
        from schema.build import build_schema

        schema = build_schema(Settings(database_url="sqlite://"))
    except Exception as error:
        return f"the schema does not build: {type(error).__name__}: {error}"
    mutation = schema.get_type_by_name("Mutation")
    fields = getattr(mutation, "fields", None) or []
    if not any(getattr(field, "python_name", "") == "submit_status_report" for field in fields):
        return "the schema has no Mutation.submitStatusReport yet"
    return None


def admin_token(database_url: str) -> str:
    from app.auth import create_token
    from app.database import create_sync_engine
    from app.domain import Role
    from app.settings import Settings

    engine = create_sync_engine(Settings(database_url=database_url))
    with engine.begin() as connection:
        _, token = create_token(connection, role=Role.ADMIN, organisation_code=None, name="bench")
    engine.dispose()
    return token


def variables(index: int, size: int) -> dict[str, Any]:
    from seeds.synthetic import synthetic_code

    return {
        "input": {
            "initiative": synthetic_code((index * 7919) % size),
            "status": "YELLOW",
            "statusReason": "Benchmark: forsinkelser i leveranser.",
            "riskLevel": "YELLOW",
            "mainRiskAreas": "Ressurser og avhengigheter.",
            "dependenciesConfirmed": True,
            "plannedMitigations": "Tettere oppfølging.",
            "implementedMitigations": "Styringsmøter.",
            "investmentNok": 100_000_000,
            "annualOperatingCostNok": 5_000_000,
            "benefits": "Bedre samhandling.",
            "benefitPrerequisites": "Innføring hos aktørene.",
        }
    }


def _typename(response: httpx.Response) -> str:
    body = response.json()
    if body.get("errors"):
        return "errors: " + str(body["errors"])[:300]
    return str(body["data"]["submitStatusReport"]["__typename"])


async def concurrent(base: str, headers: dict[str, str], size: int, seconds: float) -> Any:
    latencies: list[float] = []
    outcomes: dict[str, int] = {}
    deadline = time.monotonic() + seconds
    counter = iter(range(10**9))

    async def loop(client: httpx.AsyncClient) -> None:
        while time.monotonic() < deadline:
            payload = {"query": SUBMIT, "variables": variables(next(counter), size)}
            started = time.perf_counter()
            response = await client.post(base + "/graphql", json=payload, headers=headers)
            latencies.append(time.perf_counter() - started)
            outcome = _typename(response)
            outcomes[outcome] = outcomes.get(outcome, 0) + 1

    started = time.monotonic()
    async with httpx.AsyncClient(timeout=60) as client:
        await asyncio.gather(*(loop(client) for _ in range(CONCURRENCY)))
    return len(latencies) / (time.monotonic() - started), common.summary_ms(latencies), outcomes


COLUMNS = [
    "backend", "N", "sequential n", "median ms", "p95 ms",
    f"rps @{CONCURRENCY}", f"median ms @{CONCURRENCY}", "outcomes",
]  # fmt: skip


def main() -> None:
    options = common.parser("submitStatusReport latency and throughput.")
    options.add_argument("--requests", type=int, default=200, help="sequential requests")
    options.add_argument("--seconds", type=float, default=10.0, help="concurrent run length")
    arguments = options.parse_args()
    report = common.Report("write", COLUMNS)
    missing = mutation_available()
    if missing is not None:
        print(f"SKIPPED: submitStatusReport cannot be measured: {missing}.", file=sys.stderr)
        report.notes.append(f"Skipped: {missing} (measured code: {common.SOURCE}).")
        report.finish(arguments.output)
        return
    sizes = [1_000] if arguments.quick else arguments.sizes
    count = 30 if arguments.quick else arguments.requests
    seconds = 3.0 if arguments.quick else arguments.seconds
    report.notes.append(
        "Sequential: one client, keep-alive. Concurrent: "
        f"{CONCURRENCY} httpx clients for {seconds:g} s. Each write bumps the data version."
    )
    for backend in common.backends(arguments.backend):
        for size in sizes:
            print(f"[write] {backend} N={size}", file=sys.stderr)
            url = common.database(backend, size)
            if backend == "sqlite":
                source = Path(url.removeprefix("sqlite:///"))
                copy = common.RESULTS / "write-scratch.db"
                for leftover in common.RESULTS.glob("write-scratch.db*"):
                    leftover.unlink()
                shutil.copyfile(source, copy)
                url = f"sqlite:///{copy}"
            headers = {"authorization": f"Bearer {admin_token(url)}"}
            with (
                common.running(common.start_uvicorn(url, label="write")) as server,
                httpx.Client(timeout=60) as client,
            ):
                outcomes: dict[str, int] = {}
                latencies = []
                for index in range(count):
                    payload = {"query": SUBMIT, "variables": variables(index, size)}
                    started = time.perf_counter()
                    response = client.post(server.url + "/graphql", json=payload, headers=headers)
                    latencies.append(time.perf_counter() - started)
                    outcome = _typename(response)
                    outcomes[outcome] = outcomes.get(outcome, 0) + 1
                rps, summary, concurrent_outcomes = asyncio.run(
                    concurrent(server.url, headers, size, seconds)
                )
            sequential = common.summary_ms(latencies)
            for outcome, number in concurrent_outcomes.items():
                outcomes[outcome] = outcomes.get(outcome, 0) + number
            report.add(
                backend=backend,
                N=size,
                **{
                    "sequential n": sequential["n"],
                    "median ms": sequential["median_ms"],
                    "p95 ms": sequential["p95_ms"],
                    f"rps @{CONCURRENCY}": rps,
                    f"median ms @{CONCURRENCY}": summary["median_ms"],
                    "outcomes": ", ".join(f"{key}: {value}" for key, value in outcomes.items()),
                },
            )
    report.finish(arguments.output)


if __name__ == "__main__":
    main()
