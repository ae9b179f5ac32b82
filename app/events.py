"""Write events: stored with their change, delivered to the subscribers of every worker.

Every event is a row of the ``event`` table written in the transaction of the change it
tells of (:func:`store_event`), so an event exists exactly when its change committed.
Delivery to subscribers goes through each process's :class:`Broadcaster`:

* On SQLite (one process serves the database) the write hands the event to this
  process's broadcaster once it has committed.
* On PostgreSQL the transaction also sends ``NOTIFY portfolio_events`` with the event's
  id, which PostgreSQL delivers to listeners only when it commits. Every worker keeps one
  connection listening (:class:`PostgresRelay`) and hands each new event, read back from
  the table in id order, to its broadcaster: every subscriber of every worker sees every
  event, in commit order (ids follow commit order, see ``models.EventRecord``). A relay
  that loses its connection reconnects and first delivers every event after the last
  one it delivered, so nothing is lost in between; the payload limit of ``NOTIFY`` never
  matters, since only the id travels.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, fields
from datetime import date
from typing import Any, get_args, get_origin, get_type_hints

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from app import models
from app.domain import TrafficLight
from app.tables import event_table, version_table

logger = logging.getLogger("portfolio")

QUEUE_SIZE = 256
CHANNEL = "portfolio_events"
RELAY_APPLICATION_NAME = "portfolio-event-relay"
"""How the relay's connection is named in ``pg_stat_activity``."""


@dataclass(frozen=True, slots=True)
class StatusReportSubmitted:
    """A status report (revision) was stored."""

    report_id: int
    initiative_id: int
    initiative_code: str
    owner_id: int
    period_code: str
    revision: int
    status: TrafficLight
    previous_status: TrafficLight | None
    dates_changed: bool = False
    """Whether the report also moved the initiative's forecast end (a graph input)."""

    @property
    def status_changed(self) -> bool:
        return self.previous_status != self.status


@dataclass(frozen=True, slots=True)
class ReportMissing:
    """An admitted initiative has no report in the open round: its owner was reminded.

    Stored once per initiative per round (``app.reminders``).
    """

    initiative_id: int
    initiative_code: str
    owner_id: int
    period_code: str
    deadline: str
    """The round's deadline, as an ISO date."""
    segment: str
    """The initiative's segment, which decides what it must report."""
    cause: str
    """Why the reminder went out, e.g. "no report in 2026-2; the deadline is in 3 days"."""


@dataclass(frozen=True, slots=True)
class PropagatedRiskChanged:
    """An initiative's propagated level changed because something upstream changed.

    Derived after commit by comparing the propagation of the current period (red status
    as the source) at ``from_version`` and at ``version`` (``app.event_derivation``).
    """

    initiative_id: int
    initiative_code: str
    owner_id: int
    owner_code: str
    before: TrafficLight | None
    after: TrafficLight | None
    sources: tuple[str, ...]
    """The first sources (by code) that reach the initiative at ``after``; empty when cleared."""
    source_count: int
    period_code: str | None
    version: int
    from_version: int
    causes: tuple[str, ...]
    """The writes of the versions after ``from_version`` up to ``version``: action, entity."""


@dataclass(frozen=True, slots=True)
class DependencyBecameLate:
    """A dependency's supplier date moved past its ``neededBy`` (see ``lateDependencies``).

    Derived after commit like :class:`PropagatedRiskChanged`; told to the dependant's owner.
    """

    supplier_code: str
    dependant_id: int
    dependant_code: str
    owner_id: int
    owner_code: str
    needed_by: date
    supplier_date: date
    slack_days: int
    version: int
    from_version: int
    causes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ReportingPeriodOpened:
    """The portfolio office opened a reporting round."""

    period_id: int
    period_code: str
    name: str
    opens: date
    deadline: date
    actor: str


@dataclass(frozen=True, slots=True)
class ReportingPeriodClosed:
    """The portfolio office closed a reporting round: its reports are read-only."""

    period_id: int
    period_code: str
    name: str
    opens: date
    deadline: date
    actor: str


@dataclass(frozen=True, slots=True)
class ScenarioChanged:
    """A scenario was saved, changed or deleted (``action``: create, update or delete).

    Scenarios never touch the portfolio: the event is stored so that the analysis knows
    the write left the graph as it was (``GRAPH_NEUTRAL_KINDS``). No subscription or
    webhook tells of it.
    """

    scenario_code: str
    action: str
    actor: str


Event = (
    StatusReportSubmitted
    | ReportMissing
    | PropagatedRiskChanged
    | DependencyBecameLate
    | ReportingPeriodOpened
    | ReportingPeriodClosed
    | ScenarioChanged
)

_KINDS: dict[str, type[Event]] = {
    kind.__name__: kind
    for kind in (
        StatusReportSubmitted,
        ReportMissing,
        PropagatedRiskChanged,
        DependencyBecameLate,
        ReportingPeriodOpened,
        ReportingPeriodClosed,
        ScenarioChanged,
    )
}

DERIVED_KINDS = frozenset({"PropagatedRiskChanged", "DependencyBecameLate"})
"""Kinds stored after commit from the analysis, with the version they derive from: no
write of their own, so ``reported_only`` passes over them."""

GRAPH_NEUTRAL_KINDS = frozenset(
    {"ReportingPeriodOpened", "ReportingPeriodClosed", "ReportMissing", "ScenarioChanged"}
)
"""Kinds of writes that change no input of the dependency graph and no status."""


def _plain(value: Any) -> Any:
    if isinstance(value, TrafficLight):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value


def event_payload(event: Event) -> dict[str, Any]:
    """The event as JSON-ready values (enums by value, dates in ISO form, tuples as lists).

    Examples
    --------
    >>> event = StatusReportSubmitted(1, 2, "PLL", 3, "2026-3", 1, TrafficLight.RED, None)
    >>> event_payload(event)["status"], event_from_record("StatusReportSubmitted",
    ...     event_payload(event)) == event
    ('RED', True)
    >>> opened = ReportingPeriodOpened(4, "2026-3", "august 2026", date(2026, 8, 1),
    ...     date(2026, 9, 1), "admin")
    >>> event_from_record("ReportingPeriodOpened", event_payload(opened)) == opened
    True
    """
    return {field.name: _plain(getattr(event, field.name)) for field in fields(event)}


def _readers(kind: type[Event]) -> dict[str, Callable[[Any], Any]]:
    """How each field of ``kind`` is read back from its JSON value, by its annotation."""
    readers: dict[str, Callable[[Any], Any]] = {}
    for name, hint in get_type_hints(kind).items():
        types = get_args(hint) or (hint,)
        if TrafficLight in types:
            readers[name] = TrafficLight
        elif date in types:
            readers[name] = date.fromisoformat
        elif hint is tuple or get_origin(hint) is tuple:
            readers[name] = tuple
    return readers


_READERS = {name: _readers(kind) for name, kind in _KINDS.items()}


def event_from_record(kind: str, payload: dict[str, Any]) -> Event:
    """The event a stored row holds."""
    event_type, readers = _KINDS[kind], _READERS[kind]
    return event_type(
        **{
            name: value if value is None or name not in readers else readers[name](value)
            for name, value in payload.items()
        }
    )


async def store_event(
    connection: AsyncConnection, event: Event, *, version: int | None = None
) -> int:
    """Write ``event`` in the connection's transaction; on PostgreSQL, notify on commit.

    The event belongs to the data version of the running write, or to ``version`` when
    given (a derived event names the version it was derived from).
    """
    event_id = (
        await connection.execute(
            event_table.insert()
            .values(
                version=(
                    sa.select(version_table.c.version).scalar_subquery()
                    if version is None
                    else version
                ),
                kind=type(event).__name__,
                occurred_at=models.utcnow(),
                payload=event_payload(event),
            )
            .returning(event_table.c.id)
        )
    ).scalar_one()
    if connection.dialect.name == "postgresql":
        await connection.execute(sa.select(sa.func.pg_notify(CHANNEL, str(event_id))))
    return int(event_id)


async def reported_only(
    connection: AsyncConnection, *, after: int, up_to: int
) -> frozenset[str] | None:
    """The initiatives whose status the writes after data version ``after`` reported.

    None unless every write of the versions ``after + 1 … up_to`` was a status report
    that left the graph's inputs as they were, or a write that touched neither graph nor
    statuses (``GRAPH_NEUTRAL_KINDS``): then the dependency graph of ``after`` is still
    the graph of ``up_to``, and only those initiatives' statuses moved. Derived events
    (``DERIVED_KINDS``) are no write's own and are passed over: a version is accounted
    for only by an event its write stored.
    """
    rows = (
        await connection.execute(
            sa.select(event_table.c.version, event_table.c.kind, event_table.c.payload).where(
                event_table.c.version > after,
                event_table.c.version <= up_to,
                event_table.c.kind.not_in(DERIVED_KINDS),
            )
        )
    ).all()
    if {row.version for row in rows} != set(range(after + 1, up_to + 1)):
        return None  # some write stored no event: it may have changed anything
    reports = [row for row in rows if row.kind not in GRAPH_NEUTRAL_KINDS]
    if any(
        row.kind != "StatusReportSubmitted" or row.payload.get("dates_changed") for row in reports
    ):
        return None
    return frozenset(row.payload["initiative_code"] for row in reports)


class Broadcaster:
    """Fans events out to every subscriber's queue; a slow subscriber loses its oldest."""

    def __init__(self) -> None:
        self._queues: set[asyncio.Queue[Event]] = set()

    @property
    def subscriber_count(self) -> int:
        return len(self._queues)

    def publish(self, event: Event) -> None:
        for queue in list(self._queues):
            if queue.full():
                queue.get_nowait()
                logger.warning("a subscriber fell behind; its oldest event was dropped")
            queue.put_nowait(event)

    @asynccontextmanager
    async def subscribe(self) -> AsyncIterator[asyncio.Queue[Event]]:
        queue: asyncio.Queue[Event] = asyncio.Queue(maxsize=QUEUE_SIZE)
        self._queues.add(queue)
        try:
            yield queue
        finally:
            self._queues.discard(queue)


broadcaster = Broadcaster()
"""The process's broadcaster."""


def delivers_locally(engine_or_connection: AsyncEngine | AsyncConnection) -> bool:
    """Whether a write hands its events to this process's broadcaster itself (no relay)."""
    return engine_or_connection.dialect.name != "postgresql"


class PostgresRelay:
    """Listens for ``NOTIFY portfolio_events`` and delivers the new events to a broadcaster.

    ``connect`` opens the relay's one connection (a psycopg ``AsyncConnection`` in
    autocommit mode): it listens there, and between notifications reads the new rows
    there too, so the relay never takes a connection from the service's pool. After a
    lost connection it waits ``retry_seconds`` (doubling up to ``max_retry_seconds``),
    reconnects and delivers everything after the last event it delivered.
    """

    def __init__(
        self,
        target: Broadcaster,
        *,
        connect: Callable[[], Any],
        retry_seconds: float = 0.2,
        max_retry_seconds: float = 10.0,
    ) -> None:
        self._target = target
        self._connect = connect
        self._retry_seconds = retry_seconds
        self._max_retry_seconds = max_retry_seconds
        self._task: asyncio.Task[None] | None = None
        self.listening = asyncio.Event()
        """Set while the relay holds a listening connection."""
        self.last_delivered: int | None = None
        """The last event delivered; None until the relay first listens."""

    async def start(self) -> None:
        """Start relaying in the background (a database that is down only delays it)."""
        self._task = asyncio.create_task(self._run(), name="postgres-event-relay")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        delay = self._retry_seconds
        while True:
            try:
                async with await self._connect() as listener:
                    await listener.execute(f"LISTEN {CHANNEL}")
                    if self.last_delivered is None:  # events from now on, none from before
                        cursor = await listener.execute(_LAST_EVENT)
                        self.last_delivered = (await cursor.fetchone())[0]
                    self.listening.set()
                    delay = self._retry_seconds
                    await self._deliver_new(listener)  # what committed while nobody listened
                    while True:
                        # Notifications that arrive while the rows are read wait in
                        # psycopg's backlog for the next round.
                        async for _ in listener.notifies(stop_after=1):
                            pass
                        await self._deliver_new(listener)
            except asyncio.CancelledError:
                raise
            except Exception as error:  # any failure: reconnect, never stop relaying
                self.listening.clear()
                logger.warning(
                    "event relay lost its connection (%s); reconnecting in %.1f s",
                    type(error).__name__,
                    delay,
                )
                await asyncio.sleep(delay)
                delay = min(delay * 2, self._max_retry_seconds)

    async def _deliver_new(self, listener: Any) -> None:
        assert self.last_delivered is not None  # set before listening starts
        cursor = await listener.execute(_EVENTS_AFTER, (self.last_delivered,))
        for event_id, kind, payload in await cursor.fetchall():
            self._target.publish(event_from_record(kind, payload))
            self.last_delivered = event_id


# The relay's own statements, on its psycopg connection (the table is ``models.EventRecord``).
_LAST_EVENT = "SELECT coalesce(max(id), 0) FROM event"
_EVENTS_AFTER = "SELECT id, kind, payload FROM event WHERE id > %s ORDER BY id"


def postgres_relay(
    engine: AsyncEngine, target: Broadcaster, *, retry_seconds: float = 0.2
) -> PostgresRelay:
    """A relay with its own psycopg connection to the engine's database."""
    import psycopg

    conninfo = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)

    async def connect() -> psycopg.AsyncConnection[Any]:
        return await psycopg.AsyncConnection.connect(
            conninfo, autocommit=True, application_name=RELAY_APPLICATION_NAME
        )

    return PostgresRelay(target, connect=connect, retry_seconds=retry_seconds)
