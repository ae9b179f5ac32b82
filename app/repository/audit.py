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
    connection: AsyncConnection,
    *,
    entity_code: str | None,
    before_id: int | None,
    limit: int,
    actor: str | None = None,
) -> Sequence[Row]:
    """Audit events, newest first, older than ``before_id`` when given; ``actor`` keeps the
    writes of one caller, named by subject or by display name."""
    query = sa.select(audit_table).order_by(audit_table.c.id.desc()).limit(limit)
    if entity_code is not None:
        query = query.where(audit_table.c.entity_code == entity_code)
    if actor is not None:
        query = query.where(
            sa.or_(audit_table.c.actor_subject == actor, audit_table.c.actor_name == actor)
        )
    if before_id is not None:
        query = query.where(audit_table.c.id < before_id)
    return (await connection.execute(query)).all()


async def writes_between(
    connection: AsyncConnection, *, after: int, up_to: int, limit: int
) -> list[str]:
    """The writes of the data versions ``after + 1 … up_to`` as ``action entity``, in order.

    Each audited change counts once (a write that changed several things names each);
    at most ``limit`` are returned.
    """
    result = await connection.execute(
        sa.select(audit_table.c.action, audit_table.c.entity_code)
        .where(audit_table.c.version > after, audit_table.c.version <= up_to)
        .order_by(audit_table.c.id)
        .limit(limit)
    )
    return [f"{row.action} {row.entity_code}" for row in result]
