"""The per-request context: one database connection, the data loaders, period lookups."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from strawberry.types import Info as StrawberryInfo

from app import repository
from app.settings import Settings
from schema.errors import UserInputError
from schema.loaders import Loaders

P = ParamSpec("P")
T = TypeVar("T")


@dataclass(eq=False)
class Context:
    """Everything a resolver may use; created fresh for every request."""

    engine: AsyncEngine
    settings: Settings
    request: Any = None
    response: Any = None
    today: date = field(default_factory=date.today)
    _connection: AsyncConnection | None = None
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    _periods: list[repository.Row] | None = None
    _goals: dict[int, repository.Row] | None = None
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
            if self._connection is None:
                self._connection = await self.engine.connect()
            return await query(self._connection, *args, **kwargs)

    async def close(self) -> None:
        """Give the connection back to the pool."""
        if self._connection is not None:
            await self._connection.close()
            self._connection = None

    async def periods(self) -> list[repository.Row]:
        """Every reporting period, newest first (read once per request)."""
        if self._periods is None:
            self._periods = list(await self.read(repository.list_reporting_periods))
        return self._periods

    async def strategic_goals(self) -> dict[int, repository.Row]:
        """The strategy goals by number (read once per request)."""
        if self._goals is None:
            rows = await self.read(repository.list_strategic_goals)
            self._goals = {row.number: row for row in rows}
        return self._goals

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
