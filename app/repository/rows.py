"""Rows as the reads return them, and the helpers every read shares."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from typing import Any

import sqlalchemy as sa

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
