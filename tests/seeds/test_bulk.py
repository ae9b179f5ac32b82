"""Loading at bulk speed stores what a plain insert stores, and checks every constraint."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from app.database import create_sync_engine
from app.settings import Settings
from app.tables import (
    delivery_table,
    dependency_table,
    initiative_table,
    report_table,
    risk_table,
)
from seeds import portfolio
from seeds.portfolio import SeedError, write_portfolio
from seeds.synthetic import generate_portfolio


def rows_of(engine: sa.Engine, table: sa.Table, *, leave_out: tuple[str, ...] = ()) -> list[Any]:
    columns = [column for column in table.c if column.name not in (*leave_out, "id")]
    with engine.connect() as connection:
        ordered = [column for column in columns if not isinstance(column.type, sa.JSON)]
        return [tuple(row) for row in connection.execute(sa.select(*columns).order_by(*ordered))]


def schema_of(engine: sa.Engine) -> dict[str, Any]:
    inspector = sa.inspect(engine)
    return {
        name: (
            sorted(str(key) for key in inspector.get_foreign_keys(name)),
            sorted(str(index) for index in inspector.get_indexes(name)),
            sorted(str(check) for check in inspector.get_check_constraints(name)),
        )
        for name in inspector.get_table_names()
    }


def insert_row_by_row(connection: sa.Connection, table: sa.Table, rows: Any) -> int:
    for row in rows:
        connection.execute(table.insert(), row)
    return len(rows)


def test_a_bulk_load_reads_back_as_sqlalchemys_own_insert_wrote_it(
    empty_database_url: str, databases: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    bulk = create_sync_engine(Settings(database_url=empty_database_url))
    plain = create_sync_engine(Settings(database_url=databases.create("plain")))
    with bulk.begin() as connection:
        write_portfolio(connection, generate_portfolio(60, seed=5))
    monkeypatch.setattr(portfolio, "bulk_insert", insert_row_by_row)
    with plain.begin() as connection:
        write_portfolio(connection, generate_portfolio(60, seed=5))

    for table in (report_table, delivery_table, risk_table, dependency_table):
        assert rows_of(bulk, table) == rows_of(plain, table), table.name
    timestamps = ("created_at", "updated_at")
    assert rows_of(bulk, initiative_table, leave_out=timestamps) == rows_of(
        plain, initiative_table, leave_out=timestamps
    )
    bulk.dispose()
    plain.dispose()


def test_the_schema_is_the_same_after_a_bulk_load(empty_database_url: str) -> None:
    engine = create_sync_engine(Settings(database_url=empty_database_url))
    before = schema_of(engine)

    with engine.begin() as connection:
        write_portfolio(connection, generate_portfolio(30, seed=1))

    assert schema_of(engine) == before
    engine.dispose()


def test_a_row_breaking_a_check_constraint_is_refused_and_nothing_is_stored(
    empty_database_url: str,
) -> None:
    data = generate_portfolio(20, seed=2)
    with_risks = next(initiative for initiative in data.initiatives if initiative["risks"])
    with_risks["risks"][0]["probability"] = 9  # CHECK (probability BETWEEN 1 AND 5)
    engine = create_sync_engine(Settings(database_url=empty_database_url))

    with pytest.raises(SeedError, match="risk"), engine.begin() as connection:
        write_portfolio(connection, data)

    with engine.connect() as connection:
        assert connection.scalar(sa.select(sa.func.count()).select_from(initiative_table)) == 0
        assert connection.scalar(sa.select(sa.func.count()).select_from(report_table)) == 0
    engine.dispose()
