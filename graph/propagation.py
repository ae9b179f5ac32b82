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
MEDIUM edges, decides every level. Both are computed for all sources at once on the
graph as arrays (:func:`graph.arrays.reach_from_sources`): per strongly connected
component, the bit set of the sources that reach it, one topological generation at a
time. That gives every node's level and every source's count of flagged initiatives.

The answer can be large — every flagged node lists every source reaching it, with one
path each — so :class:`RedStatusTrace` builds sources and paths when they are asked for,
from one breadth-first search backwards from the node (see
:meth:`RedStatusTrace.paths_to`): each path has the fewest hops and, among those, the
smallest codes.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import overload

import networkx as nx
import numpy as np
import numpy.typing as npt

from graph.arrays import GraphArrays, TransmittingGraph, graph_arrays
from graph.cancellation import checkpoint
from graph.model import Criticality, Level, NodeKind, StatusSnapshot

__all__ = [
    "PropagatedRisk",
    "RedStatusTrace",
    "SourceReach",
    "propagate_red_status",
    "red_sources",
    "retrace_red_status",
    "trace_red_status",
]

Counts = npt.NDArray[np.int64]
"""A count per source, in source (code) order."""

RECOUNT_ABOVE = 64
"""Initiatives whose YELLOW changed above which a retrace counts every source again."""


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
    arrays: GraphArrays | None = None,
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
    arrays : GraphArrays, optional
        ``graph`` as arrays, when the caller keeps them (see :func:`graph.graph_arrays`).
    """
    return RedStatusTrace(
        graph, red_sources(graph, statuses, include_risk_level=include_risk_level), arrays=arrays
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


def retrace_red_status(
    trace: RedStatusTrace,
    graph: nx.DiGraph,
    statuses: Mapping[str, StatusSnapshot],
    changed: Collection[str],
    *,
    include_risk_level: bool = False,
) -> RedStatusTrace:
    """:func:`trace_red_status` of ``statuses``, worked out from an earlier ``trace``.

    ``trace`` was traced on ``graph`` with statuses that differ from ``statuses`` only for
    the codes in ``changed`` (the initiatives that reported since). Their sources are
    decided again, the others kept; see :meth:`RedStatusTrace.with_sources` for what is
    computed again.

    Examples
    --------
    >>> graph = nx.DiGraph()
    >>> graph.add_nodes_from("ABC", kind=NodeKind.INITIATIVE)
    >>> graph.add_edges_from([("A", "B"), ("B", "C")], criticality=Criticality.HIGH)
    >>> before = trace_red_status(graph, {"A": StatusSnapshot(Level.RED, None)})
    >>> statuses = {"A": StatusSnapshot(Level.GREEN, None), "B": StatusSnapshot(Level.RED, None)}
    >>> after = retrace_red_status(before, graph, statuses, {"A", "B"})
    >>> after.sources, after.levels()
    (('B',), {'C': <Level.RED: 'RED'>})
    """
    reported = {code: statuses[code] for code in changed if code in statuses}
    position = trace._arrays.position
    is_source = trace._is_source.copy()
    is_source[[position[code] for code in changed if code in position]] = False
    is_source[
        [
            position[code]
            for code in red_sources(graph, reported, include_risk_level=include_risk_level)
        ]
    ] = True
    return trace._with_starts(np.flatnonzero(is_source), RECOUNT_ABOVE)


class RedStatusTrace:
    """Where the red status of a set of sources reaches, by level.

    Holds which nodes some source reaches at RED and at YELLOW or better, and how many
    initiatives each source flags (see :func:`graph.arrays.reach_from_sources`); a
    node's sources and paths are found when asked for, by one search backwards from it.

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

    def __init__(
        self, graph: nx.DiGraph, sources: Sequence[str], *, arrays: GraphArrays | None = None
    ) -> None:
        self._sources: tuple[str, ...] | None = tuple(sources)
        self._arrays = graph_arrays(graph) if arrays is None else arrays
        self._red_edges = self._arrays.transmitting(Criticality.HIGH)
        self._transmitting_edges = self._arrays.transmitting(Criticality.MEDIUM)
        position = self._arrays.position
        self._starts = np.fromiter((position[source] for source in sources), np.int64, len(sources))
        self._is_source = np.zeros(self._arrays.size, bool)
        self._is_source[self._starts] = True
        self._red_nodes = self._red_edges.reached_by_other_source(self._starts)
        reached = self._transmitting_edges.reached_by_other_source(self._starts)
        self._yellow_nodes = reached & ~self._red_nodes
        self._counts: tuple[Counts, Counts] | None = None

    @property
    def sources(self) -> tuple[str, ...]:
        """The red sources, in code order."""
        if self._sources is None:
            self._sources = tuple(map(self._arrays.codes.__getitem__, self._starts.tolist()))
        return self._sources

    def with_sources(
        self, sources: Sequence[str], *, recount_above: int = RECOUNT_ABOVE
    ) -> RedStatusTrace:
        """The trace of the same graph from ``sources``, equal to one traced afresh.

        Only what the sources added or removed reach is searched again (see
        :meth:`graph.arrays.TransmittingGraph.rereached`). When this trace has counted
        its reach, the counts carry over: a source's RED count depends on the graph
        alone; its YELLOW count moves by the initiatives whose YELLOW changed that it
        reaches, found by a search backwards from each (every source is counted again
        when more than ``recount_above`` changed); a new source is counted by one search
        forwards from it.
        """
        position = self._arrays.position
        starts = np.unique(np.fromiter((position[source] for source in sources), np.int64))
        return self._with_starts(starts, recount_above)

    def _with_starts(self, starts: npt.NDArray[np.int64], recount_above: int) -> RedStatusTrace:
        """:meth:`with_sources` of the sources at ``starts`` (sorted positions)."""
        arrays = self._arrays
        trace = object.__new__(RedStatusTrace)
        trace._sources = None
        trace._arrays = arrays
        trace._red_edges = self._red_edges
        trace._transmitting_edges = self._transmitting_edges
        trace._starts = starts
        trace._is_source = np.zeros(arrays.size, bool)
        trace._is_source[starts] = True
        changed = np.flatnonzero(trace._is_source != self._is_source)
        trace._red_nodes = self._red_edges.rereached(self._red_nodes, starts, changed)
        reached = self._transmitting_edges.rereached(
            self._red_nodes | self._yellow_nodes, starts, changed
        )
        trace._yellow_nodes = reached & ~trace._red_nodes
        trace._counts = None
        if self._counts is not None:
            trace._counts = self._carried_counts(trace, recount_above)
        return trace

    def _carried_counts(self, trace: RedStatusTrace, recount_above: int) -> tuple[Counts, Counts]:
        """``trace``'s reach counts from this trace's (see :meth:`with_sources`)."""
        assert self._counts is not None
        red_before, yellow_before = self._counts
        initiatives = self._arrays.is_initiative
        counted = initiatives & trace._yellow_nodes
        moved = np.flatnonzero((initiatives & self._yellow_nodes) != counted)
        starts = trace._starts
        kept = self._is_source[starts]
        index_of = np.zeros(self._arrays.size, np.int64)
        index_of[self._starts] = np.arange(len(self._starts))
        earlier = index_of[starts[kept]]
        red = np.zeros(len(starts), np.int64)
        red[kept] = red_before[earlier]
        yellow = np.zeros(len(starts), np.int64)
        if len(moved) > recount_above:
            yellow = self._transmitting_edges.source_counts(starts, counted)
        else:
            shift = np.zeros(self._arrays.size, np.int64)
            for node in moved.tolist():
                checkpoint()
                shift[self._transmitting_edges.ancestors(node)[1:]] += 1 if counted[node] else -1
            yellow[kept] = yellow_before[earlier] + shift[starts[kept]]
        for index in np.flatnonzero(~kept).tolist():  # the new sources
            checkpoint()
            start = int(starts[index])
            reach = self._red_edges.descendants(start)
            red[index] = initiatives[reach].sum() - initiatives[start]
            if len(moved) <= recount_above:
                reach = self._transmitting_edges.descendants(start)
                yellow[index] = counted[reach].sum() - counted[start]
        return red, yellow

    def flagged_in_order(self, kind: NodeKind | None = NodeKind.INITIATIVE) -> FlaggedRisks:
        """:meth:`flagged` as a sequence, RED before YELLOW and then by code, made per item.

        Reading a page of it costs the page, not the whole portfolio.
        """
        wanted = np.ones(self._arrays.size, bool)
        if kind is not None:
            is_initiative = self._arrays.is_initiative
            wanted = is_initiative if kind == NodeKind.INITIATIVE else ~is_initiative
        red = np.flatnonzero(self._red_nodes & wanted)
        yellow = np.flatnonzero(self._yellow_nodes & wanted)
        return FlaggedRisks(self, np.concatenate((red, yellow)), len(red))

    def levels(self, kind: NodeKind | None = NodeKind.INITIATIVE) -> dict[str, Level]:
        """The level of every node a source reaches, keyed by code in code order.

        ``kind`` chooses which nodes to return: solutions relay the risk either way; pass
        ``NodeKind.SOLUTION`` for the level each solution carries, or None for all.
        """
        wanted = self._red_nodes | self._yellow_nodes
        if kind is not None:
            is_initiative = self._arrays.is_initiative
            wanted &= is_initiative if kind == NodeKind.INITIATIVE else ~is_initiative
        codes, red = self._arrays.codes, self._red_nodes
        return {
            codes[position]: Level.RED if red[position] else Level.YELLOW
            for position in np.flatnonzero(wanted).tolist()
        }

    def level_array(self) -> npt.NDArray[np.int8]:
        """Every node's level as a number in position (code) order: 0 none, 1 YELLOW, 2 RED.

        Two traces over one :class:`~graph.arrays.GraphArrays` compare elementwise, so
        what changed between two sets of statuses is one vectorised comparison.

        >>> graph = nx.DiGraph()
        >>> graph.add_nodes_from("ABC", kind=NodeKind.INITIATIVE)
        >>> graph.add_edge("A", "B", criticality=Criticality.HIGH)
        >>> graph.add_edge("B", "C", criticality=Criticality.MEDIUM)
        >>> RedStatusTrace(graph, ("A",)).level_array().tolist()
        [0, 2, 1]
        """
        levels: npt.NDArray[np.int8] = self._red_nodes.astype(np.int8) * 2
        levels += self._yellow_nodes
        return levels

    def flagged(self, kind: NodeKind | None = NodeKind.INITIATIVE) -> dict[str, PropagatedRisk]:
        """:meth:`levels` with each node's sources and paths, worked out when first read."""
        is_initiative, position = self._arrays.is_initiative, self._arrays.position
        return {
            code: PropagatedRisk(
                code,
                level,
                kind=NodeKind.INITIATIVE if is_initiative[position[code]] else NodeKind.SOLUTION,
                trace=self,
            )
            for code, level in self.levels(kind).items()
        }

    def sources_reaching(self, code: str, level: Level) -> tuple[str, ...]:
        """The sources that reach ``code`` at ``level`` (RED or YELLOW), sorted by code."""
        upstream = self._edges(level).ancestors(self._arrays.position[code])[1:]
        found = np.sort(upstream[self._is_source[upstream]])
        codes = self._arrays.codes
        return tuple(codes[position] for position in found.tolist())

    def reach(self) -> dict[str, SourceReach]:
        """Per source, the initiatives it flags at RED and at YELLOW, in code order.

        A source counts for a node when it reaches the node at the node's final level: a
        node that one source makes RED does not count as YELLOW for another source that
        only reaches it at YELLOW. Sources that flag nothing are left out. Counted on
        first use: it is a pass over the graph per 2,048 sources.
        """
        red_counts, yellow_counts = (counts.tolist() for counts in self._counted())
        return {
            source: SourceReach(source=source, red=red, yellow=yellow)
            for source, red, yellow in zip(self.sources, red_counts, yellow_counts, strict=True)
            if red or yellow
        }

    def _counted(self) -> tuple[Counts, Counts]:
        """Each source's count of initiatives flagged RED and YELLOW (see :meth:`reach`)."""
        if self._counts is None:
            initiatives = self._arrays.is_initiative
            red = self._red_edges.source_counts(self._starts, initiatives)
            yellow = self._transmitting_edges.source_counts(
                self._starts, initiatives & self._yellow_nodes
            )
            self._counts = red, yellow
        return self._counts

    def reach_in_order(self) -> SourceReaches:
        """:meth:`reach` as a sequence, widest reach first, made per item.

        Ordered by initiatives flagged (RED and YELLOW) descending, then RED descending,
        then source code; reading a page of it costs the page.
        """
        red, yellow = self._counted()
        total = red + yellow
        order = np.lexsort((np.arange(len(total)), -red, -total))
        return SourceReaches(self.sources, red, yellow, order[total[order] > 0])

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
        edges = self._edges(level)
        position, codes = self._arrays.position, self._arrays.codes
        target = position[code]
        hops_to_target = edges.hops_to(target)
        paths = []
        for source in sources:
            checkpoint()
            node = position[source]
            hops = hops_to_target.get(node)
            if node == target or hops is None:
                raise ValueError(f"{source} does not reach {code} at {level}")
            path = [node]
            while hops:
                hops -= 1
                node = next(
                    dependant
                    for dependant in edges.dependants(node).tolist()
                    if hops_to_target.get(dependant) == hops
                )
                path.append(node)
            paths.append(tuple(codes[step] for step in path))
        return tuple(paths)

    def _edges(self, level: Level) -> TransmittingGraph:
        return self._red_edges if level == Level.RED else self._transmitting_edges


class FlaggedRisks(Sequence[PropagatedRisk]):
    """The flagged nodes of a trace in presentation order, each made when it is read.

    Examples
    --------
    >>> graph = nx.DiGraph()
    >>> graph.add_nodes_from("ABC", kind=NodeKind.INITIATIVE)
    >>> graph.add_edge("A", "C", criticality=Criticality.MEDIUM)
    >>> graph.add_edge("A", "B", criticality=Criticality.HIGH)
    >>> flagged = RedStatusTrace(graph, ("A",)).flagged_in_order()
    >>> len(flagged), [(risk.code, risk.level.value) for risk in flagged[:2]]
    (2, [('B', 'RED'), ('C', 'YELLOW')])
    """

    def __init__(self, trace: RedStatusTrace, positions: npt.NDArray[np.int64], red: int) -> None:
        self._trace = trace
        self._positions = positions
        self._red = red

    def __len__(self) -> int:
        return len(self._positions)

    @overload
    def __getitem__(self, index: int) -> PropagatedRisk: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[PropagatedRisk]: ...

    def __getitem__(self, index: int | slice) -> PropagatedRisk | Sequence[PropagatedRisk]:
        if isinstance(index, slice):
            return [self._risk(item) for item in range(len(self))[index]]
        return self._risk(range(len(self))[index])

    def __iter__(self) -> Iterator[PropagatedRisk]:
        return (self._risk(item) for item in range(len(self)))

    def _risk(self, item: int) -> PropagatedRisk:
        arrays = self._trace._arrays
        position = int(self._positions[item])
        return PropagatedRisk(
            arrays.codes[position],
            Level.RED if item < self._red else Level.YELLOW,
            kind=NodeKind.INITIATIVE if arrays.is_initiative[position] else NodeKind.SOLUTION,
            trace=self._trace,
        )


class SourceReaches(Sequence[SourceReach]):
    """Sources with their counts in the order of :meth:`RedStatusTrace.reach_in_order`."""

    def __init__(
        self, sources: Sequence[str], red: Counts, yellow: Counts, order: npt.NDArray[np.intp]
    ) -> None:
        self._sources = sources
        self._red = red
        self._yellow = yellow
        self._order = order

    def __len__(self) -> int:
        return len(self._order)

    @overload
    def __getitem__(self, index: int) -> SourceReach: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[SourceReach]: ...

    def __getitem__(self, index: int | slice) -> SourceReach | Sequence[SourceReach]:
        if isinstance(index, slice):
            return [self._item(item) for item in range(len(self))[index]]
        return self._item(range(len(self))[index])

    def __iter__(self) -> Iterator[SourceReach]:
        return (self._item(item) for item in range(len(self)))

    def _item(self, item: int) -> SourceReach:
        chosen = int(self._order[item])
        return SourceReach(self._sources[chosen], int(self._red[chosen]), int(self._yellow[chosen]))
