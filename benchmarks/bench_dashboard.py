"""Dashboard benchmark: every initiative, pages of 500, against three anchors.

The selection: owner, status, riskLevel, latestReport, deliveries, and dependencies with
their supplier (a union). Measured over HTTP on loopback against ``uvicorn`` processes,
sequential requests on one keep-alive connection:

- **service**: ``app.main:create_app``;
- **floor**: the same data read with five plain SQL statements per page and serialised
  with orjson (``benchmarks/floor_app.py``), no GraphQL;
- **PostGraphile** 4 over the same PostgreSQL tables (PostgreSQL only), with the
  equivalent nested selection; node counts are checked against the service;
- **no loaders**: the service with every data loader unbatched (``benchmarks/noloader_app.py``),
  sampled on the first pages only because it is slow by design.

*Cold* is the first pass over all pages right after the server started and the data
version was bumped; *warm* pools the pages of the following passes (identical requests).
Statements per request are counted in-process with a ``before_cursor_execute`` listener.

    python benchmarks/bench_dashboard.py                 # 1,000 and 10,000, both backends
    python benchmarks/bench_dashboard.py --quick --backend sqlite
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common
import httpx
import sqlalchemy as sa

PAGE_SIZE = 500

DASHBOARD = """
query Dashboard($first: Int!, $after: String) {
  initiatives(first: $first, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes {
      code name segment phase
      owner { code name }
      status riskLevel
      latestReport { period { code } status statusReason riskLevel submittedAt }
      deliveries { code name forecastDate status }
      dependencies {
        criticality neededBy
        supplier { __typename ... on Initiative { code name } ... on Solution { code name } }
      }
    }
  }
}
"""

# The same selection in PostGraphile's generated schema. The service's "latest report up
# to the current period" becomes the newest report by period id and revision (periods are
# inserted in opening order and none opens in the future, so the rows are the same);
# the Supplier union becomes the two nullable foreign-key fields.
POSTGRAPHILE_DASHBOARD = """
query Dashboard($first: Int!, $after: Cursor) {
  allInitiatives(first: $first, after: $after, orderBy: CODE_ASC) {
    pageInfo { hasNextPage endCursor }
    nodes {
      code name segment phase
      owner: organisationByOwnerId { code name }
      latestReport: statusReportsByInitiativeIdList(
        orderBy: [PERIOD_ID_DESC, REVISION_DESC], first: 1
      ) {
        period: reportingPeriodByPeriodId { code }
        status statusReason riskLevel submittedAt
      }
      deliveries: deliveriesByInitiativeIdList(orderBy: [BASELINE_DATE_ASC, CODE_ASC]) {
        code name forecastDate status
      }
      dependencies: dependenciesByDependantIdList {
        criticality neededBy
        supplierInitiative: initiativeBySupplierInitiativeId { code name }
        supplierSolution: solutionBySupplierSolutionId { code name }
      }
    }
  }
}
"""


# --- one pass over every page --------------------------------------------------------------


def _graphql_page(client: httpx.Client, url: str, query: str, after: str | None) -> Any:
    response = client.post(
        url, json={"query": query, "variables": {"first": PAGE_SIZE, "after": after}}
    )
    response.raise_for_status()
    body = response.json()
    if body.get("errors"):
        raise RuntimeError(json.dumps(body["errors"])[:2000])
    connection = next(iter(body["data"].values()))
    return connection, len(response.content)


def _floor_page(client: httpx.Client, url: str, after: str | None) -> Any:
    response = client.get(url, params={"first": PAGE_SIZE, "after": after or ""})
    response.raise_for_status()
    return response.json()["data"]["initiatives"], len(response.content)


def one_pass(
    client: httpx.Client, kind: str, base: str, *, max_pages: int | None = None
) -> dict[str, Any]:
    """Fetch pages in order; returns per-page seconds, nodes and dependency count seen."""
    timings: list[float] = []
    nodes = dependencies = size = 0
    after: str | None = None
    while max_pages is None or len(timings) < max_pages:
        started = time.perf_counter()
        if kind == "floor":
            page, length = _floor_page(client, base + "/dashboard", after)
        else:
            query = POSTGRAPHILE_DASHBOARD if kind == "postgraphile" else DASHBOARD
            page, length = _graphql_page(client, base + "/graphql", query, after)
        timings.append(time.perf_counter() - started)
        size += length
        nodes += len(page["nodes"])
        dependencies += sum(len(node["dependencies"]) for node in page["nodes"])
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    return {"timings": timings, "nodes": nodes, "dependencies": dependencies, "bytes": size}


def measure(
    kind: str, base: str, database_url: str, *, passes: int, budget_s: float, max_pages: int | None
) -> dict[str, Any]:
    """Cold pass (after a version bump), then warm passes bounded in count and time."""
    common.bump_version(database_url)
    with httpx.Client(timeout=300) as client:
        cold = one_pass(client, kind, base, max_pages=max_pages)
        warm_timings: list[float] = []
        warm_passes = 0
        started = time.monotonic()
        while warm_passes < passes and time.monotonic() - started < budget_s:
            warm = one_pass(client, kind, base, max_pages=max_pages)
            warm_timings += warm["timings"]
            warm_passes += 1
    return {
        "cold": common.summary_ms(cold["timings"]),
        "cold_pass_s": sum(cold["timings"]),
        "warm": common.summary_ms(warm_timings),
        "warm_passes": warm_passes,
        "pages": len(cold["timings"]),
        "nodes": cold["nodes"],
        "dependencies": cold["dependencies"],
        "bytes_per_pass": cold["bytes"],
    }


# --- statements per request (in-process) ----------------------------------------------------


def count_statements(database_url: str, *, first: int) -> tuple[int, int]:
    """SQL statements (and nodes) for the first dashboard page of ``first`` initiatives."""
    from starlette.testclient import TestClient

    from app.main import create_app
    from app.settings import Settings

    settings = Settings(database_url=database_url, max_page_size=max(first, 500))
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    with TestClient(create_app(settings)) as client:
        engine = client.app.state.engine  # type: ignore[attr-defined]
        sa.event.listen(engine.sync_engine, "before_cursor_execute", count)
        response = client.post(
            "/graphql", json={"query": DASHBOARD, "variables": {"first": first, "after": None}}
        )
        sa.event.remove(engine.sync_engine, "before_cursor_execute", count)
    body = response.json()
    if body.get("errors"):
        raise RuntimeError(body["errors"])
    return len(statements), len(body["data"]["initiatives"]["nodes"])


# --- main ----------------------------------------------------------------------------------


COLUMNS = [
    "backend", "N", "variant", "pages", "nodes", "stmts/page",
    "cold median ms", "cold p95 ms", "warm median ms", "warm p95 ms",
    "warm / floor", "warm / PostGraphile", "cold / floor", "cold / PostGraphile",
]  # fmt: skip


def main() -> None:
    options = common.parser("Dashboard benchmark with its anchors.")
    options.add_argument("--passes", type=int, default=5, help="warm passes per variant")
    options.add_argument("--budget", type=float, default=45.0, help="seconds of warm passes")
    options.add_argument(
        "--noloader-pages", type=int, default=2, help="pages sampled without loaders"
    )
    options.add_argument("--skip", nargs="*", default=[], help="variants to leave out")
    arguments = options.parse_args()
    sizes = [1_000] if arguments.quick else arguments.sizes
    passes = 2 if arguments.quick else arguments.passes
    report = common.Report("dashboard", COLUMNS)
    report.notes.append(
        "Per-page latency of sequential POSTs (GET for the floor) over loopback HTTP, pages "
        f"of {PAGE_SIZE}. Cold: first pass after server start and a data-version bump. "
        "Warm: pages of the following identical passes pooled. Ratios use medians. "
        "No response cache existed in the service at measurement time unless stated."
    )
    for backend in common.backends(arguments.backend):
        for size in sizes:
            print(f"[dashboard] {backend} N={size}", file=sys.stderr)
            url = common.database(backend, size)
            statements, counted_nodes = count_statements(url, first=PAGE_SIZE)
            all_statements: int | str | None = None
            if not arguments.quick:
                try:
                    all_statements, _ = count_statements(url, first=size)
                except Exception as error:  # e.g. the service's execution time limit
                    all_statements = f"failed: {str(error)[:120]}"
            report.extra.setdefault("statements", []).append(
                {
                    "backend": backend,
                    "N": size,
                    "per_page_of_500": statements,
                    "one_request_for_all_N": all_statements,
                }
            )
            variants: list[tuple[str, Any]] = [
                ("service", lambda url=url: common.start_uvicorn(url)),
                (
                    "floor",
                    lambda url=url: common.start_uvicorn(
                        url, app="benchmarks.floor_app:create_app", label="floor"
                    ),
                ),
            ]
            if backend == "postgresql":
                variants.append(("postgraphile", lambda url=url: common.start_postgraphile(url)))
            variants.append(
                (
                    "no loaders",
                    lambda url=url: common.start_uvicorn(
                        url, app="benchmarks.noloader_app:create_app", label="noloader"
                    ),
                )
            )
            results: dict[str, dict[str, Any]] = {}
            for name, start in variants:
                if name in arguments.skip:
                    continue
                try:
                    with common.running(start()) as server:
                        kind = {"no loaders": "service"}.get(name, name)
                        results[name] = measure(
                            kind,
                            server.url,
                            url,
                            passes=1 if name == "no loaders" else passes,
                            budget_s=arguments.budget,
                            max_pages=arguments.noloader_pages if name == "no loaders" else None,
                        )
                except (RuntimeError, httpx.HTTPError, OSError) as error:
                    report.notes.append(f"{backend} N={size} {name} FAILED: {error!r}"[:500])
                    print(f"  {name} failed: {error!r}", file=sys.stderr)
                    continue
                print(f"  {name}: {json.dumps(results[name])}", file=sys.stderr)
            floor = results.get("floor")
            postgraphile = results.get("postgraphile")
            service_nodes = results.get("service", {}).get("nodes")
            for name, result in results.items():
                if name != "no loaders" and service_nodes and result["nodes"] != service_nodes:
                    report.notes.append(
                        f"NODE COUNT MISMATCH {backend} N={size}: {name} returned "
                        f"{result['nodes']} nodes, the service {service_nodes}."
                    )
                report.add(
                    backend=backend,
                    N=size,
                    variant=name,
                    pages=result["pages"],
                    nodes=result["nodes"],
                    **{
                        "stmts/page": statements if name == "service" else None,
                        "cold median ms": result["cold"]["median_ms"],
                        "cold p95 ms": result["cold"]["p95_ms"],
                        "warm median ms": result["warm"]["median_ms"],
                        "warm p95 ms": result["warm"]["p95_ms"],
                        "warm / floor": common.ratio(
                            result["warm"]["median_ms"], floor["warm"]["median_ms"]
                        )
                        if floor
                        else None,
                        "warm / PostGraphile": common.ratio(
                            result["warm"]["median_ms"], postgraphile["warm"]["median_ms"]
                        )
                        if postgraphile
                        else None,
                        "cold / floor": common.ratio(
                            result["cold"]["median_ms"], floor["cold"]["median_ms"]
                        )
                        if floor
                        else None,
                        "cold / PostGraphile": common.ratio(
                            result["cold"]["median_ms"], postgraphile["cold"]["median_ms"]
                        )
                        if postgraphile
                        else None,
                    },
                    detail=result,
                )
            if "no loaders" in results and "service" in results:
                unbatched = common.ratio(
                    results["no loaders"]["warm"]["median_ms"],
                    results["service"]["warm"]["median_ms"],
                )
                report.notes.append(
                    f"{backend} N={size}: no-loaders / service (warm median per page) = "
                    f"{unbatched:.1f}× "
                    f"(no-loaders sampled on its first {results['no loaders']['pages']} pages)."
                )
            report.notes.append(
                f"{backend} N={size}: statements per page of 500 = {statements} "
                f"({counted_nodes} nodes); one request for all {size:,} = "
                f"{all_statements if all_statements is not None else 'not measured (--quick)'}."
            )
    report.finish(arguments.output)


if __name__ == "__main__":
    main()
