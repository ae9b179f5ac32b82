"""Deterministic breadth-first search shared by the analysis modules.

Neighbours are visited in code order, so the first path BFS finds to a node is the
lexicographically smallest sequence of codes among the paths with the fewest hops: the
frontier of each layer is kept in that order, and a node's best path extends the best
path of the first frontier node that reaches it.
"""

from __future__ import annotations

import networkx as nx

__all__ = ["shortest_paths"]


def shortest_paths(
    graph: nx.DiGraph,
    source: str,
    *,
    reverse: bool = False,
    max_depth: int | None = None,
) -> dict[str, tuple[str, ...]]:
    """Map every node reachable from ``source`` to its fewest-hops, smallest-code path.

    Paths start at ``source``. With ``reverse`` the edges are followed backwards, so the
    path runs from ``source`` up towards its suppliers. The result is in BFS order.

    Examples
    --------
    >>> graph = nx.DiGraph([("A", "C"), ("B", "C"), ("C", "D"), ("A", "D")])
    >>> shortest_paths(graph, "D", reverse=True)
    {'D': ('D',), 'A': ('D', 'A'), 'C': ('D', 'C'), 'B': ('D', 'C', 'B')}
    """
    neighbours = graph.pred if reverse else graph.succ
    paths: dict[str, tuple[str, ...]] = {source: (source,)}
    frontier = [source]
    depth = 0
    while frontier and (max_depth is None or depth < max_depth):
        depth += 1
        next_frontier = []
        for node in frontier:
            path = paths[node]
            for neighbour in sorted(neighbours[node]):
                if neighbour not in paths:
                    paths[neighbour] = (*path, neighbour)
                    next_frontier.append(neighbour)
        frontier = next_frontier
    return paths
