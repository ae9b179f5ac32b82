"""A crash after commit loses no webhook delivery: the stored event is the outbox.

The service runs as a real uvicorn process and is killed with SIGKILL (no shutdown, no
cleanup); a new process on the same database delivers what the dead one had not, with
the delivery id the dead one had already used.
"""

from __future__ import annotations

import os
import signal
import time
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from app.database import create_sync_engine
from app.settings import Settings
from app.tables import webhook_delivery_table
from tests.conftest import TEST_WEBHOOK_KEY, make_token
from tests.load.harness import Service, free_port, running_service
from tests.schema.writes import COORDINATE_REPORT, SUBMIT
from tests.webhooks.receiver import running_receiver

SECRET = "a-shared-secret-of-the-receiver"
CREATE = """
mutation Create($input: CreateWebhookInput!) { createWebhook(input: $input) { __typename } }
"""
ENVIRONMENT = {
    "PORTFOLIO_WEBHOOK_KEY": TEST_WEBHOOK_KEY,
    "PORTFOLIO_WEBHOOK_ALLOW_PRIVATE": "true",
    "PORTFOLIO_WEBHOOK_POLL": "0.1",
    "PORTFOLIO_WEBHOOK_RETRY": "0.2",
    "PORTFOLIO_WEBHOOK_RETRY_MAX": "0.5",
}


def post(service: Service, token: str, query: str, variables: dict[str, Any]) -> Any:
    answer = httpx.post(
        service.base_url + "/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    return answer.json()["data"]


def make_webhook_and_write(service: Service, token: str, url: str) -> None:
    webhook = {"url": url, "events": ["STATUS_REPORT_SUBMITTED"], "secret": SECRET}
    made = post(service, token, CREATE, {"input": webhook})
    assert made["createWebhook"]["__typename"] == "WebhookPayload"
    written = post(service, token, SUBMIT, {"input": COORDINATE_REPORT})
    assert written["submitStatusReport"]["__typename"] == "StatusReportPayload"


def deliveries(database_url: str) -> list[Any]:
    engine = create_sync_engine(Settings(database_url=database_url))
    try:
        with engine.connect() as connection:
            return list(connection.execute(sa.select(webhook_delivery_table)).all())
    finally:
        engine.dispose()


def first_failed_attempt(database_url: str, *, timeout: float = 30) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        rows = deliveries(database_url)
        if rows and rows[0].attempts >= 1:
            return rows[0]
        time.sleep(0.1)
    raise AssertionError("no attempt was recorded")


def kill(service: Service) -> None:
    os.killpg(service.process.pid, signal.SIGKILL)
    service.process.wait(timeout=10)


@pytest.mark.slow
def test_a_delivery_the_killed_worker_could_not_make_arrives_after_restart_with_the_same_id(
    fresh_seeded_database_url: str,
) -> None:
    database_url = fresh_seeded_database_url
    token = make_token(database_url, "ADMIN")
    port = free_port()  # the receiver is down while the first worker lives
    url = f"http://127.0.0.1:{port}/hooks/portfolio"
    with running_service(database_url, environment=ENVIRONMENT) as doomed:
        make_webhook_and_write(doomed, token, url)
        tried = first_failed_attempt(database_url)
        kill(doomed)

    with (
        running_receiver(port=port) as receiver,
        running_service(database_url, environment=ENVIRONMENT),
    ):
        (request,) = receiver.wait_for(1)

    assert request.headers["x-portfolio-delivery"] == tried.id
    assert request.document["deliveryId"] == tried.id
    assert request.document["data"]["initiative_code"] == "KJ-PLO"
    assert request.signed_with(SECRET)


@pytest.mark.slow
def test_an_event_committed_by_a_worker_killed_before_any_dispatch_is_delivered_after_restart(
    fresh_seeded_database_url: str,
) -> None:
    database_url = fresh_seeded_database_url
    token = make_token(database_url, "ADMIN")
    with running_receiver() as receiver:
        # A worker whose dispatcher never ran: the write commits, then the process dies.
        silent = ENVIRONMENT | {"PORTFOLIO_WEBHOOK_DISPATCH": "false"}
        with running_service(database_url, environment=silent) as doomed:
            make_webhook_and_write(doomed, token, receiver.url)
            kill(doomed)
        assert deliveries(database_url) == []
        assert receiver.received == []

        with running_service(database_url, environment=ENVIRONMENT):
            (request,) = receiver.wait_for(1)

    (delivery,) = deliveries(database_url)
    assert request.headers["x-portfolio-delivery"] == delivery.id
    assert request.signed_with(SECRET)
