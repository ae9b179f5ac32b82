"""Rows into a table at bulk speed: ``COPY`` on PostgreSQL, one ``executemany`` on SQLite.

SQLAlchemy's ``connection.execute(table.insert(), rows)`` works out the parameters of every
row on its own (about half the time of a large seed). Here each column's value is turned
into what the driver stores with the column type's own bind processor, once per column, and
the rows go to the driver as plain tuples: the stored values are the ones SQLAlchemy would
have written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa

Row = dict[str, Any]
Processor = Callable[[Any], Any] | None

SQLITE_CHUNK = 50_000
SQLITE_CACHE_KIB = 256 * 1024  # the page cache while loading: at most 256 MiB


def bulk_insert(connection: sa.Connection, table: sa.Table, rows: Sequence[Row]) -> int:
    """Insert ``rows`` (dicts keyed by column name, all with the same keys) into ``table``
    in the connection's transaction; returns how many."""
    if not rows:
        return 0
    names = _column_names(table, rows[0])
    tuples = _driver_tuples(connection.dialect, table, names, rows)
    if connection.dialect.name == "postgresql":
        _copy(connection, table, names, tuples)
    else:
        statement = _insert_statement(connection.dialect, table, names)
        for start in range(0, len(tuples), SQLITE_CHUNK):
            connection.exec_driver_sql(statement, tuples[start : start + SQLITE_CHUNK])
    return len(rows)


def _column_names(table: sa.Table, first: Row) -> list[str]:
    unknown = sorted(set(first) - set(table.c.keys()))
    if unknown:
        raise ValueError(f"{table.name} has no column {', '.join(unknown)}")
    missing_defaults = [
        column.name for column in table.c if column.default is not None and column.name not in first
    ]
    if missing_defaults:
        # The driver does not know SQLAlchemy's Python-side defaults: name every such column.
        raise ValueError(f"{table.name} rows must give {', '.join(missing_defaults)}")
    return [column.name for column in table.c if column.name in first]


def _driver_tuples(
    dialect: sa.Dialect, table: sa.Table, names: list[str], rows: Sequence[Row]
) -> list[tuple[Any, ...]]:
    columns: list[list[Any]] = []
    for name in names:
        values = [row[name] for row in rows]
        process = _bind_processor(dialect, table.c[name])
        columns.append([process(value) for value in values] if process else values)
    return list(zip(*columns, strict=True))


def _bind_processor(dialect: sa.Dialect, column: sa.Column[Any]) -> Processor:
    processor: Processor = column.type.dialect_impl(dialect).bind_processor(dialect)
    return _remembering(processor) if processor else None


def _remembering(process: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``process``, worked out once per distinct value: a column of a large load holds few
    distinct dates, enum names and JSON lists."""
    seen: dict[Any, Any] = {}

    def remembered(value: Any) -> Any:
        try:
            key = (type(value), tuple(value) if isinstance(value, list) else value)
            return seen[key]
        except KeyError:
            seen[key] = result = process(value)
            return result
        except TypeError:  # unhashable: a JSON object, or a list holding one
            return process(value)

    return remembered


def _insert_statement(dialect: sa.Dialect, table: sa.Table, names: list[str]) -> str:
    compiled = table.insert().compile(dialect=dialect, column_keys=names)
    return str(compiled)


def _copy(
    connection: sa.Connection, table: sa.Table, names: list[str], tuples: list[tuple[Any, ...]]
) -> None:
    quote = connection.dialect.identifier_preparer.quote
    statement = f"COPY {quote(table.name)} ({', '.join(quote(name) for name in names)}) FROM STDIN"
    driver_connection = connection.connection.driver_connection
    assert driver_connection is not None
    with driver_connection.cursor() as cursor, cursor.copy(statement) as copy:
        for row in tuples:
            copy.write_row(row)


@contextmanager
def bulk_load(connection: sa.Connection, tables: Sequence[sa.Table]) -> Iterator[None]:
    """Make ``tables`` ready for many rows inside the connection's transaction, and check
    every constraint once at the end instead of once per row, as a restore does.

    PostgreSQL: the foreign keys and secondary indexes of ``tables`` are dropped and made
    again afterwards (one validating join per key instead of a trigger call per row).
    The tables are analysed afterwards, so the planner knows their new size at once.
    SQLite: a larger page cache, and the CHECK constraints run as one ``quick_check`` per
    table instead of per row; a violation raises :class:`BulkCheckError`. On any error the
    transaction rolls back, and with it the dropped keys and indexes.
    """
    postgresql = connection.dialect.name == "postgresql"
    later = _postgresql_constraints_after if postgresql else _sqlite_checks_after
    integrity_errors = (sa.exc.IntegrityError, connection.dialect.loaded_dbapi.IntegrityError)
    try:
        with later(connection, tables):
            yield
    except integrity_errors as error:
        problem = getattr(error, "orig", None) or error
        raise BulkCheckError(str(problem).strip().splitlines()[0]) from error


class BulkCheckError(ValueError):
    """Rows loaded in bulk break a constraint of their table."""


@contextmanager
def _postgresql_constraints_after(
    connection: sa.Connection, tables: Sequence[sa.Table]
) -> Iterator[None]:
    names = [table.name for table in tables]
    keys = connection.execute(
        sa.text(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE contype = 'f' AND conrelid = ANY(CAST(:tables AS regclass[]))"
        ),
        {"tables": names},
    ).all()
    indexes = connection.execute(
        sa.text(
            "SELECT index.indexrelid::regclass::text, pg_get_indexdef(index.indexrelid) "
            "FROM pg_index AS index "
            "WHERE index.indrelid = ANY(CAST(:tables AS regclass[])) "
            "AND NOT index.indisprimary AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint WHERE conindid = index.indexrelid)"
        ),
        {"tables": names},
    ).all()
    for table, key, _ in keys:
        connection.exec_driver_sql(f"ALTER TABLE {table} DROP CONSTRAINT {key}")
    for index, _ in indexes:
        connection.exec_driver_sql(f"DROP INDEX {index}")
    yield
    for _, definition in indexes:
        connection.exec_driver_sql(definition)
    for table, key, definition in keys:
        connection.exec_driver_sql(f"ALTER TABLE {table} ADD CONSTRAINT {key} {definition}")
    for name in names:  # statistics for the planner from the first request on
        connection.exec_driver_sql(f"ANALYZE {name}")


@contextmanager
def _sqlite_checks_after(connection: sa.Connection, tables: Sequence[sa.Table]) -> Iterator[None]:
    connection.exec_driver_sql(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
    connection.exec_driver_sql("PRAGMA ignore_check_constraints = ON")
    try:
        yield
    finally:
        connection.exec_driver_sql("PRAGMA ignore_check_constraints = OFF")
    for table in tables:
        problems = connection.exec_driver_sql(f"PRAGMA quick_check({table.name})").scalars().all()
        if problems != ["ok"]:
            raise BulkCheckError(f"{table.name}: {'; '.join(map(str, problems))}")
