"""Writers in one process queue for the database instead of failing with "database is locked"."""

from __future__ import annotations

import asyncio

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from app import writes
from app.database import create_engine
from app.settings import Settings

WRITERS = 30


async def test_concurrent_writes_all_succeed_even_with_a_tiny_busy_timeout(
    empty_database_url: str,
) -> None:
    # A 1 ms busy timeout: on SQLite any writer that reached the file lock while another
    # held it would fail at once. Each transaction holds the lock for 20 ms.
    engine = create_engine(Settings(database_url=empty_database_url, sqlite_busy_timeout_ms=1))

    async def slow_write(connection: AsyncConnection) -> int:
        await asyncio.sleep(0.02)
        return int(await connection.scalar(sa.text("SELECT version FROM data_version")) or 0)

    try:
        versions = await asyncio.gather(
            *(writes.run_write(engine, slow_write) for _ in range(WRITERS))
        )
    finally:
        await engine.dispose()

    assert sorted(versions) == list(range(1, WRITERS + 1))
