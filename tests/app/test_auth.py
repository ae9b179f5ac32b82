"""API tokens: created and revoked with the CLI, stored hashed, checked on every request."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
import sqlalchemy as sa

from app.auth import bearer_token, hash_token
from app.cli import main
from app.database import create_sync_engine
from app.settings import Settings
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


def _execute(database_url: str, statement: str, **parameters: object) -> None:
    engine = create_sync_engine(Settings(database_url=database_url))
    try:
        with engine.begin() as connection:
            connection.execute(sa.text(statement), parameters)
    finally:
        engine.dispose()


def _stored_moment(database_url: str, column: str, token_id: int) -> datetime | None:
    value = scalar(database_url, f"SELECT {column} FROM api_token WHERE id = :id", id=token_id)
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))  # SQLite returns text to a plain text query


def test_a_new_token_lives_365_days_unless_told_otherwise(
    callers: Callers, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _create(callers.database_url, monkeypatch, "--role", "READER")
    yearly = int(scalar(callers.database_url, "SELECT max(id) FROM api_token"))
    _create(callers.database_url, monkeypatch, "--role", "READER", "--expires-in", "90d")
    quarterly = int(scalar(callers.database_url, "SELECT max(id) FROM api_token"))
    assert "expires" in capsys.readouterr().err

    def lifetime(token_id: int) -> timedelta:
        created = _stored_moment(callers.database_url, "created_at", token_id)
        expires = _stored_moment(callers.database_url, "expires_at", token_id)
        assert created is not None
        assert expires is not None
        return expires - created

    assert lifetime(yearly) == timedelta(days=365)
    assert lifetime(quarterly) == timedelta(days=90)


@pytest.mark.parametrize("duration", ["90", "0d", "-3d", "3 months", "d"])
def test_token_create_refuses_a_lifetime_it_cannot_read(
    callers: Callers,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    duration: str,
) -> None:
    before = scalar(callers.database_url, "SELECT count(*) FROM api_token")

    assert (
        _create(callers.database_url, monkeypatch, "--role", "READER", f"--expires-in={duration}")
        == 2
    )
    assert "--expires-in" in capsys.readouterr().err
    assert scalar(callers.database_url, "SELECT count(*) FROM api_token") == before


def test_an_expired_token_is_refused_like_a_revoked_one(
    callers: Callers, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _create(callers.database_url, monkeypatch, "--role", "ADMIN", "--name", "old")
    expired = capsys.readouterr().out.strip()
    expired_id = scalar(callers.database_url, "SELECT max(id) FROM api_token")
    _create(callers.database_url, monkeypatch, "--role", "ADMIN", "--name", "gone")
    revoked = capsys.readouterr().out.strip()
    main(["token", "revoke", str(scalar(callers.database_url, "SELECT max(id) FROM api_token"))])
    _execute(
        callers.database_url,
        "UPDATE api_token SET expires_at = :moment WHERE id = :id",
        moment=datetime.now(UTC) - timedelta(seconds=1),
        id=expired_id,
    )

    def ask(token: str) -> httpx.Response:
        return callers.http.post(
            "/graphql", json={"query": VIEWER}, headers={"Authorization": f"Bearer {token}"}
        )

    refused_expired, refused_revoked = ask(expired), ask(revoked)
    assert refused_expired.status_code == refused_revoked.status_code == 401
    assert refused_expired.json() == refused_revoked.json()
    assert (
        refused_expired.headers["www-authenticate"] == refused_revoked.headers["www-authenticate"]
    )


def test_last_use_is_recorded_at_most_once_a_minute(
    callers: Callers, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _create(callers.database_url, monkeypatch, "--role", "READER")
    token = capsys.readouterr().out.strip()
    token_id = int(scalar(callers.database_url, "SELECT max(id) FROM api_token"))
    assert _stored_moment(callers.database_url, "last_used_at", token_id) is None
    headers = {"Authorization": f"Bearer {token}"}

    callers.http.post("/graphql", json={"query": VIEWER}, headers=headers)
    first_use = _stored_moment(callers.database_url, "last_used_at", token_id)
    assert first_use is not None
    callers.http.post("/graphql", json={"query": VIEWER}, headers=headers)

    assert _stored_moment(callers.database_url, "last_used_at", token_id) == first_use


def test_last_use_moves_once_the_minute_has_passed(
    callers: Callers, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _create(callers.database_url, monkeypatch, "--role", "READER")
    token = capsys.readouterr().out.strip()
    token_id = int(scalar(callers.database_url, "SELECT max(id) FROM api_token"))
    long_ago = datetime(2020, 1, 1, tzinfo=UTC)
    _execute(
        callers.database_url,
        "UPDATE api_token SET last_used_at = :moment WHERE id = :id",
        moment=long_ago,
        id=token_id,
    )

    callers.http.post(
        "/graphql", json={"query": VIEWER}, headers={"Authorization": f"Bearer {token}"}
    )

    used = _stored_moment(callers.database_url, "last_used_at", token_id)
    assert used is not None
    assert used.replace(tzinfo=UTC) > long_ago


def test_token_list_shows_state_expiry_and_last_use_but_no_secret(
    callers: Callers, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _create(
        callers.database_url, monkeypatch, "--role", "REPORTER", "--org", "NHN", "--name", "nhn"
    )
    live = capsys.readouterr().out.strip()
    live_id = scalar(callers.database_url, "SELECT max(id) FROM api_token")
    _create(callers.database_url, monkeypatch, "--role", "READER", "--name", "ended")
    ended = capsys.readouterr().out.strip()
    ended_id = scalar(callers.database_url, "SELECT max(id) FROM api_token")
    _execute(
        callers.database_url,
        "UPDATE api_token SET expires_at = :moment WHERE id = :id",
        moment=datetime(2020, 1, 1, tzinfo=UTC),
        id=ended_id,
    )

    assert main(["token", "list"]) == 0
    listing = capsys.readouterr().out

    rows = {line.split("\t")[0]: line.split("\t") for line in listing.splitlines()[1:]}
    assert rows[str(live_id)][1:5] == ["live", "REPORTER", "NHN", "nhn"]
    assert rows[str(ended_id)][1:5] == ["expired", "READER", "-", "ended"]
    assert rows[str(ended_id)][6] == "2020-01-01 00:00"
    assert live not in listing
    assert ended not in listing
