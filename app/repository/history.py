"""The portfolio as it is, or as a round knew it (from the history tables), and baselines.

Both readers answer the same :class:`StateRows`, so one builder turns either into a
portfolio state and its graph (``app.portfolio_state``). Only admitted initiatives are
read — as admitted in that round — so the rows are the same for every reader.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from app.domain import ADMITTED_STATES
from app.repository.graph_rows import as_stored
from app.repository.rows import Row, all_rows
from app.repository.visibility import admitted
from app.tables import (
    baseline_table,
    delivery_history_table,
    delivery_table,
    dependency_history_table,
    dependency_table,
    developed_table,
    initiative_history_table,
    initiative_table,
    period_table,
    solution_table,
)


@dataclass(frozen=True, slots=True)
class StateRows:
    """Plain rows of one portfolio state; dates and enums as the driver stores them.

    ``initiatives``: (code, name, segment, phase, planned_start, planned_end,
    forecast_end); ``deliveries``: (code, initiative code, baseline, forecast);
    ``dependencies``: (supplier, dependant, criticality, type, lag_days, needed_by,
    supplier delivery code); ``solutions``: (code, name, category); ``developments``:
    (initiative, solution).
    """

    initiatives: Sequence[Any]
    deliveries: Sequence[Any]
    dependencies: Sequence[Any]
    solutions: Sequence[Any]
    developments: Sequence[Any]


async def state_rows(connection: AsyncConnection) -> StateRows:
    """The portfolio as it is now."""
    initiatives = await connection.execute(
        sa.select(
            initiative_table.c.code,
            initiative_table.c.name,
            as_stored(initiative_table.c.segment),
            as_stored(initiative_table.c.phase),
            as_stored(initiative_table.c.planned_start),
            as_stored(initiative_table.c.planned_end),
            as_stored(initiative_table.c.forecast_end),
        )
        .where(admitted())
        .order_by(initiative_table.c.code)
    )
    deliveries = await connection.execute(
        sa.select(
            delivery_table.c.code,
            initiative_table.c.code.label("initiative"),
            as_stored(delivery_table.c.baseline_date),
            as_stored(delivery_table.c.forecast_date),
        )
        .join(initiative_table, initiative_table.c.id == delivery_table.c.initiative_id)
        .where(admitted())
        .order_by(delivery_table.c.code)
    )
    supplier = initiative_table.alias("supplier_initiative")
    dependant = initiative_table.alias("dependant_initiative")
    dependencies = await connection.execute(
        sa.select(
            sa.func.coalesce(supplier.c.code, solution_table.c.code).label("supplier"),
            dependant.c.code.label("dependant"),
            as_stored(dependency_table.c.criticality),
            as_stored(dependency_table.c.type),
            dependency_table.c.lag_days,
            as_stored(dependency_table.c.needed_by),
            delivery_table.c.code.label("supplier_delivery"),
        )
        .select_from(dependency_table)
        .join(dependant, dependant.c.id == dependency_table.c.dependant_id)
        .outerjoin(supplier, supplier.c.id == dependency_table.c.supplier_initiative_id)
        .outerjoin(solution_table, solution_table.c.id == dependency_table.c.supplier_solution_id)
        .outerjoin(delivery_table, delivery_table.c.id == dependency_table.c.supplier_delivery_id)
        .where(admitted(dependant))
        .where(sa.or_(supplier.c.id.is_(None), admitted(supplier)))
    )
    return StateRows(
        initiatives=await all_rows(initiatives),
        deliveries=await all_rows(deliveries),
        dependencies=await all_rows(dependencies),
        solutions=await _solutions(connection),
        developments=await admitted_developments(connection),
    )


def _known_by(period_column: sa.ColumnElement[Any], period_opens: date) -> sa.ColumnElement[bool]:
    """Rows recorded in the round that opened on ``period_opens`` or before, or without one."""
    opened = sa.select(period_table.c.opens).where(period_table.c.id == period_column)
    return sa.or_(period_column.is_(None), opened.scalar_subquery() <= period_opens)


def _in_order(table: sa.FromClause, *, newest_first: bool) -> tuple[Any, ...]:
    """By the round's opening (rows without a round are the oldest), then as recorded."""
    opened = (
        sa.select(period_table.c.opens)
        .where(period_table.c.id == table.c.period_id)
        .scalar_subquery()
    )
    if newest_first:
        return (opened.is_(None).asc(), opened.desc(), table.c.id.desc())
    return (opened.is_(None).desc(), opened.asc(), table.c.id.asc())


async def state_rows_as_of(connection: AsyncConnection, *, period_opens: date) -> StateRows:
    """The portfolio as the round that opened on ``period_opens`` knew it."""
    history = initiative_history_table
    latest = history.alias("latest")
    latest_id = (
        sa.select(latest.c.id)
        .where(latest.c.initiative_id == initiative_table.c.id)
        .where(_known_by(latest.c.period_id, period_opens))
        .order_by(*_in_order(latest, newest_first=True))
        .limit(1)
        .scalar_subquery()
    )
    initiatives = await connection.execute(
        sa.select(
            initiative_table.c.code,
            initiative_table.c.name,
            as_stored(history.c.segment),
            as_stored(history.c.phase),
            as_stored(history.c.planned_start),
            as_stored(history.c.planned_end),
            as_stored(history.c.forecast_end),
        )
        .select_from(initiative_table)
        .join(history, history.c.id == latest_id)
        .where(history.c.state.in_(sorted(ADMITTED_STATES)))
        .order_by(initiative_table.c.code)
    )
    initiative_rows = await all_rows(initiatives)
    known = {row.code for row in initiative_rows}

    deliveries_history = delivery_history_table
    latest_delivery = deliveries_history.alias("latest_delivery")
    latest_delivery_id = (
        sa.select(latest_delivery.c.id)
        .where(latest_delivery.c.delivery_id == delivery_table.c.id)
        .where(_known_by(latest_delivery.c.period_id, period_opens))
        .order_by(*_in_order(latest_delivery, newest_first=True))
        .limit(1)
        .scalar_subquery()
    )
    deliveries = await connection.execute(
        sa.select(
            delivery_table.c.code,
            initiative_table.c.code.label("initiative"),
            as_stored(deliveries_history.c.baseline_date),
            as_stored(deliveries_history.c.forecast_date),
        )
        .select_from(delivery_table)
        .join(initiative_table, initiative_table.c.id == delivery_table.c.initiative_id)
        .join(deliveries_history, deliveries_history.c.id == latest_delivery_id)
        .order_by(delivery_table.c.code)
    )
    delivery_rows = [row for row in await all_rows(deliveries) if row.initiative in known]

    dependencies_history = dependency_history_table
    recorded = await connection.execute(
        sa.select(
            dependencies_history.c.supplier_code.label("supplier"),
            dependencies_history.c.dependant_code.label("dependant"),
            as_stored(dependencies_history.c.criticality),
            as_stored(dependencies_history.c.type),
            dependencies_history.c.lag_days,
            as_stored(dependencies_history.c.needed_by),
            dependencies_history.c.supplier_delivery_code.label("supplier_delivery"),
            dependencies_history.c.present,
        )
        .where(_known_by(dependencies_history.c.period_id, period_opens))
        .order_by(*_in_order(dependencies_history, newest_first=False))
    )
    # Oldest first, so the last row of each pair is what the round knew.
    last: dict[tuple[str, str], Row] = {}
    for row in await all_rows(recorded):
        last[(row.supplier, row.dependant)] = row
    solutions = await _solutions(connection)
    nodes = known | {row.code for row in solutions}
    deliveries_known = {row.code for row in delivery_rows}
    dependencies = [
        (*row[:6], row.supplier_delivery if row.supplier_delivery in deliveries_known else None)
        for (supplier, dependant), row in sorted(last.items())
        if row.present and supplier in nodes and dependant in known
    ]
    developments = [
        row for row in await admitted_developments(connection) if row.initiative in known
    ]
    return StateRows(
        initiatives=initiative_rows,
        deliveries=delivery_rows,
        dependencies=dependencies,
        solutions=solutions,
        developments=developments,
    )


async def _solutions(connection: AsyncConnection) -> list[Row]:
    result = await connection.execute(
        sa.select(solution_table.c.code, solution_table.c.name, solution_table.c.category).order_by(
            solution_table.c.code
        )
    )
    return await all_rows(result)


async def admitted_developments(connection: AsyncConnection) -> list[Row]:
    """Which solutions each admitted initiative develops (for every caller alike)."""
    result = await connection.execute(
        sa.select(
            initiative_table.c.code.label("initiative"), solution_table.c.code.label("solution")
        )
        .select_from(developed_table)
        .join(initiative_table, initiative_table.c.id == developed_table.c.initiative_id)
        .join(solution_table, solution_table.c.id == developed_table.c.solution_id)
        .where(admitted())
    )
    return await all_rows(result)


async def list_baselines(connection: AsyncConnection, *, limit: int) -> list[Row]:
    """Baselines without their frozen state, newest first."""
    result = await connection.execute(
        sa.select(
            baseline_table.c.id,
            baseline_table.c.code,
            baseline_table.c.name,
            baseline_table.c.created_by,
            baseline_table.c.created_at,
            baseline_table.c.period_id,
            baseline_table.c.version,
        )
        .order_by(baseline_table.c.created_at.desc(), baseline_table.c.id.desc())
        .limit(limit)
    )
    return await all_rows(result)


async def baseline_by_code(connection: AsyncConnection, code: str) -> Row | None:
    """One baseline with its frozen state."""
    result = await connection.execute(
        sa.select(baseline_table).where(baseline_table.c.code == code)
    )
    return result.first()
