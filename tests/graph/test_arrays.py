"""The array kernels agree with networkx on random graphs, across word and block edges."""

from __future__ import annotations

from datetime import date
from typing import Any

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graph import (
    Criticality,
    DependencyEdge,
    DependencyType,
    Development,
    InitiativeNode,
    NodeKind,
    SolutionNode,
    arrays_from_records,
    build_dependency_graph,
    build_graph_and_arrays,
    find_cycles,
    graph_arrays,
)
from graph.arrays import TransmittingGraph, _column_counts
from graph.errors import DuplicateNode, InvalidDependency, NodeNotFound

FAST = settings(max_examples=60, deadline=None)


@st.composite
def random_graphs(draw: st.DrawFn) -> nx.DiGraph:
    """Up to 150 nodes, random edges in either direction, so cycles and self-loops occur."""
    size = draw(st.integers(1, 150))
    codes = [f"N{index:03d}" for index in range(size)]
    graph = nx.DiGraph()
    graph.add_nodes_from(codes, kind=NodeKind.INITIATIVE)
    for code in codes:
        if draw(st.booleans()):
            graph.nodes[code]["kind"] = NodeKind.SOLUTION
    edge_count = draw(st.integers(0, 3 * size))
    for _ in range(edge_count):
        supplier = codes[draw(st.integers(0, size - 1))]
        dependant = codes[draw(st.integers(0, size - 1))]
        graph.add_edge(supplier, dependant, criticality=draw(st.sampled_from(Criticality)))
    return graph


def reach_by_networkx(graph: nx.DiGraph, source: str) -> set[str]:
    """Nodes ``source`` reaches along one edge or more, itself excluded."""
    return set(nx.descendants(graph, source)) - {source}


@FAST
@given(graph=random_graphs(), data=st.data())
def test_reach_from_many_sources_matches_a_search_from_each(
    graph: nx.DiGraph, data: st.DataObject
) -> None:
    arrays = graph_arrays(graph)
    sources = sorted(data.draw(st.sets(st.sampled_from(arrays.codes), max_size=len(arrays.codes))))
    counted = np.array(
        data.draw(st.lists(st.booleans(), min_size=arrays.size, max_size=arrays.size))
    )
    edges = arrays.transmitting(Criticality.LOW)
    positions = [arrays.position[source] for source in sources]

    reached = edges.reached_by_other_source(positions)
    # Blocks of 64, so that a few dozen sources cross word and block boundaries.
    counts = edges.source_counts(positions, counted, block=64)

    reaches = {source: reach_by_networkx(graph, source) for source in sources}
    expected_reached = {code for reach in reaches.values() for code in reach}
    assert {arrays.codes[p] for p in np.flatnonzero(reached)} == expected_reached
    assert counts.tolist() == [
        sum(counted[arrays.position[code]] for code in reaches[source]) for source in sources
    ]


@FAST
@given(graph=random_graphs())
def test_cyclic_groups_are_the_groups_find_cycles_reports(graph: nx.DiGraph) -> None:
    assert graph_arrays(graph).cyclic_groups() == find_cycles(graph)


@FAST
@given(graph=random_graphs())
def test_generations_put_every_supplier_first_and_are_refused_on_a_cycle(
    graph: nx.DiGraph,
) -> None:
    arrays = graph_arrays(graph)
    generations = arrays.topological_generations()
    if not nx.is_directed_acyclic_graph(graph):
        assert generations is None
        return
    assert generations is not None
    generation_of = {
        arrays.codes[position]: index
        for index, nodes in enumerate(generations)
        for position in nodes.tolist()
    }
    assert set(generation_of) == set(graph)
    assert all(generation_of[u] < generation_of[v] for u, v in graph.edges)


def test_levels_of_criticality_choose_the_edges_that_transmit() -> None:
    graph = nx.DiGraph()
    graph.add_nodes_from("ABCD", kind=NodeKind.INITIATIVE)
    graph.add_edge("A", "B", criticality=Criticality.HIGH)
    graph.add_edge("B", "C", criticality=Criticality.MEDIUM)
    graph.add_edge("C", "D", criticality=Criticality.LOW)
    arrays = graph_arrays(graph)

    def reached(weakest: Criticality) -> list[str]:
        found = arrays.transmitting(weakest).reached_by_other_source([0])
        return [arrays.codes[position] for position in np.flatnonzero(found)]

    assert reached(Criticality.HIGH) == ["B"]
    assert reached(Criticality.MEDIUM) == ["B", "C"]
    assert reached(Criticality.LOW) == ["B", "C", "D"]


def test_a_source_alone_on_a_cycle_is_not_reached_but_a_second_source_reaches_it() -> None:
    cycle = TransmittingGraph(3, np.array([0, 1]), np.array([1, 0]))
    assert cycle.reached_by_other_source([0]).tolist() == [False, True, False]
    assert cycle.reached_by_other_source([0, 1]).tolist() == [True, True, False]
    assert cycle.source_counts([0, 1], np.ones(3, bool)).tolist() == [1, 1]


@settings(max_examples=100, deadline=None)
@given(bits=st.lists(st.lists(st.booleans(), min_size=130, max_size=130), min_size=0, max_size=70))
def test_column_counts_count_the_rows_with_each_bit_set(bits: list[list[bool]]) -> None:
    matrix = np.array(bits, dtype=bool).reshape(len(bits), 130)
    padded = np.zeros((len(bits), 192), dtype=bool)
    padded[:, :130] = matrix
    rows = np.packbits(padded, axis=1, bitorder="little").view("<u8")

    assert _column_counts(rows, 130).tolist() == matrix.sum(axis=0).tolist()


@st.composite
def portfolio_records(draw: st.DrawFn) -> dict[str, Any]:
    """Valid records with repeated pairs, every edge attribute, and developments."""
    size = draw(st.integers(1, 40))
    codes = draw(st.permutations([f"C{index:02d}" for index in range(size)]))
    is_solution = {
        code: index > 0 and draw(st.integers(0, 3)) == 0 for index, code in enumerate(codes)
    }
    initiatives = [code for code in codes if not is_solution[code]]
    solutions = [code for code in codes if is_solution[code]]
    day = st.none() | st.dates(date(2024, 1, 1), date(2028, 12, 31))
    dependencies = [
        DependencyEdge(
            draw(st.sampled_from(codes)),
            dependant,
            draw(st.sampled_from(Criticality)),
            draw(st.sampled_from(DependencyType)),
            draw(st.integers(0, 30)),
            draw(day),
            draw(st.none() | st.sampled_from(["D1", "D2"])),
            draw(day),
        )
        for dependant in draw(st.lists(st.sampled_from(initiatives), max_size=80))
    ]
    developments = [
        Development(draw(st.sampled_from(initiatives)), draw(st.sampled_from(solutions)))
        for _ in range(draw(st.integers(0, 5)) if solutions else 0)
    ]
    return {
        "initiatives": [InitiativeNode(code, code, None, None, None) for code in initiatives],
        "solutions": [SolutionNode(code, code, "NATIONAL_EHEALTH_SOLUTION") for code in solutions],
        "dependencies": [edge for edge in dependencies if edge.supplier != edge.dependant],
        "developments": developments,
    }


@FAST
@given(records=portfolio_records())
def test_arrays_from_the_records_equal_the_arrays_of_the_built_graph(
    records: dict[str, Any],
) -> None:
    expected = graph_arrays(build_dependency_graph(**records))

    arrays = arrays_from_records(**records)

    assert (arrays.codes, arrays.position, arrays.deliveries) == (
        expected.codes,
        expected.position,
        expected.deliveries,
    )
    for name in ("is_initiative", "supplier", "dependant", "strength", "lag_days"):
        assert getattr(arrays, name).tolist() == getattr(expected, name).tolist(), name
    for name in ("finish_to_finish", "forecast"):
        assert getattr(arrays, name).tolist() == getattr(expected, name).tolist(), name
    assert arrays.strength.dtype == expected.strength.dtype


def graph_as_lists(graph: nx.DiGraph) -> tuple[list[Any], list[Any], list[list[str]]]:
    """Nodes and edges with their data, and each node's predecessors, in stored order."""
    return (
        list(graph.nodes(data=True)),
        list(graph.edges(data=True)),
        [list(graph.pred[node]) for node in graph],
    )


@FAST
@given(records=portfolio_records())
def test_the_graph_and_arrays_made_together_equal_those_made_apart(
    records: dict[str, Any],
) -> None:
    expected_graph = build_dependency_graph(**records)

    built, arrays = build_graph_and_arrays(**records)

    assert graph_as_lists(built) == graph_as_lists(expected_graph)
    expected = graph_arrays(expected_graph)
    assert arrays.codes == expected.codes
    assert arrays.supplier.tolist() == expected.supplier.tolist()
    assert arrays.dependant.tolist() == expected.dependant.tolist()
    assert arrays.deliveries == expected.deliveries


PLL = InitiativeNode("PLL", "PLL", None, None, None)
KJ = SolutionNode("KJ", "Kjernejournal", "NATIONAL_EHEALTH_SOLUTION")


@pytest.mark.parametrize(
    ("records", "error"),
    [
        ({"initiatives": [PLL, PLL], "solutions": [], "dependencies": []}, DuplicateNode),
        (
            {"initiatives": [PLL], "solutions": [KJ],
             "dependencies": [DependencyEdge("XX", "PLL", Criticality.LOW)]},
            NodeNotFound,
        ),
        (
            {"initiatives": [PLL], "solutions": [KJ],
             "dependencies": [DependencyEdge("PLL", "KJ", Criticality.LOW)]},
            InvalidDependency,
        ),
        (
            {"initiatives": [PLL], "solutions": [KJ], "dependencies": [],
             "developments": [Development("KJ", "PLL")]},
            InvalidDependency,
        ),
    ],
)  # fmt: skip
def test_records_with_a_problem_are_refused_as_the_plain_build_refuses_them(
    records: dict[str, Any], error: type[Exception]
) -> None:
    with pytest.raises(error):
        build_dependency_graph(**records)
    with pytest.raises(error):
        build_graph_and_arrays(**records)
