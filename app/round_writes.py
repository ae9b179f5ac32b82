"""Writes of reporting rounds (*rapporteringsrunder*): opening and closing a period.

Like ``app.writes``, every function runs inside the transaction of ``run_write``; it returns
its result or refuses by raising (guards, ``Problems.check``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from app import repository
from app.auth import Viewer
from app.events import ReportingPeriodClosed, ReportingPeriodOpened
from app.messages import message
from app.repository import Row
from app.tables import (
    period_table,
)
from app.validation import (
    MAX_NAME,
    NotFound,
    Problems,
    invalid,
)
from app.writes import (
    audit,
    record_event,
    refuse,
    require_office,
)


async def open_reporting_period(
    connection: AsyncConnection, *, viewer: Viewer, values: Mapping[str, Any]
) -> Row:
    """Open a reporting round: a new period with its opening day and deadline."""
    require_office(viewer, message("action.open_periods"))
    problems = Problems()
    problems.code("code", values["code"])
    problems.text("name", values.get("name"), max_length=MAX_NAME, required=True)
    problems.date_in_range("opens", values["opens"])
    problems.date_in_range("deadline", values["deadline"])
    problems.order(("opens", values["opens"]), ("deadline", values["deadline"]))
    if await repository.period_by_code(connection, values["code"]) is not None:
        problems.add("code", "period_exists", code=repr(values["code"]))
    problems.check()
    await connection.execute(
        period_table.insert().values(
            code=values["code"],
            name=values["name"],
            opens=values["opens"],
            deadline=values["deadline"],
            closed=False,
        )
    )
    row = await repository.period_by_code(connection, values["code"])
    assert row is not None
    await audit(
        viewer=viewer,
        action="reporting_period.open",
        entity_type="ReportingPeriod",
        entity_code=row.code,
        before=None,
        after=row,
    )
    await record_event(ReportingPeriodOpened(**_period_fields(row, viewer)))
    return row


async def close_reporting_period(connection: AsyncConnection, *, viewer: Viewer, code: str) -> Row:
    """Close a period: its reports become read-only."""
    require_office(viewer, message("action.close_periods"))
    current = await repository.period_by_code(connection, code)
    if current is None:
        refuse(NotFound("code", code, message("noun.reporting_period")))
    if current.closed:
        refuse(invalid("code", "period_already_closed", name=current.name))
    await connection.execute(
        period_table.update().where(period_table.c.id == current.id).values(closed=True)
    )
    row = await repository.period_by_code(connection, code)
    assert row is not None
    await audit(
        viewer=viewer,
        action="reporting_period.close",
        entity_type="ReportingPeriod",
        entity_code=code,
        before=current,
        after=row,
    )
    await record_event(ReportingPeriodClosed(**_period_fields(row, viewer)))
    return row


def _period_fields(row: Row, viewer: Viewer) -> dict[str, Any]:
    return {
        "period_id": row.id,
        "period_code": row.code,
        "name": row.name,
        "opens": row.opens,
        "deadline": row.deadline,
        "actor": viewer.actor,
    }
