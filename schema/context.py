"""The per-request context: one database connection, the data loaders, period lookups."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Concatenate, ParamSpec, TypeVar

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from strawberry.types import Info as StrawberryInfo

from app import repository
from app.analysis import Analysis, AnalysisCache
from app.auth import ANONYMOUS, Viewer, Visibility
from app.budget import BudgetState, CallerBudgets, caller_key
from app.messages import message
from app.settings import Settings
from schema.cost import QueryCost
from schema.errors import DatabaseUnavailableError, RateLimitedError, UserInputError
from schema.execution import FastPathCounts
from schema.loaders import Loaders

logger = logging.getLogger("portfolio")

P = ParamSpec("P")
DATABASE_ERRORS = (sa.exc.OperationalError, sa.exc.InterfaceError, OSError)
T = TypeVar("T")


class RequestFinishedError(RuntimeError):
    """A resolver left running after its request was answered tried to read."""

    def __init__(self) -> None:
        super().__init__("the request has already been answered")


@dataclass(eq=False)
class Snapshot:
    """What one request has read so far: the data version, periods, goals, loaders, analysis.

    Lookups are shared tasks, so the read happens once even when many sibling fields ask
    at the same moment.
    """

    loaders: Loaders
    data_version: int | None = None
    periods: asyncio.Task[list[repository.Row]] | None = None
    goals: asyncio.Task[dict[int, repository.Row]] | None = None
    analysis: asyncio.Task[Analysis] | None = None
    # Chains walked for this snapshot's analysis, keyed by what the walk was asked
    # (see Context.remember): a list and its count field share one walk.
    walks: dict[Hashable, Any] = field(default_factory=dict)


@dataclass(eq=False)
class Context:
    """Everything a resolver may use; created fresh for every request."""

    engine: AsyncEngine
    settings: Settings
    request: Any = None
    response: Any = None
    viewer: Viewer = ANONYMOUS
    connection_params: Any = None  # a WebSocket's connection_init payload
    analysis_cache: AnalysisCache = field(default_factory=AnalysisCache)
    today: date = field(default_factory=date.today)
    budgets: CallerBudgets | None = None  # None: no budget per caller
    query_cost: QueryCost | None = None  # set before execution (schema/cost.py)
    budget: BudgetState | None = None  # what the charge for this request left
    fast_paths: FastPathCounts = field(default_factory=FastPathCounts)
    _connection: AsyncConnection | None = None
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    _finished: bool = False
    _snapshot: Snapshot = field(init=False)

    def __post_init__(self) -> None:
        self._snapshot = self._new_snapshot()

    @property
    def loaders(self) -> Loaders:
        """The data loaders of the current snapshot."""
        return self._snapshot.loaders

    async def renew_snapshot(self) -> None:
        """Forget everything this request has read; the next read sees the database as now.

        Called after every write, so later fields of the same document see it, and between
        a subscription's events. Everything read and cached per request lives in the one
        ``Snapshot`` replaced here, so nothing can be left behind.
        """
        # A new connection too: the old one may hold a read transaction from before the write.
        await self.release()
        self._snapshot = self._new_snapshot()

    def _new_snapshot(self) -> Snapshot:
        return Snapshot(Loaders(self.read, self.resolve_period, lambda: self.visibility))

    @property
    def visibility(self) -> Visibility:
        """Which PROPOSED and DECLINED initiatives the caller may see (see ``Visibility``)."""
        return self.viewer.visibility

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
            if self._finished:
                raise RequestFinishedError
            for attempt in (1, 2):
                try:
                    if self._connection is None:
                        self._connection = await self.engine.connect()
                    return await query(self._connection, *args, **kwargs)
                except DATABASE_ERRORS as error:
                    await self._discard_connection()
                    # A connection the server dropped (killed, restarted) is replaced once:
                    # reads are safe to repeat, and the pool pings the next one first.
                    if attempt == 1 and getattr(error, "connection_invalidated", False):
                        continue
                    logger.warning("database unavailable: %s", type(error).__name__)
                    raise DatabaseUnavailableError from error
            raise AssertionError("unreachable")  # pragma: no cover

    async def _discard_connection(self) -> None:
        """Give the connection back; if the server already dropped it, let the pool forget it."""
        connection, self._connection = self._connection, None
        if connection is None:
            return
        try:
            await connection.close()
        except DATABASE_ERRORS as error:
            logger.warning("dropped a broken database connection: %s", type(error).__name__)
            # Usually already invalidated by SQLAlchemy when it saw the disconnect.
            with contextlib.suppress(sa.exc.SQLAlchemyError):
                await connection.invalidate()

    async def release(self) -> None:
        """Give the connection back to the pool; a later read takes another one."""
        # Under the lock: a sibling resolver may be in the middle of a query on it.
        async with self._lock:
            await self._discard_connection()

    async def close(self) -> None:
        """End of the request: give the connection back and refuse any later read.

        When a non-null field fails, GraphQL answers at once while sibling resolvers may
        still be running; they must neither use the returned connection nor take a new one
        that nobody would give back.
        """
        async with self._lock:
            self._finished = True
            await self._discard_connection()

    async def charge(self, cost: QueryCost) -> None:
        """Spend the document's points from the caller's budget, or refuse it for now."""
        if self.budgets is None:
            return
        client = getattr(self.request, "client", None)
        caller = caller_key(self.viewer, getattr(client, "host", None))
        self.budget = await self.read(self.budgets.charge, caller, cost.points)
        if self.budget.retry_after_seconds is not None:
            raise RateLimitedError(
                cost=cost.points,
                remaining=self.budget.remaining,
                retry_after_seconds=self.budget.retry_after_seconds,
            )

    async def periods(self) -> list[repository.Row]:
        """Every reporting period, newest first (read once per snapshot)."""
        snapshot = self._snapshot
        if snapshot.periods is None:
            snapshot.periods = asyncio.ensure_future(self._read_periods(snapshot.loaders))
        return await snapshot.periods

    async def _read_periods(self, loaders: Loaders) -> list[repository.Row]:
        periods = list(await self.read(repository.list_reporting_periods))
        # Every period is now known: a report's period needs no statement of its own.
        loaders.period_by_id.prime_many({period.id: period for period in periods})
        return periods

    async def data_version(self) -> int:
        """The data version, read once per snapshot (the response-cache key reads it first)."""
        snapshot = self._snapshot
        if snapshot.data_version is None:
            snapshot.data_version = await self.read(repository.data_version)
        return snapshot.data_version

    async def analysis(self) -> Analysis:
        """The dependency analysis of the snapshot's data version (version read once)."""
        snapshot = self._snapshot
        if snapshot.analysis is None:
            snapshot.analysis = asyncio.ensure_future(self._current_analysis())
        return await snapshot.analysis

    async def remember(self, key: Hashable, compute: Callable[[], Awaitable[T]]) -> T:
        """``compute()``, worked out once per snapshot for ``key`` (derived from the analysis).

        Sibling fields (a list and its count) ask at the same moment: they share one task.
        """
        walks = self._snapshot.walks
        if key not in walks:
            walks[key] = asyncio.ensure_future(compute())
        result: T = await walks[key]
        return result

    async def analysis_in(self, period: repository.Row | None) -> Analysis:
        """The analysis of the portfolio as ``period`` knew it: for the current round (or
        none), the analysis of the data version; for an earlier or later round, the one
        built from what that round knew (``Analysis.as_known_in``)."""
        analysis = await self.analysis()
        current = await self.current_period()
        if period is None or current is None or period.id == current.id:
            return analysis
        return (await analysis.as_known_in(self.read, period.opens)).analysis

    async def _current_analysis(self) -> Analysis:
        return await self.analysis_cache.get(self.read, version=await self.data_version())

    async def strategic_goals(self) -> dict[int, repository.Row]:
        """The strategy goals by number (read once per snapshot)."""
        snapshot = self._snapshot
        if snapshot.goals is None:
            snapshot.goals = asyncio.ensure_future(self._read_goals())
        return await snapshot.goals

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
        raise UserInputError(message("input.no_period", code=repr(code)), argument=argument)


Info = StrawberryInfo[Context, None]
