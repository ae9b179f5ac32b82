"""API tokens never reach a log, whatever the request does, at any log level."""

from __future__ import annotations

import logging
from pathlib import Path

import httpx
import pytest

from tests.load.harness import running_service
from tests.security.conftest import Secured

REQUESTS = [
    ("{ viewer { name role } }", {}),
    ('{ initiative(code: "PLL") { code latestReport { investmentNok } } }', {}),
    ("{ initiative(code: 1) { code } }", {}),  # a validation error
    ("{ initiatives(first: 100000) { totalCount } }", {}),  # a bad argument
    (
        "mutation($input: UpsertDeliveryInput!) { upsertDelivery(input: $input) { __typename } }",
        {"input": {"initiative": "PLL", "code": "PLL-LOG", "name": "Logget"}},
    ),
]


def send_all(client: httpx.Client | object, token: str) -> list[int]:
    statuses = []
    for query, variables in REQUESTS:
        response = client.post(  # type: ignore[attr-defined]
            "/graphql",
            json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {token}"},
        )
        statuses.append(response.status_code)
    return statuses


def test_tokens_are_not_logged_in_process_at_debug(
    secured: Secured, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    tokens = [secured.admin, secured.reader, secured.hdir_reporter, secured.revoked]

    statuses = [status for token in tokens for status in send_all(secured.http, token)]

    assert 401 in statuses  # the revoked token was refused, and that was logged at most
    assert caplog.records  # something was logged at DEBUG, so the check means something
    for token in tokens:
        assert token not in caplog.text


def test_tokens_are_not_logged_by_uvicorn_with_access_logs_at_debug(
    secured: Secured, tmp_path: Path
) -> None:
    log = tmp_path / "uvicorn.log"
    tokens = [secured.admin, secured.revoked]
    with (
        running_service(secured.database_url, log_path=log, log_level="debug") as service,
        httpx.Client(base_url=service.base_url, timeout=30) as client,
    ):
        statuses = [status for token in tokens for status in send_all(client, token)]

    text = log.read_text()
    assert 401 in statuses
    assert '"POST /graphql HTTP/1.1" 200' in text  # the access log was on
    for token in tokens:
        assert token not in text
