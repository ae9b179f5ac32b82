"""Saved scenarios (what-if bundles of changes); they name admitted initiatives only."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from app.repository.rows import Row
from app.tables import organisation_table, scenario_table


def _scenario_select() -> sa.Select[Any]:
    return sa.select(scenario_table, organisation_table.c.code.label("owner_code")).outerjoin(
        organisation_table, organisation_table.c.id == scenario_table.c.owner_id
    )


async def list_scenarios(connection: AsyncConnection, *, limit: int) -> list[Row]:
    """The first ``limit`` scenarios by code."""
    result = await connection.execute(
        _scenario_select().order_by(scenario_table.c.code).limit(limit)
    )
    return list(result.all())


async def count_scenarios(connection: AsyncConnection) -> int:
    """How many scenarios are saved."""
    return int(await connection.scalar(sa.select(sa.func.count()).select_from(scenario_table)) or 0)


async def scenario_by_code(connection: AsyncConnection, code: str) -> Row | None:
    """The scenario with ``code``, if there is one."""
    result = await connection.execute(_scenario_select().where(scenario_table.c.code == code))
    row: Row | None = result.first()
    return row
