"""Layering of a dependency graph for drawing: suppliers left, dependants right."""

from __future__ import annotations

import networkx as nx

from graph.cycles import find_cycles

__all__ = ["dependency_layers"]


def dependency_layers(graph: nx.DiGraph) -> dict[str, int]:
    """Return each node's layer: the length of the longest supplier chain into it.

    Nodes with no suppliers are in layer 0; every dependant sits at least one layer to
    the right of each of its suppliers, so edges always point rightwards. Nodes on a
    cycle (which loaded data may hold) share the layer of their strongly connected
    component.

    Parameters
    ----------
    graph : networkx.DiGraph
        A dependency graph; it is not modified.

    Returns
    -------
    dict of str to int
        In code order.

    Examples
    --------
    >>> graph = nx.DiGraph([("KJ", "PLL"), ("PLL", "HP"), ("KJ", "HP"), ("HELSEID", "KJ-PLO")])
    >>> dependency_layers(graph)
    {'HELSEID': 0, 'HP': 2, 'KJ': 0, 'KJ-PLO': 1, 'PLL': 1}
    """
    if find_cycles(graph):
        condensed = nx.condensation(graph)
        component_layers = _longest_path_layers(condensed)
        members = condensed.graph["mapping"]
        return {code: component_layers[members[code]] for code in sorted(graph)}
    layers = _longest_path_layers(graph)
    return {code: layers[code] for code in sorted(graph)}


def _longest_path_layers(graph: nx.DiGraph) -> dict[object, int]:
    layers: dict[object, int] = {}
    for node in nx.topological_sort(graph):
        layers[node] = max((layers[supplier] + 1 for supplier in graph.pred[node]), default=0)
    return layers
