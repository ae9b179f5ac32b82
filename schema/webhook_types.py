"""Webhooks as the API shows them: the hook (never its secret), its deliveries and attempts."""

from __future__ import annotations

from datetime import datetime

import strawberry

from app.repository import Row
from schema.context import Info
from schema.enums import WebhookDeliveryStatus, WebhookEvent
from schema.reference_types import Organisation, aware
from schema.relay import PageInfo, to_global_id


@strawberry.type(
    description="A URL told of events by signed POSTs (`X-Portfolio-Signature-256`); "
    "its secret is stored encrypted and never shown."
)
class Webhook:
    url: str = strawberry.field(description="Where the events are POSTed.")
    events: list[WebhookEvent] = strawberry.field(description="The events it is told of.")
    created_by: str = strawberry.field(description="The token that made it.")
    created_at: datetime = strawberry.field(description="When it was made.")
    active: bool = strawberry.field(description="Whether it is told of new events.")
    db_id: strawberry.Private[int]
    owner_id: strawberry.Private[int | None]

    @strawberry.field(description="Global id, for `webhookDeliveries` and `deleteWebhook`.")
    def id(self) -> strawberry.ID:
        return to_global_id("Webhook", str(self.db_id))

    @strawberry.field(
        description="The organisation whose initiatives' events it hears; null: the whole "
        "portfolio."
    )
    async def owner(self, info: Info) -> Organisation | None:
        if self.owner_id is None:
            return None
        row = await info.context.loaders.organisation_by_id.load(self.owner_id)
        return Organisation.from_row(row) if row is not None else None

    @classmethod
    def from_row(cls, row: Row) -> Webhook:
        return cls(
            url=row.url,
            events=[WebhookEvent(event) for event in row.events],
            created_by=row.created_by,
            created_at=aware(row.created_at),
            active=row.active,
            db_id=row.id,
            owner_id=row.owner_id,
        )


@strawberry.type(description="One try of a delivery.")
class WebhookAttempt:
    number: int = strawberry.field(description="1 for the first try, then 2, 3, …")
    attempted_at: datetime = strawberry.field(description="When it was sent.")
    status_code: int | None = strawberry.field(
        description="The HTTP status the receiver answered (null: no answer, see `error`)."
    )
    error: str | None = strawberry.field(
        description="Why it failed: the status's reason, or why no answer came."
    )
    response_time_ms: int = strawberry.field(description="Milliseconds until the answer.")

    @classmethod
    def from_row(cls, row: Row) -> WebhookAttempt:
        return cls(
            number=row.number,
            attempted_at=aware(row.attempted_at),
            status_code=row.status_code,
            error=row.error,
            response_time_ms=row.response_ms,
        )


@strawberry.type(description="One event told to one webhook, tried until delivered or failed.")
class WebhookDelivery:
    id: strawberry.ID = strawberry.field(
        description="The delivery id, sent as `X-Portfolio-Delivery` and `deliveryId` on every "
        "try: receivers use it to recognise a repeat."
    )
    event: WebhookEvent = strawberry.field(description="The event delivered.")
    status: WebhookDeliveryStatus = strawberry.field(description="Where the delivery stands.")
    attempt_count: int = strawberry.field(description="How many times it was sent.")
    occurred_at: datetime = strawberry.field(description="When the event happened.")
    created_at: datetime = strawberry.field(description="When the delivery was queued.")
    next_attempt_at: datetime | None = strawberry.field(
        description="When it is tried next (null unless PENDING)."
    )
    delivered_at: datetime | None = strawberry.field(
        description="When the receiver accepted it (null until DELIVERED)."
    )
    last_status_code: int | None = strawberry.field(
        description="The HTTP status of the last try (null: none yet, or no answer)."
    )
    last_error: str | None = strawberry.field(description="Why the last try failed, if it did.")
    last_response_time_ms: int | None = strawberry.field(
        description="Milliseconds the last try took."
    )
    attempts: list[WebhookAttempt] = strawberry.field(
        description="Every try, oldest first (a few dozen at most in the retry window)."
    )

    @classmethod
    def from_row(cls, row: Row, attempts: list[Row]) -> WebhookDelivery:
        pending = row.status == WebhookDeliveryStatus.PENDING
        return cls(
            id=strawberry.ID(row.id),
            event=WebhookEvent(row.event),
            status=WebhookDeliveryStatus(row.status),
            attempt_count=row.attempts,
            occurred_at=aware(row.event_occurred_at),
            created_at=aware(row.created_at),
            next_attempt_at=aware(row.next_attempt_at) if pending else None,
            delivered_at=aware(row.delivered_at) if row.delivered_at is not None else None,
            last_status_code=row.last_status_code,
            last_error=row.last_error,
            last_response_time_ms=row.last_response_ms,
            attempts=[WebhookAttempt.from_row(attempt) for attempt in attempts],
        )


@strawberry.type(description="One webhook of a page, with its cursor.")
class WebhookEdge:
    cursor: str = strawberry.field(description="Opaque position of this webhook, for `after`.")
    node: Webhook = strawberry.field(description="The webhook.")


@strawberry.type(description="A page of webhooks, in the order they were made.")
class WebhookConnection:
    edges: list[WebhookEdge] = strawberry.field(description="The webhooks of this page.")
    page_info: PageInfo = strawberry.field(description="Where this page lies in the list.")

    @strawberry.field(description="The webhooks of this page.")
    def nodes(self) -> list[Webhook]:
        return [edge.node for edge in self.edges]


@strawberry.type(description="One delivery of a page, with its cursor.")
class WebhookDeliveryEdge:
    cursor: str = strawberry.field(description="Opaque position of this delivery, for `after`.")
    node: WebhookDelivery = strawberry.field(description="The delivery.")


@strawberry.type(description="A page of a webhook's deliveries, newest event first.")
class WebhookDeliveryConnection:
    edges: list[WebhookDeliveryEdge] = strawberry.field(description="The deliveries of this page.")
    page_info: PageInfo = strawberry.field(description="Where this page lies in the list.")

    @strawberry.field(description="The deliveries of this page.")
    def nodes(self) -> list[WebhookDelivery]:
        return [edge.node for edge in self.edges]


@strawberry.type(description="The webhook as stored (its secret is never shown).")
class WebhookPayload:
    webhook: Webhook = strawberry.field(description="The webhook as stored.")


@strawberry.type(description="The webhook that was deleted, with its deliveries.")
class DeleteWebhookPayload:
    deleted_webhook_id: strawberry.ID = strawberry.field(
        description="Global id the deleted webhook had."
    )


@strawberry.type(description="The delivery, queued to be sent again.")
class WebhookDeliveryPayload:
    delivery: WebhookDelivery = strawberry.field(description="The delivery, PENDING again.")
