"""One service on a private copy of the demo portfolio, with tokens of every kind."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from starlette.testclient import TestClient

from app.auth import create_token, revoke_token
from app.database import create_sync_engine
from app.domain import Role
from app.main import create_app
from app.settings import Settings
from tests.conftest import Databases, copy_database, make_token


@dataclass(frozen=True)
class Secured:
    """The service and the secrets of its tokens."""

    http: TestClient
    database_url: str
    admin: str
    reader: str
    hdir_reporter: str  # owns PLL and KJ-PLO, the initiatives the writes aim at
    nhn_reporter: str  # another organisation
    revoked: str  # was an ADMIN token


def revoked_token(database_url: str) -> str:
    engine = create_sync_engine(Settings(database_url=database_url))
    try:
        with engine.begin() as connection:
            token_id, token = create_token(
                connection, role=Role.ADMIN, organisation_code=None, name="revoked"
            )
            revoke_token(connection, token_id=token_id)
    finally:
        engine.dispose()
    return token


@pytest.fixture(scope="module")
def secured(databases: Databases, seed_template_url: str) -> Iterator[Secured]:
    url = copy_database(databases, seed_template_url, "security")
    with TestClient(create_app(Settings(database_url=url, debug=False))) as http:
        yield Secured(
            http=http,
            database_url=url,
            admin=make_token(url, "ADMIN"),
            reader=make_token(url, "READER"),
            hdir_reporter=make_token(url, "REPORTER", "HDIR"),
            nhn_reporter=make_token(url, "REPORTER", "NHN"),
            revoked=revoked_token(url),
        )
