"""What the import compares with and refers to: the stored rows, read once."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from app import repository, tables
from app.auth import EVERYTHING
from app.repository import Row


@dataclass(slots=True)
class Stored:
    """The rows the import compares with and refers to, read once in its transaction."""

    organisations: dict[str, int]
    solutions: dict[str, int]
    goals: set[int]
    sdgs: set[int]
    periods: dict[str, Row]
    initiatives: dict[str, Row]
    supporting: dict[int, set[int]]
    initiative_sdgs: dict[int, set[int]]
    developed: dict[int, set[str]]
    deliveries: dict[str, Row]
    dependencies: dict[tuple[str, str], Row]
    reports: dict[tuple[int, int], list[Row]]


async def read_stored(connection: AsyncConnection) -> Stored:
    """Every row the checks and the writer need, in the import's transaction."""

    async def codes(table: sa.Table) -> dict[str, int]:
        result = await connection.execute(sa.select(table.c.code, table.c.id))
        return {row.code: row.id for row in result}

    initiatives = {
        row.code: row
        for row in (await connection.execute(sa.select(tables.initiative_table))).all()
    }
    ids = [row.id for row in initiatives.values()]
    supporting = await repository.supporting_goals_for(connection, ids, visibility=EVERYTHING)
    sdgs = await repository.sdgs_for(connection, ids, visibility=EVERYTHING)
    developed = await repository.developed_solutions_for(connection, ids, visibility=EVERYTHING)
    dependencies = await repository.dependencies_of(connection, ids, visibility=EVERYTHING)
    reports: dict[tuple[int, int], list[Row]] = defaultdict(list)
    for row in await connection.execute(
        sa.select(tables.report_table).order_by(tables.report_table.c.revision)
    ):
        reports[row.initiative_id, row.period_id].append(row)
    return Stored(
        organisations=await codes(tables.organisation_table),
        solutions=await codes(tables.solution_table),
        goals=set((await connection.execute(sa.select(tables.goal_table.c.number))).scalars()),
        sdgs=set((await connection.execute(sa.select(tables.sdg_table.c.number))).scalars()),
        periods={row.code: row for row in await repository.list_reporting_periods(connection)},
        initiatives=initiatives,
        supporting={key: {row.number for row in rows} for key, rows in supporting.items()},
        initiative_sdgs={key: {row.number for row in rows} for key, rows in sdgs.items()},
        developed={key: {row.code for row in rows} for key, rows in developed.items()},
        deliveries={
            row.code: row
            for row in (await connection.execute(sa.select(tables.delivery_table))).all()
        },
        dependencies={
            (row.dependant_code, row.supplier_code): row
            for rows in dependencies.values()
            for row in rows
        },
        reports=reports,
    )
