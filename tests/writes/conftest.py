"""The write services called directly: a private copy of the demo portfolio and its callers.

Each test says who writes (a ``Viewer``, as a token would make it), what is stored, what
the write is asked, and what it returned or refused — without GraphQL or HTTP in between.
The contract over HTTP is tested in ``tests/schema`` and ``tests/security``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from app import writes
from app.auth import Viewer
from app.database import create_engine
from app.domain import Role
from app.settings import Settings
from app.tables import audit_table, organisation_table
from app.validation import REFUSALS, Refusal

T = TypeVar("T")


@dataclass(frozen=True)
class Portfolio:
    """The demo portfolio behind an engine, and the callers that write to it."""

    engine: AsyncEngine
    office: Viewer
    hdir: Viewer  # a REPORTER of Helsedirektoratet, which owns PLL and KJ-PLO
    nhn: Viewer  # a REPORTER of Norsk helsenett
    reader: Viewer
    anonymous: Viewer

    async def write(self, work: Callable[[AsyncConnection], Awaitable[T]]) -> T | Refusal:
        """Run ``work`` as the API does: one transaction, the version bump, audits."""
        return await writes.run_write(self.engine, work)

    async def written(self, work: Callable[[AsyncConnection], Awaitable[T]]) -> T:
        """:meth:`write` for a write that must succeed: its result, never a refusal."""
        outcome = await self.write(work)
        assert not isinstance(outcome, REFUSALS), outcome
        return outcome

    async def scalar(self, statement: Any) -> Any:
        async with self.engine.connect() as connection:
            return await connection.scalar(statement)

    async def audits(self) -> int:
        return int(await self.scalar(sa.select(sa.func.count()).select_from(audit_table)))


@pytest.fixture
async def portfolio(fresh_seeded_database_url: str) -> AsyncIterator[Portfolio]:
    engine = create_engine(Settings(database_url=fresh_seeded_database_url))
    try:
        async with engine.connect() as connection:
            ids = {
                row.code: row.id
                for row in await connection.execute(
                    sa.select(organisation_table.c.code, organisation_table.c.id)
                )
            }
        yield Portfolio(
            engine=engine,
            office=Viewer(role=Role.ADMIN, name="office"),
            hdir=Viewer(
                role=Role.REPORTER,
                organisation_id=ids["HDIR"],
                organisation_code="HDIR",
                name="hdir",
            ),
            nhn=Viewer(
                role=Role.REPORTER, organisation_id=ids["NHN"], organisation_code="NHN", name="nhn"
            ),
            reader=Viewer(role=Role.READER, name="reader"),
            anonymous=Viewer(),
        )
    finally:
        await engine.dispose()
