"""The dependency graph as arrays, for the passes that visit all of it.

networkx is the model the analysis reasons about; the passes that touch every node and
edge of a large portfolio — red-status reach, per-source counts, cycle groups, the
schedule's forward and backward passes — run on the same graph held as integer arrays,
where one numpy or scipy call does what a Python loop over 100,000 nodes would. Nodes are
numbered by code order, so position order is code order and "the smallest code" is "the
smallest position".

* Reach from many sources at once is one breadth-first search (scipy) from a root joined
  to the sources' dependants (:meth:`TransmittingGraph.reached_by_other_source`).
* How many nodes each source reaches is a dynamic programme over the topological
  generations with the strongly connected components contracted: a component's set of
  sources, as a row of bits, is its own sources joined with the rows of every component
  with an edge into it. One generation is one gather and one ``bitwise_or.reduceat``
  over its incoming edges, so the Python loop runs once per generation, not once per
  node. Sources are taken in blocks of :data:`SOURCE_BLOCK`, so the working memory stays
  ``components × SOURCE_BLOCK / 8`` bytes however many sources there are.
* The schedule (:mod:`graph.schedule`) walks :meth:`GraphArrays.topological_generations`
  with the edges grouped by end (:meth:`GraphArrays.edges_into`, ``edges_from``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import networkx as nx
import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_array
from scipy.sparse.csgraph import breadth_first_order, connected_components

from graph.cancellation import checkpoint
from graph.model import Criticality, DependencyType, NodeKind

__all__ = [
    "NO_DAY",
    "SOURCE_BLOCK",
    "EdgeIndex",
    "GraphArrays",
    "TransmittingGraph",
    "graph_arrays",
]

Positions = npt.NDArray[np.int64]
Indices = npt.NDArray[np.int32]  # positions as scipy.sparse gives them
Mask = npt.NDArray[np.bool_]
Words = npt.NDArray[np.uint64]
PositionsLike = Sequence[int] | npt.NDArray[np.integer[Any]]

NO_DAY = np.iinfo(np.int64).min // 4
"""A day ordinal that stands for none: far below every date, and room to add lags."""

SOURCE_BLOCK = 2048
"""Sources per pass of :meth:`TransmittingGraph.source_counts` (a multiple of 64)."""

STRENGTH = {Criticality.HIGH: 2, Criticality.MEDIUM: 1, Criticality.LOW: 0}
"""A criticality as the number the arrays hold."""


class EdgeIndex(NamedTuple):
    """Edge numbers grouped by one end, with where each node's group starts."""

    edges: Positions
    starts: Positions

    def of(self, nodes: Positions) -> tuple[Positions, Positions]:
        """The edges of ``nodes``, grouped in their order, and each node's edge count."""
        return self.edges[_ranges(self.starts, nodes)], self.starts[nodes + 1] - self.starts[nodes]


@dataclass(eq=False)
class GraphArrays:
    """Nodes by position (code order) and edges as parallel arrays.

    Examples
    --------
    >>> graph = nx.DiGraph()
    >>> graph.add_nodes_from("BA", kind=NodeKind.INITIATIVE)
    >>> graph.add_edge("A", "B", criticality=Criticality.MEDIUM)
    >>> arrays = graph_arrays(graph)
    >>> arrays.codes, arrays.supplier.tolist(), arrays.dependant.tolist()
    (('A', 'B'), [0], [1])
    >>> arrays.transmitting(Criticality.MEDIUM).forward.toarray().tolist()
    [[0, 1], [0, 0]]
    """

    codes: tuple[str, ...]
    position: dict[str, int]
    is_initiative: Mask
    supplier: Positions
    dependant: Positions
    strength: npt.NDArray[np.int8]
    lag_days: Positions
    finish_to_finish: Mask
    forecast: Positions  # the supplier delivery's forecast as a day ordinal, else NO_DAY
    deliveries: tuple[str | None, ...]  # the supplier delivery each edge names
    _transmitting: dict[Criticality, TransmittingGraph] = field(default_factory=dict, repr=False)
    _generations: list[Positions] | None = field(default=None, repr=False)
    _acyclic: bool | None = field(default=None, repr=False)
    _edges_into: EdgeIndex | None = field(default=None, repr=False)
    _edges_from: EdgeIndex | None = field(default=None, repr=False)

    @property
    def size(self) -> int:
        return len(self.codes)

    def transmitting(self, weakest: Criticality) -> TransmittingGraph:
        """The graph of the edges at least ``weakest``, made once and kept."""
        found = self._transmitting.get(weakest)
        if found is None:
            keep = self.strength >= STRENGTH[weakest]
            found = TransmittingGraph(self.size, self.supplier[keep], self.dependant[keep])
            self._transmitting[weakest] = found
        return found

    def topological_generations(self) -> list[Positions] | None:
        """Nodes in generations, each after every supplier of its nodes; None on a cycle."""
        if self._acyclic is None:
            generations = _generations(self.size, self.supplier, self.dependant)
            self._acyclic = sum(len(generation) for generation in generations) == self.size
            self._generations = generations if self._acyclic else None
        return self._generations

    def generations_within(self, included: Mask) -> list[Positions]:
        """Generations of the ``included`` nodes, ignoring edges from or to the others.

        The nodes of a cycle among them never come free and are left out.
        """
        return _generations(self.size, self.supplier, self.dependant, included)

    def edges_into(self) -> EdgeIndex:
        """Edge numbers grouped by dependant: ``edges[starts[v]:starts[v + 1]]`` enter v."""
        if self._edges_into is None:
            self._edges_into = _edge_index(self.dependant, self.size)
        return self._edges_into

    def edges_from(self) -> EdgeIndex:
        """Edge numbers grouped by supplier: ``edges[starts[u]:starts[u + 1]]`` leave u."""
        if self._edges_from is None:
            self._edges_from = _edge_index(self.supplier, self.size)
        return self._edges_from

    def cyclic_groups(self) -> tuple[tuple[str, ...], ...]:
        """The groups of nodes caught in cycles, as :func:`graph.cycles.find_cycles` gives.

        Examples
        --------
        >>> graph = nx.DiGraph([("A", "B"), ("B", "A"), ("B", "C"), ("D", "D")])
        >>> graph.add_nodes_from(graph, kind=NodeKind.INITIATIVE)
        >>> graph_arrays(graph).cyclic_groups()
        (('A', 'B'), ('D',))
        """
        edges = self.transmitting(Criticality.LOW)
        on_cycle = edges.cyclic.copy()
        on_cycle[self.supplier[self.supplier == self.dependant]] = True
        groups: dict[int, list[str]] = {}
        for position in np.flatnonzero(on_cycle).tolist():
            groups.setdefault(int(edges.labels[position]), []).append(self.codes[position])
        return tuple(sorted(tuple(group) for group in groups.values()))


def graph_arrays(graph: nx.DiGraph) -> GraphArrays:
    """Number the nodes of ``graph`` in code order and list its edges as arrays."""
    codes = tuple(sorted(graph))
    position = {code: index for index, code in enumerate(codes)}
    nodes = graph.nodes
    is_initiative = np.fromiter(
        (nodes[code].get("kind") == NodeKind.INITIATIVE for code in codes), bool, len(codes)
    )
    edges = [
        (
            position[source],
            position[target],
            STRENGTH.get(attributes.get("criticality"), 0),
            attributes.get("lag_days", 0),
            attributes.get("type") == DependencyType.FINISH_TO_FINISH,
            NO_DAY
            if (forecast := attributes.get("supplier_delivery_forecast")) is None
            else forecast.toordinal(),
        )
        for source, dependants in graph._succ.items()  # the raw adjacency: a view costs more
        for target, attributes in dependants.items()
    ]
    deliveries = [
        attributes.get("supplier_delivery")
        for dependants in graph._succ.values()
        for attributes in dependants.values()
    ]
    table = np.array(edges, np.int64).reshape(-1, 6)
    return GraphArrays(
        codes=codes,
        position=position,
        is_initiative=is_initiative,
        supplier=table[:, 0].copy(),
        dependant=table[:, 1].copy(),
        strength=table[:, 2].astype(np.int8),
        lag_days=table[:, 3].copy(),
        finish_to_finish=table[:, 4].astype(bool),
        forecast=table[:, 5].copy(),
        deliveries=tuple(deliveries),
    )


class TransmittingGraph:
    """The edges that carry one level, ready for reach over many sources at once.

    ``forward`` has a row per supplier listing its dependants in code order and
    ``backward`` the reverse. Reach runs on the graph with its strongly connected
    components contracted, one topological generation at a time.

    Examples
    --------
    >>> edges = TransmittingGraph(4, np.array([0, 1, 2]), np.array([1, 2, 1]))
    >>> edges.reached_by_other_source([0]).tolist()
    [False, True, True, False]
    >>> edges.reached_by_other_source([1]).tolist()  # 1 reaches itself only over a cycle
    [False, False, True, False]
    >>> edges.source_counts([0, 1], np.ones(4, bool)).tolist()
    [2, 1]
    """

    def __init__(self, size: int, supplier: Positions, dependant: Positions) -> None:
        self.size = size
        self.forward = _adjacency(size, supplier, dependant)
        self.backward = _adjacency(size, dependant, supplier)
        count, labels = connected_components(self.forward, directed=True, connection="strong")
        self._components = int(count)
        self.labels: Positions = labels.astype(np.int64)
        """The strongly connected component of each node."""
        component_sizes = np.bincount(self.labels, minlength=self._components)
        self.cyclic: Mask = component_sizes[self.labels] > 1
        """Whether each node shares its component with another node."""
        self._self_loop = np.zeros(size, bool)
        self._self_loop[supplier[supplier == dependant]] = True
        self._generations: list[_Generation] | None = None

    def ancestors(self, node: int) -> Indices:
        """Positions of the nodes with a path to ``node``, ``node`` first, breadth-first."""
        order: Indices = breadth_first_order(
            self.backward, node, directed=True, return_predecessors=False
        )
        return order

    def hops_to(self, node: int) -> dict[int, int]:
        """Fewest edges to ``node`` from each node with a path to it (``node`` itself: 0)."""
        order, parents = breadth_first_order(
            self.backward, node, directed=True, return_predecessors=True
        )
        hops = {node: 0}
        parent_of = parents.tolist()
        for reached in order[1:].tolist():
            hops[reached] = hops[parent_of[reached]] + 1
        return hops

    def dependants(self, node: int) -> Indices:
        """The dependants of ``node``, in code order."""
        indptr = self.forward.indptr
        found: Indices = self.forward.indices[indptr[node] : indptr[node + 1]]
        return found

    def descendants(self, node: int) -> Indices:
        """Positions of the nodes ``node`` has a path to, ``node`` first, breadth-first."""
        order: Indices = breadth_first_order(
            self.forward, node, directed=True, return_predecessors=False
        )
        return order

    def reached_by_other_source(self, sources: PositionsLike) -> Mask:
        """Which nodes a source other than themselves has a path to.

        One breadth-first search from a root joined to every dependant of a source finds
        what the sources reach along one edge or more. A source found that way, if it is
        on a cycle, may have been found only through itself: it counts when another
        source shares its cycle, or when an edge enters the cycle from a source or from a
        node the search found (which no path from the source itself can reach).
        """
        starts = np.asarray(sources, dtype=np.int64)
        forward = self.forward
        first_steps = np.unique(forward.indices[_ranges(forward.indptr.astype(np.int64), starts)])
        reached = self._reached_from(first_steps)
        is_source = np.zeros(self.size, bool)
        is_source[starts] = True
        return self._confirmed(reached, reached, is_source, starts)

    def rereached(self, before: Mask, sources: PositionsLike, changed: PositionsLike) -> Mask:
        """:meth:`reached_by_other_source` of ``sources``, from the answer for other sources.

        ``before`` is the answer for a set of sources that differs from ``sources`` by
        ``changed`` (sources added or removed). Only the nodes ``changed`` has a path to
        can change: no other node gains or loses a path from a changed source. They are
        searched again, from where the unchanged part of the graph enters them (an edge
        from a node outside them that is reached or a source) and from the sources among
        them; the rest of ``before`` is kept. A source found is confirmed as
        :meth:`reached_by_other_source` confirms it.

        Examples
        --------
        >>> edges = TransmittingGraph(4, np.array([0, 1, 3]), np.array([1, 2, 2]))
        >>> before = edges.reached_by_other_source([0, 3])
        >>> edges.rereached(before, [3], [0]).tolist()  # 0 stops being a source
        [False, False, True, False]
        >>> edges.rereached(before, [0, 1, 3], [1]).tolist()
        [False, True, True, False]
        """
        moved = np.asarray(changed, dtype=np.int64)
        if not moved.size:
            return before.copy()
        starts = np.asarray(sources, dtype=np.int64)
        affected = self._reached_from(np.unique(moved))  # the changed and what they reach
        is_source = np.zeros(self.size, bool)
        is_source[starts] = True
        checkpoint()
        inside = np.flatnonzero(affected)
        backward, forward = self.backward, self.forward
        back_starts = backward.indptr.astype(np.int64)
        suppliers = backward.indices[_ranges(back_starts, inside)]
        targets = np.repeat(inside, np.diff(back_starts)[inside])
        entered = ~affected[suppliers] & (before[suppliers] | is_source[suppliers])
        inner_sources = inside[is_source[inside]]
        steps = np.unique(
            np.concatenate(
                (
                    targets[entered],
                    forward.indices[_ranges(forward.indptr.astype(np.int64), inner_sources)],
                )
            )
        )
        found = self._reached_from(steps)
        after = np.where(affected, found, before)
        return self._confirmed(after, found, is_source, starts)

    def _reached_from(self, steps: npt.NDArray[np.signedinteger[Any]]) -> Mask:
        """The nodes with a path of zero or more edges from one of ``steps``."""
        forward, root = self.forward, self.size
        with_root = csr_array(
            (
                np.ones(forward.nnz + len(steps), np.int8),
                np.concatenate((forward.indices, steps.astype(forward.indices.dtype))),
                np.concatenate((forward.indptr, [forward.nnz + len(steps)])),
            ),
            shape=(root + 1, root + 1),
        )
        checkpoint()
        reached = np.zeros(root + 1, bool)
        reached[breadth_first_order(with_root, root, return_predecessors=False)[1:]] = True
        return reached[:root]

    def _confirmed(self, reached: Mask, searched: Mask, is_source: Mask, starts: Positions) -> Mask:
        """``reached`` without the ``searched`` sources on a cycle that only reach themselves."""
        on_cycle = self.cyclic | self._self_loop
        doubtful = searched & is_source & on_cycle
        if not doubtful.any():
            return reached
        labels = self.labels
        sources_in = np.bincount(labels[starts], minlength=self._components)
        coordinates = self.forward.tocoo()
        supplier, dependant = coordinates.row, coordinates.col
        entering = (labels[supplier] != labels[dependant]) & (reached | is_source)[supplier]
        fed = np.zeros(self._components, bool)
        fed[labels[dependant[entering]]] = True
        confirmed = (sources_in[labels] > 1) | fed[labels]
        confirmed_reach: Mask = reached & (~doubtful | confirmed)
        return confirmed_reach

    def source_counts(
        self, sources: PositionsLike, counted: Mask, *, block: int = SOURCE_BLOCK
    ) -> Positions:
        """For each source, how many ``counted`` nodes other than itself it reaches.

        Sources are taken ``block`` at a time (a multiple of 64), which bounds the
        working memory at ``components × block / 8`` bytes.
        """
        starts = np.asarray(sources, dtype=np.int64)
        weights = np.bincount(self.labels[counted], minlength=self._components)
        counts = np.zeros(len(starts), np.int64)
        for first in range(0, len(starts), block):
            chosen = starts[first : first + block]
            rows = self._source_rows(chosen)
            counts[first : first + len(chosen)] = _column_counts(
                np.repeat(rows, weights, axis=0), len(chosen)
            ) - counted[chosen].astype(np.int64)
        return counts

    def _source_rows(self, block: Positions) -> Words:
        """Per component, the bits of the block's sources that are in it or reach it."""
        rows = np.zeros((self._components, (len(block) + 63) // 64), "<u8")
        bit = np.arange(len(block))
        np.bitwise_or.at(
            rows,
            (self.labels[block], bit // 64),
            np.left_shift(np.uint64(1), (bit % 64).astype(np.uint64)),
        )
        for generation in self._plan():
            checkpoint()
            rows[generation.targets] |= np.bitwise_or.reduceat(
                rows[generation.suppliers], generation.offsets, axis=0
            )
        return rows

    def _plan(self) -> list[_Generation]:
        if self._generations is None:
            self._generations = _generation_plan(self._components, *self._condensed_edges())
        return self._generations

    def _condensed_edges(self) -> tuple[Positions, Positions]:
        """The distinct edges between components."""
        coordinates = self.forward.tocoo()
        supplier = self.labels[coordinates.row]
        dependant = self.labels[coordinates.col]
        between = supplier != dependant
        pairs = np.unique(supplier[between] * self._components + dependant[between])
        return pairs // self._components, pairs % self._components


class _Generation(NamedTuple):
    """The components of one topological generation and the edges into them."""

    targets: Positions  # components, each with at least one incoming edge
    suppliers: Positions  # supplier component of each incoming edge, grouped by target
    offsets: Positions  # where each target's group starts in ``suppliers``


def _adjacency(size: int, supplier: Positions, dependant: Positions) -> csr_array:
    matrix = csr_array((np.ones(len(supplier), np.int8), (supplier, dependant)), shape=(size, size))
    matrix.sum_duplicates()  # also sorts each row's indices
    return matrix


def _generation_plan(count: int, supplier: Positions, dependant: Positions) -> list[_Generation]:
    """The topological generations of a DAG after the first, each with its incoming edges."""
    in_suppliers = supplier[np.argsort(dependant, kind="stable")]
    in_starts = _starts(dependant, count)
    in_degree = np.diff(in_starts)
    plan = []
    for targets in _generations(count, supplier, dependant)[1:]:
        offsets = np.concatenate(([0], np.cumsum(in_degree[targets])[:-1]))
        plan.append(_Generation(targets, in_suppliers[_ranges(in_starts, targets)], offsets))
    return plan


def _generations(
    size: int, supplier: Positions, dependant: Positions, included: Mask | None = None
) -> list[Positions]:
    """Kahn's algorithm a generation at a time, over the ``included`` nodes (default all).

    Edges from or to a node left out are ignored. Nodes on a cycle never come free, so
    on a cyclic graph the generations hold fewer nodes than were included.
    """
    if included is not None:
        keep = included[supplier] & included[dependant]
        supplier, dependant = supplier[keep], dependant[keep]
    out_targets = dependant[np.argsort(supplier, kind="stable")]
    out_starts = _starts(supplier, size)
    waiting = np.bincount(dependant, minlength=size)
    free = waiting == 0
    frontier = np.flatnonzero(free if included is None else free & included)
    generations = []
    while frontier.size:
        checkpoint()
        generations.append(frontier)
        touched = out_targets[_ranges(out_starts, frontier)]
        np.subtract.at(waiting, touched, 1)
        candidates = np.unique(touched)
        frontier = candidates[waiting[candidates] == 0]
    return generations


def _column_counts(rows: Words, bits: int) -> Positions:
    """How many rows have each bit set: the rows added as binary numbers, bit-parallel.

    Rows are summed in pairs, level by level, as numbers held in bit planes (a ripple
    adder over whole arrays), so the work is a few word operations per row and word.

    Examples
    --------
    >>> rows = np.array([[0b011], [0b110], [0b010]], dtype="<u8")
    >>> _column_counts(rows, 3).tolist()
    [1, 3, 1]
    """
    if not rows.shape[0]:
        return np.zeros(bits, np.int64)
    planes = [rows]  # the least significant plane first; every plane has the same rows
    while planes[0].shape[0] > 1:
        if planes[0].shape[0] % 2:
            planes = [np.concatenate((plane, np.zeros_like(plane[:1]))) for plane in planes]
        carry = np.zeros_like(planes[0][::2])
        summed = []
        for plane in planes:
            low, high = plane[::2], plane[1::2]
            either = low ^ high
            summed.append(either ^ carry)
            carry = (low & high) | (carry & either)
        summed.append(carry)
        planes = summed
    counts = np.zeros(rows.shape[1] * 64, np.int64)
    for significance, plane in enumerate(planes):
        counts += np.unpackbits(plane[0].view(np.uint8), bitorder="little").astype(
            np.int64
        ) << np.int64(significance)
    return counts[:bits]


def _edge_index(ends: Positions, count: int) -> EdgeIndex:
    return EdgeIndex(np.argsort(ends, kind="stable"), _starts(ends, count))


def _starts(keys: Positions, count: int) -> Positions:
    """CSR row pointers for ``keys`` grouped in sorted order."""
    return np.concatenate(([0], np.cumsum(np.bincount(keys, minlength=count)))).astype(np.int64)


def _ranges(starts: Positions, rows: Positions) -> Positions:
    """The concatenated index ranges ``starts[row]:starts[row + 1]`` of ``rows``."""
    begin = starts[rows]
    lengths = starts[rows + 1] - begin
    total = int(lengths.sum())
    if not total:
        return np.empty(0, np.int64)
    shifts = np.repeat(begin - np.concatenate(([0], np.cumsum(lengths)[:-1])), lengths)
    return shifts + np.arange(total)
