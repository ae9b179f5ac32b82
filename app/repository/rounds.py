"""What the summary of a reporting round reads: admitted initiatives, reports, deliveries."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from app.domain import ADMITTED_STATES
from app.repository.rows import Row
from app.repository.status_reports import latest_reports_subquery
from app.tables import (
    delivery_table,
    initiative_sdg_table,
    initiative_table,
    organisation_table,
    report_table,
    supporting_goal_table,
)


async def admitted_initiatives(connection: AsyncConnection) -> Sequence[Row]:
    """Admitted initiatives with their owner's code and name, by code."""
    result = await connection.execute(
        sa.select(
            initiative_table,
            organisation_table.c.code.label("owner_code"),
            organisation_table.c.name.label("owner_name"),
        )
        .join(organisation_table, organisation_table.c.id == initiative_table.c.owner_id)
        .where(initiative_table.c.state.in_(sorted(ADMITTED_STATES)))
        .order_by(initiative_table.c.code)
    )
    return result.all()


async def latest_reports(connection: AsyncConnection, *, period_opens: Any) -> dict[int, Row]:
    """Every initiative's latest report up to a period (carried forward)."""
    latest = latest_reports_subquery(period_opens=period_opens)
    result = await connection.execute(sa.select(latest))
    return {row.initiative_id: row for row in result}


async def initiatives_reported_in(connection: AsyncConnection, *, period_id: int) -> set[int]:
    result = await connection.execute(
        sa.select(report_table.c.initiative_id).where(report_table.c.period_id == period_id)
    )
    return set(result.scalars())


async def open_deliveries(connection: AsyncConnection) -> Sequence[Row]:
    """Deliveries of admitted initiatives, by due date (forecast, else baseline)."""
    result = await connection.execute(
        sa.select(delivery_table)
        .join(initiative_table, initiative_table.c.id == delivery_table.c.initiative_id)
        .where(initiative_table.c.state.in_(sorted(ADMITTED_STATES)))
        .order_by(
            sa.func.coalesce(delivery_table.c.forecast_date, delivery_table.c.baseline_date),
            delivery_table.c.code,
        )
    )
    return result.all()


async def goal_links(connection: AsyncConnection) -> tuple[Sequence[Row], Sequence[Row]]:
    """(initiative, supporting goal) and (initiative, SDG) pairs."""
    supporting = await connection.execute(sa.select(supporting_goal_table))
    sdgs = await connection.execute(sa.select(initiative_sdg_table))
    return supporting.all(), sdgs.all()


def missing_reports(initiatives: Sequence[Row], reported: Collection[int]) -> list[Row]:
    """ACTIVE or PAUSED initiatives with no report among ``reported`` (ids), in input order."""
    return [
        row for row in initiatives if row.state in {"ACTIVE", "PAUSED"} and row.id not in reported
    ]


def slipped_deliveries(deliveries: Sequence[Row]) -> list[Row]:
    """Deliveries (not cancelled) forecast after their baseline, most slipped first."""
    return sorted(
        (
            row
            for row in deliveries
            if row.status != "CANCELLED"
            and row.baseline_date is not None
            and row.forecast_date is not None
            and row.forecast_date > row.baseline_date
        ),
        key=lambda row: (row.baseline_date - row.forecast_date, row.code),
    )
