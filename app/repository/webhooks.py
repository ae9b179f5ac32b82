"""Webhooks, their deliveries and attempts, as the API reads them (secrets never leave here)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from app.repository.rows import Row
from app.tables import (
    event_table,
    webhook_attempt_table,
    webhook_delivery_table,
    webhook_table,
)

# Every column but the encrypted secret: what the API may read of a webhook.
_PUBLIC_WEBHOOK = [column for column in webhook_table.c if column.name != "secret_encrypted"]

_DELIVERY = [
    *webhook_delivery_table.c,
    webhook_table.c.owner_id,
    event_table.c.occurred_at.label("event_occurred_at"),
]


class AnyOwner:
    """Marks a read of every organisation's webhooks and the portfolio-wide ones."""


ANY_OWNER = AnyOwner()


async def webhook_by_id(connection: AsyncConnection, webhook_id: int) -> Row | None:
    """The webhook with ``webhook_id``, without its secret."""
    query = sa.select(*_PUBLIC_WEBHOOK).where(webhook_table.c.id == webhook_id)
    return (await connection.execute(query)).first()


async def list_webhooks(
    connection: AsyncConnection, *, owner: int | AnyOwner, after_id: int | None, limit: int
) -> Sequence[Row]:
    """Webhooks in the order they were made: of one organisation, or all of them."""
    query = sa.select(*_PUBLIC_WEBHOOK).order_by(webhook_table.c.id).limit(limit)
    if not isinstance(owner, AnyOwner):
        query = query.where(webhook_table.c.owner_id == owner)
    if after_id is not None:
        query = query.where(webhook_table.c.id > after_id)
    return (await connection.execute(query)).all()


def _deliveries() -> sa.Select[tuple[object, ...]]:
    return (
        sa.select(*_DELIVERY)
        .join(webhook_table, webhook_table.c.id == webhook_delivery_table.c.webhook_id)
        .join(event_table, event_table.c.id == webhook_delivery_table.c.event_id)
    )


async def webhook_delivery_by_id(connection: AsyncConnection, delivery_id: str) -> Row | None:
    """The delivery with ``delivery_id`` and its webhook's owner."""
    query = _deliveries().where(webhook_delivery_table.c.id == delivery_id)
    return (await connection.execute(query)).first()


async def page_webhook_deliveries(
    connection: AsyncConnection,
    *,
    webhook_id: int,
    after: tuple[int, str] | None,
    limit: int,
) -> Sequence[Row]:
    """A webhook's deliveries, newest event first, after the ``(event id, delivery id)`` given."""
    delivery = webhook_delivery_table.c
    query = (
        _deliveries()
        .where(delivery.webhook_id == webhook_id)
        .order_by(delivery.event_id.desc(), delivery.id.desc())
        .limit(limit)
    )
    if after is not None:
        event_id, delivery_id = after
        query = query.where(
            sa.or_(
                delivery.event_id < event_id,
                sa.and_(delivery.event_id == event_id, delivery.id < delivery_id),
            )
        )
    return (await connection.execute(query)).all()


async def webhook_attempts_for(
    connection: AsyncConnection, delivery_ids: Collection[str]
) -> dict[str, list[Row]]:
    """Every attempt of each delivery, oldest first."""
    attempt = webhook_attempt_table.c
    query = (
        sa.select(webhook_attempt_table)
        .where(attempt.delivery_id.in_(list(delivery_ids)))
        .order_by(attempt.delivery_id, attempt.number)
    )
    grouped: dict[str, list[Row]] = defaultdict(list)
    for row in (await connection.execute(query)).all():
        grouped[row.delivery_id].append(row)
    return grouped


async def last_event_id(connection: AsyncConnection) -> int:
    """The id of the last event stored (0 when there is none)."""
    return int(
        (
            await connection.execute(sa.select(sa.func.coalesce(sa.func.max(event_table.c.id), 0)))
        ).scalar_one()
    )
