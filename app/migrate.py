"""Run Alembic migrations from code (used by the CLI, the app and the tests)."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from app.database import create_sync_engine, sync_url
from app.settings import Settings

MIGRATIONS = Path(__file__).parent / "migrations"

UNMODELLED_PREFIXES = ("search_index", "ix_search_")
"""Objects the full-text search migration made that the models do not describe: the
FTS5 table (and its shadow tables) on SQLite, the expression indexes on PostgreSQL."""


def is_modelled(name: str | None, _type: str, _parents: object) -> bool:
    """Whether Alembic compares a database object with the models (its ``include_name``)."""
    return not (name or "").startswith(UNMODELLED_PREFIXES)


def alembic_config(database_url: str) -> Config:
    """An Alembic configuration pointing at our migrations and the given database."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", sync_url(database_url).replace("%", "%%"))
    return config


def migrate(settings: Settings, *, revision: str = "head") -> None:
    """Bring the database schema up to ``revision``."""
    engine = create_sync_engine(settings)
    try:
        with engine.begin() as connection:
            config = alembic_config(settings.database_url)
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    finally:
        engine.dispose()


def current_revision(connection: sa.Connection) -> str | None:
    """The revision a database is at, or None when it was never migrated."""
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()
