"""Each caller's budget of query points: a leaky bucket per token, or per client address.

A caller may spend ``capacity`` points at once; the bucket drains at ``capacity`` points
per ``window_seconds``, so the same amount again is available a window later. A request
whose points do not fit in what is left is refused with the seconds until they would.
On PostgreSQL every worker and machine charges one row per caller with one atomic
statement; on SQLite, a single-machine database, the buckets live in the process.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from app.auth import Viewer
from app.settings import Settings
from app.tables import budget_table


@dataclass(frozen=True, slots=True)
class BudgetState:
    """A caller's budget after a charge (or a refusal)."""

    limit: int
    cost: int
    remaining: int
    reset_at: datetime
    """When the bucket will be empty again, if nothing more is spent."""
    retry_after_seconds: int | None = None
    """Set when the charge was refused: the seconds until it would fit."""

    @property
    def admitted(self) -> bool:
        return self.retry_after_seconds is None


@dataclass(frozen=True, slots=True)
class BucketRule:
    """How big a bucket is and how fast it drains."""

    capacity: int
    window_seconds: float

    @property
    def drain_per_second(self) -> float:
        return self.capacity / self.window_seconds

    def state(self, *, level: float, cost: int, now: datetime, admitted: bool) -> BudgetState:
        """The state a caller sees: ``level`` is the bucket after the charge, or, when it was
        refused, before it."""
        if admitted:
            return BudgetState(
                limit=self.capacity,
                cost=cost,
                remaining=max(0, math.floor(self.capacity - level)),
                reset_at=now + timedelta(seconds=level / self.drain_per_second),
            )
        overflow = level + cost - self.capacity
        return BudgetState(
            limit=self.capacity,
            cost=cost,
            remaining=max(0, math.floor(self.capacity - level)),
            reset_at=now + timedelta(seconds=level / self.drain_per_second),
            retry_after_seconds=max(1, math.ceil(overflow / self.drain_per_second)),
        )


def caller_key(viewer: Viewer, client_address: str | None) -> str:
    """Whose bucket a request spends from: its token or signed-in subject, else its client
    address."""
    if viewer.token_id is not None:
        return f"token:{viewer.token_id}"
    if viewer.subject is not None:
        return f"subject:{viewer.subject}"
    return f"address:{client_address or 'unknown'}"


class CallerBudgets(Protocol):
    """Where the buckets are kept."""

    rule: BucketRule

    async def charge(self, connection: AsyncConnection, caller: str, cost: int) -> BudgetState:
        """Spend ``cost`` points of ``caller``'s budget if they fit; say what is left.

        ``connection`` is the request's own: a charge takes no connection of its own.
        """


class InProcessBudgets:
    """Buckets in this process (SQLite: one machine, and each worker keeps its own)."""

    def __init__(self, rule: BucketRule, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.rule = rule
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # caller -> (level, at)
        self._lock = asyncio.Lock()

    async def charge(
        self, _connection: AsyncConnection | None, caller: str, cost: int
    ) -> BudgetState:
        cost = min(cost, self.rule.capacity)  # a document dearer than the budget empties it
        async with self._lock:
            now = self._clock()
            level, at = self._buckets.get(caller, (0.0, now))
            level = max(0.0, level - (now - at) * self.rule.drain_per_second)
            admitted = level + cost <= self.rule.capacity
            if admitted:
                level += cost
            self._buckets[caller] = (level, now)
        return self.rule.state(level=level, cost=cost, now=datetime.now(UTC), admitted=admitted)


class DatabaseBudgets:
    """Buckets in the ``caller_budget`` table, charged with one atomic upsert (PostgreSQL)."""

    def __init__(self, rule: BucketRule) -> None:
        self.rule = rule

    async def charge(self, connection: AsyncConnection, caller: str, cost: int) -> BudgetState:
        cost = min(cost, self.rule.capacity)  # a document dearer than the budget empties it
        now = sa.func.now()
        # A transaction that began before another's charge committed sees an earlier now():
        # elapsed time is never negative, and the bucket's clock never moves back.
        elapsed = sa.func.greatest(sa.func.extract("epoch", now - budget_table.c.updated_at), 0.0)
        drained = sa.func.greatest(budget_table.c.level - self.rule.drain_per_second * elapsed, 0.0)
        latest = sa.func.greatest(now, budget_table.c.updated_at)
        # Points are bound as floating point, as the column holds them: an integer
        # parameter would overflow PostgreSQL's integer types for a very large budget.
        points = sa.literal(float(cost), sa.Float)
        capacity = sa.literal(float(self.rule.capacity), sa.Float)
        insert = postgresql_insert(budget_table).values(caller=caller, level=points, updated_at=now)
        charge = insert.on_conflict_do_update(
            index_elements=[budget_table.c.caller],
            set_={"level": drained + points, "updated_at": latest},
            where=drained + points <= capacity,
        ).returning(budget_table.c.level, budget_table.c.updated_at)
        # Committed at once, whatever the request does next: the points are spent.
        charged = (await connection.execute(charge)).one_or_none()
        if charged is not None:
            await connection.commit()
            return self.rule.state(
                level=charged.level, cost=cost, now=charged.updated_at, admitted=True
            )
        current = (
            await connection.execute(
                sa.select(drained.label("level"), now.label("now")).where(
                    budget_table.c.caller == caller
                )
            )
        ).one()
        await connection.commit()
        return self.rule.state(level=current.level, cost=cost, now=current.now, admitted=False)


def caller_budgets(settings: Settings, engine: AsyncEngine) -> CallerBudgets | None:
    """The budgets the settings ask for: shared on PostgreSQL, in-process on SQLite."""
    if settings.rate_limit_points <= 0:
        return None
    rule = BucketRule(
        capacity=settings.rate_limit_points, window_seconds=settings.rate_limit_window_seconds
    )
    if engine.dialect.name == "postgresql":
        return DatabaseBudgets(rule)
    return InProcessBudgets(rule)
