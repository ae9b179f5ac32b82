"""What each round knew: history rows recorded with every change, in the change's transaction.

``writes.insert_audit`` — which every write and the import call for each thing they
change — hands initiatives, deliveries and dependencies here, so no write path can change
them without leaving its round's row. A row is tagged with the round current on the day
of the write (the latest opened, as ``currentPeriod`` answers); what a round knew is read
back by ``repository.history_as_of``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from app import models
from app.tables import (
    delivery_history_table,
    delivery_table,
    dependency_history_table,
    dependency_table,
    initiative_history_table,
    initiative_table,
    period_table,
    solution_table,
)

RECORDED = frozenset({"Initiative", "Delivery", "Dependency"})
"""The audited entities whose changes history keeps."""

DEPENDENCY_SEPARATOR = "<-"
"""How an audited dependency is named: ``dependant<-supplier``."""


def current_period_id(today: date) -> sa.ScalarSelect[Any]:
    """The round current on ``today``: the latest opened, else the earliest (none: null)."""
    opened = (
        sa.select(period_table.c.id)
        .where(period_table.c.opens <= today)
        .order_by(period_table.c.opens.desc())
        .limit(1)
        .scalar_subquery()
    )
    earliest = (
        sa.select(period_table.c.id).order_by(period_table.c.opens).limit(1).scalar_subquery()
    )
    return sa.select(sa.func.coalesce(opened, earliest)).scalar_subquery()


async def record_change(
    connection: AsyncConnection,
    *,
    entity_type: str,
    entity_code: str,
    before: Mapping[Any, Any] | None,
    today: date | None = None,
) -> None:
    """Append the current state of the changed thing to its history, in ``connection``."""
    period = current_period_id(today or date.today())
    now = models.utcnow()
    if entity_type == "Initiative":
        await _record_initiative(connection, entity_code, period, now)
    elif entity_type == "Delivery":
        await _record_delivery(connection, entity_code, period, now)
    elif entity_type == "Dependency":
        await _record_dependency(connection, entity_code, before, period, now)


async def _record_initiative(connection: AsyncConnection, code: str, period: Any, now: Any) -> None:
    table = initiative_table
    await connection.execute(
        initiative_history_table.insert().from_select(
            [
                "initiative_id",
                "period_id",
                "recorded_at",
                "segment",
                "phase",
                "state",
                "planned_start",
                "planned_end",
                "forecast_end",
                "illustrative",
            ],
            sa.select(
                table.c.id,
                period,
                sa.literal(now, initiative_history_table.c.recorded_at.type),
                table.c.segment,
                table.c.phase,
                table.c.state,
                table.c.planned_start,
                table.c.planned_end,
                table.c.forecast_end,
                sa.false(),
            ).where(table.c.code == code),
        )
    )


async def _record_delivery(connection: AsyncConnection, code: str, period: Any, now: Any) -> None:
    table = delivery_table
    await connection.execute(
        delivery_history_table.insert().from_select(
            [
                "delivery_id",
                "period_id",
                "recorded_at",
                "baseline_date",
                "forecast_date",
                "delivered_date",
                "status",
                "illustrative",
            ],
            sa.select(
                table.c.id,
                period,
                sa.literal(now, delivery_history_table.c.recorded_at.type),
                table.c.baseline_date,
                table.c.forecast_date,
                table.c.delivered_date,
                table.c.status,
                sa.false(),
            ).where(table.c.code == code),
        )
    )


async def _record_dependency(
    connection: AsyncConnection,
    entity_code: str,
    before: Mapping[Any, Any] | None,
    period: Any,
    now: Any,
) -> None:
    dependant_code, _, supplier_code = entity_code.partition(DEPENDENCY_SEPARATOR)
    dependant = initiative_table.alias("dependant")
    supplier = initiative_table.alias("supplier")
    delivery = delivery_table
    current = (
        await connection.execute(
            sa.select(
                dependency_table.c.criticality,
                dependency_table.c.type,
                dependency_table.c.lag_days,
                dependency_table.c.needed_by,
                delivery.c.code.label("supplier_delivery_code"),
            )
            .select_from(dependency_table)
            .join(dependant, dependant.c.id == dependency_table.c.dependant_id)
            .outerjoin(supplier, supplier.c.id == dependency_table.c.supplier_initiative_id)
            .outerjoin(
                solution_table, solution_table.c.id == dependency_table.c.supplier_solution_id
            )
            .outerjoin(delivery, delivery.c.id == dependency_table.c.supplier_delivery_id)
            .where(dependant.c.code == dependant_code)
            .where(sa.func.coalesce(supplier.c.code, solution_table.c.code) == supplier_code)
        )
    ).first()
    if current is not None:
        values: dict[str, Any] = dict(current._mapping)
        present = True
    elif before is not None:
        # Removed: the row keeps what the dependency was, marked as no longer there.
        history = dependency_history_table
        last = (
            await connection.execute(
                sa.select(
                    history.c.criticality,
                    history.c.type,
                    history.c.lag_days,
                    history.c.needed_by,
                    history.c.supplier_delivery_code,
                )
                .where(history.c.dependant_code == dependant_code)
                .where(history.c.supplier_code == supplier_code)
                .order_by(history.c.id.desc())
                .limit(1)
            )
        ).first()
        values = (
            dict(last._mapping)
            if last is not None
            else {
                "criticality": before["criticality"],
                "type": before["type"],
                "lag_days": before.get("lag_days") or 0,
                "needed_by": before.get("needed_by"),
            }
        )
        present = False
    else:
        return
    await connection.execute(
        dependency_history_table.insert().values(
            dependant_code=dependant_code,
            supplier_code=supplier_code,
            period_id=period,
            recorded_at=now,
            present=present,
            illustrative=False,
            **values,
        )
    )
