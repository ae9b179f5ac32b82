"""Webhooks through the API: made, told of writes by signed POSTs, retried, never leaking.

The receiver is a real HTTP server on a loopback port, so these services run with
``webhook_allow_private`` (loopback and plain http are refused otherwise, see the SSRF
tests) and a dispatcher that polls often and retries soon.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from starlette.testclient import TestClient

from app.database import create_sync_engine
from app.main import create_app
from app.settings import Settings
from app.tables import webhook_table
from tests.conftest import TEST_WEBHOOK_KEY, Callers, TokenClient, make_token, settings_for
from tests.schema.writes import COORDINATE_REPORT, SUBMIT
from tests.webhooks.receiver import running_receiver

SECRET = "a-shared-secret-of-the-receiver"

CREATE = """
mutation Create($input: CreateWebhookInput!) {
  createWebhook(input: $input) {
    __typename
    ... on Error { message }
    ... on ValidationError { problems { field message } }
    ... on WebhookPayload { webhook { id url events active createdBy owner { code } } }
  }
}
"""

WEBHOOKS = """
{ webhooks { __typename ... on WebhookConnection { nodes { id url events owner { code } } } } }
"""

DELIVERIES = """
query Deliveries($webhook: ID!) {
  webhookDeliveries(webhook: $webhook) {
    __typename
    ... on WebhookDeliveryConnection {
      nodes {
        id event status attemptCount lastStatusCode
        attempts { number statusCode error responseTimeMs }
      }
    }
  }
}
"""

AUDIT_OF_THE_WEBHOOK = """
{ auditEvents(entityCode: "webhook-1") { ... on AuditEventConnection { nodes { after } } } }
"""


def fast_dispatch(database_url: str) -> Settings:
    return settings_for(
        database_url,
        webhook_dispatch=True,
        webhook_allow_private=True,
        webhook_poll_seconds=0.05,
        webhook_retry_seconds=0.05,
    )


@pytest.fixture
def service(fresh_seeded_database_url: str) -> Iterator[Callers]:
    """The service with a dispatcher that may reach the loopback receiver."""
    with TestClient(create_app(fast_dispatch(fresh_seeded_database_url))) as http:
        yield Callers(http, fresh_seeded_database_url)


def create(client: TokenClient, **input: Any) -> dict[str, Any]:
    result: dict[str, Any] = client.data(CREATE, {"input": input})["createWebhook"]
    return result


def test_a_status_report_reaches_the_receiver_signed_with_the_secret(service: Callers) -> None:
    admin = service.admin
    with running_receiver() as receiver:
        made = create(admin, url=receiver.url, events=["STATUS_REPORT_SUBMITTED"], secret=SECRET)
        assert made["__typename"] == "WebhookPayload", made

        admin.data(SUBMIT, {"input": {**COORDINATE_REPORT, "statusReason": "Pilot."}})

        (request,) = receiver.wait_for(1)
    assert request.signed_with(SECRET)
    assert not request.signed_with("another secret entirely")
    assert request.path == "/hooks/portfolio"
    assert request.headers["x-portfolio-event"] == "STATUS_REPORT_SUBMITTED"
    assert request.headers["content-type"] == "application/json"
    document = request.document
    assert set(document) == {"event", "deliveryId", "occurredAt", "data"}
    assert document["event"] == "STATUS_REPORT_SUBMITTED"
    assert document["deliveryId"] == request.headers["x-portfolio-delivery"]
    assert document["data"]["initiative_code"] == "KJ-PLO"


def test_a_refused_answer_is_retried_with_the_same_delivery_id_until_accepted(
    service: Callers,
) -> None:
    admin = service.admin
    with running_receiver(answers=[500]) as receiver:
        made = create(admin, url=receiver.url, events=["STATUS_REPORT_SUBMITTED"], secret=SECRET)
        admin.data(SUBMIT, {"input": COORDINATE_REPORT})

        first, second = receiver.wait_for(2)
    assert (first.answered, second.answered) == (500, 200)
    assert first.headers["x-portfolio-delivery"] == second.headers["x-portfolio-delivery"]
    assert first.body == second.body
    assert second.signed_with(SECRET)
    webhook_id = made["webhook"]["id"]
    deliveries = _delivered(admin, webhook_id)
    (delivery,) = deliveries
    assert delivery["id"] == first.headers["x-portfolio-delivery"]
    assert (delivery["status"], delivery["attemptCount"]) == ("DELIVERED", 2)
    assert [attempt["statusCode"] for attempt in delivery["attempts"]] == [500, 200]


def test_a_redirect_is_not_followed_but_counted_as_a_failure(service: Callers) -> None:
    admin = service.admin
    with running_receiver(answers=[302]) as receiver:
        create(admin, url=receiver.url, events=["STATUS_REPORT_SUBMITTED"], secret=SECRET)
        admin.data(SUBMIT, {"input": COORDINATE_REPORT})

        first, second = receiver.wait_for(2)
    assert (first.answered, second.answered) == (302, 200)
    assert first.headers["x-portfolio-delivery"] == second.headers["x-portfolio-delivery"]


REDELIVER = """
mutation Redeliver($delivery: ID!) {
  redeliverWebhook(delivery: $delivery) {
    __typename
    ... on WebhookDeliveryPayload { delivery { id status attemptCount } }
  }
}
"""


def test_a_delivered_delivery_is_sent_again_on_request_with_the_same_id(
    service: Callers,
) -> None:
    admin = service.admin
    with running_receiver() as receiver:
        made = create(admin, url=receiver.url, events=["STATUS_REPORT_SUBMITTED"], secret=SECRET)
        admin.data(SUBMIT, {"input": COORDINATE_REPORT})
        receiver.wait_for(1)
        (delivered,) = _delivered(admin, made["webhook"]["id"])

        again = admin.data(REDELIVER, {"delivery": delivered["id"]})["redeliverWebhook"]
        first, second = receiver.wait_for(2)

    assert again["__typename"] == "WebhookDeliveryPayload"
    assert again["delivery"]["status"] == "PENDING"
    assert first.headers["x-portfolio-delivery"] == second.headers["x-portfolio-delivery"]
    assert second.headers["x-portfolio-delivery"] == delivered["id"]


def _delivered(client: TokenClient, webhook_id: str) -> list[dict[str, Any]]:
    """The webhook's deliveries once every one is settled (the answer is recorded after it)."""
    import time

    deadline = time.monotonic() + 10
    while True:
        page = client.data(DELIVERIES, {"webhook": webhook_id})["webhookDeliveries"]
        nodes: list[dict[str, Any]] = page["nodes"]
        if all(node["status"] != "PENDING" for node in nodes) or time.monotonic() > deadline:
            return nodes
        time.sleep(0.05)


def test_a_status_change_is_its_own_event_and_a_webhook_hears_only_what_it_asked_for(
    service: Callers,
) -> None:
    admin = service.admin
    with running_receiver() as receiver:
        create(admin, url=receiver.url, events=["STATUS_CHANGED"], secret=SECRET)
        admin.data(SUBMIT, {"input": COORDINATE_REPORT})  # GREEN as before: no change
        admin.data(SUBMIT, {"input": {**COORDINATE_REPORT, "status": "RED",
                                      "statusReason": "Leverandøren er forsinket."}})  # fmt: skip

        (request,) = receiver.wait_for(1)
        assert receiver.received == [request]
    assert request.document["event"] == "STATUS_CHANGED"
    assert request.document["data"]["status"] == "RED"


def test_a_reporter_webhook_hears_only_its_own_organisations_initiatives(
    service: Callers,
) -> None:
    hdir = service.as_role("REPORTER", "HDIR")
    with running_receiver() as receiver:
        made = create(
            hdir, url=receiver.url, events=["STATUS_REPORT_SUBMITTED"], secret=SECRET, owner="HDIR"
        )
        assert made["__typename"] == "WebhookPayload", made
        admin = service.admin
        admin.data(SUBMIT, {"input": {**COORDINATE_REPORT, "initiative": "PJD"}})  # NHN's
        admin.data(SUBMIT, {"input": COORDINATE_REPORT})  # KJ-PLO: Helsedirektoratet's

        (request,) = receiver.wait_for(1)
    assert request.document["data"]["initiative_code"] == "KJ-PLO"
    assert len(_delivered(admin, made["webhook"]["id"])) == 1


# --- access, secrets, SSRF (no dispatcher needed) --------------------------------------------


def test_a_reporter_cannot_make_a_webhook_for_another_organisation_or_the_portfolio(
    callers: Callers,
) -> None:
    nhn = callers.as_role("REPORTER", "NHN")
    url = "https://93.184.215.14/hooks"

    for_hdir = create(nhn, url=url, events=["STATUS_CHANGED"], secret=SECRET, owner="HDIR")
    portfolio_wide = create(nhn, url=url, events=["STATUS_CHANGED"], secret=SECRET)

    assert for_hdir["__typename"] == "PermissionDeniedError"
    assert portfolio_wide["__typename"] == "PermissionDeniedError"
    assert callers.admin.data(WEBHOOKS)["webhooks"]["nodes"] == []


def test_a_reporter_sees_only_its_own_organisations_webhooks(callers: Callers) -> None:
    url = "https://93.184.215.14/hooks"
    create(callers.admin, url=url, events=["REPORT_MISSING"], secret=SECRET, owner="NHN")
    create(callers.admin, url=url, events=["REPORT_MISSING"], secret=SECRET)
    mine = create(
        callers.as_role("REPORTER", "HDIR"),
        url=url,
        events=["REPORT_MISSING"],
        secret=SECRET,
        owner="HDIR",
    )

    seen = callers.as_role("REPORTER", "HDIR").data(WEBHOOKS)["webhooks"]["nodes"]
    reader = callers.as_role("READER").data(WEBHOOKS)["webhooks"]

    assert [node["id"] for node in seen] == [mine["webhook"]["id"]]
    assert len(callers.admin.data(WEBHOOKS)["webhooks"]["nodes"]) == 3
    assert reader["__typename"] == "PermissionDeniedError"


def test_the_secret_is_stored_encrypted_and_never_answered(callers: Callers) -> None:
    admin = callers.admin
    made = create(
        admin, url="https://93.184.215.14/hooks", events=["STATUS_CHANGED"], secret=SECRET
    )
    introspected = admin.data(
        '{ __type(name: "Webhook") { fields { name } } }'
    )["__type"]["fields"]  # fmt: skip
    listed = admin.execute(WEBHOOKS)
    deliveries = admin.execute(DELIVERIES, {"webhook": made["webhook"]["id"]})

    for answer in (made, listed, deliveries):
        assert SECRET not in json.dumps(answer)
    assert not any("secret" in field["name"].lower() for field in introspected)
    engine = create_sync_engine(Settings(database_url=callers.database_url))
    try:
        with engine.connect() as connection:
            stored = connection.execute(sa.select(webhook_table.c.secret_encrypted)).scalar_one()
    finally:
        engine.dispose()
    assert SECRET not in stored
    audit = admin.data(AUDIT_OF_THE_WEBHOOK)
    (created,) = audit["auditEvents"]["nodes"]
    assert created["after"]["url"] == "https://93.184.215.14/hooks"
    assert "secret" not in json.dumps(created)


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hooks",
        "https://10.1.2.3/hooks",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/hooks",
        "https://[::ffff:192.168.0.1]/hooks",
        "https://0.0.0.0/hooks",
        "https://localhost/hooks",
        "http://93.184.215.14/hooks",
        "ftp://93.184.215.14/hooks",
        "https://user:password@93.184.215.14/hooks",
    ],
)
def test_a_url_that_is_not_public_https_is_refused_naming_url(callers: Callers, url: str) -> None:
    refused = create(callers.admin, url=url, events=["STATUS_CHANGED"], secret=SECRET)

    assert refused["__typename"] == "ValidationError", refused
    assert [problem["field"] for problem in refused["problems"]] == ["url"]


def test_a_public_https_url_is_accepted(callers: Callers) -> None:
    made = create(
        callers.admin, url="https://93.184.215.14/hooks", events=["STATUS_CHANGED"], secret=SECRET
    )

    assert made["__typename"] == "WebhookPayload", made
    assert made["webhook"]["owner"] is None


def test_plain_http_and_loopback_are_allowed_only_by_the_setting(
    fresh_seeded_database_url: str,
) -> None:
    settings = settings_for(fresh_seeded_database_url, webhook_allow_private=True)
    with TestClient(create_app(settings)) as http:
        admin = TokenClient(http, make_token(fresh_seeded_database_url, "ADMIN"))
        made = create(
            admin, url="http://127.0.0.1:9/hooks", events=["STATUS_CHANGED"], secret=SECRET
        )

    assert made["__typename"] == "WebhookPayload", made


def test_without_a_key_no_webhook_can_be_made(fresh_seeded_database_url: str) -> None:
    settings = settings_for(fresh_seeded_database_url, webhook_key=None)
    with TestClient(create_app(settings)) as http:
        admin = TokenClient(http, make_token(fresh_seeded_database_url, "ADMIN"))
        refused = create(
            admin, url="https://93.184.215.14/hooks", events=["STATUS_CHANGED"], secret=SECRET
        )

    assert refused["__typename"] == "ValidationError"
    assert [problem["field"] for problem in refused["problems"]] == ["secret"]
    assert "PORTFOLIO_WEBHOOK_KEY" in refused["problems"][0]["message"]


def test_every_problem_of_the_input_is_named(callers: Callers) -> None:
    refused = create(callers.admin, url="https://10.0.0.1/", events=[], secret="short")

    assert refused["__typename"] == "ValidationError"
    assert [problem["field"] for problem in refused["problems"]] == ["url", "events", "secret"]


def test_an_unknown_owner_is_named(callers: Callers) -> None:
    refused = create(
        callers.admin, url="https://93.184.215.14/", events=["STATUS_CHANGED"], secret=SECRET,
        owner="NO-SUCH",
    )  # fmt: skip

    assert refused["problems"] == [
        {"field": "owner", "message": "names no organisation: 'NO-SUCH'."}
    ]


def test_the_key_has_no_default_and_never_shows_in_the_settings_repr() -> None:
    assert Settings().webhook_key is None
    assert TEST_WEBHOOK_KEY not in repr(settings_for("sqlite://"))


def test_the_webhook_settings_are_read_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PORTFOLIO_WEBHOOK_KEY", "k" * 40)
    monkeypatch.setenv("PORTFOLIO_WEBHOOK_ALLOW_PRIVATE", "true")
    monkeypatch.setenv("PORTFOLIO_WEBHOOK_DISPATCH", "false")
    monkeypatch.setenv("PORTFOLIO_WEBHOOK_RETRY_WINDOW", "3600")

    settings = Settings.from_env()

    assert settings.webhook_key == "k" * 40
    assert settings.webhook_allow_private
    assert not settings.webhook_dispatch
    assert settings.webhook_retry_window_seconds == 3600
