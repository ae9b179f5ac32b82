"""The webhook dispatcher: events from the outbox to signed POSTs, at least once.

Every worker runs one :class:`WebhookDispatcher` (started in ``app/main.py``'s lifespan).
Each round it

1. **fans out** (:func:`fan_out`): the events stored after the last one turned (the
   ``webhook_dispatch`` row) become one delivery per active webhook that asked for the
   event and may hear it; the row moves on in the same transaction. The first statement
   updates that row, so on PostgreSQL the row lock makes fan-outs take turns and on
   SQLite the write lock is taken at once. The event table is the outbox: an event
   committed before a crash is still there after it, and a fan-out that did not commit
   is done again. Event ids follow commit order (``models.EventRecord``), so nothing
   is passed over.
2. **claims** the deliveries that are due (:func:`claim_due`): one ``UPDATE`` moves
   their next attempt a lease ahead, choosing them with ``FOR UPDATE SKIP LOCKED`` on
   PostgreSQL, so two workers never claim the same delivery; a worker that dies while
   sending leaves the lease to run out and another worker sends it again, with the
   same delivery id.
3. **sends** each (:func:`send`), checking the address again, and **records** the
   attempt (:func:`record`): delivered on a 2xx answer; else retried with exponential
   backoff and jitter until the retry window (24 h) has passed, then FAILED.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from app import models, repository
from app.domain import WebhookDeliveryStatus, WebhookEvent
from app.events import Broadcaster
from app.messages import message, render
from app.settings import Settings
from app.tables import (
    event_table,
    webhook_attempt_table,
    webhook_delivery_table,
    webhook_dispatch_table,
    webhook_table,
)
from app.webhook_events import hears, webhook_events_of
from app.webhook_models import ERROR_LENGTH
from app.webhook_security import (
    DELIVERY_HEADER,
    EVENT_HEADER,
    SIGNATURE_HEADER,
    UrlProblem,
    check_url,
    decrypt_secret,
    pinned,
    signature,
)

logger = logging.getLogger("portfolio")

FAN_OUT_BATCH = 500
CLAIM_BATCH = 20
USER_AGENT = "portfolio-webhooks/1"


def retry_delay(attempts: int, settings: Settings) -> float:
    """Seconds to wait after the ``attempts``-th failure: doubling, capped, with jitter."""
    doubled: float = settings.webhook_retry_seconds * 2.0 ** (attempts - 1)
    base = min(doubled, settings.webhook_retry_max_seconds)
    return base * random.uniform(0.5, 1.0)  # jitter spreads the retries of many deliveries


# --- 1. fan out -----------------------------------------------------------------------------


async def fan_out(engine: AsyncEngine, *, settings: Settings) -> int:
    """Turn the events stored since the last fan-out into deliveries; returns how many."""
    made = 0
    while (batch := await _fan_out_batch(engine, settings=settings)) is not None:
        made += batch
    return made


async def _fan_out_batch(engine: AsyncEngine, *, settings: Settings) -> int | None:
    """Turn up to ``FAN_OUT_BATCH`` events in one transaction; None when none were left."""
    async with engine.connect() as connection:
        last = (
            await connection.execute(sa.select(webhook_dispatch_table.c.last_event_id))
        ).scalar()
        newest = await repository.last_event_id(connection)
    if last is not None and newest <= last:
        return None  # nothing new: no write at all
    async with engine.begin() as connection:
        last = await _take_dispatch_row(connection)
        events = (
            await connection.execute(
                sa.select(event_table.c.id, event_table.c.kind, event_table.c.payload)
                .where(event_table.c.id > last)
                .order_by(event_table.c.id)
                .limit(FAN_OUT_BATCH)
            )
        ).all()
        if not events:
            return None
        webhooks = (
            await connection.execute(sa.select(webhook_table).where(webhook_table.c.active))
        ).all()
        now = models.utcnow()
        give_up_at = now + timedelta(seconds=settings.webhook_retry_window_seconds)
        deliveries = [
            {
                "id": str(uuid.uuid4()),
                "webhook_id": webhook.id,
                "event_id": row.id,
                "event": event,
                "status": WebhookDeliveryStatus.PENDING,
                "attempts": 0,
                "next_attempt_at": now,
                "give_up_at": give_up_at,
                "created_at": now,
            }
            for row in events
            for event in webhook_events_of(row.kind, row.payload)
            for webhook in webhooks
            if hears(webhook, row.id, event, row.payload)
        ]
        if deliveries:
            await connection.execute(webhook_delivery_table.insert(), deliveries)
        await connection.execute(
            webhook_dispatch_table.update()
            .where(webhook_dispatch_table.c.id == 1)
            .values(last_event_id=events[-1].id)
        )
    return len(deliveries)


async def _take_dispatch_row(connection: AsyncConnection) -> int:
    """Lock the dispatch row (a no-op update) and read it; make it when it is missing."""
    last = (
        await connection.execute(
            webhook_dispatch_table.update()
            .where(webhook_dispatch_table.c.id == 1)
            .values(last_event_id=webhook_dispatch_table.c.last_event_id)
            .returning(webhook_dispatch_table.c.last_event_id)
        )
    ).scalar()
    if last is None:  # a database made without the migration's row
        await connection.execute(webhook_dispatch_table.insert().values(id=1, last_event_id=0))
        last = 0
    return int(last)


# --- 2. claim -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Claimed:
    """A delivery taken for one attempt, with what sending it needs."""

    id: str
    event: WebhookEvent
    attempts: int
    give_up_at: datetime
    url: str
    secret_encrypted: str
    occurred_at: datetime
    data: dict[str, Any]


def lease_seconds(settings: Settings) -> float:
    """How long a claim keeps a delivery from other workers: well past one attempt."""
    return settings.webhook_timeout_seconds * 3 + 30


async def claim_due(
    engine: AsyncEngine, *, settings: Settings, limit: int = CLAIM_BATCH
) -> list[Claimed]:
    """Take up to ``limit`` due deliveries for this worker (no other worker gets them)."""
    delivery = webhook_delivery_table.c
    now = models.utcnow()
    due = (
        sa.select(delivery.id)
        .where(
            delivery.status == WebhookDeliveryStatus.PENDING,
            delivery.next_attempt_at <= now,
        )
        .order_by(delivery.next_attempt_at)
        .limit(limit)
    )
    if engine.dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    async with engine.begin() as connection:
        ids = (
            (
                await connection.execute(
                    webhook_delivery_table.update()
                    .where(delivery.id.in_(due.scalar_subquery()))
                    .values(next_attempt_at=now + timedelta(seconds=lease_seconds(settings)))
                    .returning(delivery.id)
                )
            )
            .scalars()
            .all()
        )
        if not ids:
            return []
        rows = (
            await connection.execute(
                sa.select(
                    delivery.id,
                    delivery.event,
                    delivery.attempts,
                    delivery.give_up_at,
                    webhook_table.c.url,
                    webhook_table.c.secret_encrypted,
                    event_table.c.occurred_at,
                    event_table.c.payload,
                )
                .join(webhook_table, webhook_table.c.id == delivery.webhook_id)
                .join(event_table, event_table.c.id == delivery.event_id)
                .where(delivery.id.in_(ids))
                .order_by(delivery.next_attempt_at, delivery.id)
            )
        ).all()
    return [
        Claimed(
            id=row.id,
            event=WebhookEvent(row.event),
            attempts=row.attempts,
            give_up_at=_aware(row.give_up_at),
            url=row.url,
            secret_encrypted=row.secret_encrypted,
            occurred_at=_aware(row.occurred_at),
            data=row.payload,
        )
        for row in rows
    ]


def _aware(moment: datetime) -> datetime:
    # SQLite hands timestamps back without their zone; they were stored in UTC.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


# --- 3. send and record ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one attempt got: the answer's status code, or why there was none."""

    status_code: int | None
    error: str | None
    response_ms: int

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def body_of(claimed: Claimed) -> bytes:
    """The JSON body of a delivery, the same on every attempt."""
    document = {
        "event": claimed.event.value,
        "deliveryId": claimed.id,
        "occurredAt": claimed.occurred_at.isoformat(),
        "data": claimed.data,
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


async def send(claimed: Claimed, *, settings: Settings, client: httpx.AsyncClient) -> Outcome:
    """POST the delivery once; never follows a redirect, never to a refused address."""
    started = time.perf_counter()

    def outcome(status_code: int | None, error: str | None) -> Outcome:
        elapsed = round((time.perf_counter() - started) * 1000)
        return Outcome(status_code, error[:ERROR_LENGTH] if error else None, elapsed)

    if settings.webhook_key is None:
        return outcome(None, "the service has no PORTFOLIO_WEBHOOK_KEY to read the secret with")
    secret = decrypt_secret(settings.webhook_key, claimed.secret_encrypted)
    if secret is None:
        return outcome(None, "the secret was encrypted with another PORTFOLIO_WEBHOOK_KEY")
    target = await check_url(claimed.url, allow_private=settings.webhook_allow_private)
    if isinstance(target, UrlProblem):
        return outcome(None, f"url {render(message(target.code, **target.params))}")
    url, headers, extensions = pinned(target)
    body = body_of(claimed)
    headers |= {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        EVENT_HEADER: claimed.event.value,
        DELIVERY_HEADER: claimed.id,
        SIGNATURE_HEADER: signature(secret, body),
    }
    try:
        response = await client.post(url, content=body, headers=headers, extensions=extensions)
    except Exception as error:  # whatever stops this delivery is this delivery's failure
        return outcome(None, f"{type(error).__name__}: {error}")
    return outcome(response.status_code, None if response.is_success else response.reason_phrase)


async def record(
    engine: AsyncEngine, claimed: Claimed, result: Outcome, *, settings: Settings
) -> None:
    """Store the attempt, and whether the delivery is done, to be retried, or failed."""
    now = models.utcnow()
    attempts = claimed.attempts + 1
    values: dict[str, Any] = {
        "attempts": attempts,
        "last_status_code": result.status_code,
        "last_error": result.error,
        "last_response_ms": result.response_ms,
    }
    if result.delivered:
        values |= {"status": WebhookDeliveryStatus.DELIVERED, "delivered_at": now}
    else:
        retry_at = now + timedelta(seconds=retry_delay(attempts, settings))
        if retry_at > claimed.give_up_at:
            values |= {"status": WebhookDeliveryStatus.FAILED}
        else:
            values |= {"status": WebhookDeliveryStatus.PENDING, "next_attempt_at": retry_at}
    async with engine.begin() as connection:
        updated = (
            await connection.execute(
                webhook_delivery_table.update()
                .where(webhook_delivery_table.c.id == claimed.id)
                .values(**values)
                .returning(webhook_delivery_table.c.id)
            )
        ).first()
        if updated is None:
            return  # the webhook was deleted meanwhile
        await connection.execute(
            webhook_attempt_table.insert().values(
                delivery_id=claimed.id,
                number=attempts,
                attempted_at=now,
                status_code=result.status_code,
                error=result.error,
                response_ms=result.response_ms,
            )
        )


# --- the loop -------------------------------------------------------------------------------


class WebhookDispatcher:
    """Fans out, claims, sends and records, every ``webhook_poll_seconds`` or when woken.

    With ``wake_on`` it also wakes for every event that broadcaster carries, so a
    delivery usually leaves as soon as its write has committed.
    """

    def __init__(
        self, engine: AsyncEngine, settings: Settings, *, wake_on: Broadcaster | None = None
    ) -> None:
        self._engine = engine
        self._settings = settings
        self._wake_on = wake_on
        self._tasks: list[asyncio.Task[None]] = []
        self._wake = asyncio.Event()
        self._stopping = False

    def wake(self) -> None:
        """Look for work now rather than at the next poll."""
        self._wake.set()

    async def start(self) -> None:
        self._tasks.append(asyncio.create_task(self._run(), name="webhook-dispatcher"))
        if self._wake_on is not None:
            self._tasks.append(
                asyncio.create_task(self._listen(self._wake_on), name="webhook-dispatcher-wake")
            )

    async def stop(self) -> None:
        """Let the round at work finish (at most one receiver's timeout), then stop.

        Cancelling a round in the middle could leave a database driver's thread to
        report to an event loop that has closed; a round ends at a clean point.
        """
        self._stopping = True
        self._wake.set()
        rounds, listeners = self._tasks[:1], self._tasks[1:]
        if rounds:
            await asyncio.wait(rounds, timeout=self._settings.webhook_timeout_seconds)
        for task in (*rounds, *listeners):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()

    async def _listen(self, source: Broadcaster) -> None:
        async with source.subscribe() as queue:
            while True:
                await queue.get()
                self._wake.set()

    async def run_once(self, client: httpx.AsyncClient) -> int:
        """One round: fan out, then send everything due; returns the attempts made."""
        await fan_out(self._engine, settings=self._settings)
        made = 0
        while claimed := await claim_due(self._engine, settings=self._settings):
            results = await asyncio.gather(
                *(send(item, settings=self._settings, client=client) for item in claimed)
            )
            for item, result in zip(claimed, results, strict=True):
                await record(self._engine, item, result, settings=self._settings)
            made += len(claimed)
        return made

    async def _run(self) -> None:
        async with httpx.AsyncClient(
            timeout=self._settings.webhook_timeout_seconds,
            follow_redirects=False,
            trust_env=False,  # never through a proxy from the environment
        ) as client:
            while not self._stopping:
                try:
                    await self.run_once(client)
                except asyncio.CancelledError:
                    raise
                except Exception as error:  # a database hiccup: try again next round
                    logger.warning("webhook dispatcher round failed (%s)", type(error).__name__)
                self._wake.clear()
                if self._stopping:
                    break
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self._settings.webhook_poll_seconds)
