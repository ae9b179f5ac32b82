import pytest

from graph import NodeNotFound, find_cycles, one_cycle, refused_edges, would_create_cycle
from tests.graph.builders import chain_of, depends, portfolio


def test_find_cycles_reports_strongly_connected_groups() -> None:
    graph = portfolio(
        initiatives=["A", "B", "C", "D", "E"],
        dependencies=[
            depends("B", "A"),
            depends("A", "B"),
            depends("C", "D"),
            depends("D", "E"),
            depends("E", "C"),
            depends("B", "C"),
        ],
    )

    assert find_cycles(graph) == (("A", "B"), ("C", "D", "E"))


def test_find_cycles_reports_a_self_dependency() -> None:
    graph = portfolio(initiatives=["A", "B"], dependencies=[depends("A", "A"), depends("A", "B")])

    assert find_cycles(graph) == (("A",),)


def test_find_cycles_of_acyclic_graph_is_empty() -> None:
    assert find_cycles(chain_of("A", "B", "C")) == ()


def test_one_cycle_is_the_shortest_way_back_to_the_smallest_code() -> None:
    graph = portfolio(
        initiatives=["A", "B", "C"],
        dependencies=[depends("A", "B"), depends("B", "C"), depends("C", "A"), depends("B", "A")],
    )

    assert one_cycle(graph) == ("A", "B", "A")


def test_would_create_cycle_returns_the_closed_path() -> None:
    graph = chain_of("KJ-PLO", "PLL", "HP")

    assert would_create_cycle(graph, supplier="HP", dependant="KJ-PLO") == (
        "KJ-PLO",
        "PLL",
        "HP",
        "KJ-PLO",
    )


def test_would_create_cycle_is_none_for_a_safe_edge() -> None:
    graph = chain_of("A", "B", "C")

    assert would_create_cycle(graph, supplier="A", dependant="C") is None


def test_would_create_cycle_refuses_a_self_dependency() -> None:
    graph = chain_of("A", "B")

    assert would_create_cycle(graph, supplier="A", dependant="A") == ("A", "A")


def test_would_create_cycle_picks_the_shortest_then_smallest_path() -> None:
    graph = portfolio(
        initiatives=["D", "Y", "X", "S", "LONG"],
        dependencies=[
            depends("D", "Y"),
            depends("Y", "S"),
            depends("D", "X"),
            depends("X", "S"),
            depends("D", "LONG"),
            depends("LONG", "Y"),
        ],
    )

    assert would_create_cycle(graph, supplier="S", dependant="D") == ("D", "X", "S", "D")


def test_would_create_cycle_with_unknown_code_raises_node_not_found() -> None:
    with pytest.raises(NodeNotFound):
        would_create_cycle(chain_of("A", "B"), supplier="NOPE", dependant="A")


def test_refused_edges_refuses_a_cycle_closed_only_by_new_edges() -> None:
    graph = chain_of("A", "B")

    refused = refused_edges(graph, [("B", "NEW"), ("NEW", "A")])

    assert refused == ((1, ("A", "B", "NEW", "A")),)


def test_refused_edges_leaves_a_refused_edge_out_of_later_checks() -> None:
    graph = chain_of("A", "B")

    refused = refused_edges(graph, [("B", "A"), ("B", "C"), ("C", "A")])

    assert [position for position, _ in refused] == [0, 2]


def test_refused_edges_takes_the_removed_edges_away_first() -> None:
    graph = chain_of("A", "B", "C")

    assert refused_edges(graph, [("C", "A")], removed=[("B", "C")]) == ()


def test_refused_edges_does_not_change_the_graph() -> None:
    graph = chain_of("A", "B")

    refused_edges(graph, [("B", "C")], removed=[("A", "B")])

    assert sorted(graph.edges) == [("A", "B")]
