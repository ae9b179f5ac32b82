"""GraphQL over WebSocket (graphql-transport-ws): refusals are close frames, never crashes.

A refused caller or a malformed message ends the connection with the protocol's close code
(4403 Forbidden, 4400 for a message the protocol does not describe), and nothing reaches
the log as an unhandled exception.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from app.auth import create_token, revoke_token
from app.database import create_sync_engine
from app.domain import Role
from app.main import create_app
from app.settings import Settings

PROTOCOL = ["graphql-transport-ws"]
FORBIDDEN = {"type": "websocket.close", "code": 4403, "reason": "Forbidden"}


@pytest.fixture(autouse=True)
def _capture_every_record(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)


def warnings_and_errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.levelno >= logging.WARNING]


def first_answer(client: TestClient, *messages: str, headers: dict[str, str] | None = None) -> Any:
    """The first frame the server sends back after ``messages``."""
    with client.websocket_connect("/graphql", subprotocols=PROTOCOL, headers=headers or {}) as ws:
        for message in messages:
            ws.send_text(message)
        return ws.receive()


INIT = json.dumps({"type": "connection_init"})


def test_an_unknown_token_in_the_handshake_header_closes_with_4403(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    answer = first_answer(client, INIT, headers={"Authorization": "Bearer unknown-token"})

    assert answer == FORBIDDEN
    assert warnings_and_errors(caplog) == []


@pytest.fixture
def revoked_token(empty_database_url: str) -> str:
    engine = create_sync_engine(Settings(database_url=empty_database_url))
    try:
        with engine.begin() as connection:
            token_id, token = create_token(
                connection, role=Role.READER, organisation_code=None, name=None
            )
            revoke_token(connection, token_id=token_id)
    finally:
        engine.dispose()
    return token


def test_a_revoked_token_in_the_handshake_header_closes_with_4403(
    empty_database_url: str, revoked_token: str, caplog: pytest.LogCaptureFixture
) -> None:
    with TestClient(create_app(Settings(database_url=empty_database_url))) as client:
        answer = first_answer(client, INIT, headers={"Authorization": f"Bearer {revoked_token}"})

    assert answer == FORBIDDEN
    assert warnings_and_errors(caplog) == []


def test_a_handshake_token_check_without_the_database_closes_with_1013(tmp_path: Path) -> None:
    missing = f"sqlite:///{tmp_path / 'missing' / 'nowhere.db'}"
    settings = Settings(database_url=missing, database_timeout_seconds=2)
    with TestClient(create_app(settings)) as client:
        answer = first_answer(client, INIT, headers={"Authorization": "Bearer some-token"})

    assert answer == {"type": "websocket.close", "code": 1013, "reason": "Try again later"}


def test_a_lone_surrogate_token_in_connection_init_closes_with_4403(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    init = json.dumps({"type": "connection_init", "payload": {"Authorization": "Bearer \ud800"}})

    assert first_answer(client, init) == FORBIDDEN
    assert warnings_and_errors(caplog) == []


def test_a_deeply_nested_message_closes_with_4400(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    answer = first_answer(client, "[" * 100_000 + "]" * 100_000)

    assert answer["type"] == "websocket.close"
    assert answer["code"] == 4400
    assert warnings_and_errors(caplog) == []


def test_deeply_nested_variables_after_the_handshake_close_with_4400(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    nested = "[" * 100_000 + "]" * 100_000
    subscribe = (
        '{"id": "1", "type": "subscribe", "payload": {"query": "{ __typename }", '
        f'"variables": {{"v": {nested}}}}}}}'
    )

    with client.websocket_connect("/graphql", subprotocols=PROTOCOL) as ws:
        ws.send_text(INIT)
        assert ws.receive_json()["type"] == "connection_ack"
        ws.send_text(subscribe)
        answer = ws.receive()

    assert answer["type"] == "websocket.close"
    assert answer["code"] == 4400
    assert warnings_and_errors(caplog) == []


QUERY = "{ __typename }"
MALFORMED_MESSAGES = {
    "null": None,
    "list": [],
    "number": 42,
    "payload not an object": {"type": "subscribe", "id": "1", "payload": 5},
    "id not text": {"type": "subscribe", "id": [], "payload": {"query": QUERY}},
    "query null": {"type": "subscribe", "id": "1", "payload": {"query": None}},
    "query not text": {"type": "subscribe", "id": "1", "payload": {"query": 5}},
    "variables not an object": {
        "type": "subscribe", "id": "1", "payload": {"query": QUERY, "variables": "x"},
    },
    "operation name not text": {
        "type": "subscribe", "id": "1", "payload": {"query": QUERY, "operationName": 5},
    },
}  # fmt: skip


@pytest.mark.parametrize("message", MALFORMED_MESSAGES.values(), ids=MALFORMED_MESSAGES.keys())
def test_a_malformed_message_closes_with_4400(
    client: TestClient, caplog: pytest.LogCaptureFixture, message: Any
) -> None:
    with client.websocket_connect("/graphql", subprotocols=PROTOCOL) as ws:
        ws.send_text(INIT)
        assert ws.receive_json()["type"] == "connection_ack"
        ws.send_text(json.dumps(message))
        answer = ws.receive()

    assert answer["type"] == "websocket.close"
    assert answer["code"] == 4400
    assert warnings_and_errors(caplog) == []
