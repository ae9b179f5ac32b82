"""What is in a database, read straight from it: row counts of every table, data version."""

from __future__ import annotations

import sqlalchemy as sa

from app import models

BOOKKEEPING = frozenset({"caller_budget"})
"""Tables that record how callers use the service, not the portfolio: any request moves them."""


def row_counts(connection: sa.Connection) -> dict[str, int]:
    """The number of rows in every portfolio table of the service, read in one statement."""
    tables = [table for table in models.metadata.sorted_tables if table.name not in BOOKKEEPING]
    statement = sa.select(
        *(sa.select(sa.func.count()).select_from(table).scalar_subquery().label(table.name)
          for table in tables)
    )  # fmt: skip
    row = connection.execute(statement).one()
    return {table.name: int(row._mapping[table.name]) for table in tables}


def data_version(connection: sa.Connection) -> int:
    """The version every write moves on by one (0 before the first write)."""
    value = connection.scalar(sa.text("SELECT version FROM data_version WHERE id = 1"))
    return int(value or 0)
