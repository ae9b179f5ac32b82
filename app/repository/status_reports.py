"""Status reports: each initiative's latest report up to a round, and every revision."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from app.auth import Visibility
from app.repository.rows import Row, grouped, one_of
from app.repository.visibility import of_visible_initiative
from app.tables import (
    period_table,
    report_table,
)


def latest_reports_subquery(
    *, period_opens: date | None, columns: Sequence[str] | None = None
) -> sa.Subquery:
    """Each initiative's latest report revision from periods opened up to ``period_opens``.

    ``columns`` narrows it to those report columns (and ``initiative_id``): ranking 80,000
    reports sorts whatever is selected, free-text fields included.
    """
    selected = (
        [report_table.c.initiative_id, *(report_table.c[name] for name in columns)]
        if columns is not None
        else [report_table]
    )
    ranked = sa.select(
        *selected,
        sa.func.row_number()
        .over(
            partition_by=report_table.c.initiative_id,
            order_by=(period_table.c.opens.desc(), report_table.c.revision.desc()),
        )
        .label("rank"),
    ).join(period_table, period_table.c.id == report_table.c.period_id)
    if period_opens is not None:
        ranked = ranked.where(period_table.c.opens <= period_opens)
    ranked_subquery = ranked.subquery("ranked_report")
    return sa.select(ranked_subquery).where(ranked_subquery.c.rank == 1).subquery("latest_report")


async def latest_reports_for(
    connection: AsyncConnection,
    initiative_ids: Collection[int],
    *,
    period_opens: date | None,
    visibility: Visibility,
) -> dict[int, Row]:
    """Each initiative's latest report up to a period, joined with that period's code."""
    latest = latest_reports_subquery(period_opens=period_opens)
    result = await connection.execute(
        sa.select(latest, period_table.c.code.label("period_code"))
        .join(period_table, period_table.c.id == latest.c.period_id)
        .where(
            one_of(latest.c.initiative_id, initiative_ids),
            of_visible_initiative(latest.c.initiative_id, visibility),
        )
    )
    return {row.initiative_id: row for row in result}


async def reports_for(
    connection: AsyncConnection, initiative_ids: Collection[int], *, visibility: Visibility
) -> dict[int, list[Row]]:
    """Every report revision, newest period first and newest revision first within it."""
    result = await connection.execute(
        sa.select(report_table, period_table.c.code.label("period_code"))
        .join(period_table, period_table.c.id == report_table.c.period_id)
        .where(
            one_of(report_table.c.initiative_id, initiative_ids),
            of_visible_initiative(report_table.c.initiative_id, visibility),
        )
        .order_by(
            report_table.c.initiative_id,
            period_table.c.opens.desc(),
            report_table.c.revision.desc(),
        )
    )
    return grouped(result, "initiative_id")


async def report_by_id(
    connection: AsyncConnection, report_id: int, *, visibility: Visibility
) -> Row | None:
    result = await connection.execute(
        sa.select(report_table, period_table.c.code.label("period_code"))
        .join(period_table, period_table.c.id == report_table.c.period_id)
        .where(
            report_table.c.id == report_id,
            of_visible_initiative(report_table.c.initiative_id, visibility),
        )
    )
    return result.first()
