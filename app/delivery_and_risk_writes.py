"""Writes of an initiative's deliveries (*leveranser*) and risks, each kept by code.

Like ``app.writes``, every function runs inside the transaction of ``run_write``; it returns
its result or refuses by raising (guards, ``Problems.check``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from app.auth import Viewer
from app.domain import DeliveryStatus, TrafficLight
from app.messages import Message, message
from app.repository import Row
from app.tables import (
    delivery_table,
    risk_table,
)
from app.validation import (
    MAX_NAME,
    MAX_TEXT,
    Problems,
    invalid,
)
from app.writes import (
    audit,
    owned_initiative,
    refuse,
)


async def _owned_item(
    connection: AsyncConnection,
    *,
    viewer: Viewer,
    table: Any,
    initiative_code: str,
    code: str,
    what: Message,
) -> tuple[Row, Row | None]:
    """The initiative (checked for ownership) and the existing item with ``code``, if any."""
    initiative = await owned_initiative(connection, viewer, initiative_code, field="initiative")
    existing = (await connection.execute(sa.select(table).where(table.c.code == code))).first()
    if existing is not None and existing.initiative_id != initiative.id:
        refuse(invalid("code", "item_of_other_initiative", code=repr(code), what=what))
    return initiative, existing


async def _upsert(
    connection: AsyncConnection,
    *,
    viewer: Viewer,
    table: Any,
    entity_type: str,
    existing: Row | None,
    columns: dict[str, Any],
) -> Row:
    if existing is None:
        await connection.execute(table.insert().values(**columns))
    else:
        await connection.execute(table.update().where(table.c.id == existing.id).values(**columns))
    row = (
        await connection.execute(sa.select(table).where(table.c.code == columns["code"]))
    ).first()
    assert row is not None
    await audit(
        viewer=viewer,
        action=f"{entity_type.lower()}.{'update' if existing is not None else 'create'}",
        entity_type=entity_type,
        entity_code=row.code,
        before=existing,
        after=row,
    )
    return row


async def upsert_delivery(
    connection: AsyncConnection, *, viewer: Viewer, values: Mapping[str, Any]
) -> Row:
    """Create a delivery or replace the one with its code; only the office moves baselines."""
    initiative, existing = await _owned_item(
        connection,
        viewer=viewer,
        table=delivery_table,
        initiative_code=values["initiative"],
        code=values["code"],
        what=message("noun.delivery"),
    )
    problems = Problems()
    problems.code("code", values["code"])
    problems.text("name", values.get("name"), max_length=MAX_NAME, required=True)
    problems.text("description", values.get("description"), max_length=MAX_TEXT)
    for key, name in (
        ("baseline_date", "baselineDate"),
        ("forecast_date", "forecastDate"),
        ("delivered_date", "deliveredDate"),
    ):
        problems.date_in_range(name, values.get(key))
    if values.get("delivered_date") is not None and values["status"] != DeliveryStatus.DELIVERED:
        problems.add("deliveredDate", "delivered_date_when_delivered")
    if (
        existing is not None
        and existing.baseline_date is not None
        and values.get("baseline_date") != existing.baseline_date
        and not viewer.is_admin
    ):
        problems.add("baselineDate", "baseline_office_only")
    problems.check()
    columns = {
        key: values.get(key)
        for key in (
            "code",
            "name",
            "description",
            "baseline_date",
            "forecast_date",
            "delivered_date",
            "status",
        )
    }
    columns["initiative_id"] = initiative.id
    return await _upsert(
        connection,
        viewer=viewer,
        table=delivery_table,
        entity_type="Delivery",
        existing=existing,
        columns=columns,
    )


async def upsert_risk(
    connection: AsyncConnection, *, viewer: Viewer, values: Mapping[str, Any]
) -> Row:
    """Create a risk, or replace the one with the same code."""
    initiative, existing = await _owned_item(
        connection,
        viewer=viewer,
        table=risk_table,
        initiative_code=values["initiative"],
        code=values["code"],
        what=message("noun.risk"),
    )
    problems = Problems()
    problems.code("code", values["code"])
    problems.text("title", values.get("title"), max_length=MAX_NAME, required=True)
    problems.text("description", values.get("description"), max_length=MAX_TEXT)
    problems.text("mitigation", values.get("mitigation"), max_length=MAX_TEXT)
    problems.between("probability", values.get("probability"), 1, 5)
    problems.between("consequence", values.get("consequence"), 1, 5)
    if values["level"] in {TrafficLight.YELLOW, TrafficLight.RED} and not values.get("mitigation"):
        problems.add(
            "mitigation", "required_when_risk_level", level=TrafficLight(values["level"]).value
        )
    problems.check()
    columns = {
        key: values.get(key)
        for key in (
            "code",
            "title",
            "description",
            "probability",
            "consequence",
            "level",
            "mitigation",
            "status",
        )
    }
    columns["initiative_id"] = initiative.id
    return await _upsert(
        connection,
        viewer=viewer,
        table=risk_table,
        entity_type="Risk",
        existing=existing,
        columns=columns,
    )
