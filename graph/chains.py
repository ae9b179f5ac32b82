"""Dependency chains: what a node depends on, and who waits for it.

Every chain node comes with its depth (hops from the starting node) and one shortest
path. Paths start at the node asked about and end at the node reached, whichever the
direction: ``upstream(graph, "LMR")`` reaches ``HAP-PROG`` by ``("LMR", "HAP",
"HAP-PROG")``. Among the paths with fewest hops the one with the smallest sequence of
codes is chosen, so results never depend on insertion order.

A chain is counted without building any path: :class:`Chain` keeps the walk's parents and
builds a node's path only when that node is taken, so the first page of a long chain costs
the page, not the chain.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import overload

import networkx as nx

from graph._traversal import layers_from, path_to
from graph.build import require_node
from graph.cancellation import checkpoint
from graph.model import NodeKind, SolutionNode

__all__ = [
    "Chain",
    "ChainNode",
    "FoundationChain",
    "FoundationDependency",
    "downstream",
    "foundation_dependencies",
    "upstream",
]


@dataclass(frozen=True, slots=True)
class ChainNode:
    """A node reached from the starting node, with its depth and one shortest path."""

    code: str
    kind: NodeKind
    depth: int
    path: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class FoundationDependency:
    """A solution the starting node depends on, directly or through other nodes."""

    solution: str
    category: str
    depth: int
    path: tuple[str, ...]


@dataclass(frozen=True, slots=True, eq=False)
class Chain(Sequence[ChainNode]):
    """The nodes a walk reached, sorted by (depth, code); each path is built when taken.

    ``len`` costs nothing and a slice builds only the paths it holds. Compare chains as
    ``tuple(chain)``: a chain itself is equal only to itself.

    Examples
    --------
    >>> graph = nx.DiGraph([("A", "B"), ("B", "C"), ("C", "D")])
    >>> nx.set_node_attributes(graph, NodeKind.INITIATIVE, "kind")
    >>> chain = downstream(graph, "A")
    >>> len(chain), chain.codes
    (3, ('B', 'C', 'D'))
    >>> [node.path for node in chain[1:]]
    [('A', 'B', 'C'), ('A', 'B', 'C', 'D')]
    """

    codes: tuple[str, ...]
    kinds: tuple[NodeKind, ...]
    depths: tuple[int, ...]
    parents: Mapping[str, str]  # read-only: each reached node's parent on its path

    def __len__(self) -> int:
        return len(self.codes)

    @overload
    def __getitem__(self, index: int) -> ChainNode: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[ChainNode, ...]: ...

    def __getitem__(self, index: int | slice) -> ChainNode | tuple[ChainNode, ...]:
        if isinstance(index, slice):
            return tuple(self._node(at) for at in range(*index.indices(len(self.codes))))
        return self._node(range(len(self.codes))[index])

    def __iter__(self) -> Iterator[ChainNode]:
        return (self._node(at) for at in range(len(self.codes)))

    def _node(self, at: int) -> ChainNode:
        code = self.codes[at]
        return ChainNode(
            code=code, kind=self.kinds[at], depth=self.depths[at], path=path_to(self.parents, code)
        )


@dataclass(frozen=True, slots=True, eq=False)
class FoundationChain(Sequence[FoundationDependency]):
    """The solutions upstream of a node, as a :class:`Chain` of them with their categories.

    Examples
    --------
    >>> graph = nx.DiGraph([("KJ", "PLL"), ("PLL", "HP")])
    >>> nx.set_node_attributes(graph, NodeKind.INITIATIVE, "kind")
    >>> graph.nodes["KJ"]["kind"] = NodeKind.SOLUTION
    >>> found = foundation_dependencies(graph, "HP")
    >>> len(found), found[0].path
    (1, ('HP', 'PLL', 'KJ'))
    """

    chain: Chain
    categories: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.chain)

    @overload
    def __getitem__(self, index: int) -> FoundationDependency: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[FoundationDependency, ...]: ...

    def __getitem__(
        self, index: int | slice
    ) -> FoundationDependency | tuple[FoundationDependency, ...]:
        if isinstance(index, slice):
            return tuple(self._dependency(at) for at in range(*index.indices(len(self.chain))))
        return self._dependency(range(len(self.chain))[index])

    def __iter__(self) -> Iterator[FoundationDependency]:
        return (self._dependency(at) for at in range(len(self.chain)))

    def _dependency(self, at: int) -> FoundationDependency:
        chain = self.chain
        return FoundationDependency(
            solution=chain.codes[at],
            category=self.categories[at],
            depth=chain.depths[at],
            path=path_to(chain.parents, chain.codes[at]),
        )


def upstream(
    graph: nx.DiGraph,
    code: str,
    *,
    max_depth: int | None = None,
    kind: NodeKind | None = None,
    nearest: int | None = None,
) -> Chain:
    """Return the ancestors of ``code``: everything it depends on, transitively.

    Parameters
    ----------
    graph : networkx.DiGraph
        A graph from :func:`~graph.build.build_dependency_graph`.
    code : str
        The node to start from; it is not part of the result.
    max_depth : int, optional
        Stop after this many hops.
    kind : NodeKind, optional
        Only report nodes of this kind (the search still passes through the others).
    nearest : int, optional
        Stop at the first depth by which this many nodes are reached: the chain then
        starts with the same nodes as the whole chain, and holds at least ``nearest``
        of them where there are that many. For a page, when the total is not asked for.

    Returns
    -------
    Chain
        Sorted by (depth, code); paths are built only for the nodes taken from it.

    Raises
    ------
    NodeNotFound
        If ``code`` is not in the graph.

    Examples
    --------
    >>> graph = nx.DiGraph([("HAP-PROG", "HAP"), ("HAP", "LMR")])
    >>> nx.set_node_attributes(graph, NodeKind.INITIATIVE, "kind")
    >>> graph.nodes["HAP"]["kind"] = NodeKind.SOLUTION
    >>> [(node.code, node.depth, node.path) for node in upstream(graph, "LMR")]
    [('HAP', 1, ('LMR', 'HAP')), ('HAP-PROG', 2, ('LMR', 'HAP', 'HAP-PROG'))]
    """
    return _chain(graph, code, reverse=True, max_depth=max_depth, kind=kind, nearest=nearest)


def downstream(
    graph: nx.DiGraph,
    code: str,
    *,
    max_depth: int | None = None,
    kind: NodeKind | None = None,
    nearest: int | None = None,
) -> Chain:
    """Return the descendants of ``code``: everyone waiting for it, transitively.

    Parameters and results mirror :func:`upstream`, following edges forwards.

    Examples
    --------
    >>> graph = nx.DiGraph([("HAP-PROG", "HAP"), ("HAP", "LMR")])
    >>> nx.set_node_attributes(graph, NodeKind.INITIATIVE, "kind")
    >>> graph.nodes["HAP"]["kind"] = NodeKind.SOLUTION
    >>> [node.code for node in downstream(graph, "HAP-PROG", kind=NodeKind.INITIATIVE)]
    ['LMR']
    """
    return _chain(graph, code, reverse=False, max_depth=max_depth, kind=kind, nearest=nearest)


def foundation_dependencies(
    graph: nx.DiGraph, code: str, *, nearest: int | None = None
) -> FoundationChain:
    """Return the solutions ``code`` depends on, with category, depth and path.

    ``nearest`` stops the walk as :func:`upstream` does.

    Returns
    -------
    FoundationChain
        Sorted by (depth, solution code). Paths start at ``code`` and are built only for
        the dependencies taken from it.

    Raises
    ------
    NodeNotFound
        If ``code`` is not in the graph.

    Examples
    --------
    >>> from graph.build import build_dependency_graph
    >>> from graph.model import Criticality, DependencyEdge, InitiativeNode
    >>> graph = build_dependency_graph(
    ...     initiatives=[InitiativeNode("PLL", "PLL", None, None, None),
    ...                  InitiativeNode("HP", "Helseplattformen", None, None, None)],
    ...     solutions=[SolutionNode("KJ", "Kjernejournal", "NATIONAL_EHEALTH_SOLUTION")],
    ...     dependencies=[DependencyEdge("KJ", "PLL", Criticality.HIGH),
    ...                   DependencyEdge("PLL", "HP", Criticality.MEDIUM)],
    ... )
    >>> [(dep.solution, dep.category, dep.depth, dep.path)
    ...  for dep in foundation_dependencies(graph, "HP")]
    [('KJ', 'NATIONAL_EHEALTH_SOLUTION', 2, ('HP', 'PLL', 'KJ'))]
    """
    chain = upstream(graph, code, kind=NodeKind.SOLUTION, nearest=nearest)
    return FoundationChain(chain, tuple(_category(graph, solution) for solution in chain.codes))


def _chain(
    graph: nx.DiGraph,
    code: str,
    *,
    reverse: bool,
    max_depth: int | None,
    kind: NodeKind | None,
    nearest: int | None = None,
) -> Chain:
    require_node(graph, code)
    parents: dict[str, str] = {}
    kinds = graph.nodes
    codes: list[str] = []
    depths: list[int] = []
    layers = layers_from(graph, code, parents, reverse=reverse, max_depth=max_depth)
    for depth, layer in enumerate(layers, start=1):
        checkpoint()
        taken = sorted(node for node in layer if kind is None or kinds[node]["kind"] == kind)
        codes.extend(taken)
        depths.extend([depth] * len(taken))
        if nearest is not None and len(codes) >= nearest:
            break  # the nearest are all in: farther layers sort after them
    return Chain(
        codes=tuple(codes),
        kinds=tuple(kinds[node]["kind"] for node in codes),
        depths=tuple(depths),
        parents=MappingProxyType(parents),
    )


def _category(graph: nx.DiGraph, code: str) -> str:
    record = graph.nodes[code].get("data")
    return record.category if isinstance(record, SolutionNode) else ""
