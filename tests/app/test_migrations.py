"""Migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from app import models
from app.database import create_sync_engine, is_sqlite
from app.migrate import current_revision, migrate
from app.settings import Settings


def test_migrated_database_matches_the_models(empty_database_url: str) -> None:
    engine = create_sync_engine(Settings(database_url=empty_database_url))
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), models.metadata)
    engine.dispose()
    assert differences == []


def test_migrate_is_idempotent_and_records_the_head(empty_database_url: str) -> None:
    settings = Settings(database_url=empty_database_url)
    migrate(settings)
    engine = create_sync_engine(settings)
    with engine.connect() as connection:
        assert current_revision(connection) == "0010"
    engine.dispose()


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(empty_database_url: str) -> None:
    settings = Settings(database_url=empty_database_url, sqlite_busy_timeout_ms=4321)
    engine = create_sync_engine(settings)
    with engine.connect() as connection:
        if is_sqlite(empty_database_url):
            assert connection.scalar(sa.text("PRAGMA journal_mode")) == "wal"
            assert connection.scalar(sa.text("PRAGMA busy_timeout")) == 4321
            assert connection.scalar(sa.text("PRAGMA foreign_keys")) == 1
        else:
            assert connection.dialect.name == "postgresql"
    engine.dispose()
