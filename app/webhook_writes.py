"""Making, deleting and redelivering webhooks.

The portfolio office (ADMIN) manages webhooks of any organisation and the portfolio-wide
ones (no owner); a REPORTER only its own organisation's, which hear only the events of its
organisation's initiatives (and those that concern everyone, such as a round opening).
The URL is checked before the write (``app.webhook_security.check_url`` resolves its
host, which must not hold up the write lock) and its verdict handed in; the secret is
encrypted before it is stored and never read back by the API.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from app import models, repository
from app.auth import Viewer
from app.domain import WebhookDeliveryStatus, WebhookEvent
from app.messages import message
from app.repository import Row
from app.tables import webhook_attempt_table, webhook_delivery_table, webhook_table
from app.validation import MAX_NAME, Denied, NotFound, Problems, invalid
from app.webhook_models import URL_LENGTH
from app.webhook_security import Target, UrlProblem, encrypt_secret
from app.writes import audit, refuse, require_office, require_writer

SECRET_LENGTH = (16, 200)


def _require_manager(viewer: Viewer, owner_id: int | None) -> None:
    """The caller may manage webhooks of ``owner_id`` (None: the whole portfolio)."""
    require_writer(viewer)
    if owner_id is None:
        require_office(viewer, message("action.portfolio_webhooks"))
    elif not viewer.may_write_for(owner_id):
        refuse(Denied(message("webhook.other_organisation", organisation=viewer.organisation_code)))


def entity_code(webhook_id: int) -> str:
    """How the audit log names a webhook."""
    return f"webhook-{webhook_id}"


async def create_webhook(
    connection: AsyncConnection,
    *,
    viewer: Viewer,
    values: Mapping[str, Any],
    url_check: Target | UrlProblem,
    key: str | None,
) -> Row:
    """Store a webhook that hears ``values["events"]`` of its owner from now on."""
    require_writer(viewer)
    owner_code: str | None = values.get("owner")
    owner_id = None
    if owner_code is not None:
        if not viewer.is_admin and owner_code != viewer.organisation_code:
            refuse(
                Denied(message("webhook.other_organisation", organisation=viewer.organisation_code))
            )
        owner = (await repository.organisations_by_codes(connection, [owner_code])).get(owner_code)
        if owner is None:
            refuse(invalid("owner", "webhook.unknown_owner", code=repr(owner_code)))
        owner_id = owner.id
    _require_manager(viewer, owner_id)

    url, events, secret = values["url"], list(values["events"]), values["secret"]
    problems = Problems()
    problems.text("url", url, max_length=URL_LENGTH, required=True)
    if isinstance(url_check, UrlProblem) and not problems:
        problems.add("url", url_check.code, **url_check.params)
    if not events:
        problems.add("events", "webhook.events_empty")
    low, high = SECRET_LENGTH
    if not low <= len(secret) <= high:
        problems.add("secret", "webhook.secret_length", low=low, high=high)
    elif key is None:
        problems.add("secret", "webhook.no_key")
    problems.check()
    assert key is not None  # a missing key is a problem above

    webhook_id = (
        await connection.execute(
            webhook_table.insert()
            .values(
                url=url.strip(),
                events=[WebhookEvent(event).value for event in dict.fromkeys(events)],
                secret_encrypted=encrypt_secret(key, secret),
                owner_id=owner_id,
                created_by=viewer.actor[:MAX_NAME],
                created_at=models.utcnow(),
                active=True,
                after_event_id=await repository.last_event_id(connection),
            )
            .returning(webhook_table.c.id)
        )
    ).scalar_one()
    row = await repository.webhook_by_id(connection, webhook_id)
    assert row is not None  # written just now
    await audit(
        viewer=viewer,
        action="createWebhook",
        entity_type="Webhook",
        entity_code=entity_code(webhook_id),
        before=None,
        after=row,
    )
    return row


async def _managed_webhook(connection: AsyncConnection, viewer: Viewer, webhook_id: int) -> Row:
    require_writer(viewer)
    row = await repository.webhook_by_id(connection, webhook_id)
    if row is None:
        refuse(NotFound("id", str(webhook_id), message("noun.webhook")))
    _require_manager(viewer, row.owner_id)
    return row


async def delete_webhook(connection: AsyncConnection, *, viewer: Viewer, webhook_id: int) -> Row:
    """Delete a webhook with its deliveries and their attempts; returns it as it was."""
    row = await _managed_webhook(connection, viewer, webhook_id)
    deliveries = sa.select(webhook_delivery_table.c.id).where(
        webhook_delivery_table.c.webhook_id == webhook_id
    )
    await connection.execute(
        webhook_attempt_table.delete().where(webhook_attempt_table.c.delivery_id.in_(deliveries))
    )
    await connection.execute(
        webhook_delivery_table.delete().where(webhook_delivery_table.c.webhook_id == webhook_id)
    )
    await connection.execute(webhook_table.delete().where(webhook_table.c.id == webhook_id))
    await audit(
        viewer=viewer,
        action="deleteWebhook",
        entity_type="Webhook",
        entity_code=entity_code(webhook_id),
        before=row,
        after=None,
    )
    return row


async def redeliver_webhook(
    connection: AsyncConnection,
    *,
    viewer: Viewer,
    delivery_id: str,
    now: datetime,
    retry_window: timedelta,
) -> Row:
    """Send a delivery again now, with the same delivery id, retried for another window."""
    require_writer(viewer)
    before = await repository.webhook_delivery_by_id(connection, delivery_id)
    if before is None:
        refuse(NotFound("delivery", delivery_id, message("noun.webhook_delivery")))
    _require_manager(viewer, before.owner_id)
    values: dict[str, Any] = {"give_up_at": now + retry_window}
    # A PENDING delivery keeps its next try: it may be on its way right now (claimed by a
    # worker), and making it due again could send it twice at once.
    if before.status != WebhookDeliveryStatus.PENDING:
        values |= {"status": WebhookDeliveryStatus.PENDING, "next_attempt_at": now}
    await connection.execute(
        webhook_delivery_table.update()
        .where(webhook_delivery_table.c.id == delivery_id)
        .values(**values)
    )
    after = await repository.webhook_delivery_by_id(connection, delivery_id)
    assert after is not None  # updated just now
    await audit(
        viewer=viewer,
        action="redeliverWebhook",
        entity_type="WebhookDelivery",
        entity_code=delivery_id,
        before=before,
        after=after,
    )
    return after
