"""Dependency chains: what a node depends on, and who waits for it.

Every chain node comes with its depth (hops from the starting node) and one shortest
path. Paths start at the node asked about and end at the node reached, whichever the
direction: ``upstream(graph, "LMR")`` reaches ``HAP-PROG`` by ``("LMR", "HAP",
"HAP-PROG")``. Among the paths with fewest hops the one with the smallest sequence of
codes is chosen, so results never depend on insertion order.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

from graph._traversal import shortest_paths
from graph.build import require_node
from graph.model import NodeKind, SolutionNode

__all__ = ["ChainNode", "FoundationDependency", "downstream", "foundation_dependencies", "upstream"]


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


def upstream(
    graph: nx.DiGraph,
    code: str,
    *,
    max_depth: int | None = None,
    kind: NodeKind | None = None,
) -> tuple[ChainNode, ...]:
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

    Returns
    -------
    tuple of ChainNode
        Sorted by (depth, code).

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
    return _chain(graph, code, reverse=True, max_depth=max_depth, kind=kind)


def downstream(
    graph: nx.DiGraph,
    code: str,
    *,
    max_depth: int | None = None,
    kind: NodeKind | None = None,
) -> tuple[ChainNode, ...]:
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
    return _chain(graph, code, reverse=False, max_depth=max_depth, kind=kind)


def foundation_dependencies(graph: nx.DiGraph, code: str) -> tuple[FoundationDependency, ...]:
    """Return the solutions ``code`` depends on, with category, depth and path.

    Returns
    -------
    tuple of FoundationDependency
        Sorted by (depth, solution code). Paths start at ``code``.

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
    return tuple(
        FoundationDependency(
            solution=node.code,
            category=_category(graph, node.code),
            depth=node.depth,
            path=node.path,
        )
        for node in upstream(graph, code, kind=NodeKind.SOLUTION)
    )


def _chain(
    graph: nx.DiGraph,
    code: str,
    *,
    reverse: bool,
    max_depth: int | None,
    kind: NodeKind | None,
) -> tuple[ChainNode, ...]:
    require_node(graph, code)
    kinds = graph.nodes
    found = [
        ChainNode(code=node, kind=kinds[node]["kind"], depth=len(path) - 1, path=path)
        for node, path in shortest_paths(graph, code, reverse=reverse, max_depth=max_depth).items()
        if node != code and (kind is None or kinds[node]["kind"] == kind)
    ]
    return tuple(sorted(found, key=lambda node: (node.depth, node.code)))


def _category(graph: nx.DiGraph, code: str) -> str:
    record = graph.nodes[code].get("data")
    return record.category if isinstance(record, SolutionNode) else ""
