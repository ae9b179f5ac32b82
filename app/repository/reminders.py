"""What a reminder round reads: the initiatives still without a report and not yet reminded."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from app.domain import LifecycleState
from app.repository.rows import Row
from app.tables import initiative_table, organisation_table, reminder_table, report_table

REMINDED_STATES = (LifecycleState.ACTIVE.value, LifecycleState.PAUSED.value)
"""The initiatives that report (and so are reminded): admitted and not finished."""


async def unreminded_missing_reports(
    connection: AsyncConnection, *, period_id: int
) -> Sequence[Row]:
    """ACTIVE or PAUSED initiatives with no report in the period and no reminder for it yet,
    with their owner's name and contact address, by code."""
    reported = sa.exists().where(
        report_table.c.initiative_id == initiative_table.c.id,
        report_table.c.period_id == period_id,
    )
    reminded = sa.exists().where(
        reminder_table.c.initiative_id == initiative_table.c.id,
        reminder_table.c.period_id == period_id,
    )
    result: sa.Result[Any] = await connection.execute(
        sa.select(
            initiative_table.c.id,
            initiative_table.c.code,
            initiative_table.c.name,
            initiative_table.c.segment,
            initiative_table.c.owner_id,
            organisation_table.c.name.label("owner_name"),
            organisation_table.c.contact_email,
        )
        .join(organisation_table, organisation_table.c.id == initiative_table.c.owner_id)
        .where(initiative_table.c.state.in_(REMINDED_STATES), ~reported, ~reminded)
        .order_by(initiative_table.c.code)
    )
    return result.all()
