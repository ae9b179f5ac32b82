"""Fixtures: a database per purpose on SQLite (default) or PostgreSQL, and GraphQL clients.

Set ``PORTFOLIO_TEST_DATABASE`` to a PostgreSQL server URL (for example
``postgresql://postgres@127.0.0.1:5432/test``) to run the suite on PostgreSQL; every
database the run creates gets a unique name and is dropped afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from starlette.testclient import TestClient

from app.cli import seed_database
from app.database import sync_url
from app.main import create_app
from app.migrate import migrate
from app.settings import Settings

SERVER_URL = os.environ.get("PORTFOLIO_TEST_DATABASE", "sqlite")
ON_POSTGRES = SERVER_URL.startswith("postgresql")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Leave server-only tests out of the SQLite pass (CI runs the PostgreSQL pass too)."""
    if ON_POSTGRES:
        return
    server_only = [item for item in items if item.get_closest_marker("postgresql_only")]
    if server_only:
        config.hook.pytest_deselected(items=server_only)
        items[:] = [item for item in items if not item.get_closest_marker("postgresql_only")]


class Databases:
    """Creates empty, migrated databases and drops them when the run ends."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.created: list[str] = []

    def create(self, label: str) -> str:
        name = f"portfolio_test_{label}_{uuid.uuid4().hex[:10]}"
        if ON_POSTGRES:
            admin = sa.create_engine(sync_url(SERVER_URL), isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
            admin.dispose()
            url = make_url(sync_url(SERVER_URL)).set(database=name)
            database_url = url.render_as_string(hide_password=False)
        else:
            database_url = f"sqlite:///{self.directory / name}.db"
        self.created.append(database_url)
        migrate(Settings(database_url=database_url))
        return database_url

    def drop_all(self) -> None:
        if not ON_POSTGRES:
            return
        admin = sa.create_engine(sync_url(SERVER_URL), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            for database_url in self.created:
                name = make_url(database_url).database
                connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Databases]:
    registry = Databases(tmp_path_factory.mktemp("databases"))
    yield registry
    registry.drop_all()


@pytest.fixture(scope="session")
def seeded_database_url(databases: Databases) -> str:
    """A database holding the demo portfolio; tests must not write to it."""
    url = databases.create("seed")
    seed_database(Settings(database_url=url))
    return url


@pytest.fixture(scope="session")
def synthetic_database_url(databases: Databases) -> Callable[[int], str]:
    """A database holding a synthetic portfolio of N initiatives (made once per size)."""
    made: dict[int, str] = {}

    def make(size: int) -> str:
        if size not in made:
            made[size] = databases.create(f"syn{size}")
            seed_database(Settings(database_url=made[size]), synthetic=size, seed=7)
        return made[size]

    return make


@pytest.fixture
def empty_database_url(databases: Databases) -> str:
    """A fresh, migrated, empty database for a test that writes."""
    return databases.create("empty")


TEST_WEBHOOK_KEY = "test-key-for-webhook-secrets-not-for-production"


def settings_for(database_url: str, **overrides: Any) -> Settings:
    """Settings of a test's service: webhooks can be made, and are sent only where a test
    starts the dispatcher itself (``webhook_dispatch=True``), so no request of another
    test races a delivery."""
    values: dict[str, Any] = {
        "database_url": database_url,
        "debug": False,
        "webhook_key": TEST_WEBHOOK_KEY,
        "webhook_dispatch": False,
    }
    return Settings(**(values | overrides))


@pytest.fixture
def client(seeded_database_url: str) -> Iterator[TestClient]:
    """An HTTP client of the service on the demo portfolio."""
    with TestClient(create_app(settings_for(seeded_database_url))) as test_client:
        yield test_client


class GraphQLClient:
    """Posts GraphQL documents with variables and returns the decoded response."""

    def __init__(self, http: TestClient) -> None:
        self.http = http

    def execute(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        response = self.http.post("/graphql", json={"query": query, "variables": variables or {}})
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def data(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """The ``data`` of a response that must have no errors."""
        body = self.execute(query, variables)
        assert "errors" not in body, body["errors"]
        data: dict[str, Any] = body["data"]
        return data


@pytest.fixture
def graphql(client: TestClient) -> GraphQLClient:
    return GraphQLClient(client)


# --- writes: fresh copies of the demo portfolio, tokens and clients that send them ----------


@pytest.fixture(scope="session")
def seed_template_url(databases: Databases) -> str:
    """The demo portfolio, kept only to be copied: no app ever connects to it."""
    url = databases.create("template")
    seed_database(Settings(database_url=url))
    return url


def copy_database(databases: Databases, source_url: str, label: str) -> str:
    """A new database holding a copy of ``source_url`` (dropped with the others)."""
    name = f"portfolio_test_{label}_{uuid.uuid4().hex[:10]}"
    if ON_POSTGRES:
        admin = sa.create_engine(sync_url(SERVER_URL), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            template = make_url(source_url).database
            connection.execute(sa.text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
        admin.dispose()
        url = make_url(sync_url(SERVER_URL)).set(database=name)
        database_url = url.render_as_string(hide_password=False)
    else:
        import sqlite3

        source_path = make_url(source_url).database
        target_path = databases.directory / f"{name}.db"
        assert source_path is not None
        with sqlite3.connect(source_path) as source, sqlite3.connect(target_path) as target:
            source.backup(target)
        source.close()
        target.close()
        database_url = f"sqlite:///{target_path}"
    databases.created.append(database_url)
    return database_url


@pytest.fixture
def fresh_seeded_database_url(databases: Databases, seed_template_url: str) -> str:
    """A private copy of the demo portfolio for a test that writes."""
    return copy_database(databases, seed_template_url, "fresh")


def make_token(database_url: str, role: str, organisation: str | None = None) -> str:
    """Create an API token in the database and return its secret."""
    from app.auth import create_token
    from app.database import create_sync_engine
    from app.domain import Role

    engine = create_sync_engine(Settings(database_url=database_url))
    try:
        with engine.begin() as connection:
            _, token = create_token(
                connection, role=Role(role), organisation_code=organisation, name=None
            )
    finally:
        engine.dispose()
    return token


class TokenClient(GraphQLClient):
    """A GraphQL client that sends a bearer token (or none, for an anonymous caller)."""

    def __init__(self, http: TestClient, token: str | None) -> None:
        super().__init__(http)
        self.token = token

    def execute(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        response = self.http.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body


class Callers:
    """Clients of one service on one database, as each kind of caller."""

    def __init__(self, http: TestClient, database_url: str) -> None:
        self.http = http
        self.database_url = database_url
        self.anonymous = TokenClient(http, None)

    def as_role(self, role: str, organisation: str | None = None) -> TokenClient:
        """A client holding a new token of ``role`` (REPORTER needs the organisation)."""
        if role == "ANONYMOUS":
            return self.anonymous
        return TokenClient(self.http, make_token(self.database_url, role, organisation))

    @property
    def admin(self) -> TokenClient:
        return self.as_role("ADMIN")


@pytest.fixture
def callers(fresh_seeded_database_url: str) -> Iterator[Callers]:
    """The service on a private copy of the demo portfolio, with a client per kind of caller."""
    app = create_app(settings_for(fresh_seeded_database_url))
    with TestClient(app) as http:
        yield Callers(http, fresh_seeded_database_url)
