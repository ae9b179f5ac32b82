"""The dispatcher on its own: fan-out exactly once, claims no two workers share, retries, refusals.

Runs on SQLite and, with ``PORTFOLIO_TEST_DATABASE``, on PostgreSQL, where claims choose
their rows with ``FOR UPDATE SKIP LOCKED``.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from app import models
from app.database import create_engine
from app.domain import WebhookDeliveryStatus
from app.tables import event_table, webhook_attempt_table, webhook_delivery_table, webhook_table
from app.webhook_dispatch import (
    FAN_OUT_BATCH,
    Outcome,
    WebhookDispatcher,
    claim_due,
    fan_out,
    record,
    retry_delay,
    send,
)
from app.webhook_events import hears, webhook_events_of
from app.webhook_security import encrypt_secret
from tests.conftest import TEST_WEBHOOK_KEY, settings_for
from tests.webhooks.receiver import running_receiver

SECRET = "a-shared-secret-of-the-receiver"
SETTINGS = settings_for("sqlite://", webhook_retry_seconds=10)


@pytest.fixture
async def engine(fresh_seeded_database_url: str) -> AsyncIterator[AsyncEngine]:
    made = create_engine(settings_for(fresh_seeded_database_url))
    yield made
    await made.dispose()


async def add_webhook(
    engine: AsyncEngine, *, url: str = "https://93.184.215.14/hooks", owner_id: int | None = None
) -> int:
    async with engine.begin() as connection:
        return int(
            (
                await connection.execute(
                    webhook_table.insert()
                    .values(
                        url=url,
                        events=["STATUS_REPORT_SUBMITTED", "STATUS_CHANGED"],
                        secret_encrypted=encrypt_secret(TEST_WEBHOOK_KEY, SECRET),
                        owner_id=owner_id,
                        created_by="test",
                        created_at=models.utcnow(),
                        active=True,
                        after_event_id=sa.select(sa.func.coalesce(sa.func.max(event_table.c.id), 0))
                        .scalar_subquery(),
                    )
                    .returning(webhook_table.c.id)
                )
            ).scalar_one()
        )  # fmt: skip


async def add_events(engine: AsyncEngine, count: int, **payload: Any) -> None:
    values = {"initiative_code": "KJ-PLO", "owner_id": 1, "status": "GREEN",
              "previous_status": "GREEN"} | payload  # fmt: skip
    async with engine.begin() as connection:
        await connection.execute(
            event_table.insert(),
            [
                {"version": 1, "kind": "StatusReportSubmitted", "occurred_at": models.utcnow(),
                 "payload": values}
                for _ in range(count)
            ],
        )  # fmt: skip


async def delivery_rows(engine: AsyncEngine) -> list[Any]:
    async with engine.connect() as connection:
        query = sa.select(webhook_delivery_table).order_by(webhook_delivery_table.c.event_id)
        return list((await connection.execute(query)).all())


def test_a_report_that_changes_the_status_is_also_a_status_change() -> None:
    assert [event.value for event in webhook_events_of(
        "StatusReportSubmitted", {"status": "RED", "previous_status": None}
    )] == ["STATUS_REPORT_SUBMITTED", "STATUS_CHANGED"]  # fmt: skip
    assert webhook_events_of("ReportingPeriodOpened", {})[0].value == "REPORTING_PERIOD_OPENED"
    assert webhook_events_of("DataVersionMoved", {}) == ()


def test_an_organisations_webhook_hears_its_own_events_and_those_of_everyone() -> None:
    hook = SimpleNamespace(
        events=["REPORT_MISSING", "REPORTING_PERIOD_OPENED"], after_event_id=10, owner_id=3
    )

    (missing,) = webhook_events_of("ReportMissing", {})
    (opened,) = webhook_events_of("ReportingPeriodOpened", {})
    assert hears(hook, 11, missing, {"owner_id": 3})
    assert not hears(hook, 11, missing, {"owner_id": 4})
    assert hears(hook, 11, opened, {})
    assert not hears(hook, 10, opened, {})  # stored before the webhook was made


async def test_fan_out_turns_each_event_once_and_only_for_webhooks_made_before_it(
    engine: AsyncEngine,
) -> None:
    await add_events(engine, 2)  # before any webhook: heard by none
    await add_webhook(engine)
    await add_events(engine, 3)

    made = await fan_out(engine, settings=SETTINGS)
    again = await fan_out(engine, settings=SETTINGS)

    assert (made, again) == (3, 0)
    rows = await delivery_rows(engine)
    assert len({row.id for row in rows}) == 3
    assert {row.status for row in rows} == {WebhookDeliveryStatus.PENDING}


async def test_fan_out_goes_on_past_one_batch_of_events(engine: AsyncEngine) -> None:
    await add_webhook(engine)
    await add_events(engine, FAN_OUT_BATCH * 2 + 1)

    made = await fan_out(engine, settings=SETTINGS)

    assert made == FAN_OUT_BATCH * 2 + 1


async def test_two_dispatchers_never_claim_the_same_delivery(
    engine: AsyncEngine, fresh_seeded_database_url: str
) -> None:
    await add_webhook(engine)
    await add_events(engine, 60)
    await fan_out(engine, settings=SETTINGS)
    other = create_engine(settings_for(fresh_seeded_database_url))
    try:
        claims: list[list[str]] = [[], []]

        async def claim_all(into: list[str], source: AsyncEngine) -> None:
            while batch := await claim_due(source, settings=SETTINGS, limit=7):
                into.extend(item.id for item in batch)
                await asyncio.sleep(0)

        await asyncio.gather(claim_all(claims[0], engine), claim_all(claims[1], other))
    finally:
        await other.dispose()

    first, second = claims
    assert set(first).isdisjoint(second)
    assert len(first) + len(second) == 60
    assert sorted(first + second) == sorted(row.id for row in await delivery_rows(engine))


async def test_two_dispatchers_at_work_together_send_each_delivery_once(
    engine: AsyncEngine, fresh_seeded_database_url: str
) -> None:
    settings = settings_for(fresh_seeded_database_url, webhook_allow_private=True)
    with running_receiver() as receiver:
        await add_webhook(engine, url=receiver.url)
        await add_events(engine, 30)
        other = create_engine(settings)
        try:
            async with httpx.AsyncClient() as client:
                first = WebhookDispatcher(engine, settings)
                second = WebhookDispatcher(other, settings)
                await asyncio.gather(first.run_once(client), second.run_once(client))
        finally:
            await other.dispose()

        sent = Counter(request.headers["x-portfolio-delivery"] for request in receiver.received)
    assert len(sent) == 30
    assert set(sent.values()) == {1}
    assert {row.status for row in await delivery_rows(engine)} == {WebhookDeliveryStatus.DELIVERED}


async def test_a_claim_whose_worker_died_is_sent_again_with_the_same_id_after_its_lease(
    engine: AsyncEngine,
) -> None:
    await add_webhook(engine)
    await add_events(engine, 1)
    await fan_out(engine, settings=SETTINGS)
    (claimed,) = await claim_due(engine, settings=SETTINGS)
    assert await claim_due(engine, settings=SETTINGS) == []  # leased to the first worker

    async with engine.begin() as connection:  # the lease runs out: that worker is gone
        await connection.execute(
            webhook_delivery_table.update().values(
                next_attempt_at=models.utcnow() - timedelta(seconds=1)
            )
        )
    (again,) = await claim_due(engine, settings=SETTINGS)

    assert again.id == claimed.id


async def test_a_failed_attempt_is_recorded_and_retried_later_then_failed_after_the_window(
    engine: AsyncEngine,
) -> None:
    await add_webhook(engine)
    await add_events(engine, 1)
    await fan_out(engine, settings=SETTINGS)
    (claimed,) = await claim_due(engine, settings=SETTINGS)

    before = models.utcnow()
    await record(engine, claimed, Outcome(500, "Internal Server Error", 12), settings=SETTINGS)
    (pending,) = await delivery_rows(engine)
    waited = _aware(pending.next_attempt_at) - before
    assert pending.status == WebhookDeliveryStatus.PENDING
    assert pending.attempts == 1
    assert timedelta(seconds=4) <= waited <= timedelta(seconds=11)  # 10 s, with jitter

    closing = dataclasses.replace(claimed, attempts=1, give_up_at=models.utcnow())
    await record(engine, closing, Outcome(None, "ConnectError: refused", 3), settings=SETTINGS)
    (failed,) = await delivery_rows(engine)
    async with engine.connect() as connection:
        attempts = (await connection.execute(sa.select(webhook_attempt_table))).all()
    assert failed.status == WebhookDeliveryStatus.FAILED
    assert failed.attempts == 2
    assert [(row.number, row.status_code) for row in attempts] == [(1, 500), (2, None)]


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def test_backoff_doubles_up_to_its_cap() -> None:
    delays = [retry_delay(attempt, SETTINGS) for attempt in range(1, 12)]

    assert 5 <= delays[0] <= 10
    assert 10 <= delays[1] <= 20
    assert 20 <= delays[2] <= 40
    assert all(delay <= SETTINGS.webhook_retry_max_seconds for delay in delays)


async def test_an_address_that_became_private_is_refused_at_delivery_time(
    engine: AsyncEngine,
) -> None:
    with running_receiver() as receiver:
        # Made while private addresses were allowed (or before the name moved): the check
        # before sending refuses it all the same, and nothing reaches the address.
        await add_webhook(engine, url=receiver.url.replace("http://", "https://"))
        await add_events(engine, 1)
        await fan_out(engine, settings=SETTINGS)
        (claimed,) = await claim_due(engine, settings=SETTINGS)
        async with httpx.AsyncClient() as client:
            outcome = await send(claimed, settings=SETTINGS, client=client)

        assert receiver.received == []
    assert outcome.status_code is None
    assert outcome.error is not None
    assert outcome.error.startswith("url resolves to 127.0.0.1, which is not a public address")


async def test_a_dispatcher_without_its_database_keeps_trying_and_stops_at_a_clean_point(
    tmp_path: Any, caplog: pytest.LogCaptureFixture
) -> None:
    # Given a dispatcher whose database cannot be opened
    settings = dataclasses.replace(
        settings_for(f"sqlite:///{tmp_path / 'missing' / 'nowhere.db'}"),
        webhook_poll_seconds=0.01,
    )
    engine = create_engine(settings)
    dispatcher = WebhookDispatcher(engine, settings)

    # When it works for a while and is stopped
    await dispatcher.start()
    while "webhook dispatcher round failed" not in caplog.text:
        await asyncio.sleep(0.01)
    rounds = dispatcher._tasks[:1]
    await dispatcher.stop()
    await engine.dispose()

    # Then its rounds failed as warnings, and its loop ended by itself, not cancelled
    assert [task.cancelled() for task in rounds] == [False]
    assert all(task.done() for task in rounds)
