"""The per-request context: one database connection, the data loaders, period lookups."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Concatenate, ParamSpec, TypeVar

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from strawberry.types import Info as StrawberryInfo

from app import repository
from app.analysis import Analysis, AnalysisCache
from app.auth import ANONYMOUS, Viewer
from app.settings import Settings
from schema.errors import DatabaseUnavailableError, UserInputError
from schema.loaders import Loaders

logger = logging.getLogger("portfolio")

P = ParamSpec("P")
T = TypeVar("T")


@dataclass(eq=False)
class Context:
    """Everything a resolver may use; created fresh for every request."""

    engine: AsyncEngine
    settings: Settings
    request: Any = None
    response: Any = None
    viewer: Viewer = ANONYMOUS
    analysis_cache: AnalysisCache = field(default_factory=AnalysisCache)
    today: date = field(default_factory=date.today)
    _connection: AsyncConnection | None = None
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    _periods: asyncio.Task[list[repository.Row]] | None = None
    _goals: asyncio.Task[dict[int, repository.Row]] | None = None
    _analysis: asyncio.Task[Analysis] | None = None
    loaders: Loaders = field(init=False)

    def __post_init__(self) -> None:
        self.loaders = Loaders(self.read)

    async def read(
        self,
        query: Callable[Concatenate[AsyncConnection, P], Awaitable[T]],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """Run one repository read on the request's connection.

        Loaders of sibling fields resolve concurrently; the lock keeps them from using the
        one connection at the same time.
        """
        async with self._lock:
            try:
                if self._connection is None:
                    self._connection = await self.engine.connect()
                return await query(self._connection, *args, **kwargs)
            except (sa.exc.OperationalError, sa.exc.InterfaceError, OSError) as error:
                logger.warning("database unavailable: %s", type(error).__name__)
                raise DatabaseUnavailableError from error

    async def close(self) -> None:
        """Give the connection back to the pool."""
        if self._connection is not None:
            await self._connection.close()
            self._connection = None

    async def periods(self) -> list[repository.Row]:
        """Every reporting period, newest first (read once per request)."""
        # One task shared by every resolver that asks, so the read happens once even when
        # many sibling fields ask at the same moment.
        if self._periods is None:
            self._periods = asyncio.ensure_future(self._read_periods())
        return await self._periods

    async def _read_periods(self) -> list[repository.Row]:
        return list(await self.read(repository.list_reporting_periods))

    async def analysis(self) -> Analysis:
        """The dependency analysis of the current data version (version read once)."""
        if self._analysis is None:
            self._analysis = asyncio.ensure_future(self.analysis_cache.get(self.read))
        return await self._analysis

    async def strategic_goals(self) -> dict[int, repository.Row]:
        """The strategy goals by number (read once per request)."""
        if self._goals is None:
            self._goals = asyncio.ensure_future(self._read_goals())
        return await self._goals

    async def _read_goals(self) -> dict[int, repository.Row]:
        rows = await self.read(repository.list_strategic_goals)
        return {row.number: row for row in rows}

    async def current_period(self) -> repository.Row | None:
        """The latest period that has opened."""
        return repository.pick_current_period(await self.periods(), today=self.today)

    async def resolve_period(
        self, code: str | None, *, argument: str = "period"
    ) -> repository.Row | None:
        """The period named by ``code``, or the current one when no code is given."""
        if code is None:
            return await self.current_period()
        for period in await self.periods():
            if period.code == code:
                return period
        raise UserInputError(f"There is no reporting period {code!r}.", argument=argument)


Info = StrawberryInfo[Context, None]
