"""Events derived from the analysis: propagated risk that changed, dependencies now late.

Whether an initiative's propagated level moved, or a dependency became late, is known
only by comparing the analysis of two data versions: one status report can flag hundreds
of initiatives downstream, one slipped forecast can make dependencies late further down.
The comparison is worth doing only once per version, and a write must not wait for it, so
it runs after commit, in the background, in the worker that wrote:

1. Every committed write wakes this process's :class:`EventDeriver`
   (``writes.listen_to_commits``). Wake-ups while it works fold into one more round.
2. The deriver reads the ``event_derivation`` row: the data version it last compared, the
   initiatives flagged then (code to level) and the dependencies late then.
3. It asks the shared analysis cache for the current version (a status-only write moves
   it on incrementally, see ``Analysis.advanced``) and compares, off the event loop, the
   propagated levels as arrays (``RedStatusTrace.level_array``, red status as the source,
   in the current period, the default of ``riskPropagation``) and the late dependencies.
4. In one transaction it locks the row, checks that nobody moved it meanwhile (else it
   starts again from what the other worker stored), stores one event per changed
   initiative and per newly late dependency with the version they derive from, and moves
   the row on. The events of a version are therefore stored exactly once, whichever
   worker derives them, and a crash before the commit leaves the row where it was, so
   the next derivation (the next write, or the next start) compares from there.

Each event names the writes since the version compared last, read from the audit log by
data version: normally the one write, several when writes followed each other faster
than the comparison. A database derives nothing until its first comparison, which the
service makes at its first start, before serving.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

import graph
from app import repository, writes
from app.analysis import AnalysisCache, run_cancellable
from app.auth import ADMITTED_ONLY
from app.domain import TrafficLight
from app.events import (
    DependencyBecameLate,
    Event,
    PropagatedRiskChanged,
    broadcaster,
    delivers_locally,
    store_event,
)
from app.tables import derivation_table

logger = logging.getLogger("portfolio")

MAX_SOURCES = 5
"""How many source codes a ``PropagatedRiskChanged`` names (the first, by code)."""
MAX_CAUSES = 20
"""How many writes an event names as its cause."""

_LEVELS = (None, TrafficLight.YELLOW, TrafficLight.RED)  # by RedStatusTrace.level_array
_GRAPH_LEVELS = {1: graph.Level.YELLOW, 2: graph.Level.RED}


@dataclass(frozen=True, slots=True)
class Compared:
    """What the analysis of one version holds, and how it differs from the one compared last."""

    levels: dict[str, int]
    """Flagged initiatives: code to 1 (YELLOW) or 2 (RED)."""
    late: list[list[str]]
    """Late dependencies as ``[supplier, dependant]``, sorted."""
    changed: list[tuple[str, int, int, tuple[str, ...], int]]
    """Initiatives whose level moved: code, before, after, first sources, source count."""
    newly_late: list[tuple[str, str, graph.Slack]]
    """Dependencies late now and not before: supplier, dependant, slack."""


def compare(
    arrays: graph.GraphArrays,
    trace: graph.RedStatusTrace,
    slack: Mapping[tuple[str, str], graph.Slack],
    *,
    levels_before: Mapping[str, int],
    late_before: Sequence[Sequence[str]],
) -> Compared:
    """Compare a version's propagation and late dependencies with the ones stored before.

    The stored levels are laid on the current graph's positions and compared with the
    trace's level array in one vectorised step; initiatives no longer in the graph are
    passed over (they left the analysis, and with it the propagation).
    """
    after = trace.level_array()
    before = np.zeros(arrays.size, np.int8)
    known = [
        (arrays.position[code], level)
        for code, level in levels_before.items()
        if code in arrays.position
    ]
    if known:
        positions, values = zip(*known, strict=True)
        before[list(positions)] = values
    initiatives = arrays.is_initiative
    moved = np.flatnonzero((before != after) & initiatives).tolist()
    changed = []
    for position in moved:
        code, level = arrays.codes[position], int(after[position])
        sources = trace.sources_reaching(code, _GRAPH_LEVELS[level]) if level else ()
        changed.append((code, int(before[position]), level, sources[:MAX_SOURCES], len(sources)))
    flagged = np.flatnonzero((after > 0) & initiatives).tolist()
    was_late = {(supplier, dependant) for supplier, dependant in late_before}
    late = sorted(key for key, item in slack.items() if item.is_late)
    return Compared(
        levels={arrays.codes[position]: int(after[position]) for position in flagged},
        late=[list(key) for key in late],
        changed=changed,
        newly_late=[(*key, slack[key]) for key in late if key not in was_late],
    )


@dataclass(frozen=True, slots=True)
class _State:
    version: int | None
    levels: dict[str, int]
    late: list[list[str]]


async def _read_state(connection: AsyncConnection) -> _State:
    row = (await connection.execute(sa.select(derivation_table))).first()
    if row is None:
        return _State(None, {}, [])
    return _State(row.version, dict(row.levels), list(row.late))


async def _lock_state(connection: AsyncConnection) -> _State:
    """The row, locked for this transaction (created when missing)."""
    touched = await connection.execute(
        derivation_table.update()
        .where(derivation_table.c.id == 1)
        .values(version=derivation_table.c.version)
    )
    if not touched.rowcount:
        await connection.execute(derivation_table.insert().values(id=1, levels={}, late=[]))
    return await _read_state(connection)


def _events(
    compared: Compared,
    owners: Mapping[str, Any],
    *,
    period_code: str | None,
    version: int,
    from_version: int,
    causes: tuple[str, ...],
) -> list[Event]:
    events: list[Event] = []
    for code, before, after, sources, count in compared.changed:
        owner = owners[code]
        events.append(
            PropagatedRiskChanged(
                initiative_id=owner.id,
                initiative_code=code,
                owner_id=owner.owner_id,
                owner_code=owner.owner_code,
                before=_LEVELS[before],
                after=_LEVELS[after],
                sources=sources,
                source_count=count,
                period_code=period_code,
                version=version,
                from_version=from_version,
                causes=causes,
            )
        )
    for supplier, dependant, slack in compared.newly_late:
        owner = owners[dependant]
        events.append(
            DependencyBecameLate(
                supplier_code=supplier,
                dependant_id=owner.id,
                dependant_code=dependant,
                owner_id=owner.owner_id,
                owner_code=owner.owner_code,
                needed_by=slack.needed_by,
                supplier_date=slack.supplier_date,
                slack_days=slack.slack_days,
                version=version,
                from_version=from_version,
                causes=causes,
            )
        )
    return events


class EventDeriver:
    """Derives and stores the events of each new data version, in the background."""

    def __init__(
        self,
        engine: AsyncEngine,
        analysis_cache: AnalysisCache,
        *,
        today: Callable[[], date] = date.today,
    ) -> None:
        self._engine = engine
        self._cache = analysis_cache
        self._today = today
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stop_listening: Callable[[], None] | None = None
        self._busy = False
        self._stopping = False
        self.stored = 0
        """Events stored by this deriver so far."""

    async def _read(self, query: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        async with self._engine.connect() as connection:
            return await query(connection, *args, **kwargs)

    async def start(self) -> None:
        """Listen to this process's writes; make the first comparison now if none was made.

        A database's first comparison is its baseline: made before the service answers,
        so the first write is compared with the version before it. Later starts catch up
        in the background.
        """
        loop = asyncio.get_running_loop()

        def wake() -> None:
            loop.call_soon_threadsafe(self._wake.set)

        self._stop_listening = writes.listen_to_commits(wake)
        try:
            compared_last = (await self._read(_read_state)).version
            if compared_last is None:
                await self.derive()
            elif await self._read(repository.data_version) > compared_last:
                self._wake.set()  # writes this worker did not see: catch up
        except (sa.exc.SQLAlchemyError, OSError) as error:
            logger.warning("events are derived once the database answers (%s)", error)
            self._wake.set()
        self._task = asyncio.create_task(self._run(), name="event-derivation")

    async def stop(self, *, grace_seconds: float = 10.0) -> None:
        """Stop deriving: a comparison under way may finish first (cancelling one in the
        middle of a statement would leave its connection to the garbage collector)."""
        if self._stop_listening is not None:
            self._stop_listening()
        if self._task is None:
            return
        self._stopping = True
        if self._busy:
            with contextlib.suppress(TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(asyncio.shield(self._task), grace_seconds)
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task

    async def _run(self) -> None:
        delay = 0.2
        while not self._stopping:
            await self._wake.wait()
            self._wake.clear()
            if self._stopping:
                return
            self._busy = True
            try:
                await self.derive()
                delay = 0.2
            except asyncio.CancelledError:
                raise
            except Exception as error:  # never stop deriving; the row says where to resume
                logger.warning("deriving events failed (%s); retrying", type(error).__name__)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10.0)
                self._wake.set()
            finally:
                self._busy = False

    async def derive(self) -> list[Event]:
        """Compare the current version with the one compared last; store what changed."""
        while True:
            state = await self._read(_read_state)
            periods = await self._read(repository.list_reporting_periods)
            period = repository.pick_current_period(periods, today=self._today())
            analysis = await self._cache.get(self._read)
            if state.version is not None and analysis.version <= state.version:
                return []
            opens = period.opens if period is not None else None
            trace = await analysis.red_status_trace(self._read, opens, include_risk_level=False)
            slack = await analysis.slack()
            compared = await run_cancellable(
                compare,
                analysis.arrays,
                trace,
                slack,
                levels_before=state.levels,
                late_before=state.late,
            )
            stored = await self._store(state, compared, version=analysis.version, period=period)
            if stored is not None:
                return stored

    async def _store(
        self, state: _State, compared: Compared, *, version: int, period: Any
    ) -> list[Event] | None:
        """Store the events and move the row on; None when another worker moved it first."""
        events: list[Event] = []
        async with (
            writes.writer_turn(self._engine),
            self._engine.connect() as connection,
            connection.begin(),
        ):
            if (await _lock_state(connection)).version != state.version:
                return None
            if state.version is not None:
                codes = {code for code, *_ in compared.changed}
                codes.update(dependant for _, dependant, _ in compared.newly_late)
                # The analysis holds admitted initiatives only, which everyone may see.
                owners = await repository.owners_of(connection, codes, visibility=ADMITTED_ONLY)
                causes = await repository.writes_between(
                    connection, after=state.version, up_to=version, limit=MAX_CAUSES
                )
                events = _events(
                    compared,
                    owners,
                    period_code=period.code if period is not None else None,
                    version=version,
                    from_version=state.version,
                    causes=tuple(causes),
                )
                for event in events:
                    await store_event(connection, event, version=version)
            await connection.execute(
                derivation_table.update()
                .where(derivation_table.c.id == 1)
                .values(version=version, levels=compared.levels, late=compared.late)
            )
        if delivers_locally(self._engine):
            for event in events:
                broadcaster.publish(event)
        self.stored += len(events)
        return events
