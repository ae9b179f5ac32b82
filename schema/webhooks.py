"""Webhooks: `webhooks` and `webhookDeliveries`, and the mutations that manage them.

The office (ADMIN) sees and manages every webhook; a REPORTER those of its own
organisation; other callers none. The writes are in ``app.webhook_writes``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

import sqlalchemy as sa
import strawberry

from app import models, repository, webhook_writes
from app.messages import message, render
from app.repository import ANY_OWNER, AnyOwner, Row
from app.webhook_security import UrlProblem, check_url
from schema.bounds import WEBHOOK_PAGE, check_first
from schema.context import Info
from schema.enums import WebhookEvent
from schema.error_types import NotFoundError, PermissionDeniedError, ValidationError
from schema.errors import UserInputError
from schema.payloads import Result, invalid, mutate
from schema.relay import PageInfo, decode_cursor, encode_cursor, from_global_id, to_global_id
from schema.webhook_types import (
    DeleteWebhookPayload,
    Webhook,
    WebhookConnection,
    WebhookDelivery,
    WebhookDeliveryConnection,
    WebhookDeliveryEdge,
    WebhookDeliveryPayload,
    WebhookEdge,
    WebhookPayload,
)


@strawberry.input(description="A webhook to make.")
class CreateWebhookInput:
    url: str = strawberry.field(
        description="Where to POST: https, on a public address (checked again before each "
        "delivery)."
    )
    events: list[WebhookEvent] = strawberry.field(description="The events to be told of.")
    secret: str = strawberry.field(
        description="Shared secret (16–200 characters) that signs every body "
        "(`X-Portfolio-Signature-256`); stored encrypted, never shown again."
    )
    owner: str | None = strawberry.field(
        default=None,
        description="Code of the organisation whose initiatives' events it hears (a REPORTER "
        "names its own); null: the whole portfolio (portfolio office only).",
    )


WebhookResult = Annotated[
    WebhookPayload | ValidationError | PermissionDeniedError,
    strawberry.union("WebhookResult", description="The webhook as stored, or why not."),
]
DeleteWebhookResult = Annotated[
    DeleteWebhookPayload | ValidationError | NotFoundError | PermissionDeniedError,
    strawberry.union("DeleteWebhookResult", description="The deleted webhook, or why not."),
]
RedeliverWebhookResult = Annotated[
    WebhookDeliveryPayload | NotFoundError | PermissionDeniedError,
    strawberry.union(
        "RedeliverWebhookResult", description="The delivery queued again, or why not."
    ),
]
WebhooksResult = Annotated[
    WebhookConnection | PermissionDeniedError,
    strawberry.union(
        "WebhooksResult", description="A page of webhooks, or why the caller may not see them."
    ),
]
WebhookDeliveriesResult = Annotated[
    WebhookDeliveryConnection | NotFoundError | PermissionDeniedError,
    strawberry.union(
        "WebhookDeliveriesResult",
        description="A page of a webhook's deliveries, or why the caller may not see them.",
    ),
]

First = Annotated[
    int,
    strawberry.argument(
        description=f"Page size (default {WEBHOOK_PAGE.default}, at most {WEBHOOK_PAGE.maximum})."
    ),
]
After = Annotated[str | None, strawberry.argument(description="Cursor of the last edge seen.")]
WebhookId = Annotated[strawberry.ID, strawberry.argument(description="Global id of the webhook.")]


def _readable_owner(info: Info) -> int | AnyOwner | PermissionDeniedError:
    """Whose webhooks the caller may read: everyone's (ADMIN), its organisation's (REPORTER)."""
    viewer = info.context.viewer
    if viewer.is_admin:
        return ANY_OWNER
    if viewer.can_write and viewer.organisation_id is not None:
        return viewer.organisation_id
    return PermissionDeniedError(message=render(message("webhook.read_denied")))


def _webhook_key(global_id: str, *, argument: str) -> int | None:
    """The database id a webhook's global id holds; None when it is not a webhook's."""
    try:
        type_name, key = from_global_id(global_id, argument=argument)
    except UserInputError:
        return None
    return int(key) if type_name == "Webhook" and key.isdigit() else None


def _int_cursor(after: str | None) -> int | None:
    if after is None:
        return None
    key = decode_cursor(after)
    if not key.isdigit():
        raise UserInputError(message("input.bad_cursor", cursor=repr(after)), argument="after")
    return int(key)


def _delivery_cursor(after: str | None) -> tuple[int, str] | None:
    if after is None:
        return None
    event_id, _, delivery_id = decode_cursor(after).partition("/")
    if not event_id.isdigit() or not delivery_id:
        raise UserInputError(message("input.bad_cursor", cursor=repr(after)), argument="after")
    return int(event_id), delivery_id


def _page_info(cursors: list[str], *, more: bool, after: str | None) -> PageInfo:
    return PageInfo(
        has_next_page=more,
        has_previous_page=after is not None,
        start_cursor=cursors[0] if cursors else None,
        end_cursor=cursors[-1] if cursors else None,
    )


async def _delivery(info: Info, row: Row) -> WebhookDelivery:
    attempts = await info.context.read(repository.webhook_attempts_for, [row.id])
    return WebhookDelivery.from_row(row, attempts.get(row.id, []))


@strawberry.type
class WebhookQuery:
    @strawberry.field(
        description="Webhooks, in the order they were made: every one for the portfolio "
        "office, its organisation's for a REPORTER."
    )
    async def webhooks(
        self, info: Info, first: First = WEBHOOK_PAGE.default, after: After = None
    ) -> WebhooksResult:
        owner = _readable_owner(info)
        if isinstance(owner, PermissionDeniedError):
            return owner
        check_first(first, WEBHOOK_PAGE)
        rows = await info.context.read(
            repository.list_webhooks, owner=owner, after_id=_int_cursor(after), limit=first + 1
        )
        edges = [
            WebhookEdge(cursor=encode_cursor(str(row.id)), node=Webhook.from_row(row))
            for row in rows[:first]
        ]
        return WebhookConnection(
            edges=edges,
            page_info=_page_info(
                [edge.cursor for edge in edges], more=len(rows) > first, after=after
            ),
        )

    @strawberry.field(description="A webhook's deliveries, newest event first, with every try.")
    async def webhook_deliveries(
        self,
        info: Info,
        webhook: WebhookId,
        first: First = WEBHOOK_PAGE.default,
        after: After = None,
    ) -> WebhookDeliveriesResult:
        owner = _readable_owner(info)
        if isinstance(owner, PermissionDeniedError):
            return owner
        check_first(first, WEBHOOK_PAGE)
        webhook_id = _webhook_key(webhook, argument="webhook")
        row = None
        if webhook_id is not None:
            row = await info.context.read(repository.webhook_by_id, webhook_id)
        if row is None or not (isinstance(owner, AnyOwner) or row.owner_id == owner):
            return NotFoundError(
                message=render(
                    message("not_found", what=message("noun.webhook"), code=repr(webhook))
                ),
                field="webhook",
                code=webhook,
            )
        rows = await info.context.read(
            repository.page_webhook_deliveries,
            webhook_id=row.id,
            after=_delivery_cursor(after),
            limit=first + 1,
        )
        page = rows[:first]
        attempts = await info.context.read(
            repository.webhook_attempts_for, [item.id for item in page]
        )
        edges = [
            WebhookDeliveryEdge(
                cursor=encode_cursor(f"{item.event_id}/{item.id}"),
                node=WebhookDelivery.from_row(item, attempts.get(item.id, [])),
            )
            for item in page
        ]
        return WebhookDeliveryConnection(
            edges=edges,
            page_info=_page_info(
                [edge.cursor for edge in edges], more=len(rows) > first, after=after
            ),
        )


@strawberry.type
class WebhookMutation:
    @strawberry.mutation(
        description="Make a webhook: the events are POSTed, signed with the secret, to the URL.",
        graphql_type=WebhookResult,
    )
    async def create_webhook(
        self,
        info: Info,
        input: Annotated[CreateWebhookInput, strawberry.argument(description="The webhook.")],
    ) -> Result[WebhookPayload]:
        viewer, settings = info.context.viewer, info.context.settings
        # The host is resolved before the write, so a slow name server never holds the lock;
        # and only for a caller who may write, so nobody else can make the service look up
        # names (the write refuses such a caller before it reads the verdict).
        url_check = (
            await check_url(input.url, allow_private=settings.webhook_allow_private)
            if viewer.can_write
            else UrlProblem("webhook.url_unresolved", {"host": "?"})
        )
        values = {
            "url": input.url,
            "events": input.events,
            "secret": input.secret,
            "owner": input.owner,
        }
        return await mutate(
            info,
            lambda connection: webhook_writes.create_webhook(
                connection,
                viewer=viewer,
                values=values,
                url_check=url_check,
                key=settings.webhook_key,
            ),
            lambda row: WebhookPayload(webhook=Webhook.from_row(row)),
        )

    @strawberry.mutation(
        description="Delete a webhook with its deliveries.", graphql_type=DeleteWebhookResult
    )
    async def delete_webhook(self, info: Info, id: WebhookId) -> Result[DeleteWebhookPayload]:
        webhook_id = _webhook_key(id, argument="id")
        if webhook_id is None:
            return invalid("id", f"{id!r} is not the id of a webhook.")
        viewer = info.context.viewer
        return await mutate(
            info,
            lambda connection: webhook_writes.delete_webhook(
                connection, viewer=viewer, webhook_id=webhook_id
            ),
            lambda row: DeleteWebhookPayload(
                deleted_webhook_id=to_global_id("Webhook", str(row.id))
            ),
        )

    @strawberry.mutation(
        description="Send a delivery again (same delivery id), retried for another window; "
        "a PENDING one keeps its next try.",
        graphql_type=RedeliverWebhookResult,
    )
    async def redeliver_webhook(
        self,
        info: Info,
        delivery: Annotated[
            strawberry.ID,
            strawberry.argument(description="The delivery's id (`X-Portfolio-Delivery`)."),
        ],
    ) -> Result[WebhookDeliveryPayload]:
        viewer, settings = info.context.viewer, info.context.settings
        window = timedelta(seconds=settings.webhook_retry_window_seconds)
        result = await mutate(
            info,
            lambda connection: webhook_writes.redeliver_webhook(
                connection,
                viewer=viewer,
                delivery_id=str(delivery),
                now=models.utcnow(),
                retry_window=window,
            ),
            lambda row: row,
        )
        if not isinstance(result, sa.Row):
            return result
        return WebhookDeliveryPayload(delivery=await _delivery(info, result))
