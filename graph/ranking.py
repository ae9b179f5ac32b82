"""Key initiatives: who has the most initiatives waiting on them, transitively.

Counting descendants exactly is done with bitsets over a topological order (Python ints
as bitsets): each node's set of downstream initiatives is the union of its dependants'
sets. Bits are numbered from the sinks up, so a node's set only spans nodes after it, and
targets are processed in chunks of :data:`CHUNK_BITS` to bound memory on large graphs.
Cycles are collapsed into their strongly connected components first; a node in a cycle
counts the other initiatives of its cycle as downstream, but never itself.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

from graph.cancellation import checkpoint
from graph.model import NodeKind

__all__ = [
    "CHUNK_BITS",
    "EXACT_BETWEENNESS_LIMIT",
    "KeyInitiative",
    "key_initiatives",
    "transitive_dependant_counts",
]

CHUNK_BITS = 16384
"""Target initiatives per bitset pass: memory per pass is at most nodes x CHUNK_BITS / 8
bytes (200 MB for 100,000 nodes); fewer, wider passes are faster."""

EXACT_BETWEENNESS_LIMIT = 1000
"""Largest graph (in nodes) whose betweenness is computed exactly."""

_BETWEENNESS_WORK = 1_000_000
"""Nodes plus edges times samples allowed for sampled betweenness (at least 4 samples)."""


@dataclass(frozen=True, slots=True)
class KeyInitiative:
    """An initiative ranked by how much of the portfolio depends on it."""

    code: str
    transitive_dependants: int
    betweenness: float


def transitive_dependant_counts(graph: nx.DiGraph) -> dict[str, int]:
    """Return, for every node, the number of initiatives downstream of it.

    Solutions are counted for but not counted as dependants. Works on graphs with cycles.

    Returns
    -------
    dict of str to int
        Keyed by code, in code order.

    Examples
    --------
    >>> graph = nx.DiGraph([("KJ", "PLL"), ("PLL", "HP"), ("PLL", "KULE"), ("HP", "KULE")])
    >>> nx.set_node_attributes(graph, NodeKind.INITIATIVE, "kind")
    >>> graph.nodes["KJ"]["kind"] = NodeKind.SOLUTION
    >>> transitive_dependant_counts(graph)
    {'HP': 1, 'KJ': 3, 'KULE': 0, 'PLL': 2}
    """
    is_initiative = {code: kind == NodeKind.INITIATIVE for code, kind in graph.nodes(data="kind")}
    try:
        order = list(nx.topological_sort(graph))
    except nx.NetworkXUnfeasible:
        condensed = nx.condensation(graph)
        components = list(nx.topological_sort(condensed))
        position = {component: index for index, component in enumerate(components)}
        members = [sorted(condensed.nodes[component]["members"]) for component in components]
        successors = [
            [position[successor] for successor in condensed.succ[component]]
            for component in components
        ]
    else:
        position = {code: index for index, code in enumerate(order)}
        members = [[code] for code in order]
        adjacency = graph._succ  # the raw dict, as in networkx's own hot loops
        successors = [[position[successor] for successor in adjacency[code]] for code in order]
    weights = [sum(is_initiative[code] for code in group) for group in members]
    reach = _downstream_counts(successors, weights)
    counts = {}
    for index, group in enumerate(members):
        for code in group:
            inside = weights[index] - is_initiative[code]
            counts[code] = reach[index] + (inside if len(group) > 1 else 0)
    return dict(sorted(counts.items()))


def key_initiatives(
    graph: nx.DiGraph, *, limit: int, betweenness_samples: int | None = None
) -> tuple[KeyInitiative, ...]:
    """Return the ``limit`` initiatives with the most transitive dependants.

    Ties are broken by betweenness centrality (normalised, over the whole graph), then by
    code. Betweenness is exact up to :data:`EXACT_BETWEENNESS_LIMIT` nodes. Above that it
    is estimated from ``betweenness_samples`` source nodes, by default as many as keep
    the work near a million node and edge visits (at least 4), drawn with a fixed seed so
    the ranking is reproducible.

    Examples
    --------
    >>> graph = nx.DiGraph([("A", "B"), ("B", "C"), ("D", "C")])
    >>> nx.set_node_attributes(graph, NodeKind.INITIATIVE, "kind")
    >>> [(key.code, key.transitive_dependants) for key in key_initiatives(graph, limit=3)]
    [('A', 2), ('B', 1), ('D', 1)]
    """
    counts = transitive_dependant_counts(graph)
    checkpoint()  # networkx's betweenness below has none of its own: its work is bounded
    size = graph.number_of_nodes()
    if betweenness_samples is None and size <= EXACT_BETWEENNESS_LIMIT:
        centrality = nx.betweenness_centrality(graph)
    else:
        samples = betweenness_samples or _BETWEENNESS_WORK // (size + graph.number_of_edges())
        centrality = nx.betweenness_centrality(graph, k=min(size, max(4, samples)), seed=0)
    kinds = graph.nodes
    ranked = sorted(
        (
            KeyInitiative(
                code=code, transitive_dependants=count, betweenness=centrality.get(code, 0.0)
            )
            for code, count in counts.items()
            if kinds[code]["kind"] == NodeKind.INITIATIVE
        ),
        key=lambda key: (-key.transitive_dependants, -key.betweenness, key.code),
    )
    return tuple(ranked[:limit])


def _downstream_counts(successors: list[list[int]], weights: list[int]) -> list[int]:
    """Count weighted descendants of each node of a DAG given in topological order.

    Each node owns ``weights[i]`` consecutive bits, numbered from the last node back, so
    that everything downstream of a node has lower bits than the node itself.
    """
    size = len(successors)
    bases = [0] * size
    total = 0
    for index in range(size - 1, -1, -1):
        bases[index] = total
        total += weights[index]
    counts = [0] * size
    last_index = size - 1
    for low in range(0, total, CHUNK_BITS):
        high = low + CHUNK_BITS
        # Nodes whose bits all lie below the chunk reach nothing inside it; they are the
        # last ones in topological order, so the pass starts after them.
        while bases[last_index] + weights[last_index] <= low:
            last_index -= 1
        owned = [0] * size
        for index in range(last_index, -1, -1):
            checkpoint()
            reach = 0
            for successor in successors[index]:
                reach |= owned[successor]
            counts[index] += reach.bit_count()
            base = bases[index]
            first, last = max(base, low), min(base + weights[index], high)
            if first < last:
                reach |= ((1 << (last - first)) - 1) << (first - low)
            owned[index] = reach
    return counts
