"""Build the dependency graph from the portfolio's records.

**Edge ``u -> v`` means "v depends on u"**: ``u`` is upstream (the supplier), ``v`` is
downstream (the dependant). This is the only place that decides the direction; every
other module follows the edges as built here, through :func:`add_dependency_edge`.

Nodes are keyed by code. Each carries ``kind`` (:class:`~graph.model.NodeKind`) and the
input record under ``data``. Each edge carries ``criticality``, ``type``, ``lag_days``,
``needed_by``, ``supplier_delivery``, ``supplier_delivery_forecast`` and ``development``
(true for the edge an initiative gets to the solution it develops).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import networkx as nx

from graph.arrays import GraphArrays, graph_arrays
from graph.cancellation import checkpoint
from graph.errors import DuplicateNode, InvalidDependency, NodeNotFound
from graph.model import (
    Criticality,
    DependencyEdge,
    DependencyType,
    Development,
    InitiativeNode,
    NodeKind,
    SolutionNode,
)
from graph.records_to_arrays import edge_table

__all__ = [
    "add_dependency_edge",
    "build_dependency_graph",
    "build_graph_and_arrays",
    "require_node",
]


def build_dependency_graph(
    *,
    initiatives: Iterable[InitiativeNode],
    solutions: Iterable[SolutionNode],
    dependencies: Iterable[DependencyEdge],
    developments: Iterable[Development] = (),
) -> nx.DiGraph:
    """Return a new directed graph of initiatives, solutions and their dependencies.

    Parameters
    ----------
    initiatives, solutions : iterables of node records
        Codes must be unique across both.
    dependencies : iterable of DependencyEdge
        Each adds the edge ``supplier -> dependant``. If the same pair appears twice, the
        edge with the higher criticality is kept (the first one on a tie).
    developments : iterable of Development
        Each adds the edge ``initiative -> solution`` with criticality HIGH,
        FINISH_TO_START and no lag. (It cannot meet an explicit dependency, whose dependant
        is always an initiative; a repeated development adds the edge once.)

    Returns
    -------
    networkx.DiGraph
        Nodes are inserted in code order and edges in (supplier, dependant) order, so two
        builds from the same records are identical, whatever the input order.

    Raises
    ------
    DuplicateNode
        If two records share a code.
    NodeNotFound
        If a dependency or development names an unknown code.
    InvalidDependency
        If a dependant is a solution, or a development names the wrong kinds.

    Examples
    --------
    >>> from graph.model import Criticality
    >>> graph = build_dependency_graph(
    ...     initiatives=[InitiativeNode("HAP-PROG", "HAP", None, None, None),
    ...                  InitiativeNode("LMR", "LMR", None, None, None)],
    ...     solutions=[SolutionNode("HAP", "Helseanalyseplattformen", "DATA_PLATFORM")],
    ...     dependencies=[DependencyEdge("HAP", "LMR", Criticality.HIGH)],
    ...     developments=[Development("HAP-PROG", "HAP")],
    ... )
    >>> sorted(graph.edges)
    [('HAP', 'LMR'), ('HAP-PROG', 'HAP')]
    >>> graph.nodes["HAP"]["kind"]
    <NodeKind.SOLUTION: 'SOLUTION'>
    """
    records: dict[str, InitiativeNode | SolutionNode] = {}
    every_record: list[InitiativeNode | SolutionNode] = [*initiatives, *solutions]
    for record in every_record:
        if record.code in records:
            raise DuplicateNode(record.code)
        records[record.code] = record

    edges: dict[tuple[str, str], dict[str, Any]] = {}
    for dependency in dependencies:
        checkpoint()
        supplier, dependant = dependency.supplier, dependency.dependant
        if supplier not in records or dependant not in records:
            raise NodeNotFound(supplier if supplier not in records else dependant)
        if not isinstance(records[dependant], InitiativeNode):
            raise InvalidDependency(supplier, dependant, "the dependant must be an initiative")
        existing = edges.get((supplier, dependant))
        if existing is None or dependency.criticality.strength > existing["criticality"].strength:
            edges[supplier, dependant] = {
                "criticality": dependency.criticality,
                "type": dependency.type,
                "lag_days": dependency.lag_days,
                "needed_by": dependency.needed_by,
                "supplier_delivery": dependency.supplier_delivery,
                "supplier_delivery_forecast": dependency.supplier_delivery_forecast,
                "development": False,
            }
    for development in developments:
        _check_known(records, development.initiative, development.solution)
        if not isinstance(records[development.initiative], InitiativeNode) or not isinstance(
            records[development.solution], SolutionNode
        ):
            raise InvalidDependency(
                development.initiative,
                development.solution,
                "an initiative can only develop a solution",
            )
        # A dependant is always an initiative, so no dependency shares this edge.
        edges[development.initiative, development.solution] = {
            "criticality": Criticality.HIGH,
            "type": DependencyType.FINISH_TO_START,
            "lag_days": 0,
            "needed_by": None,
            "supplier_delivery": None,
            "supplier_delivery_forecast": None,
            "development": True,
        }

    graph = nx.DiGraph()
    _fill(graph, records, edges)
    return graph


def build_graph_and_arrays(
    *,
    initiatives: Sequence[InitiativeNode],
    solutions: Sequence[SolutionNode],
    dependencies: Sequence[DependencyEdge],
    developments: Sequence[Development] = (),
) -> tuple[nx.DiGraph, GraphArrays]:
    """:func:`build_dependency_graph` and the graph's arrays, made together.

    The same graph and the same arrays as ``build_dependency_graph`` followed by
    :func:`~graph.arrays.graph_arrays` (a property test holds them equal), for less:
    the arrays sort and deduplicate the edges once (numpy), and the graph is filled in
    that order from the records, with no dictionary of edges to build and sort first.
    Records with a problem go the way of ``build_dependency_graph``, which names it.

    Examples
    --------
    >>> from graph.model import Criticality
    >>> built, arrays = build_graph_and_arrays(
    ...     initiatives=[InitiativeNode("PLL", "PLL", None, None, None)],
    ...     solutions=[SolutionNode("KJ", "Kjernejournal", "NATIONAL_EHEALTH_SOLUTION")],
    ...     dependencies=[DependencyEdge("KJ", "PLL", Criticality.HIGH)],
    ... )
    >>> list(built.edges), arrays.codes
    ([('KJ', 'PLL')], ('KJ', 'PLL'))
    """
    records: dict[str, InitiativeNode | SolutionNode] = {}
    records.update((record.code, record) for record in solutions)
    records.update((record.code, record) for record in initiatives)
    initiative_codes = {record.code for record in initiatives}
    dependants = {dependency.dependant for dependency in dependencies}
    suppliers = {dependency.supplier for dependency in dependencies}
    if (
        len(records) < len(initiatives) + len(solutions)
        or not dependants <= initiative_codes
        or not suppliers <= records.keys()
        or any(
            item.initiative not in initiative_codes
            or not isinstance(records.get(item.solution), SolutionNode)
            for item in developments
        )
    ):
        built = build_dependency_graph(
            initiatives=initiatives,
            solutions=solutions,
            dependencies=dependencies,
            developments=developments,
        )  # raises the problem's own error
        return built, graph_arrays(built)
    table = edge_table(
        initiatives=initiatives,
        solutions=solutions,
        dependencies=dependencies,
        developments=developments,
    )
    built = nx.DiGraph()
    nodes, successors, predecessors = built._node, built._succ, built._pred
    for code in table.arrays.codes:
        record = records[code]
        kind = NodeKind.INITIATIVE if isinstance(record, InitiativeNode) else NodeKind.SOLUTION
        nodes[code] = {"kind": kind, "data": record}
        successors[code] = {}
        predecessors[code] = {}
    count = len(dependencies)
    for index in table.kept:
        if not index & 0xFFFF:
            checkpoint()
        if index < count:
            supplier, dependant, criticality, kind_, lag_days, needed_by, delivery, forecast = (
                dependencies[index]
            )
            attributes = {
                "criticality": criticality,
                "type": kind_,
                "lag_days": lag_days,
                "needed_by": needed_by,
                "supplier_delivery": delivery,
                "supplier_delivery_forecast": forecast,
                "development": False,
            }
        else:
            supplier, dependant = table.developed[index - count]
            attributes = dict(_DEVELOPMENT)
        successors[supplier][dependant] = predecessors[dependant][supplier] = attributes
    return built, table.arrays


_DEVELOPMENT: dict[str, Any] = {
    "criticality": Criticality.HIGH,
    "type": DependencyType.FINISH_TO_START,
    "lag_days": 0,
    "needed_by": None,
    "supplier_delivery": None,
    "supplier_delivery_forecast": None,
    "development": True,
}
"""The attributes of the edge from an initiative to the solution it develops."""


def _fill(
    graph: nx.DiGraph,
    records: dict[str, InitiativeNode | SolutionNode],
    edges: dict[tuple[str, str], dict[str, Any]],
) -> None:
    """Put the nodes in code order and the edges in key order into an empty graph.

    ``add_nodes_from`` and ``add_edges_from`` copy every attribute dict into a new one
    and check each node and edge against what is there; into an empty graph, with every
    code distinct and every edge between known nodes, the result is the same as storing
    one dict per node and per edge in networkx's adjacency, which is what this does, at
    a fraction of the cost (tests/graph/test_build.py compares the two).
    """
    nodes, successors, predecessors = graph._node, graph._succ, graph._pred
    for code in sorted(records):
        record = records[code]
        kind = NodeKind.INITIATIVE if isinstance(record, InitiativeNode) else NodeKind.SOLUTION
        nodes[code] = {"kind": kind, "data": record}
        successors[code] = {}
        predecessors[code] = {}
    for key in sorted(edges):
        supplier, dependant = key
        successors[supplier][dependant] = predecessors[dependant][supplier] = edges[key]


def add_dependency_edge(
    graph: nx.DiGraph, *, supplier: str, dependant: str, **attributes: Any
) -> None:
    """Add to ``graph``, in place, the edge saying ``dependant`` depends on ``supplier``.

    The single helper that fixes the edge direction (``supplier -> dependant``). It is
    meant for building graphs; the analysis functions never call it on their input.

    Examples
    --------
    >>> graph = nx.DiGraph()
    >>> add_dependency_edge(graph, supplier="KJ", dependant="PLL", criticality="HIGH")
    >>> list(graph.edges(data=True))
    [('KJ', 'PLL', {'criticality': 'HIGH'})]
    """
    graph.add_edge(supplier, dependant, **attributes)


def require_node(graph: nx.DiGraph, code: str) -> None:
    """Raise :class:`~graph.errors.NodeNotFound` unless ``code`` is a node of ``graph``.

    Examples
    --------
    >>> require_node(nx.DiGraph([("KJ", "PLL")]), "XYZ")
    Traceback (most recent call last):
    ...
    graph.errors.NodeNotFound: no initiative or solution with code 'XYZ'
    """
    if code not in graph:
        raise NodeNotFound(code)


def _check_known(records: dict[str, InitiativeNode | SolutionNode], *codes: str) -> None:
    for code in codes:
        if code not in records:
            raise NodeNotFound(code)
