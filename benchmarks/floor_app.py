"""The floor of the dashboard benchmark: the same data, plain SQL, no GraphQL.

A bare Starlette app (run it under uvicorn like the service) answering
``GET /dashboard?first=500&after=CODE`` with a JSON page shaped like the service's
dashboard response. Five statements per page on the service's own driver (aiosqlite or
psycopg async): periods, the initiative page with its owner, the latest report per
initiative up to the current period, deliveries, and dependencies with their supplier.
Serialised with orjson when it is installed, else the standard library.

    PORTFOLIO_DATABASE_URL=sqlite:///... uvicorn benchmarks.floor_app:create_app --factory
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from app.database import create_engine
from app.settings import Settings

try:
    import orjson

    def dumps(value: Any) -> bytes:
        return orjson.dumps(value)

except ImportError:  # pragma: no cover - the bench extra installs orjson
    import json

    def dumps(value: Any) -> bytes:
        return json.dumps(value, default=str, separators=(",", ":")).encode()


PERIODS = "SELECT id, code, opens FROM reporting_period ORDER BY opens DESC, code DESC"

PAGE = """
SELECT i.id, i.code, i.name, i.segment, i.phase, o.code AS owner_code, o.name AS owner_name
FROM initiative i JOIN organisation o ON o.id = i.owner_id
WHERE i.state IN ('ACTIVE', 'PAUSED', 'COMPLETED', 'CANCELLED') AND i.code > :after
ORDER BY i.code LIMIT :limit
"""

LATEST = """
SELECT initiative_id, period_code, status, status_reason, risk_level, submitted_at FROM (
  SELECT r.initiative_id, p.code AS period_code, r.status, r.status_reason, r.risk_level,
         r.submitted_at,
         row_number() OVER (PARTITION BY r.initiative_id
                            ORDER BY p.opens DESC, r.revision DESC) AS rank
  FROM status_report r JOIN reporting_period p ON p.id = r.period_id
  WHERE r.initiative_id IN ({ids}) AND p.opens <= :opens
) ranked WHERE rank = 1
"""

DELIVERIES = """
SELECT initiative_id, code, name, forecast_date, status FROM delivery
WHERE initiative_id IN ({ids}) ORDER BY initiative_id, baseline_date, code
"""

DEPENDENCIES = """
SELECT d.dependant_id, d.criticality, d.needed_by,
       si.code AS initiative_code, si.name AS initiative_name,
       s.code AS solution_code, s.name AS solution_name
FROM dependency d
LEFT JOIN initiative si ON si.id = d.supplier_initiative_id
LEFT JOIN solution s ON s.id = d.supplier_solution_id
WHERE d.dependant_id IN ({ids})
ORDER BY d.dependant_id, COALESCE(si.code, s.code)
"""


def _iso(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


async def dashboard_page(
    connection: AsyncConnection, *, after: str, limit: int, today: date
) -> dict[str, Any]:
    """One page of the dashboard as plain dicts, ready for JSON."""
    periods = (await connection.execute(sa.text(PERIODS))).all()
    # SQLite hands back ISO strings for dates in text queries; compare ISO strings on both.
    current = next(
        (period for period in periods if str(period.opens) <= today.isoformat()), periods[-1]
    )
    rows = (await connection.execute(sa.text(PAGE), {"after": after, "limit": limit + 1})).all()
    page = rows[:limit]
    ids = ",".join(str(int(row.id)) for row in page) or "NULL"
    latest = {
        row.initiative_id: row
        for row in await connection.execute(
            sa.text(LATEST.format(ids=ids)), {"opens": current.opens}
        )
    }
    deliveries: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in await connection.execute(sa.text(DELIVERIES.format(ids=ids))):
        deliveries[row.initiative_id].append(
            {
                "code": row.code,
                "name": row.name,
                "forecastDate": _iso(row.forecast_date),
                "status": row.status,
            }
        )
    dependencies: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in await connection.execute(sa.text(DEPENDENCIES.format(ids=ids))):
        supplier = (
            {"__typename": "Initiative", "code": row.initiative_code, "name": row.initiative_name}
            if row.initiative_code is not None
            else {"__typename": "Solution", "code": row.solution_code, "name": row.solution_name}
        )
        dependencies[row.dependant_id].append(
            {"criticality": row.criticality, "neededBy": _iso(row.needed_by), "supplier": supplier}
        )
    nodes = []
    for row in page:
        report = latest.get(row.id)
        nodes.append(
            {
                "code": row.code,
                "name": row.name,
                "segment": row.segment,
                "phase": row.phase,
                "owner": {"code": row.owner_code, "name": row.owner_name},
                "status": report.status if report else None,
                "riskLevel": report.risk_level if report else None,
                "latestReport": (
                    {
                        "period": {"code": report.period_code},
                        "status": report.status,
                        "statusReason": report.status_reason,
                        "riskLevel": report.risk_level,
                        "submittedAt": _iso(report.submitted_at),
                    }
                    if report
                    else None
                ),
                "deliveries": deliveries.get(row.id, []),
                "dependencies": dependencies.get(row.id, []),
            }
        )
    return {
        "data": {
            "initiatives": {
                "pageInfo": {
                    "hasNextPage": len(rows) > limit,
                    "endCursor": page[-1].code if page else None,
                },
                "nodes": nodes,
            }
        }
    }


def create_app() -> Starlette:
    """The floor app; reads ``PORTFOLIO_DATABASE_URL`` like the service."""
    settings = Settings(database_url=os.environ["PORTFOLIO_DATABASE_URL"])
    holder: dict[str, AsyncEngine] = {}

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        holder["engine"] = create_engine(settings)
        yield
        await holder["engine"].dispose()

    async def dashboard(request: Request) -> Response:
        after = request.query_params.get("after", "")
        limit = int(request.query_params.get("first", "500"))
        async with holder["engine"].connect() as connection:
            body = await dashboard_page(connection, after=after, limit=limit, today=date.today())
        return Response(dumps(body), media_type="application/json")

    async def healthz(_request: Request) -> Response:
        return Response(b'{"status":"ok"}', media_type="application/json")

    return Starlette(
        routes=[Route("/dashboard", dashboard), Route("/healthz", healthz)], lifespan=lifespan
    )
