"""The rows the dependency graph is built from, and the statuses it propagates."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from app.domain import TrafficLight
from app.repository.rows import all_rows
from app.repository.status_reports import latest_reports_subquery
from app.repository.visibility import admitted
from app.tables import (
    delivery_table,
    dependency_table,
    developed_table,
    initiative_table,
    solution_table,
)


@dataclass(frozen=True, slots=True)
class GraphRows:
    """Plain rows the dependency graph is built from: admitted initiatives only."""

    initiatives: Sequence[Any]
    solutions: Sequence[Any]
    dependencies: Sequence[Any]
    developments: Sequence[Any]


async def graph_rows(connection: AsyncConnection) -> GraphRows:
    """Everything the graph needs, in four statements."""
    initiatives = await connection.execute(
        sa.select(
            initiative_table.c.code,
            initiative_table.c.name,
            initiative_table.c.planned_start,
            initiative_table.c.planned_end,
            initiative_table.c.forecast_end,
        )
        .where(admitted())
        .order_by(initiative_table.c.code)
    )
    solutions = await connection.execute(
        sa.select(solution_table.c.code, solution_table.c.name, solution_table.c.category).order_by(
            solution_table.c.code
        )
    )
    supplier_initiative = initiative_table.alias("supplier_initiative")
    dependant = initiative_table.alias("dependant_initiative")
    dependencies = await connection.execute(
        sa.select(
            sa.func.coalesce(supplier_initiative.c.code, solution_table.c.code).label("supplier"),
            dependant.c.code.label("dependant"),
            dependency_table.c.criticality,
            dependency_table.c.type,
            dependency_table.c.lag_days,
            dependency_table.c.needed_by,
            delivery_table.c.code.label("supplier_delivery"),
            delivery_table.c.forecast_date.label("supplier_delivery_forecast"),
        )
        .select_from(dependency_table)
        .join(dependant, dependant.c.id == dependency_table.c.dependant_id)
        .outerjoin(
            supplier_initiative,
            supplier_initiative.c.id == dependency_table.c.supplier_initiative_id,
        )
        .outerjoin(solution_table, solution_table.c.id == dependency_table.c.supplier_solution_id)
        .outerjoin(delivery_table, delivery_table.c.id == dependency_table.c.supplier_delivery_id)
        .where(admitted(dependant))
        .where(sa.or_(supplier_initiative.c.id.is_(None), admitted(supplier_initiative)))
    )
    developments = await connection.execute(
        sa.select(
            initiative_table.c.code.label("initiative"), solution_table.c.code.label("solution")
        )
        .select_from(developed_table)
        .join(initiative_table, initiative_table.c.id == developed_table.c.initiative_id)
        .join(solution_table, solution_table.c.id == developed_table.c.solution_id)
        .where(admitted())
    )
    return GraphRows(
        initiatives=await all_rows(initiatives),
        solutions=solutions.all(),
        dependencies=await all_rows(dependencies),
        developments=await all_rows(developments),
    )


async def latest_statuses(
    connection: AsyncConnection, *, period_opens: date | None
) -> dict[str, tuple[TrafficLight, TrafficLight | None]]:
    """Status and risk level of every admitted initiative up to a period, by code."""
    latest = latest_reports_subquery(period_opens=period_opens, columns=("status", "risk_level"))
    result = await connection.execute(
        sa.select(initiative_table.c.code, latest.c.status, latest.c.risk_level)
        .join(latest, latest.c.initiative_id == initiative_table.c.id)
        .where(admitted())
    )
    return {row.code: (row.status, row.risk_level) for row in await all_rows(result)}
