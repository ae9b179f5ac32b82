"""Rows as the reads return them, and the helpers every read shares."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Collection
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal

Row = sa.Row[Any]

ROW_BATCH = 2_000
"""Rows converted between two turns of the event loop in the portfolio-wide reads."""


async def all_rows(result: sa.Result[Any]) -> list[Row]:
    """Every row of a large result, letting the event loop serve others between batches.

    Converting a row (dates parsed, enums made) is Python work on the loop's thread: tens
    of thousands of them at once would hold every other request for a large fraction of
    a second.
    """
    rows: list[Row] = []
    for batch in result.partitions(ROW_BATCH):
        rows += batch
        await asyncio.sleep(0)
    return rows


def grouped(rows: Any, key: str) -> dict[int, list[Row]]:
    """Rows by the value of their ``key`` column, in the order they came."""
    groups: dict[int, list[Row]] = defaultdict(list)
    for row in rows:
        groups[getattr(row, key)].append(row)
    return groups


def one_of(column: sa.ColumnElement[Any], values: Collection[Any]) -> sa.ColumnElement[Any]:
    """``column IN values``; on PostgreSQL ``column = ANY(:values)``, one array parameter.

    A data loader's batch holds hundreds or thousands of ids: as an IN list each is a
    parameter of its own, which the driver binds one by one and PostgreSQL parses and
    plans as a new statement for every batch size. As one array the statement text is
    the same for any batch. For ids and codes (integer and text columns).
    """
    return _OneOf(column, list(values))


class _OneOf(ColumnElement[Any]):
    """Both spellings, built once; the dialect's compiler picks one (see below)."""

    inherit_cache = True
    type = sa.types.NullType()
    _traverse_internals = [  # noqa: RUF012 (SQLAlchemy reads it as a class attribute)
        ("in_list", InternalTraversal.dp_clauseelement),
        ("as_array", InternalTraversal.dp_clauseelement),
    ]

    def __init__(self, column: sa.ColumnElement[Any], values: list[Any]) -> None:
        self.in_list = column.in_(values)
        self.as_array = column == sa.any_(
            sa.bindparam(None, values, type_=postgresql.ARRAY(column.type))
        )


@compiles(_OneOf)
def _compile_in_list(element: _OneOf, compiler: SQLCompiler, **options: Any) -> str:
    return compiler.process(element.in_list, **options)


@compiles(_OneOf, "postgresql")
def _compile_as_array(element: _OneOf, compiler: SQLCompiler, **options: Any) -> str:
    return compiler.process(element.as_array, **options)
