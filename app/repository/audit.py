"""The audit log: who changed what, when."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from app.repository.rows import Row
from app.tables import (
    audit_table,
)


async def page_audit_events(
    connection: AsyncConnection, *, entity_code: str | None, before_id: int | None, limit: int
) -> Sequence[Row]:
    """Audit events, newest first, older than ``before_id`` when given."""
    query = sa.select(audit_table).order_by(audit_table.c.id.desc()).limit(limit)
    if entity_code is not None:
        query = query.where(audit_table.c.entity_code == entity_code)
    if before_id is not None:
        query = query.where(audit_table.c.id < before_id)
    return (await connection.execute(query)).all()
