"""The dependency analysis of one data version, computed once and shared by all requests.

Every write bumps the ``data_version`` row in its own transaction. Each request reads that
one integer; when it has moved the graph is rebuilt, so any number of workers or machines
on one database agree at once. Analyses (schedule, propagation per period, rankings) are
computed on first use and kept with the graph they belong to.

Nothing heavy runs on the event loop: building the graph and every analysis run in the
process's one analysis thread (:func:`run_cancellable`), so ``/healthz`` and cheap queries
are answered while they work. One thread, not a pool: pure-Python analysis holds the GIL,
so more threads would not add speed, only more contenders the loop must wait behind for
the GIL (with one, the loop waits at most one switch interval, 5 ms, each time). The
long loops of ``graph/`` have cancellation points: when the request that waits for a
computation is cancelled (the execution timeout, a client gone), the computation stops at
its next checkpoint. A computation shared per data version (``Analysis._once``) stops
when its last waiter leaves, so the next request starts it again; while another request
still waits for it, it runs on for that one.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import threading
from collections.abc import Awaitable, Callable, Collection, Hashable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from typing import Any, ParamSpec, TypeVar

import networkx as nx
from sqlalchemy.ext.asyncio import AsyncEngine

import graph
from app import events, repository
from app.graph_records import build_graph, graph_records, graph_rows_of, snapshot
from graph import RedStatusTrace

Read = Callable[..., Awaitable[Any]]
P = ParamSpec("P")
T = TypeVar("T")


_ANALYSIS_THREAD = ThreadPoolExecutor(max_workers=1, thread_name_prefix="analysis")
"""Where every analysis runs, one computation at a time, in the order they were asked for."""


async def run_cancellable(function: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Run ``function`` in the analysis thread, off the event loop.

    If the awaiting task is cancelled, the caller hears it at once: a computation still
    queued never starts, a running one stops at its next ``graph.checkpoint()`` instead of
    finishing unseen.
    """
    stop = threading.Event()

    def run() -> T:
        with graph.cancellable(stop):
            return function(*args, **kwargs)

    context = contextvars.copy_context()
    loop = asyncio.get_running_loop()
    try:
        return await loop.run_in_executor(_ANALYSIS_THREAD, functools.partial(context.run, run))
    except asyncio.CancelledError:
        stop.set()
        raise


@dataclass(frozen=True, slots=True)
class PropagationOverview:
    """The portfolio-wide view of one propagation, sorted for presentation."""

    flagged: Sequence[graph.PropagatedRisk]
    reach: Sequence[graph.SourceReach]


@dataclass(frozen=True, slots=True)
class ScenarioEvaluation:
    """A scenario's portfolio analysed, and how it differs from the current portfolio.

    ``schedule`` and ``critical`` are None when nothing in the scenario is dated.
    """

    propagation: PropagationOverview
    schedule: graph.Schedule | None
    critical: graph.CriticalSet | None
    late: tuple[tuple[tuple[str, str], graph.Slack], ...]
    """Late dependencies by (supplier, dependant) code."""
    comparison: graph.PortfolioComparison
    facts: graph.ScenarioFacts
    """What the scenario changed: the portfolio's facts as the scenario has them."""


ScenarioRefusal = graph.DependencyCycle | graph.NodeNotFound | graph.NodeNotScheduled
"""Why a scenario cannot be evaluated on the current graph."""


# What is computed from the graph alone: a version whose writes only reported keeps them.
_GRAPH_ONLY = frozenset({"schedule", "critical_set", "slack", "counts", "key_initiatives"})


def _succeeded(task: asyncio.Task[Any]) -> bool:
    return task.done() and not task.cancelled() and task.exception() is None


@dataclass(eq=False)
class _Shared:
    """A computation shared by every request that asks for it, and how many wait for it."""

    task: asyncio.Task[Any]
    waiters: int = 0


@dataclass(eq=False)
class Analysis:
    """The graph of one data version and the analyses computed on it so far."""

    version: int
    graph: nx.DiGraph
    arrays: graph.GraphArrays
    cycles: tuple[tuple[str, ...], ...]
    _tasks: dict[Hashable, _Shared] = field(default_factory=dict)
    # Set by ``advanced``: the statuses of the version before, and who has reported since.
    _earlier_statuses: dict[date | None, dict[str, graph.StatusSnapshot]] = field(
        default_factory=dict
    )
    _earlier_traces: dict[tuple[date | None, bool], RedStatusTrace] = field(default_factory=dict)
    _reported: frozenset[str] = frozenset()

    @classmethod
    def from_rows(cls, version: int, rows: repository.GraphRows) -> Analysis:
        return cls.from_records(version, graph_records(rows))

    @classmethod
    def from_records(cls, version: int, records: dict[str, Any]) -> Analysis:
        """The analysis of ``records`` (:func:`~app.graph_records.graph_records`)."""
        built, arrays = graph.build_graph_and_arrays(**records)
        return cls(version=version, graph=built, arrays=arrays, cycles=arrays.cyclic_groups())

    def advanced(self, version: int, reported: Collection[str]) -> Analysis:
        """This analysis at a later ``version`` whose writes only reported statuses.

        ``reported`` are the initiatives whose reports the writes since stored, with the
        graph's inputs left as they were (see ``events.reported_only``). The graph, its
        arrays and what was computed from them alone (schedule, critical set, slack,
        rankings) carry over; the statuses of a period are read again for ``reported``
        only; red-status propagation is carried from the earlier trace on first use,
        searching again only what the sources ``reported`` added or removed reach (see
        :func:`graph.retrace_red_status`).
        """
        carried: dict[Hashable, _Shared] = {
            key: shared
            for key, shared in self._tasks.items()
            if key in _GRAPH_ONLY and _succeeded(shared.task)
        }
        earlier = {
            key[1]: shared.task.result()
            for key, shared in self._tasks.items()
            if isinstance(key, tuple) and key[0] == "statuses" and _succeeded(shared.task)
        }
        traces = {
            (key[1], key[2]): shared.task.result()
            for key, shared in self._tasks.items()
            if isinstance(key, tuple) and key[0] == "trace" and _succeeded(shared.task)
        }
        return Analysis(
            version=version,
            graph=self.graph,
            arrays=self.arrays,
            cycles=self.cycles,
            _tasks=carried,
            _earlier_statuses=earlier,
            _earlier_traces=traces,
            _reported=frozenset(reported),
        )

    async def _computed(self, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute`` once per version in a worker thread; a cycle is remembered too."""

        def run() -> T | graph.DependencyCycle:
            try:
                return compute()
            except graph.DependencyCycle as cycle:
                return cycle

        value = await self._once(key, lambda: run_cancellable(run))
        if isinstance(value, graph.DependencyCycle):
            raise value
        result: T = value
        return result

    async def schedule(self) -> graph.Schedule:
        """The critical-path schedule; raises ``DependencyCycle`` on a cyclic portfolio."""
        return await self._computed(
            "schedule", lambda: graph.compute_schedule(self.graph, arrays=self.arrays)
        )

    async def critical_set(self) -> graph.CriticalSet:
        """Zero-float activities and chains; raises ``DependencyCycle`` on a cyclic portfolio.

        The API, the report and the dashboard all read this one computation.
        """
        schedule = await self.schedule()
        return await self._computed(
            "critical_set", lambda: graph.critical_set(self.graph, schedule)
        )

    async def slack(self) -> dict[tuple[str, str], graph.Slack]:
        """Slack of every dependency with a needed-by date, by (supplier, dependant).

        On a cyclic portfolio, every dependency whose supplier date does not depend on the
        cycle is still judged.
        """
        try:
            schedule = await self.schedule()
        except graph.DependencyCycle:
            return await self._computed(
                "slack", lambda: graph.dependency_slack_around_cycles(self.graph)
            )
        return await self._computed("slack", lambda: graph.dependency_slack(self.graph, schedule))

    async def transitive_dependant_counts(self) -> dict[str, int]:
        return await self._computed("counts", lambda: graph.transitive_dependant_counts(self.graph))

    async def key_initiatives(self) -> tuple[graph.KeyInitiative, ...]:
        """Every initiative ranked (solutions left out); callers slice what they need."""

        def compute() -> tuple[graph.KeyInitiative, ...]:
            ranked = graph.key_initiatives(self.graph, limit=self.graph.number_of_nodes())
            nodes = self.graph.nodes
            return tuple(
                key for key in ranked if nodes[key.code]["kind"] == graph.NodeKind.INITIATIVE
            )

        return await self._computed("key_initiatives", compute)

    async def ranked_initiatives(self, limit: int) -> list[graph.KeyInitiative]:
        """The ``limit`` highest-ranked initiatives (solutions left out)."""
        return list((await self.key_initiatives())[:limit])

    async def as_known_in(self, read: Read, period_opens: date) -> RoundAnalysis:
        """The portfolio as the round that opened on ``period_opens`` knew it, analysed.

        Built from the history tables (``repository.state_rows_as_of``) once per data
        version and round; its own analyses are cached with it like this one's.
        """

        async def compute() -> RoundAnalysis:
            rows = await read(repository.state_rows_as_of, period_opens=period_opens)
            analysis = await run_cancellable(Analysis.from_rows, self.version, graph_rows_of(rows))
            return RoundAnalysis(analysis=analysis, rows=rows)

        result: RoundAnalysis = await self._once(("as_known_in", period_opens), compute)
        return result

    async def scenario(
        self,
        read: Read,
        key: Hashable,
        changes: Sequence[graph.ScenarioChange],
        *,
        period_opens: date | None,
        include_risk_level: bool,
    ) -> ScenarioEvaluation | ScenarioRefusal:
        """Evaluate ``changes`` on a copy of this version's graph and statuses.

        ``key`` names the saved scenario as it stands (its code and version), so each
        scenario is computed once per data version and shared by every request; the real
        graph and statuses are never changed. A cycle, an unknown code or an initiative
        without dates to slip is answered, not raised.
        """
        statuses = await self.statuses(read, period_opens)
        before = await self.propagation(read, period_opens, include_risk_level=include_risk_level)
        try:
            schedule_before: graph.Schedule | None = await self.schedule()
        except graph.DependencyCycle as cycle:
            return cycle

        def compute() -> ScenarioEvaluation | ScenarioRefusal:
            try:
                changed, changed_statuses = graph.apply_scenario(self.graph, statuses, changes)
                schedule = graph.compute_schedule(changed)
            except (graph.DependencyCycle, graph.NodeNotFound, graph.NodeNotScheduled) as refusal:
                return refusal
            trace = graph.trace_red_status(
                changed, changed_statuses, include_risk_level=include_risk_level
            )
            flagged = trace.flagged(graph.NodeKind.INITIATIVE)
            reach = sorted(
                trace.reach().values(),
                key=lambda item: (-(item.red + item.yellow), -item.red, item.source),
            )
            late = sorted(
                (pair, slack)
                for pair, slack in graph.dependency_slack(changed, schedule).items()
                if slack.is_late
            )
            dated = schedule.finish is not None
            return ScenarioEvaluation(
                propagation=PropagationOverview(
                    flagged=tuple(
                        sorted(flagged.values(), key=lambda risk: (-risk.level.severity, risk.code))
                    ),
                    reach=tuple(reach),
                ),
                schedule=schedule if dated else None,
                critical=graph.critical_set(changed, schedule) if dated else None,
                late=tuple(late),
                comparison=graph.compare_portfolios(
                    flagged_before=before,
                    flagged_after=flagged,
                    schedule_before=schedule_before,
                    schedule_after=schedule,
                ),
                facts=graph.scenario_facts(changed, changed_statuses, changes),
            )

        result: ScenarioEvaluation | ScenarioRefusal = await self._once(
            ("scenario", key, period_opens, include_risk_level),
            lambda: run_cancellable(compute),
        )
        return result

    async def _once(self, key: Hashable, compute: Callable[[], Awaitable[Any]]) -> Any:
        """Run ``compute`` once per key and share it with every caller that asks meanwhile.

        A caller that gives up (the execution timeout) leaves it to the others; when the
        last one has gone, the computation is cancelled, so no work outlives every request
        that wanted it, and a later caller starts it afresh.
        """
        shared = self._tasks.get(key)
        if shared is None or (
            shared.task.done() and (shared.task.cancelled() or shared.task.exception() is not None)
        ):
            shared = _Shared(asyncio.ensure_future(compute()))
            self._tasks[key] = shared
        shared.waiters += 1
        try:
            return await asyncio.shield(shared.task)
        finally:
            shared.waiters -= 1
            if not shared.waiters and not shared.task.done():
                shared.task.cancel()

    async def statuses(
        self, read: Read, period_opens: date | None
    ) -> dict[str, graph.StatusSnapshot]:
        """Status snapshots of every initiative up to a period (read once per version)."""

        async def load() -> dict[str, graph.StatusSnapshot]:
            earlier = self._earlier_statuses.get(period_opens)
            if earlier is not None:
                return await self._patched(read, period_opens, earlier)
            rows = await read(repository.latest_statuses, period_opens=period_opens)
            return await run_cancellable(
                lambda: {code: snapshot(status, risk) for code, (status, risk) in rows.items()}
            )

        result: dict[str, graph.StatusSnapshot] = await self._once(("statuses", period_opens), load)
        return result

    async def _patched(
        self, read: Read, period_opens: date | None, earlier: dict[str, graph.StatusSnapshot]
    ) -> dict[str, graph.StatusSnapshot]:
        """``earlier`` with the statuses of the initiatives reported since read again."""
        rows = await read(
            repository.latest_statuses, period_opens=period_opens, codes=self._reported
        )
        statuses = dict(earlier)
        for code in self._reported:
            statuses.pop(code, None)
        statuses.update((code, snapshot(status, risk)) for code, (status, risk) in rows.items())
        return statuses

    async def _trace(
        self, read: Read, period_opens: date | None, include_risk_level: bool
    ) -> RedStatusTrace:
        # (``graph`` names the field inside this class, so the type is imported by name.)
        async def compute() -> RedStatusTrace:
            statuses = await self.statuses(read, period_opens)
            earlier = self._earlier_traces.get((period_opens, include_risk_level))
            if earlier is not None:
                return await run_cancellable(
                    graph.retrace_red_status,
                    earlier,
                    self.graph,
                    statuses,
                    self._reported,
                    include_risk_level=include_risk_level,
                )
            return await run_cancellable(
                graph.trace_red_status,
                self.graph,
                statuses,
                include_risk_level=include_risk_level,
                arrays=self.arrays,
            )

        result: RedStatusTrace = await self._once(
            ("trace", period_opens, include_risk_level), compute
        )
        return result

    async def red_status_trace(
        self, read: Read, period_opens: date | None, *, include_risk_level: bool
    ) -> RedStatusTrace:
        """Where red status reaches as of a period (shared with the propagation queries)."""
        return await self._trace(read, period_opens, include_risk_level)

    async def propagation(
        self, read: Read, period_opens: date | None, *, include_risk_level: bool
    ) -> dict[str, graph.PropagatedRisk]:
        """Propagated red status (and optionally red risk) of initiatives as of a period."""

        async def compute() -> dict[str, graph.PropagatedRisk]:
            trace = await self._trace(read, period_opens, include_risk_level)
            return await run_cancellable(trace.flagged, graph.NodeKind.INITIATIVE)

        result: dict[str, graph.PropagatedRisk] = await self._once(
            ("initiatives", period_opens, include_risk_level), compute
        )
        return result

    async def source_reach(
        self, read: Read, period_opens: date | None, *, include_risk_level: bool
    ) -> list[graph.SourceReach]:
        """How many initiatives each red source flags, widest reach first."""

        trace = await self._trace(read, period_opens, include_risk_level)
        result: list[graph.SourceReach] = await self._once(
            ("reach", period_opens, include_risk_level),
            lambda: run_cancellable(lambda: list(trace.reach_in_order())),
        )
        return result

    async def propagation_overview(
        self, read: Read, period_opens: date | None, *, include_risk_level: bool
    ) -> PropagationOverview:
        """Flagged initiatives (RED first, then code) and each source's reach (widest first)."""

        async def compute() -> PropagationOverview:
            trace = await self._trace(read, period_opens, include_risk_level)
            flagged, reach = await run_cancellable(
                lambda: (trace.flagged_in_order(), trace.reach_in_order())
            )
            return PropagationOverview(flagged=flagged, reach=reach)

        result: PropagationOverview = await self._once(
            ("overview", period_opens, include_risk_level), compute
        )
        return result

    async def node_levels(
        self, read: Read, period_opens: date | None, include_risk_level: bool
    ) -> dict[str, graph.Level]:
        """Propagated level of every node, solutions (which relay it) included."""

        async def compute() -> dict[str, graph.Level]:
            trace = await self._trace(read, period_opens, include_risk_level)
            return await run_cancellable(trace.levels, kind=None)

        result: dict[str, graph.Level] = await self._once(
            ("levels", period_opens, include_risk_level), compute
        )
        return result

    async def drawing(
        self, *, root: str | None, direction: graph.Direction, max_depth: int | None
    ) -> tuple[nx.DiGraph, dict[str, int], dict[str, int]]:
        """The view around ``root`` (see ``view``), each node's depth and its layer."""

        def compute() -> tuple[nx.DiGraph, dict[str, int], dict[str, int]]:
            view = self.view(root=root, direction=direction, max_depth=max_depth)
            depths = self.depths(root, direction=direction, max_depth=max_depth)
            return view, depths, graph.dependency_layers(view)

        return await run_cancellable(compute)

    def view(
        self, *, root: str | None, direction: graph.Direction, max_depth: int | None
    ) -> nx.DiGraph:
        """A copy of the graph around ``root``, or of all of it, safe to annotate."""
        if root is None:
            return self.graph.copy()
        return graph.subgraph(self.graph, root, direction=direction, max_depth=max_depth)

    def depths(
        self, root: str | None, *, direction: graph.Direction, max_depth: int | None
    ) -> dict[str, int]:
        """Hops from ``root`` to each node of its view (upstream and downstream)."""
        if root is None:
            return {}
        depths = {root: 0}
        if direction != graph.Direction.DOWNSTREAM:
            for node in graph.upstream(self.graph, root, max_depth=max_depth):
                depths[node.code] = node.depth
        if direction != graph.Direction.UPSTREAM:
            for node in graph.downstream(self.graph, root, max_depth=max_depth):
                depths.setdefault(node.code, node.depth)
        return depths


@dataclass(frozen=True, slots=True)
class RoundAnalysis:
    """The analysis of the portfolio as a round knew it, and the rows it was built from."""

    analysis: Analysis
    rows: repository.StateRows


class AnalysisCache:
    """Holds the analysis of the newest data version seen; one per process."""

    def __init__(self) -> None:
        self._current: Analysis | None = None
        self._lock = asyncio.Lock()
        self.builds = 0
        self.advances = 0
        """Versions reached without rebuilding: their writes only reported statuses."""

    async def get(self, read: Read, *, version: int | None = None) -> Analysis:
        """The analysis of the current data version, rebuilt only when the version moved.

        When every write since the version held only reported statuses, the analysis
        moves on without rebuilding the graph (see :meth:`Analysis.advanced`).

        ``version`` is the data version when the caller has already read it.
        """
        if version is None:
            version = await read(repository.data_version)
        current = self._current
        if current is not None and current.version == version:
            return current
        async with self._lock:
            current = self._current
            if current is not None and current.version == version:
                return current
            reported = None
            if current is not None and current.version < version:
                reported = await read(events.reported_only, after=current.version, up_to=version)
            if current is not None and reported is not None:
                analysis = current.advanced(version, reported)
                self.advances += 1
            else:
                # The stale analysis, the rows and the graph would otherwise all be held at
                # once: at 100,000 initiatives each is hundreds of megabytes.
                self._current = current = None
                analysis = await self._build(read, version)
                self.builds += 1
            self._current = analysis
            return analysis

    @staticmethod
    async def _build(read: Read, version: int) -> Analysis:
        rows = await read(repository.graph_rows)
        records = await run_cancellable(graph_records, rows)
        del rows  # freed before the graph is built from the records
        return await run_cancellable(Analysis.from_records, version, records)


async def export_portfolio_graph(
    engine: AsyncEngine,
    *,
    format: graph.ExportFormat,
    root: str | None = None,
    direction: graph.Direction = graph.Direction.BOTH,
    max_depth: int | None = None,
) -> str:
    """The dependency graph (or the part around ``root``) as export text."""
    async with engine.connect() as connection:
        rows = await repository.graph_rows(connection)
    built = build_graph(rows)
    view = (
        built
        if root is None
        else graph.subgraph(built, root, direction=direction, max_depth=max_depth)
    )
    return graph.export_graph(view, format=format)
