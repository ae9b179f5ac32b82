"""Red-status propagation along dependencies.

Sources are initiatives whose status is RED (optionally also those whose risk level is
RED). An edge transmits RED if its criticality is HIGH, YELLOW if MEDIUM and nothing if
LOW. Along a path the transmitted level is its weakest edge; a node's propagated level is
the strongest over every source and path. A source never propagates to itself, but it
can be flagged by another source. Solutions relay like any node: an initiative reaches
the dependants of a solution it develops through its HIGH development edge.

How it is computed: a node has RED from a source exactly when a HIGH-only path joins
them, and YELLOW when only paths that also use MEDIUM edges do (any such path has a
MEDIUM edge, so it is YELLOW). Two breadth-first searches per source therefore suffice:
one over HIGH edges, one over HIGH and MEDIUM edges. Nodes are numbered in code order and
adjacency lists are sorted, so BFS yields the fewest-hops path with the smallest codes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import networkx as nx

from graph.model import Criticality, Level, NodeKind, StatusSnapshot

__all__ = ["PropagatedRisk", "SourceReach", "propagate_red_status", "red_sources", "source_reach"]


@dataclass(frozen=True, slots=True)
class PropagatedRisk:
    """The level a node inherits from red sources upstream of it.

    ``sources`` are the sources reaching the node at ``level``, sorted by code, and
    ``paths[i]`` is one path of that level from ``sources[i]`` to the node (fewest hops,
    then smallest codes), starting at the source and ending at the node.
    """

    code: str
    level: Level
    sources: tuple[str, ...]
    paths: tuple[tuple[str, ...], ...]
    kind: NodeKind = NodeKind.INITIATIVE


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


def propagate_red_status(
    graph: nx.DiGraph,
    statuses: Mapping[str, StatusSnapshot],
    *,
    include_risk_level: bool = False,
    kind: NodeKind | None = NodeKind.INITIATIVE,
) -> dict[str, PropagatedRisk]:
    """Return the propagated risk of every node that a red source reaches.

    Parameters
    ----------
    graph : networkx.DiGraph
        A graph from :func:`~graph.build.build_dependency_graph`; cycles are allowed.
    statuses : mapping of code to StatusSnapshot
        The status of each initiative in the chosen period; see :func:`red_sources`.
    include_risk_level : bool, default False
        Also treat initiatives whose risk level is RED as sources.
    kind : NodeKind or None, default NodeKind.INITIATIVE
        Which flagged nodes to return. Solutions relay the risk either way; pass
        ``NodeKind.SOLUTION`` for the level each solution carries, or None for all.

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
    sources = red_sources(graph, statuses, include_risk_level=include_risk_level)
    if not sources:
        return {}
    codes = sorted(graph)
    index = {code: position for position, code in enumerate(codes)}
    red_edges: list[list[int]] = [[] for _ in codes]
    transmitting_edges: list[list[int]] = [[] for _ in codes]
    for supplier, dependant, criticality in graph.edges(data="criticality"):
        if criticality == Criticality.HIGH:
            red_edges[index[supplier]].append(index[dependant])
            transmitting_edges[index[supplier]].append(index[dependant])
        elif criticality == Criticality.MEDIUM:
            transmitting_edges[index[supplier]].append(index[dependant])
    for neighbours in (*red_edges, *transmitting_edges):
        neighbours.sort()

    # Per node: the sources reaching it at RED, then (for nodes nothing reaches at RED)
    # the sources reaching it at YELLOW, each with the path found, in source code order.
    singletons = [(code,) for code in codes]
    red: dict[int, list[tuple[str, tuple[str, ...]]]] = {}
    for source in sources:
        start = index[source]
        for node, path in _bfs_paths(red_edges, start, singletons).items():
            if node != start:
                red.setdefault(node, []).append((source, path))
    yellow: dict[int, list[tuple[str, tuple[str, ...]]]] = {}
    for source in sources:
        start = index[source]
        for node, path in _bfs_paths(transmitting_edges, start, singletons).items():
            if node != start and node not in red:
                yellow.setdefault(node, []).append((source, path))

    kinds = graph.nodes
    result: dict[str, PropagatedRisk] = {}
    for position in sorted(red.keys() | yellow.keys()):
        code = codes[position]
        node_kind = kinds[code]["kind"]
        if kind is not None and node_kind != kind:
            continue
        level, found = (
            (Level.RED, red[position]) if position in red else (Level.YELLOW, yellow[position])
        )
        result[code] = PropagatedRisk(
            code=code,
            level=level,
            sources=tuple(source for source, _ in found),
            paths=tuple(path for _, path in found),
            kind=node_kind,
        )
    return result


def source_reach(result: Mapping[str, PropagatedRisk]) -> dict[str, SourceReach]:
    """Count, per source, the initiatives it flags at RED and at YELLOW.

    A source counts for a node when the node lists it, that is when it reaches the node at
    the node's final level: a node that one source makes RED does not count as YELLOW for
    another source that only reaches it at YELLOW.

    Returns
    -------
    dict of str to SourceReach
        Keyed by source code, in code order.

    Examples
    --------
    >>> result = {
    ...     "B": PropagatedRisk("B", Level.RED, ("A",), (("A", "B"),)),
    ...     "C": PropagatedRisk("C", Level.YELLOW, ("A", "D"), (("A", "C"), ("D", "C"))),
    ... }
    >>> list(source_reach(result).values())
    [SourceReach(source='A', red=1, yellow=1), SourceReach(source='D', red=0, yellow=1)]
    """
    counts: dict[str, list[int]] = {}
    for risk in result.values():
        if risk.kind != NodeKind.INITIATIVE:
            continue
        for source in risk.sources:
            counts.setdefault(source, [0, 0])[risk.level != Level.RED] += 1
    return {
        source: SourceReach(source=source, red=red, yellow=yellow)
        for source, (red, yellow) in sorted(counts.items())
    }


def _bfs_paths(
    adjacency: list[list[int]], start: int, singletons: list[tuple[str]]
) -> dict[int, tuple[str, ...]]:
    """Paths (as codes) from ``start`` to every node it reaches, in BFS order."""
    paths: dict[int, tuple[str, ...]] = {start: singletons[start]}
    frontier = [start]
    while frontier:
        next_frontier = []
        for node in frontier:
            path = paths[node]
            for neighbour in adjacency[node]:
                if neighbour not in paths:
                    paths[neighbour] = path + singletons[neighbour]
                    next_frontier.append(neighbour)
        frontier = next_frontier
    return paths
