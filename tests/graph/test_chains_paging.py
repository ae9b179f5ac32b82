"""Chains build paths only for the nodes a caller takes, and page exactly like the full walk."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import networkx as nx
import pytest
from hypothesis import given
from hypothesis import strategies as st

import graph.chains
from graph import ChainNode, FoundationDependency, NodeKind, downstream, upstream
from graph import foundation_dependencies as foundations
from tests.graph.builders import chain_of, depends, portfolio, solution

CODES = [f"N{index:02}" for index in range(12)]


def reference_chain(
    graph: nx.DiGraph, code: str, *, reverse: bool, max_depth: int | None, kind: NodeKind | None
) -> list[tuple[str, NodeKind, int, tuple[str, ...]]]:
    """Every reached node with its full path, as the chains were computed before paging."""
    neighbours = graph.pred if reverse else graph.succ
    paths: dict[str, tuple[str, ...]] = {code: (code,)}
    frontier = [code]
    depth = 0
    while frontier and (max_depth is None or depth < max_depth):
        depth += 1
        next_frontier = []
        for node in frontier:
            for neighbour in sorted(neighbours[node]):
                if neighbour not in paths:
                    paths[neighbour] = (*paths[node], neighbour)
                    next_frontier.append(neighbour)
        frontier = next_frontier
    found = [
        (node, graph.nodes[node]["kind"], len(path) - 1, path)
        for node, path in paths.items()
        if node != code and (kind is None or graph.nodes[node]["kind"] == kind)
    ]
    return sorted(found, key=lambda item: (item[2], item[0]))


@contextmanager
def counting(result_type: type[Any]) -> Iterator[list[str]]:
    """Count the results of ``result_type`` ``graph.chains`` builds (each holds a path)."""
    built: list[str] = []

    def build(**fields: Any) -> Any:
        built.append(str(fields.get("code", fields.get("solution"))))
        return result_type(**fields)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(graph.chains, result_type.__name__, build)
        yield built


@st.composite
def walks(draw: st.DrawFn) -> tuple[nx.DiGraph, str, dict[str, Any], int]:
    codes = draw(st.lists(st.sampled_from(CODES), min_size=1, max_size=len(CODES), unique=True))
    edges = draw(st.lists(st.tuples(st.sampled_from(codes), st.sampled_from(codes))))
    graph = nx.DiGraph()
    for code in codes:
        graph.add_node(code, kind=draw(st.sampled_from(NodeKind)))
    graph.add_edges_from(
        (supplier, dependant) for supplier, dependant in edges if supplier != dependant
    )
    options = {
        "max_depth": draw(st.none() | st.integers(min_value=0, max_value=4)),
        "kind": draw(st.none() | st.sampled_from(NodeKind)),
    }
    return graph, draw(st.sampled_from(codes)), options, draw(st.integers(0, len(codes) + 1))


@given(walks(), st.sampled_from([upstream, downstream]))
def test_a_page_is_the_slice_of_the_full_walk_and_builds_only_its_paths(
    walk: tuple[nx.DiGraph, str, dict[str, Any], int],
    direction: Callable[..., Any],
) -> None:
    graph_, code, options, first = walk
    full = reference_chain(graph_, code, reverse=direction is upstream, **options)

    with counting(ChainNode) as built:
        chain = direction(graph_, code, **options)
        page = [(node.code, node.kind, node.depth, node.path) for node in chain[:first]]

    assert page == full[:first]
    assert len(chain) == len(full)
    assert len(built) <= first


@given(walks(), st.sampled_from([upstream, downstream]))
def test_a_walk_for_the_nearest_nodes_starts_like_the_full_walk(
    walk: tuple[nx.DiGraph, str, dict[str, Any], int],
    direction: Callable[..., Any],
) -> None:
    graph_, code, options, first = walk
    full = reference_chain(graph_, code, reverse=direction is upstream, **options)

    chain = direction(graph_, code, nearest=first, **options)

    page = [(node.code, node.kind, node.depth, node.path) for node in chain[:first]]
    assert page == full[:first]
    assert min(first, len(full)) <= len(chain) <= len(full)


def test_a_walk_for_the_nearest_nodes_stops_at_their_depth() -> None:
    # given a chain of 200 initiatives
    graph_ = chain_of(*(f"I{index:03}" for index in range(200)))

    # when the nearest five upstream of the last one are asked for
    chain = upstream(graph_, "I199", nearest=5)

    # then the walk went five hops, not 199
    assert chain.codes == ("I198", "I197", "I196", "I195", "I194")


def test_the_first_five_of_a_long_chain_build_five_paths() -> None:
    # given a chain of 200 initiatives
    graph_ = chain_of(*(f"I{index:03}" for index in range(200)))

    # when the first five upstream of the last one are taken, with the count
    with counting(ChainNode) as built:
        chain = upstream(graph_, "I199")
        page = chain[:5]
        count = len(chain)

    # then only those five paths were built
    assert [node.path[-1] for node in page] == ["I198", "I197", "I196", "I195", "I194"]
    assert count == 199
    assert built == ["I198", "I197", "I196", "I195", "I194"]


def test_the_first_foundation_dependency_builds_one_path() -> None:
    # given HP depending on three solutions, one of them through PLL
    graph_ = portfolio(
        initiatives=["PLL", "HP"],
        solutions=[solution("KJ"), solution("HELSEID"), solution("FIKS")],
        dependencies=[
            depends("KJ", "PLL"),
            depends("PLL", "HP"),
            depends("HELSEID", "HP"),
            depends("FIKS", "HP"),
        ],
    )

    with counting(FoundationDependency) as built:
        found = foundations(graph_, "HP")
        page = found[:1]

    assert [(dep.solution, dep.path) for dep in page] == [("FIKS", ("HP", "FIKS"))]
    assert len(found) == 3
    assert built == ["FIKS"]
