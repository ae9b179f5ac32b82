"""API tokens: created and revoked with the CLI, stored hashed, checked on every request."""

from __future__ import annotations

import pytest

from app.auth import bearer_token, hash_token
from app.cli import main
from tests.conftest import Callers
from tests.schema.writes import scalar

VIEWER = "query Viewer { viewer { role name organisation { code } } }"


def _create(database_url: str, monkeypatch: pytest.MonkeyPatch, *arguments: str) -> int:
    monkeypatch.setenv("PORTFOLIO_DATABASE_URL", database_url)
    return main(["token", "create", *arguments])


def test_token_create_prints_the_token_once_and_stores_only_its_hash(
    callers: Callers, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _create(callers.database_url, monkeypatch, "--role", "REPORTER", "--org", "NHN") == 0
    token = capsys.readouterr().out.strip()

    stored = scalar(callers.database_url, "SELECT token_hash FROM api_token ORDER BY id DESC")
    assert stored == hash_token(token)
    assert token not in stored
    viewer = callers.as_role("ANONYMOUS").http.post(
        "/graphql", json={"query": VIEWER}, headers={"Authorization": f"Bearer {token}"}
    )
    assert viewer.json()["data"]["viewer"] == {
        "role": "REPORTER",
        "name": "reporter-NHN",
        "organisation": {"code": "NHN"},
    }


def test_reporter_token_needs_an_organisation(
    callers: Callers, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _create(callers.database_url, monkeypatch, "--role", "REPORTER") == 2
    assert "--org" in capsys.readouterr().err


def test_token_for_an_unknown_organisation_is_refused(
    callers: Callers, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _create(callers.database_url, monkeypatch, "--role", "READER", "--org", "NOPE") == 2
    assert "NOPE" in capsys.readouterr().err


def test_revoked_token_is_refused_at_once(
    callers: Callers, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _create(callers.database_url, monkeypatch, "--role", "ADMIN", "--name", "kontoret")
    token = capsys.readouterr().out.strip()
    token_id = scalar(callers.database_url, "SELECT max(id) FROM api_token")

    assert main(["token", "revoke", str(token_id)]) == 0

    response = callers.http.post(
        "/graphql", json={"query": VIEWER}, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 401


def test_unknown_token_is_refused(callers: Callers) -> None:
    response = callers.http.post(
        "/graphql", json={"query": VIEWER}, headers={"Authorization": "Bearer made-up"}
    )
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("header", "token"),
    [(None, None), ("", None), ("Basic abc", None), ("Bearer  abc ", "abc"), ("bearer x", "x")],
)
def test_bearer_token_is_read_from_the_authorization_header(
    header: str | None, token: str | None
) -> None:
    assert bearer_token(header) == token
