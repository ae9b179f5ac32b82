"""Migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from app import models
from app.database import create_sync_engine, is_sqlite
from app.migrate import alembic_config, current_revision, is_modelled, migrate
from app.settings import Settings
from seeds.loader import load_seed_portfolio
from seeds.portfolio import write_portfolio


def test_migrated_database_matches_the_models(empty_database_url: str) -> None:
    engine = create_sync_engine(Settings(database_url=empty_database_url))
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_name": is_modelled})
        differences = compare_metadata(context, models.metadata)
    engine.dispose()
    assert differences == []


def test_migrate_is_idempotent_and_records_the_head(empty_database_url: str) -> None:
    settings = Settings(database_url=empty_database_url)
    migrate(settings)
    engine = create_sync_engine(settings)
    with engine.connect() as connection:
        assert current_revision(connection) == "0013"
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


def test_migration_0012_records_what_the_database_holds_as_known_in_every_round(
    empty_database_url: str,
) -> None:
    settings = Settings(database_url=empty_database_url)
    migrate(settings)
    engine = create_sync_engine(settings)
    with engine.begin() as connection:
        write_portfolio(connection, load_seed_portfolio())
    with engine.begin() as connection:
        config = alembic_config(empty_database_url)
        config.attributes["connection"] = connection
        command.downgrade(config, "0011")
        command.upgrade(config, "head")
    with engine.connect() as connection:
        counts = [
            connection.scalar(sa.text(statement))
            for statement in (
                "SELECT count(*) FROM initiative",
                "SELECT count(*) FROM initiative_history WHERE period_id IS NULL",
                "SELECT count(*) FROM dependency",
                "SELECT count(*) FROM dependency_history WHERE period_id IS NULL AND present",
            )
        ]
    engine.dispose()
    assert counts[0] == counts[1] > 0
    assert counts[2] == counts[3] > 0


def test_migration_0013_splits_earlier_audit_actors_into_subject_and_name(
    empty_database_url: str,
) -> None:
    settings = Settings(database_url=empty_database_url)
    engine = create_sync_engine(settings)
    with engine.begin() as connection:
        config = alembic_config(empty_database_url)
        config.attributes["connection"] = connection
        command.downgrade(config, "0012")
    insert = sa.text(
        "INSERT INTO audit_event (at, actor, action, entity_type, entity_code) "
        "VALUES (CURRENT_TIMESTAMP, :actor, 'initiative.update', 'Initiative', 'PLL')"
    )
    with engine.begin() as connection:
        connection.execute(insert, [{"actor": "kontoret (token 7)"}, {"actor": "import"}])

    migrate(settings)

    with engine.connect() as connection:
        rows = connection.execute(
            sa.text("SELECT actor, actor_subject, actor_name FROM audit_event ORDER BY id")
        ).all()
    engine.dispose()
    assert [tuple(row) for row in rows] == [
        ("kontoret (token 7)", "token:7", "kontoret"),
        ("import", "import", "import"),
    ]
