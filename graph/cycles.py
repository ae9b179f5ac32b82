"""Dependency cycles: detect them in loaded data, and refuse the edge that would close one.

Cycles are found through strongly connected components, never by enumerating simple
cycles, whose number can grow exponentially with the graph. A cycle is reported as a
closed path of codes: the first code is repeated at the end.
"""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx

from graph._traversal import shortest_paths
from graph.build import require_node

__all__ = ["find_cycles", "one_cycle", "refused_edges", "would_create_cycle"]


def would_create_cycle(
    graph: nx.DiGraph, *, supplier: str, dependant: str
) -> tuple[str, ...] | None:
    """Return the cycle that the dependency ``supplier -> dependant`` would close, if any.

    The cycle runs from ``dependant`` along existing edges to ``supplier`` (fewest hops,
    then smallest codes) and back to ``dependant``. A self-dependency is the cycle
    ``(code, code)``.

    Raises
    ------
    NodeNotFound
        If either code is not in the graph.

    Examples
    --------
    >>> graph = nx.DiGraph([("KJ", "PLL"), ("PLL", "HP")])
    >>> would_create_cycle(graph, supplier="HP", dependant="KJ")
    ('KJ', 'PLL', 'HP', 'KJ')
    >>> would_create_cycle(graph, supplier="KJ", dependant="HP") is None
    True
    """
    require_node(graph, supplier)
    require_node(graph, dependant)
    if supplier == dependant:
        return (dependant, dependant)
    path = shortest_paths(graph, dependant).get(supplier)
    return None if path is None else (*path, dependant)


def refused_edges(
    graph: nx.DiGraph,
    edges: Iterable[tuple[str, str]],
    *,
    removed: Iterable[tuple[str, str]] = (),
) -> tuple[tuple[int, tuple[str, ...]], ...]:
    """Return the edges that would close a cycle when added to ``graph`` one by one.

    ``edges`` are ``(supplier, dependant)`` pairs, added in order to a copy of ``graph``
    from which ``removed`` has been taken away first; a code not yet in the graph becomes
    a node. An edge that would close a cycle with the graph and the edges accepted before
    it is refused and left out, so the accepted edges and the graph stay acyclic together
    (when the graph was). An edge already present is accepted as it is. Each refusal is
    ``(position in edges, cycle)`` with the cycle as :func:`would_create_cycle` gives it:
    it ends with the refused edge. ``graph`` is not changed.

    Examples
    --------
    >>> graph = nx.DiGraph([("KJ", "KJ-PLO"), ("KJ-PLO", "PLL")])
    >>> refused_edges(graph, [("PLL", "KJ"), ("PLL", "HP"), ("HP", "PLL")])
    ((0, ('KJ', 'KJ-PLO', 'PLL', 'KJ')), (2, ('PLL', 'HP', 'PLL')))
    >>> refused_edges(graph, [("PLL", "KJ")], removed=[("KJ", "KJ-PLO")])
    ()
    """
    working = nx.DiGraph()
    working.add_nodes_from(graph)
    working.add_edges_from(graph.edges)
    working.remove_edges_from(removed)
    refused = []
    for position, (supplier, dependant) in enumerate(edges):
        if working.has_edge(supplier, dependant):
            continue
        working.add_nodes_from((supplier, dependant))
        cycle = would_create_cycle(working, supplier=supplier, dependant=dependant)
        if cycle is None:
            working.add_edge(supplier, dependant)
        else:
            refused.append((position, cycle))
    return tuple(refused)


def find_cycles(graph: nx.DiGraph) -> tuple[tuple[str, ...], ...]:
    """Return the groups of nodes caught in cycles, each as sorted codes.

    A group is a strongly connected component with more than one node, or a single node
    that depends on itself. Groups are sorted by their codes; an acyclic graph gives ``()``.

    Examples
    --------
    >>> graph = nx.DiGraph([("A", "B"), ("B", "A"), ("B", "C"), ("D", "D")])
    >>> find_cycles(graph)
    (('A', 'B'), ('D',))
    """
    groups = [
        tuple(sorted(component))
        for component in nx.strongly_connected_components(graph)
        if len(component) > 1 or graph.has_edge(*(next(iter(component)),) * 2)
    ]
    return tuple(sorted(groups))


def one_cycle(graph: nx.DiGraph) -> tuple[str, ...] | None:
    """Return one cycle as a closed path of codes, or None if the graph is acyclic.

    The cycle chosen is deterministic: it starts at the smallest code of the first group
    from :func:`find_cycles` and is the shortest way back to it (then smallest codes).

    Examples
    --------
    >>> one_cycle(nx.DiGraph([("C", "A"), ("A", "B"), ("B", "C"), ("B", "A")]))
    ('A', 'B', 'A')
    >>> one_cycle(nx.DiGraph([("A", "B")])) is None
    True
    """
    groups = find_cycles(graph)
    if not groups:
        return None
    start = groups[0][0]
    if graph.has_edge(start, start):
        return (start, start)
    paths = shortest_paths(graph.subgraph(groups[0]), start)
    closing = min(
        (paths[node] for node in graph.pred[start] if node in paths),
        key=lambda path: (len(path), path),
    )
    return (*closing, start)
