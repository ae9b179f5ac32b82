"""Deliveries (*leveranser*) and risks of initiatives."""

from __future__ import annotations

from collections.abc import Collection

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from app.auth import Visibility
from app.repository.rows import Row, grouped, one_of
from app.repository.visibility import of_visible_initiative
from app.tables import (
    delivery_table,
    risk_table,
)


async def deliveries_for(
    connection: AsyncConnection, initiative_ids: Collection[int], *, visibility: Visibility
) -> dict[int, list[Row]]:
    result = await connection.execute(
        sa.select(delivery_table)
        .where(
            one_of(delivery_table.c.initiative_id, initiative_ids),
            of_visible_initiative(delivery_table.c.initiative_id, visibility),
        )
        .order_by(delivery_table.c.baseline_date, delivery_table.c.code)
    )
    return grouped(result, "initiative_id")


async def deliveries_by_ids(
    connection: AsyncConnection, ids: Collection[int], *, visibility: Visibility
) -> dict[int, Row]:
    result = await connection.execute(
        sa.select(delivery_table).where(
            one_of(delivery_table.c.id, ids),
            of_visible_initiative(delivery_table.c.initiative_id, visibility),
        )
    )
    return {row.id: row for row in result}


async def deliveries_by_codes(
    connection: AsyncConnection, codes: Collection[str], *, visibility: Visibility
) -> dict[str, Row]:
    result = await connection.execute(
        sa.select(delivery_table).where(
            one_of(delivery_table.c.code, codes),
            of_visible_initiative(delivery_table.c.initiative_id, visibility),
        )
    )
    return {row.code: row for row in result}


async def delivery_by_code(
    connection: AsyncConnection, code: str, *, visibility: Visibility
) -> Row | None:
    result = await connection.execute(
        sa.select(delivery_table).where(
            delivery_table.c.code == code,
            of_visible_initiative(delivery_table.c.initiative_id, visibility),
        )
    )
    return result.first()


async def risks_for(
    connection: AsyncConnection, initiative_ids: Collection[int], *, visibility: Visibility
) -> dict[int, list[Row]]:
    result = await connection.execute(
        sa.select(risk_table)
        .where(
            one_of(risk_table.c.initiative_id, initiative_ids),
            of_visible_initiative(risk_table.c.initiative_id, visibility),
        )
        .order_by(risk_table.c.code)
    )
    return grouped(result, "initiative_id")


async def risk_by_code(
    connection: AsyncConnection, code: str, *, visibility: Visibility
) -> Row | None:
    result = await connection.execute(
        sa.select(risk_table).where(
            risk_table.c.code == code,
            of_visible_initiative(risk_table.c.initiative_id, visibility),
        )
    )
    return result.first()
