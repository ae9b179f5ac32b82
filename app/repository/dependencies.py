"""Dependencies in either direction, both ends visible to the reader."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from app.auth import Visibility
from app.repository.rows import Row, grouped, one_of
from app.repository.visibility import visible_initiatives
from app.tables import (
    dependency_table,
    initiative_table,
    solution_table,
)


def _dependency_select(visibility: Visibility) -> sa.Select[Any]:
    """Dependencies with both ends' codes; both ends must be visible to the reader."""
    supplier_initiative = initiative_table.alias("supplier_initiative")
    dependant = initiative_table.alias("dependant_initiative")
    return (
        sa.select(
            dependency_table,
            sa.func.coalesce(supplier_initiative.c.code, solution_table.c.code).label(
                "supplier_code"
            ),
            dependant.c.code.label("dependant_code"),
        )
        .join(dependant, dependant.c.id == dependency_table.c.dependant_id)
        .outerjoin(
            supplier_initiative,
            supplier_initiative.c.id == dependency_table.c.supplier_initiative_id,
        )
        .outerjoin(solution_table, solution_table.c.id == dependency_table.c.supplier_solution_id)
        .where(
            visible_initiatives(visibility, dependant),
            sa.or_(
                dependency_table.c.supplier_initiative_id.is_(None),
                visible_initiatives(visibility, supplier_initiative),
            ),
        )
    )


async def dependencies_of(
    connection: AsyncConnection, dependant_ids: Collection[int], *, visibility: Visibility
) -> dict[int, list[Row]]:
    """What each initiative depends on."""
    result = await connection.execute(
        _dependency_select(visibility)
        .where(one_of(dependency_table.c.dependant_id, dependant_ids))
        .order_by(dependency_table.c.dependant_id, sa.text("supplier_code"))
    )
    return grouped(result, "dependant_id")


async def dependants_of_initiatives(
    connection: AsyncConnection, supplier_ids: Collection[int], *, visibility: Visibility
) -> dict[int, list[Row]]:
    """Who depends on each initiative."""
    result = await connection.execute(
        _dependency_select(visibility)
        .where(one_of(dependency_table.c.supplier_initiative_id, supplier_ids))
        .order_by(dependency_table.c.supplier_initiative_id, sa.text("dependant_code"))
    )
    return grouped(result, "supplier_initiative_id")


async def dependants_of_solutions(
    connection: AsyncConnection, supplier_ids: Collection[int], *, visibility: Visibility
) -> dict[int, list[Row]]:
    """Who depends on each solution."""
    result = await connection.execute(
        _dependency_select(visibility)
        .where(one_of(dependency_table.c.supplier_solution_id, supplier_ids))
        .order_by(dependency_table.c.supplier_solution_id, sa.text("dependant_code"))
    )
    return grouped(result, "supplier_solution_id")


async def dependency_by_id(
    connection: AsyncConnection, dependency_id: int, *, visibility: Visibility
) -> Row | None:
    result = await connection.execute(
        _dependency_select(visibility).where(dependency_table.c.id == dependency_id)
    )
    row: Row | None = result.first()
    return row
