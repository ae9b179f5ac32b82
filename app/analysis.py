"""The dependency analysis of one data version, computed once and shared by all requests.

Every write bumps the ``data_version`` row in its own transaction. Each request reads that
one integer; when it has moved the graph is rebuilt, so any number of workers or machines
on one database agree at once. Analyses (schedule, propagation per period, rankings) are
computed on first use and kept with the graph they belong to.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import networkx as nx
from sqlalchemy.ext.asyncio import AsyncEngine

import graph
from app import repository
from app.domain import TrafficLight

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


@dataclass(eq=False)
class Analysis:
    """The graph of one data version and the analyses computed on it so far."""

    version: int
    graph: nx.DiGraph
    cycles: tuple[tuple[str, ...], ...]
    _statuses: dict[date | None, dict[str, graph.StatusSnapshot]] = field(default_factory=dict)
    _propagation: dict[tuple[date | None, bool], dict[str, graph.PropagatedRisk]] = field(
        default_factory=dict
    )
    _node_levels: dict[tuple[date | None, bool], dict[str, graph.Level]] = field(
        default_factory=dict
    )
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

    def critical_path(self) -> tuple[str, ...]:
        result: tuple[str, ...] = self._remember(
            "critical_path", lambda: graph.critical_path(self.graph, self.schedule())
        )
        return result

    def slack(self) -> dict[tuple[str, str], graph.Slack]:
        """Slack of every dependency with a needed-by date, by (supplier, dependant)."""
        result: dict[tuple[str, str], graph.Slack] = self._remember(
            "slack", lambda: graph.dependency_slack(self.graph, self.schedule())
        )
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

    async def statuses(
        self, read: Read, period_opens: date | None
    ) -> dict[str, graph.StatusSnapshot]:
        """Status snapshots of every initiative up to a period (read once per version)."""
        if period_opens not in self._statuses:
            rows = await read(repository.latest_statuses, period_opens=period_opens)
            self._statuses[period_opens] = {
                code: _snapshot(status, risk) for code, (status, risk) in rows.items()
            }
        return self._statuses[period_opens]

    async def propagation(
        self, read: Read, period_opens: date | None, *, include_risk_level: bool
    ) -> dict[str, graph.PropagatedRisk]:
        """Propagated red status (and optionally red risk) as of a period."""
        key = (period_opens, include_risk_level)
        if key not in self._propagation:
            statuses = await self.statuses(read, period_opens)
            self._propagation[key] = await asyncio.to_thread(
                graph.propagate_red_status,
                self.graph,
                statuses,
                include_risk_level=include_risk_level,
            )
        return self._propagation[key]

    async def node_levels(
        self, read: Read, period_opens: date | None, include_risk_level: bool
    ) -> dict[str, graph.Level]:
        """Propagated level of every node, solutions (which relay it) included."""
        key = (period_opens, include_risk_level)
        if key not in self._node_levels:
            statuses = await self.statuses(read, period_opens)
            everything = await asyncio.to_thread(
                graph.propagate_red_status,
                self.graph,
                statuses,
                include_risk_level=include_risk_level,
                kind=None,
            )
            self._node_levels[key] = {code: risk.level for code, risk in everything.items()}
        return self._node_levels[key]

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

    async def get(self, read: Read) -> Analysis:
        """The analysis of the current data version, rebuilt only when the version moved."""
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
