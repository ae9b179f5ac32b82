"""SQLModel tables of webhooks: the hooks, their deliveries, every attempt, the dispatcher's place.

The ``event`` table is the outbox (``models.EventRecord``): the dispatcher
(``app.webhook_dispatch``) turns each new event into one delivery per matching webhook and
remembers in :class:`WebhookDispatch` the last event it turned, in the same transaction,
so an event is turned exactly once whatever crashes when.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.domain import WebhookDeliveryStatus, WebhookEvent
from app.models import NAME_LENGTH, enum_column, foreign_key, timestamp_column, utcnow

URL_LENGTH = 2000
ERROR_LENGTH = 500


class Webhook(SQLModel, table=True):
    """A URL told of events by signed POSTs; the secret is stored encrypted (Fernet)."""

    __tablename__ = "webhook"

    id: int | None = Field(default=None, primary_key=True)
    url: str = Field(max_length=URL_LENGTH)
    events: list[str] = Field(sa_type=sa.JSON)
    secret_encrypted: str = Field(sa_type=sa.Text)
    owner_id: int | None = Field(
        default=None, sa_column=foreign_key("organisation.id", nullable=True)
    )
    """The organisation whose events it hears; null: the whole portfolio (ADMIN only)."""
    created_by: str = Field(max_length=NAME_LENGTH)
    created_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column())
    active: bool = Field(default=True)
    after_event_id: int = Field(default=0, sa_type=sa.BigInteger)
    """The last event stored before the webhook was made: it hears only later ones."""


class WebhookDelivery(SQLModel, table=True):
    """One event told to one webhook; its id travels as ``X-Portfolio-Delivery`` on every try."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (
        sa.UniqueConstraint("webhook_id", "event_id", "event", name="uq_webhook_delivery_event"),
        sa.Index("ix_webhook_delivery_due", "status", "next_attempt_at"),
    )

    id: str = Field(primary_key=True, max_length=36)
    webhook_id: int = Field(sa_column=foreign_key("webhook.id", ondelete="CASCADE"))
    event_id: int = Field(sa_column=foreign_key("event.id"))
    event: WebhookEvent = Field(sa_column=enum_column(WebhookEvent, name="event"))
    status: WebhookDeliveryStatus = Field(
        sa_column=enum_column(WebhookDeliveryStatus, name="status")
    )
    attempts: int = Field(default=0)
    next_attempt_at: datetime = Field(sa_column=timestamp_column())
    give_up_at: datetime = Field(sa_column=timestamp_column())
    last_status_code: int | None = Field(default=None)
    last_error: str | None = Field(default=None, max_length=ERROR_LENGTH)
    last_response_ms: int | None = Field(default=None)
    created_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column())
    delivered_at: datetime | None = Field(default=None, sa_column=timestamp_column(nullable=True))


class WebhookAttempt(SQLModel, table=True):
    """One try of a delivery: the answer's status code, or why there was none."""

    __tablename__ = "webhook_attempt"

    id: int | None = Field(default=None, primary_key=True)
    delivery_id: str = Field(
        sa_column=sa.Column(
            sa.String(36),
            sa.ForeignKey("webhook_delivery.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        )
    )
    number: int
    attempted_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column())
    status_code: int | None = Field(default=None)
    error: str | None = Field(default=None, max_length=ERROR_LENGTH)
    response_ms: int = Field(default=0)


class WebhookDispatch(SQLModel, table=True):
    """A single row: the last event the dispatchers have turned into deliveries."""

    __tablename__ = "webhook_dispatch"
    __table_args__ = (sa.CheckConstraint("id = 1", name="single_row"),)

    id: int = Field(default=1, primary_key=True)
    last_event_id: int = Field(default=0, sa_type=sa.BigInteger)
