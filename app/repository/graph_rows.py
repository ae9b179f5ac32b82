"""The rows the dependency graph is built from, and the statuses it propagates."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from app.repository.rows import all_rows, one_of
from app.repository.visibility import admitted
from app.tables import (
    delivery_table,
    dependency_table,
    developed_table,
    initiative_table,
    period_table,
    report_table,
    solution_table,
)


def as_stored(column: sa.ColumnElement[Any]) -> sa.ColumnElement[Any]:
    """``column`` as the driver gives it: no conversion row by row on the event loop.

    SQLite gives dates as ISO strings and both drivers give enums as their names; the
    analysis converts them in its own thread (``app.analysis``), where hundreds of
    thousands of values cost the loop nothing.
    """
    return sa.type_coerce(column, _AS_STORED).label(column.key)


_AS_STORED = sa.types.NullType()


@dataclass(frozen=True, slots=True)
class GraphRows:
    """Plain rows the dependency graph is built from: admitted initiatives only.

    Dates and enums are as the driver stores them (see :func:`as_stored`).
    """

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
            as_stored(initiative_table.c.planned_start),
            as_stored(initiative_table.c.planned_end),
            as_stored(initiative_table.c.forecast_end),
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
            as_stored(dependency_table.c.criticality),
            as_stored(dependency_table.c.type),
            dependency_table.c.lag_days,
            as_stored(dependency_table.c.needed_by),
            delivery_table.c.code.label("supplier_delivery"),
            as_stored(delivery_table.c.forecast_date).label("supplier_delivery_forecast"),
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
    connection: AsyncConnection,
    *,
    period_opens: date | None,
    codes: Collection[str] | None = None,
) -> dict[str, tuple[str, str | None]]:
    """Status and risk level (their names) of every admitted initiative up to a period.

    ``codes`` narrows it to those initiatives. Each initiative's latest report is found
    through its own index entries (a correlated subquery): ranking every report of the
    portfolio with a window function sorts them all, several times slower at 100,000.
    """
    latest = report_table.alias("latest")
    latest_id = (
        sa.select(latest.c.id)
        .join(period_table, period_table.c.id == latest.c.period_id)
        .where(latest.c.initiative_id == initiative_table.c.id)
        .order_by(period_table.c.opens.desc(), latest.c.revision.desc())
        .limit(1)
    )
    if period_opens is not None:
        latest_id = latest_id.where(period_table.c.opens <= period_opens)
    query = (
        sa.select(
            initiative_table.c.code,
            as_stored(report_table.c.status),
            as_stored(report_table.c.risk_level),
        )
        .select_from(initiative_table)
        .join(report_table, report_table.c.id == latest_id.scalar_subquery())
        .where(admitted())
    )
    if codes is not None:
        query = query.where(one_of(initiative_table.c.code, sorted(codes)))
    result = await connection.execute(query)
    return {row.code: (row.status, row.risk_level) for row in await all_rows(result)}
