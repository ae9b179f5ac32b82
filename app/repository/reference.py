"""Reference data and reporting rounds: data version, goals, organisations, solutions."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from app.repository.rows import Row, one_of
from app.tables import (
    goal_table,
    organisation_table,
    period_table,
    sdg_table,
    solution_table,
    version_table,
)


async def data_version(connection: AsyncConnection) -> int:
    """The current data version (0 for a database that was never written)."""
    value = await connection.scalar(
        sa.select(version_table.c.version).where(version_table.c.id == 1)
    )
    return int(value or 0)


async def list_strategic_goals(connection: AsyncConnection) -> Sequence[Row]:
    return (await connection.execute(sa.select(goal_table).order_by(goal_table.c.number))).all()


async def list_sustainable_development_goals(connection: AsyncConnection) -> Sequence[Row]:
    result = await connection.execute(sa.select(sdg_table).order_by(sdg_table.c.number))
    return result.all()


async def list_organisations(connection: AsyncConnection) -> Sequence[Row]:
    result = await connection.execute(
        sa.select(organisation_table).order_by(organisation_table.c.code)
    )
    return result.all()


async def organisations_by_ids(connection: AsyncConnection, ids: Collection[int]) -> dict[int, Row]:
    result = await connection.execute(
        sa.select(organisation_table).where(one_of(organisation_table.c.id, ids))
    )
    return {row.id: row for row in result}


async def organisations_by_codes(
    connection: AsyncConnection, codes: Collection[str]
) -> dict[str, Row]:
    result = await connection.execute(
        sa.select(organisation_table).where(one_of(organisation_table.c.code, codes))
    )
    return {row.code: row for row in result}


async def list_solutions(
    connection: AsyncConnection, *, categories: Collection[str] | None = None
) -> Sequence[Row]:
    query = sa.select(solution_table).order_by(solution_table.c.code)
    if categories:
        query = query.where(solution_table.c.category.in_(categories))
    return (await connection.execute(query)).all()


async def solutions_by_ids(connection: AsyncConnection, ids: Collection[int]) -> dict[int, Row]:
    result = await connection.execute(
        sa.select(solution_table).where(one_of(solution_table.c.id, ids))
    )
    return {row.id: row for row in result}


async def solutions_by_codes(connection: AsyncConnection, codes: Collection[str]) -> dict[str, Row]:
    result = await connection.execute(
        sa.select(solution_table).where(one_of(solution_table.c.code, codes))
    )
    return {row.code: row for row in result}


async def list_reporting_periods(connection: AsyncConnection) -> Sequence[Row]:
    """Every period, newest first."""
    result = await connection.execute(
        sa.select(period_table).order_by(period_table.c.opens.desc(), period_table.c.code.desc())
    )
    return result.all()


def pick_current_period(periods: Sequence[Row], *, today: date) -> Row | None:
    """The latest period opened by ``today`` (else the earliest), from newest-first rows."""
    for period in periods:
        if period.opens <= today:
            return period
    return periods[-1] if periods else None


async def period_by_code(connection: AsyncConnection, code: str) -> Row | None:
    result = await connection.execute(sa.select(period_table).where(period_table.c.code == code))
    return result.first()


async def periods_by_ids(connection: AsyncConnection, ids: Collection[int]) -> dict[int, Row]:
    result = await connection.execute(sa.select(period_table).where(one_of(period_table.c.id, ids)))
    return {row.id: row for row in result}
