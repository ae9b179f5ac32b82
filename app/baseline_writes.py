"""Baselines: the portfolio frozen as it is (the office's), and deleting one."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from app import models, repository
from app.auth import Viewer
from app.history import current_period_id
from app.messages import message
from app.portfolio_changes import PortfolioState
from app.repository import Row
from app.tables import baseline_table, period_table, version_table
from app.validation import MAX_NAME, Conflict, NotFound, Problems
from app.writes import audit, refuse, require_office


def _summary(row: Row) -> dict[str, object]:
    """The baseline for the audit log, without its frozen state."""
    return {key: value for key, value in row._mapping.items() if key != "state"}


async def create_baseline(
    connection: AsyncConnection,
    *,
    viewer: Viewer,
    code: str,
    name: str,
    state: PortfolioState | None,
    version: int,
    today: date,
) -> Row:
    """Freeze ``state`` — the portfolio at data ``version`` — as the baseline ``code``.

    The state is worked out before the write; when another write came between, the
    baseline would not be what the portfolio is, and it is refused as a conflict.
    """
    require_office(viewer, message("action.manage_baselines"))
    problems = Problems()
    problems.code("code", code)
    problems.text("name", name, max_length=MAX_NAME, required=True)
    problems.check()
    taken = await connection.scalar(
        sa.select(sa.func.count()).select_from(baseline_table).where(baseline_table.c.code == code)
    ) or await connection.scalar(
        sa.select(sa.func.count()).select_from(period_table).where(period_table.c.code == code)
    )
    if taken:
        problems.add("code", "baseline_code_taken", code=repr(code))
        problems.check()
    # run_write moved the version once: anything else means a write came in between.
    current = int(await connection.scalar(sa.select(version_table.c.version)) or 0)
    if state is None or current != version + 1:
        refuse(Conflict(current_version=current, text=message("baseline_moved_on")))
    await connection.execute(
        baseline_table.insert().values(
            code=code,
            name=name.strip(),
            created_by=viewer.actor[:MAX_NAME],
            created_at=models.utcnow(),
            period_id=current_period_id(today),
            version=version,
            state=state.to_json(),
        )
    )
    row = await repository.baseline_by_code(connection, code)
    assert row is not None  # written just now
    await audit(
        viewer=viewer,
        action="baseline.create",
        entity_type="Baseline",
        entity_code=code,
        before=None,
        after=_summary(row),
    )
    return row


async def delete_baseline(connection: AsyncConnection, *, viewer: Viewer, code: str) -> Row:
    """Delete the baseline ``code``; returns it as it was."""
    require_office(viewer, message("action.manage_baselines"))
    row = await repository.baseline_by_code(connection, code)
    if row is None:
        refuse(NotFound("code", code, message("noun.baseline")))
    await connection.execute(baseline_table.delete().where(baseline_table.c.id == row.id))
    await audit(
        viewer=viewer,
        action="baseline.delete",
        entity_type="Baseline",
        entity_code=code,
        before=_summary(row),
        after=None,
    )
    return row
