"""The dependency analysis of one data version, computed once and shared by all requests.

Every write bumps the ``data_version`` row in its own transaction. Each request reads that
one integer; when it has moved the graph is rebuilt, so any number of workers or machines
on one database agree at once. Analyses (schedule, propagation per period, rankings) are
computed on first use and kept with the graph they belong to.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import networkx as nx
from sqlalchemy.ext.asyncio import AsyncEngine

import graph
from app import repository
from app.domain import TrafficLight
from graph import RedStatusTrace

Read = Callable[..., Awaitable[Any]]


def build_graph(rows: repository.GraphRows) -> nx.DiGraph:
    """The portfolio's dependency graph from plain repository rows."""
    return graph.build_dependency_graph(
        initiatives=[
            graph.InitiativeNode(
                code=row.code,
                name=row.name,
                planned_start=row.planned_start,
                planned_end=row.planned_end,
                forecast_end=row.forecast_end,
            )
            for row in rows.initiatives
        ],
        solutions=[
            graph.SolutionNode(code=row.code, name=row.name, category=str(row.category))
            for row in rows.solutions
        ],
        dependencies=[
            graph.DependencyEdge(
                supplier=row.supplier,
                dependant=row.dependant,
                criticality=graph.Criticality(row.criticality),
                type=graph.DependencyType(row.type),
                lag_days=row.lag_days,
                needed_by=row.needed_by,
                supplier_delivery=row.supplier_delivery,
                supplier_delivery_forecast=row.supplier_delivery_forecast,
            )
            for row in rows.dependencies
        ],
        developments=[
            graph.Development(initiative=row.initiative, solution=row.solution)
            for row in rows.developments
        ],
    )


def _snapshot(status: TrafficLight, risk: TrafficLight | None) -> graph.StatusSnapshot:
    return graph.StatusSnapshot(
        status=graph.Level(status.value),
        risk_level=graph.Level(risk.value) if risk is not None else None,
    )


@dataclass(frozen=True, slots=True)
class PropagationOverview:
    """The portfolio-wide view of one propagation, sorted for presentation."""

    flagged: tuple[graph.PropagatedRisk, ...]
    reach: tuple[graph.SourceReach, ...]


@dataclass(eq=False)
class Analysis:
    """The graph of one data version and the analyses computed on it so far."""

    version: int
    graph: nx.DiGraph
    cycles: tuple[tuple[str, ...], ...]
    _tasks: dict[Hashable, asyncio.Task[Any]] = field(default_factory=dict)
    _memo: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_rows(cls, version: int, rows: repository.GraphRows) -> Analysis:
        built = build_graph(rows)
        return cls(version=version, graph=built, cycles=graph.find_cycles(built))

    def _remember(self, key: str, compute: Callable[[], Any]) -> Any:
        if key not in self._memo:
            try:
                self._memo[key] = compute()
            except graph.DependencyCycle as cycle:
                self._memo[key] = cycle
        value = self._memo[key]
        if isinstance(value, graph.DependencyCycle):
            raise value
        return value

    def schedule(self) -> graph.Schedule:
        """The critical-path schedule; raises ``DependencyCycle`` on a cyclic portfolio."""
        result: graph.Schedule = self._remember(
            "schedule", lambda: graph.compute_schedule(self.graph)
        )
        return result

    def critical_set(self) -> graph.CriticalSet:
        """Zero-float activities and chains; raises ``DependencyCycle`` on a cyclic portfolio.

        The API, the report and the dashboard all read this one computation.
        """
        result: graph.CriticalSet = self._remember(
            "critical_set", lambda: graph.critical_set(self.graph, self.schedule())
        )
        return result

    def slack(self) -> dict[tuple[str, str], graph.Slack]:
        """Slack of every dependency with a needed-by date, by (supplier, dependant).

        On a cyclic portfolio, every dependency whose supplier date does not depend on the
        cycle is still judged.
        """

        def compute() -> dict[tuple[str, str], graph.Slack]:
            try:
                schedule = self.schedule()
            except graph.DependencyCycle:
                return graph.dependency_slack_around_cycles(self.graph)
            return graph.dependency_slack(self.graph, schedule)

        result: dict[tuple[str, str], graph.Slack] = self._remember("slack", compute)
        return result

    def transitive_dependant_counts(self) -> dict[str, int]:
        result: dict[str, int] = self._remember(
            "counts", lambda: graph.transitive_dependant_counts(self.graph)
        )
        return result

    def key_initiatives(self) -> tuple[graph.KeyInitiative, ...]:
        """Every initiative ranked; callers slice what they need."""
        result: tuple[graph.KeyInitiative, ...] = self._remember(
            "key_initiatives",
            lambda: graph.key_initiatives(self.graph, limit=self.graph.number_of_nodes()),
        )
        return result

    def ranked_initiatives(self, limit: int) -> list[graph.KeyInitiative]:
        """The ``limit`` highest-ranked initiatives (solutions left out)."""
        return [
            key
            for key in self.key_initiatives()
            if self.graph.nodes[key.code]["kind"] == graph.NodeKind.INITIATIVE
        ][:limit]

    async def _once(self, key: Hashable, compute: Callable[[], Awaitable[Any]]) -> Any:
        """Run ``compute`` once per key and share it; a caller that gives up (a timeout)
        leaves it running for the next instead of throwing the work away."""
        task = self._tasks.get(key)
        if task is None or (task.done() and (task.cancelled() or task.exception() is not None)):
            task = asyncio.ensure_future(compute())
            self._tasks[key] = task
        return await asyncio.shield(task)

    async def statuses(
        self, read: Read, period_opens: date | None
    ) -> dict[str, graph.StatusSnapshot]:
        """Status snapshots of every initiative up to a period (read once per version)."""

        async def load() -> dict[str, graph.StatusSnapshot]:
            rows = await read(repository.latest_statuses, period_opens=period_opens)
            return {code: _snapshot(status, risk) for code, (status, risk) in rows.items()}

        result: dict[str, graph.StatusSnapshot] = await self._once(("statuses", period_opens), load)
        return result

    async def _trace(
        self, read: Read, period_opens: date | None, include_risk_level: bool
    ) -> RedStatusTrace:
        # (``graph`` names the field inside this class, so the type is imported by name.)
        async def compute() -> RedStatusTrace:
            statuses = await self.statuses(read, period_opens)
            return await asyncio.to_thread(
                graph.trace_red_status,
                self.graph,
                statuses,
                include_risk_level=include_risk_level,
            )

        result: RedStatusTrace = await self._once(
            ("trace", period_opens, include_risk_level), compute
        )
        return result

    async def propagation(
        self, read: Read, period_opens: date | None, *, include_risk_level: bool
    ) -> dict[str, graph.PropagatedRisk]:
        """Propagated red status (and optionally red risk) of initiatives as of a period."""

        async def compute() -> dict[str, graph.PropagatedRisk]:
            trace = await self._trace(read, period_opens, include_risk_level)
            return trace.flagged(graph.NodeKind.INITIATIVE)

        result: dict[str, graph.PropagatedRisk] = await self._once(
            ("initiatives", period_opens, include_risk_level), compute
        )
        return result

    async def source_reach(
        self, read: Read, period_opens: date | None, *, include_risk_level: bool
    ) -> list[graph.SourceReach]:
        """How many initiatives each red source flags, widest reach first."""
        trace = await self._trace(read, period_opens, include_risk_level)
        return sorted(
            trace.reach().values(),
            key=lambda item: (-(item.red + item.yellow), -item.red, item.source),
        )

    async def propagation_overview(
        self, read: Read, period_opens: date | None, *, include_risk_level: bool
    ) -> PropagationOverview:
        """Flagged initiatives (RED first, then code) and each source's reach (widest first)."""

        async def compute() -> PropagationOverview:
            propagation = await self.propagation(
                read, period_opens, include_risk_level=include_risk_level
            )
            flagged = sorted(
                propagation.values(), key=lambda risk: (-risk.level.severity, risk.code)
            )
            reach = await self.source_reach(
                read, period_opens, include_risk_level=include_risk_level
            )
            return PropagationOverview(flagged=tuple(flagged), reach=tuple(reach))

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
            return trace.levels(kind=None)

        result: dict[str, graph.Level] = await self._once(
            ("levels", period_opens, include_risk_level), compute
        )
        return result

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


class AnalysisCache:
    """Holds the analysis of the newest data version seen; one per process."""

    def __init__(self) -> None:
        self._current: Analysis | None = None
        self._lock = asyncio.Lock()
        self.builds = 0

    async def get(self, read: Read, *, version: int | None = None) -> Analysis:
        """The analysis of the current data version, rebuilt only when the version moved.

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
            rows = await read(repository.graph_rows)
            analysis = await asyncio.to_thread(Analysis.from_rows, version, rows)
            self._current = analysis
            self.builds += 1
            return analysis


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
