"""Deterministic breadth-first search shared by the analysis modules.

Neighbours are visited in code order, so the first path BFS finds to a node is the
lexicographically smallest sequence of codes among the paths with the fewest hops: the
frontier of each layer is kept in that order, and a node's best path extends the best
path of the first frontier node that reaches it. That node is kept as the node's parent,
so one path is rebuilt by walking parents back to the source, without holding them all.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import networkx as nx

__all__ = ["breadth_first", "layers_from", "path_to", "shortest_paths"]


def breadth_first(
    graph: nx.DiGraph,
    source: str,
    *,
    reverse: bool = False,
    max_depth: int | None = None,
) -> tuple[dict[str, str], list[list[str]]]:
    """Return each reached node's parent and the nodes reached at each depth.

    The parent of a node is the previous node of its fewest-hops, smallest-code path from
    ``source``; ``source`` itself has none. Layer ``d`` holds the nodes ``d`` hops away in
    BFS order (layer 0 is ``[source]``). With ``reverse`` the edges are followed backwards.

    Examples
    --------
    >>> graph = nx.DiGraph([("A", "C"), ("B", "C"), ("C", "D"), ("A", "D")])
    >>> breadth_first(graph, "D", reverse=True)
    ({'A': 'D', 'C': 'D', 'B': 'C'}, [['D'], ['A', 'C'], ['B']])
    """
    parents: dict[str, str] = {}
    layers = [[source], *layers_from(graph, source, parents, reverse=reverse, max_depth=max_depth)]
    return parents, layers


def layers_from(
    graph: nx.DiGraph,
    source: str,
    parents: dict[str, str],
    *,
    reverse: bool = False,
    max_depth: int | None = None,
) -> Iterator[list[str]]:
    """Yield the layers of :func:`breadth_first` after layer 0, filling ``parents`` as it goes.

    A caller that needs only the nearest nodes stops iterating; the layers not asked for
    are never walked.

    Examples
    --------
    >>> graph = nx.DiGraph([("A", "B"), ("B", "C"), ("C", "D")])
    >>> parents = {}
    >>> next(layers_from(graph, "A", parents)), parents
    (['B'], {'B': 'A'})
    """
    neighbours = graph.pred if reverse else graph.succ
    layer = [source]
    depth = 0
    while max_depth is None or depth < max_depth:
        next_layer = []
        for node in layer:
            for neighbour in sorted(neighbours[node]):
                if neighbour != source and neighbour not in parents:
                    parents[neighbour] = node
                    next_layer.append(neighbour)
        if not next_layer:
            return
        yield next_layer
        layer = next_layer
        depth += 1


def path_to(parents: Mapping[str, str], node: str) -> tuple[str, ...]:
    """Rebuild the path from the source of ``parents`` (see :func:`breadth_first`) to ``node``.

    Examples
    --------
    >>> path_to({"A": "D", "C": "D", "B": "C"}, "B")
    ('D', 'C', 'B')
    """
    steps = [node]
    while node in parents:
        node = parents[node]
        steps.append(node)
    return tuple(reversed(steps))


def shortest_paths(
    graph: nx.DiGraph,
    source: str,
    *,
    reverse: bool = False,
    max_depth: int | None = None,
) -> dict[str, tuple[str, ...]]:
    """Map every node reachable from ``source`` to its fewest-hops, smallest-code path.

    Paths start at ``source``. With ``reverse`` the edges are followed backwards, so the
    path runs from ``source`` up towards its suppliers. The result is in BFS order. It
    holds every path; :func:`breadth_first` is the walk for callers that need only some.

    Examples
    --------
    >>> graph = nx.DiGraph([("A", "C"), ("B", "C"), ("C", "D"), ("A", "D")])
    >>> shortest_paths(graph, "D", reverse=True)
    {'D': ('D',), 'A': ('D', 'A'), 'C': ('D', 'C'), 'B': ('D', 'C', 'B')}
    """
    parents, layers = breadth_first(graph, source, reverse=reverse, max_depth=max_depth)
    paths: dict[str, tuple[str, ...]] = {source: (source,)}
    for layer in layers[1:]:
        for node in layer:
            paths[node] = (*paths[parents[node]], node)
    return paths
