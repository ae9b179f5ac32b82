"""Red-status propagation along dependencies.

Sources are initiatives whose status is RED (optionally also those whose risk level is
RED). An edge transmits RED if its criticality is HIGH, YELLOW if MEDIUM and nothing if
LOW. Along a path the transmitted level is its weakest edge; a node's propagated level is
the strongest over every source and path. A source never propagates to itself, but it
can be flagged by another source. Solutions relay like any node: an initiative reaches
the dependants of a solution it develops through its HIGH development edge.

How it is computed: a node has RED from a source exactly when a HIGH-only path joins
them, and YELLOW when only paths that also use MEDIUM edges do (any such path has a
MEDIUM edge, so it is YELLOW). So each source's reach over HIGH edges, and over HIGH and
MEDIUM edges, decides every level. Both are computed for all sources at once as bit sets
of node positions, in one pass over the graph in reverse topological order (strongly
connected components contracted when there are cycles): a node reaches what its
dependants reach, plus the dependants themselves.

The answer can be large — every flagged node lists every source reaching it, with one
path each — so :class:`RedStatusTrace` keeps the bit sets and builds sources and paths
when they are asked for. A node's paths come from one breadth-first search backwards
from it (see :meth:`RedStatusTrace.paths_to`): each has the fewest hops and, among
those, the smallest codes.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import networkx as nx

from graph.cancellation import checkpoint
from graph.model import Criticality, Level, NodeKind, StatusSnapshot

__all__ = [
    "PropagatedRisk",
    "RedStatusTrace",
    "SourceReach",
    "propagate_red_status",
    "red_sources",
    "trace_red_status",
]


class PropagatedRisk:
    """The level a node inherits from red sources upstream of it.

    ``sources`` are the sources reaching the node at ``level``, sorted by code, and
    ``paths[i]`` is one path of that level from ``sources[i]`` to the node (fewest hops,
    then smallest codes), starting at the source and ending at the node. Made by
    :meth:`RedStatusTrace.flagged`, both are worked out on first use; made directly (as in
    tests), they are given.

    Examples
    --------
    >>> risk = PropagatedRisk("B", Level.RED, ("A",), (("A", "B"),))
    >>> risk == PropagatedRisk("B", Level.RED, ("A",), (("A", "B"),)), risk.kind
    (True, <NodeKind.INITIATIVE: 'INITIATIVE'>)
    """

    __slots__ = ("_paths", "_sources", "_trace", "code", "kind", "level")

    def __init__(
        self,
        code: str,
        level: Level,
        sources: tuple[str, ...] | None = None,
        paths: tuple[tuple[str, ...], ...] | None = None,
        kind: NodeKind = NodeKind.INITIATIVE,
        *,
        trace: RedStatusTrace | None = None,
    ) -> None:
        if trace is None and (sources is None or paths is None):
            raise TypeError("give sources and paths, or the trace to find them in")
        self.code = code
        self.level = level
        self.kind = kind
        self._sources = sources
        self._paths = paths
        self._trace = trace

    @property
    def sources(self) -> tuple[str, ...]:
        if self._sources is None:
            assert self._trace is not None
            self._sources = self._trace.sources_reaching(self.code, self.level)
        return self._sources

    @property
    def paths(self) -> tuple[tuple[str, ...], ...]:
        if self._paths is None:
            assert self._trace is not None
            self._paths = self._trace.paths_to(self.code, self.level, self.sources)
        return self._paths

    def first_paths(self, count: int) -> tuple[tuple[str, ...], ...]:
        """The paths of the first ``count`` sources, working out only those.

        Examples
        --------
        >>> risk = PropagatedRisk("C", Level.RED, ("A", "B"), (("A", "C"), ("B", "C")))
        >>> risk.first_paths(1)
        (('A', 'C'),)
        """
        if self._paths is not None:
            return self._paths[:count]
        assert self._trace is not None
        return self._trace.paths_to(self.code, self.level, self.sources[:count])

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PropagatedRisk):
            return NotImplemented
        return (self.code, self.level, self.kind, self.sources, self.paths) == (
            other.code,
            other.level,
            other.kind,
            other.sources,
            other.paths,
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (
            f"PropagatedRisk(code={self.code!r}, level={self.level!s}, "
            f"sources={self.sources!r}, paths={self.paths!r}, kind={self.kind!s})"
        )


@dataclass(frozen=True, slots=True)
class SourceReach:
    """How many initiatives a source flags, by level."""

    source: str
    red: int
    yellow: int


def red_sources(
    graph: nx.DiGraph,
    statuses: Mapping[str, StatusSnapshot],
    *,
    include_risk_level: bool = False,
) -> tuple[str, ...]:
    """Return the initiatives of ``graph`` that are red, sorted by code.

    Codes in ``statuses`` that are not initiatives of the graph are ignored: the caller
    may pass every report of the period, including initiatives left out of the analysis.

    Examples
    --------
    >>> graph = nx.DiGraph()
    >>> graph.add_nodes_from(["HP", "PDS"], kind=NodeKind.INITIATIVE)
    >>> statuses = {"HP": StatusSnapshot(Level.RED, Level.RED),
    ...             "PDS": StatusSnapshot(Level.YELLOW, Level.RED)}
    >>> red_sources(graph, statuses), red_sources(graph, statuses, include_risk_level=True)
    (('HP',), ('HP', 'PDS'))
    """
    nodes = graph.nodes
    return tuple(
        sorted(
            code
            for code, snapshot in statuses.items()
            if code in nodes
            and nodes[code]["kind"] == NodeKind.INITIATIVE
            and (
                snapshot.status == Level.RED
                or (include_risk_level and snapshot.risk_level == Level.RED)
            )
        )
    )


def trace_red_status(
    graph: nx.DiGraph,
    statuses: Mapping[str, StatusSnapshot],
    *,
    include_risk_level: bool = False,
) -> RedStatusTrace:
    """Work out how far red status spreads from every source; see :class:`RedStatusTrace`.

    Parameters
    ----------
    graph : networkx.DiGraph
        A graph from :func:`~graph.build.build_dependency_graph`; cycles are allowed.
    statuses : mapping of code to StatusSnapshot
        The status of each initiative in the chosen period; see :func:`red_sources`.
    include_risk_level : bool, default False
        Also treat initiatives whose risk level is RED as sources.
    """
    return RedStatusTrace(
        graph, red_sources(graph, statuses, include_risk_level=include_risk_level)
    )


def propagate_red_status(
    graph: nx.DiGraph,
    statuses: Mapping[str, StatusSnapshot],
    *,
    include_risk_level: bool = False,
    kind: NodeKind | None = NodeKind.INITIATIVE,
) -> dict[str, PropagatedRisk]:
    """Return the propagated risk of every node that a red source reaches.

    Parameters are those of :func:`trace_red_status`, and ``kind`` those of
    :meth:`RedStatusTrace.flagged`.

    Returns
    -------
    dict of str to PropagatedRisk
        Keyed by code, in code order. Nodes no source reaches are absent.

    Examples
    --------
    >>> from graph.build import build_dependency_graph
    >>> from graph.model import DependencyEdge, Development, InitiativeNode, SolutionNode
    >>> graph = build_dependency_graph(
    ...     initiatives=[InitiativeNode(code, code, None, None, None)
    ...                  for code in ("HAP-PROG", "LMR", "PLL")],
    ...     solutions=[SolutionNode("HAP", "Helseanalyseplattformen", "DATA_PLATFORM")],
    ...     dependencies=[DependencyEdge("HAP", "LMR", Criticality.HIGH),
    ...                   DependencyEdge("LMR", "PLL", Criticality.MEDIUM)],
    ...     developments=[Development("HAP-PROG", "HAP")],
    ... )
    >>> result = propagate_red_status(graph, {"HAP-PROG": StatusSnapshot(Level.RED, None)})
    >>> for risk in result.values():
    ...     print(risk.code, risk.level, risk.sources, risk.paths)
    LMR RED ('HAP-PROG',) (('HAP-PROG', 'HAP', 'LMR'),)
    PLL YELLOW ('HAP-PROG',) (('HAP-PROG', 'HAP', 'LMR', 'PLL'),)
    """
    trace = trace_red_status(graph, statuses, include_risk_level=include_risk_level)
    return trace.flagged(kind)


class RedStatusTrace:
    """Where the red status of a set of sources reaches, by level.

    Holds, per source, the set of nodes it reaches at RED and at YELLOW or better (as bit
    sets over node positions in code order), from which levels, sources, per-source reach
    and paths are read.

    Examples
    --------
    >>> graph = nx.DiGraph()
    >>> graph.add_nodes_from("ABCD", kind=NodeKind.INITIATIVE)
    >>> graph.add_edge("A", "B", criticality=Criticality.HIGH)
    >>> graph.add_edges_from([("B", "C"), ("D", "C")], criticality=Criticality.MEDIUM)
    >>> trace = RedStatusTrace(graph, ("A", "D"))
    >>> {code: risk.level.value for code, risk in trace.flagged().items()}
    {'B': 'RED', 'C': 'YELLOW'}
    >>> trace.path("A", "C", Level.YELLOW)
    ('A', 'B', 'C')
    """

    def __init__(self, graph: nx.DiGraph, sources: Sequence[str]) -> None:
        self.sources = tuple(sources)
        self._codes = sorted(graph)
        self._position = {code: position for position, code in enumerate(self._codes)}
        self._kinds = [graph.nodes[code]["kind"] for code in self._codes]
        self._red_edges, self._transmitting_edges = _adjacency_by_level(graph, self._position)
        self._red_suppliers = _reversed(self._red_edges)
        self._transmitting_suppliers = _reversed(self._transmitting_edges)
        starts = [self._position[source] for source in self.sources]
        order = _reverse_topological_order(graph, self._position)
        self._red_reach = _reach_without_self(self._red_edges, order, starts)
        self._any_reach = _reach_without_self(self._transmitting_edges, order, starts)
        self._red_nodes = _union(self._red_reach)
        self._yellow_nodes = _union(self._any_reach) & ~self._red_nodes
        self._initiatives = _mask(
            position for position, kind in enumerate(self._kinds) if kind == NodeKind.INITIATIVE
        )

    def levels(self, kind: NodeKind | None = NodeKind.INITIATIVE) -> dict[str, Level]:
        """The level of every node a source reaches, keyed by code in code order.

        ``kind`` chooses which nodes to return: solutions relay the risk either way; pass
        ``NodeKind.SOLUTION`` for the level each solution carries, or None for all.
        """
        levels = dict.fromkeys(_positions(self._red_nodes), Level.RED)
        levels.update(dict.fromkeys(_positions(self._yellow_nodes), Level.YELLOW))
        codes, kinds = self._codes, self._kinds
        return {
            codes[position]: levels[position]
            for position in sorted(levels)
            if kind is None or kinds[position] == kind
        }

    def flagged(self, kind: NodeKind | None = NodeKind.INITIATIVE) -> dict[str, PropagatedRisk]:
        """:meth:`levels` with each node's sources and paths, worked out when first read."""
        kinds, position = self._kinds, self._position
        return {
            code: PropagatedRisk(code, level, kind=kinds[position[code]], trace=self)
            for code, level in self.levels(kind).items()
        }

    def sources_reaching(self, code: str, level: Level) -> tuple[str, ...]:
        """The sources that reach ``code`` at ``level`` (RED or YELLOW), sorted by code."""
        reach = self._red_reach if level == Level.RED else self._any_reach
        bit = 1 << self._position[code]
        return tuple(
            source for source, nodes in zip(self.sources, reach, strict=True) if nodes & bit
        )

    def reach(self) -> dict[str, SourceReach]:
        """Per source, the initiatives it flags at RED and at YELLOW, in code order.

        A source counts for a node when it reaches the node at the node's final level: a
        node that one source makes RED does not count as YELLOW for another source that
        only reaches it at YELLOW. Sources that flag nothing are left out.
        """
        counts = {}
        yellow_initiatives = self._yellow_nodes & self._initiatives
        for source, red, any_level in zip(
            self.sources, self._red_reach, self._any_reach, strict=True
        ):
            flagged_red = (red & self._initiatives).bit_count()
            flagged_yellow = (any_level & yellow_initiatives).bit_count()
            if flagged_red or flagged_yellow:
                counts[source] = SourceReach(source=source, red=flagged_red, yellow=flagged_yellow)
        return counts

    def path(self, source: str, code: str, level: Level) -> tuple[str, ...]:
        """One path of ``level`` from ``source`` to ``code``: fewest hops, then smallest codes.

        Raises ``ValueError`` when ``source`` does not reach ``code`` at ``level``.
        """
        (path,) = self.paths_to(code, level, (source,))
        return path

    def paths_to(
        self, code: str, level: Level, sources: Sequence[str]
    ) -> tuple[tuple[str, ...], ...]:
        """:meth:`path` from each of ``sources`` to ``code``, found in one search.

        A breadth-first search backwards from ``code`` gives every node's distance to it;
        from each source, the walk then takes the smallest-code dependant one hop closer.
        That is the shortest path that is smallest in code order, as a forward search from
        the source would find it, without a search per source.
        """
        dependants, suppliers = (
            (self._red_edges, self._red_suppliers)
            if level == Level.RED
            else (self._transmitting_edges, self._transmitting_suppliers)
        )
        target = self._position[code]
        hops_to_target = _hops_to(suppliers, target)
        paths = []
        for source in sources:
            checkpoint()
            node = self._position[source]
            hops = hops_to_target.get(node)
            if node == target or hops is None:
                raise ValueError(f"{source} does not reach {code} at {level}")
            path = [node]
            while hops:
                hops -= 1
                node = next(n for n in dependants[node] if hops_to_target.get(n) == hops)
                path.append(node)
            paths.append(tuple(self._codes[position] for position in path))
        return tuple(paths)


def _adjacency_by_level(
    graph: nx.DiGraph, position: Mapping[str, int]
) -> tuple[list[list[int]], list[list[int]]]:
    """Dependants of each node over HIGH edges, and over HIGH or MEDIUM edges, sorted."""
    red_edges: list[list[int]] = [[] for _ in position]
    transmitting_edges: list[list[int]] = [[] for _ in position]
    for supplier, dependant, criticality in graph.edges(data="criticality"):
        if criticality == Criticality.HIGH:
            red_edges[position[supplier]].append(position[dependant])
            transmitting_edges[position[supplier]].append(position[dependant])
        elif criticality == Criticality.MEDIUM:
            transmitting_edges[position[supplier]].append(position[dependant])
    for neighbours in (*red_edges, *transmitting_edges):
        neighbours.sort()
    return red_edges, transmitting_edges


def _reverse_topological_order(graph: nx.DiGraph, position: Mapping[str, int]) -> list[int] | None:
    """Node positions, every node before its suppliers; None when the graph has a cycle."""
    try:
        return [position[code] for code in reversed(list(nx.topological_sort(graph)))]
    except nx.NetworkXUnfeasible:
        return None


class _Contracted(NamedTuple):
    """A graph with its strongly connected components contracted to single nodes."""

    members: list[list[int]]  # nodes of each component
    dependants: list[list[int]]  # components each component has an edge to
    order: list[int]  # components, each before every component with an edge to it


def _contract(adjacency: list[list[int]], order: list[int] | None) -> _Contracted:
    """Contract cycles; with a known reverse topological ``order`` nothing needs merging."""
    if order is not None:
        return _Contracted([[node] for node in range(len(adjacency))], adjacency, order)
    cyclic = nx.DiGraph()
    cyclic.add_nodes_from(range(len(adjacency)))
    cyclic.add_edges_from(
        (node, dependant) for node, dependants in enumerate(adjacency) for dependant in dependants
    )
    condensed = nx.condensation(cyclic)
    return _Contracted(
        members=[sorted(condensed.nodes[component]["members"]) for component in condensed],
        dependants=[list(condensed.successors(component)) for component in condensed],
        order=list(reversed(list(nx.topological_sort(condensed)))),
    )


def _reach_without_self(
    adjacency: list[list[int]], order: list[int] | None, starts: Sequence[int]
) -> list[int]:
    """For each start, the nodes it reaches along one or more edges, itself excluded."""
    graph = _contract(adjacency, order)
    component_of = {
        node: component for component, nodes in enumerate(graph.members) for node in nodes
    }
    wanted = {component_of[start] for start in starts}
    unvisited_callers = [0] * len(graph.members)
    for dependants in graph.dependants:
        for dependant in dependants:
            unvisited_callers[dependant] += 1
    members = [_mask(nodes) for nodes in graph.members]
    below: dict[int, int] = {}
    for component in graph.order:
        checkpoint()
        reached = 0
        for dependant in graph.dependants[component]:
            reached |= members[dependant] | below[dependant]
            unvisited_callers[dependant] -= 1
            if not unvisited_callers[dependant] and dependant not in wanted:
                del below[dependant]  # nothing will ask again: keep memory to the frontier
        if len(graph.members[component]) > 1:
            reached |= members[component]
        below[component] = reached
    return [below[component_of[start]] & ~(1 << start) for start in starts]


def _reversed(adjacency: list[list[int]]) -> list[list[int]]:
    reverse: list[list[int]] = [[] for _ in adjacency]
    for node, neighbours in enumerate(adjacency):
        for neighbour in neighbours:
            reverse[neighbour].append(node)
    return reverse


def _hops_to(suppliers: list[list[int]], target: int) -> dict[int, int]:
    """Fewest edges from each node that reaches ``target`` to it (breadth-first, backwards)."""
    hops = {target: 0}
    frontier = [target]
    distance = 0
    while frontier:
        distance += 1
        next_frontier = []
        for node in frontier:
            for supplier in suppliers[node]:
                if supplier not in hops:
                    hops[supplier] = distance
                    next_frontier.append(supplier)
        frontier = next_frontier
    return hops


def _mask(positions: Iterator[int] | Sequence[int]) -> int:
    mask = 0
    for position in positions:
        mask |= 1 << position
    return mask


def _union(masks: Sequence[int]) -> int:
    union = 0
    for mask in masks:
        union |= mask
    return union


def _positions(mask: int) -> Iterator[int]:
    """Positions of the set bits of ``mask``, ascending."""
    bits = bin(mask)[:1:-1]  # least significant first, without the "0b"
    position = bits.find("1")
    while position >= 0:
        yield position
        position = bits.find("1", position + 1)
