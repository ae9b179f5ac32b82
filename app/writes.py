"""The one write path: transaction, data version, audit and refusals, and the guards.

The writes themselves are in ``app.initiative_writes`` (intake, creation, update),
``app.dependency_writes``, ``app.delivery_and_risk_writes``, ``app.status_report_writes``,
``app.round_writes`` and ``app.council_writes``. Every write runs in one transaction
opened by :func:`run_write`, which first moves the data version: that statement takes the
write lock (SQLite) or the version row's lock (PostgreSQL), so writes are serialised and
each one sees the data as its predecessor left it — cycle checks and version checks read
inside the same transaction. A write returns its result; it refuses by raising
:class:`app.validation.Refused` — from a guard here (``require_writer``,
``require_office``, ``owned_initiative``, ...) or from ``Problems.check`` — which
``run_write`` catches once, rolling everything back and returning the refusal as a value.
A write states what it changed with :func:`audit`, which records it in ``run_write``'s
transaction, so an audit commits or rolls back with the change; events wait for the commit
(:func:`after_commit`). Functions take the connection first and keyword-only options.
"""

from __future__ import annotations

import asyncio
import contextlib
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextvars import ContextVar
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, NoReturn, TypeVar

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from app import history, models, repository
from app.auth import Viewer, Visibility
from app.data_version import bump_data_version
from app.domain import LifecycleState
from app.events import Event, broadcaster, delivers_locally, store_event
from app.messages import Message, message
from app.repository import Row
from app.tables import audit_table, version_table
from app.validation import (
    MAX_NAME,
    REFUSALS,
    Conflict,
    Denied,
    NotFound,
    Refusal,
    Refused,
)

T = TypeVar("T")


REPORTING_STATES = frozenset({LifecycleState.ACTIVE, LifecycleState.PAUSED})


# --- transaction, version, audit ---------------------------------------------------------


_sqlite_write_locks: weakref.WeakKeyDictionary[
    AsyncEngine, tuple[asyncio.AbstractEventLoop, asyncio.Lock]
] = weakref.WeakKeyDictionary()


@contextlib.asynccontextmanager
async def _one_writer_at_a_time(engine: AsyncEngine) -> AsyncIterator[None]:
    """On SQLite, queue this process's writers in order before they reach the file lock.

    SQLite's busy handler polls with growing sleeps, so under a burst of writers some wait
    past the busy timeout and fail with "database is locked" while others get through.
    Waiting here, first come first served, leaves the busy timeout for other processes.
    PostgreSQL needs none of this: the version row's lock queues writers fairly.
    """
    if engine.dialect.name != "sqlite":
        yield
        return
    loop = asyncio.get_running_loop()
    known = _sqlite_write_locks.get(engine)
    if known is None or known[0] is not loop:
        known = (loop, asyncio.Lock())
        _sqlite_write_locks[engine] = known
    async with known[1]:
        yield


def writer_turn(engine: AsyncEngine) -> contextlib.AbstractAsyncContextManager[None]:
    """Wait for this process's turn to write (SQLite), for a transaction outside ``run_write``."""
    return _one_writer_at_a_time(engine)


# The connection of the write running in this task, which ``audit`` records into. A context
# variable rather than a parameter so that a write states only what changed; run_write sets
# and resets it, so an audit outside a write fails instead of landing in no transaction.
_running_write: ContextVar[AsyncConnection | None] = ContextVar("running_write", default=None)
_committed_hooks: ContextVar[list[Callable[[], None]] | None] = ContextVar(
    "committed_hooks", default=None
)


_commit_listeners: list[Callable[[], None]] = []


def listen_to_commits(listener: Callable[[], None]) -> Callable[[], None]:
    """Call ``listener`` after every write of this process commits; returns how to stop.

    The events derived from the analysis listen here (``app.event_derivation``).
    """
    _commit_listeners.append(listener)
    return lambda: _commit_listeners.remove(listener)


def after_commit(hook: Callable[[], None]) -> None:
    """Call ``hook`` once the running write has committed (never if it refuses or fails)."""
    hooks = _committed_hooks.get()
    if hooks is None:
        raise RuntimeError("after_commit() belongs to a write; run the write with run_write")
    hooks.append(hook)


async def run_write(
    engine: AsyncEngine, work: Callable[[AsyncConnection], Awaitable[T]]
) -> T | Refusal:
    """Run ``work`` in one transaction with the version bump and its audit; refusals roll back.

    ``work`` refuses by raising :class:`Refused` (returning a refusal works as well); either
    way the transaction rolls back and the refusal is returned.
    """
    hooks: list[Callable[[], None]] = []
    async with (
        _one_writer_at_a_time(engine),
        engine.connect() as connection,
        connection.begin() as transaction,
    ):
        # First statement is a write, so SQLite takes its lock now (waiting for the busy
        # timeout) instead of failing later when a read snapshot turns out stale.
        await bump_data_version(connection)
        running, committed = _running_write.set(connection), _committed_hooks.set(hooks)
        try:
            outcome = await work(connection)
        except Refused as refused:
            await transaction.rollback()
            return refused.refusal
        finally:
            _running_write.reset(running)
            _committed_hooks.reset(committed)
        if isinstance(outcome, REFUSALS):
            await transaction.rollback()
            return outcome
    for hook in hooks:
        hook()
    for listener in tuple(_commit_listeners):
        listener()
    return outcome


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == int(value) else float(value)
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def snapshot(row: Row | Mapping[str, Any] | None) -> dict[str, Any] | None:
    """A row as JSON-ready values, for the audit log."""
    if row is None:
        return None
    mapping = row._mapping if isinstance(row, sa.Row) else row
    return {key: _plain(value) for key, value in mapping.items()}


async def audit(
    *,
    viewer: Viewer,
    action: str,
    entity_type: str,
    entity_code: str,
    before: Row | Mapping[str, Any] | None,
    after: Row | Mapping[str, Any] | None,
) -> None:
    """Record in the running write's transaction who changed what, before and after."""
    connection = _running_write.get()
    if connection is None:
        raise RuntimeError("audit() records a change of a write; run the write with run_write")
    await insert_audit(
        connection,
        viewer=viewer,
        action=action,
        entity_type=entity_type,
        entity_code=entity_code,
        before=before,
        after=after,
    )


async def record_event(event: Event) -> None:
    """Store ``event`` in the running write's transaction (the outbox) and deliver it on commit.

    On SQLite this process's broadcaster gets it once the write commits; on PostgreSQL every
    worker's relay reads it from the table when the commit notifies them.
    """
    connection = _running_write.get()
    if connection is None:
        raise RuntimeError("record_event() belongs to a write; run the write with run_write")
    await store_event(connection, event)
    if delivers_locally(connection):
        after_commit(lambda: broadcaster.publish(event))


async def insert_audit(
    connection: AsyncConnection,
    *,
    viewer: Viewer,
    action: str,
    entity_type: str,
    entity_code: str,
    before: Row | Mapping[str, Any] | None,
    after: Row | Mapping[str, Any] | None,
) -> None:
    """Record who changed what in ``connection``'s transaction (the importer has its own)."""
    await connection.execute(
        audit_table.insert().values(
            at=models.utcnow(),
            actor=viewer.actor[:MAX_NAME],
            actor_subject=viewer.actor_subject[:MAX_NAME],
            actor_name=viewer.name[:MAX_NAME],
            action=action,
            entity_type=entity_type,
            entity_code=entity_code,
            before=snapshot(before),
            after=snapshot(after),
            version=sa.select(version_table.c.version).scalar_subquery(),
        )
    )
    if entity_type in history.RECORDED:
        before_values = before._mapping if isinstance(before, sa.Row) else before
        await history.record_change(
            connection, entity_type=entity_type, entity_code=entity_code, before=before_values
        )


# --- lookups -------------------------------------------------------------------------------


async def initiative_by_code(
    connection: AsyncConnection, code: str, *, visibility: Visibility
) -> Row | None:
    """The initiative with ``code`` if ``visibility`` shows it.

    A code the caller names is looked up with the caller's visibility, so an initiative it
    may not see is refused exactly like an unknown code; re-reads of a row the write
    itself touched use ``EVERYTHING``.
    """
    return (await repository.initiatives_by_codes(connection, [code], visibility=visibility)).get(
        code
    )


# --- guards: each returns what the write may go on with, or raises Refused --------------------


def refuse(refusal: Refusal) -> NoReturn:
    """End the running write with ``refusal``; :func:`run_write` rolls back and returns it."""
    raise Refused(refusal)


def require_writer(viewer: Viewer) -> None:
    """The caller holds a token that may change the portfolio."""
    if not viewer.is_authenticated:
        refuse(Denied(message("sign_in_to_write")))
    if not viewer.can_write:
        refuse(Denied(message("reader_cannot_write")))


def require_office(viewer: Viewer, action: Message) -> None:
    """The caller is a writer of the portfolio office (ADMIN); ``action`` names the refused act
    (an ``action.…`` message)."""
    require_writer(viewer)
    if not viewer.is_admin:
        refuse(Denied(message("office_only", action=action)))


def require_owner(viewer: Viewer, initiative: Row) -> None:
    """The caller may write for the organisation that owns ``initiative``."""
    require_writer(viewer)
    if not viewer.may_write_for(initiative.owner_id):
        refuse(
            Denied(
                message(
                    "other_organisation",
                    code=initiative.code,
                    organisation=viewer.organisation_code,
                )
            )
        )


async def visible_initiative(
    connection: AsyncConnection, viewer: Viewer, code: str, *, field: str
) -> Row:
    """The initiative ``code`` names; one the viewer may not see is refused as unknown."""
    initiative = await initiative_by_code(connection, code, visibility=viewer.visibility)
    if initiative is None:
        refuse(NotFound(field, code, message("noun.initiative")))
    return initiative


async def owned_initiative(
    connection: AsyncConnection, viewer: Viewer, code: str, *, field: str
) -> Row:
    """The visible initiative ``code`` names, which the viewer may change."""
    initiative = await visible_initiative(connection, viewer, code, field=field)
    require_owner(viewer, initiative)
    return initiative


def require_version(row: Row, expected_version: int | None) -> None:
    """The row is still at the version the caller read (when the caller names one)."""
    if expected_version is not None and expected_version != row.version:
        refuse(
            Conflict(
                current_version=row.version,
                text=message(
                    "stale_version", code=row.code, current=row.version, expected=expected_version
                ),
            )
        )
