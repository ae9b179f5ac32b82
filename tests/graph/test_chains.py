from collections.abc import Callable

import pytest

from graph import NodeKind, NodeNotFound, downstream, foundation_dependencies, upstream
from tests.graph.builders import chain_of, depends, portfolio, solution


def test_upstream_lists_ancestors_with_depth_and_path_from_the_node() -> None:
    graph = chain_of("A", "B", "C")

    found = upstream(graph, "C")

    assert [(node.code, node.kind, node.depth, node.path) for node in found] == [
        ("B", NodeKind.INITIATIVE, 1, ("C", "B")),
        ("A", NodeKind.INITIATIVE, 2, ("C", "B", "A")),
    ]


def test_downstream_lists_descendants_with_paths_from_the_node() -> None:
    graph = chain_of("A", "B", "C")

    assert [(node.code, node.path) for node in downstream(graph, "A")] == [
        ("B", ("A", "B")),
        ("C", ("A", "B", "C")),
    ]


def test_chain_keeps_the_fewest_hops_path() -> None:
    # given D reachable from A directly and through B
    graph = portfolio(
        initiatives=["A", "B", "D"],
        dependencies=[depends("A", "B"), depends("B", "D"), depends("A", "D")],
    )

    # then the direct edge wins
    assert [(node.code, node.depth, node.path) for node in downstream(graph, "A")] == [
        ("B", 1, ("A", "B")),
        ("D", 1, ("A", "D")),
    ]


def test_equally_short_paths_are_broken_by_smallest_codes() -> None:
    # given two two-hop routes from A to D, through Y or through X
    graph = portfolio(
        initiatives=["A", "X", "Y", "D"],
        dependencies=[depends("A", "Y"), depends("Y", "D"), depends("A", "X"), depends("X", "D")],
    )

    assert downstream(graph, "A")[-1].path == ("A", "X", "D")
    assert upstream(graph, "D")[-1].path == ("D", "X", "A")


def test_results_are_sorted_by_depth_then_code() -> None:
    graph = portfolio(
        initiatives=["Z", "B", "A", "ROOT", "C"],
        dependencies=[
            depends("ROOT", "Z"),
            depends("ROOT", "B"),
            depends("B", "A"),
            depends("Z", "C"),
        ],
    )

    assert [node.code for node in downstream(graph, "ROOT")] == ["B", "Z", "A", "C"]


def test_max_depth_stops_the_walk() -> None:
    graph = chain_of("A", "B", "C", "D")

    assert [node.code for node in downstream(graph, "A", max_depth=2)] == ["B", "C"]


def test_kind_filter_still_walks_through_other_kinds() -> None:
    # given LMR depends on the HAP solution, which HAP-PROG develops
    graph = portfolio(
        initiatives=["HAP-PROG", "LMR"],
        solutions=["HAP"],
        dependencies=[depends("HAP", "LMR")],
        developments=[("HAP-PROG", "HAP")],
    )

    found = upstream(graph, "LMR", kind=NodeKind.INITIATIVE)

    assert [(node.code, node.path) for node in found] == [("HAP-PROG", ("LMR", "HAP", "HAP-PROG"))]


def test_foundation_dependencies_are_the_solutions_upstream() -> None:
    graph = portfolio(
        initiatives=["PLL", "HP"],
        solutions=[solution("KJ", "NATIONAL_EHEALTH_SOLUTION"), solution("HELSEID")],
        dependencies=[depends("KJ", "PLL"), depends("PLL", "HP"), depends("HELSEID", "HP")],
    )

    found = foundation_dependencies(graph, "HP")

    assert [(dep.solution, dep.category, dep.depth, dep.path) for dep in found] == [
        ("HELSEID", "FOUNDATION", 1, ("HP", "HELSEID")),
        ("KJ", "NATIONAL_EHEALTH_SOLUTION", 2, ("HP", "PLL", "KJ")),
    ]


@pytest.mark.parametrize("walk", [upstream, downstream, foundation_dependencies])
def test_unknown_code_raises_node_not_found(walk: Callable[..., object]) -> None:
    graph = chain_of("A", "B")

    with pytest.raises(NodeNotFound):
        walk(graph, "NOPE")
