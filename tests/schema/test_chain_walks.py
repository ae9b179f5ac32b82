"""A chain costs one walk per request and arguments, and a page builds only its paths.

A page walks only as deep as its nodes lie; a count walks the whole chain, once however
many fields ask for it.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

import graph
import graph.chains
from tests.conftest import GraphQLClient

CHAIN_AND_COUNTS = """
query ChainAndCounts($code: String!, $first: Int!) {
  initiative(code: $code) {
    upstream(first: $first) { code path }
    upstreamCount
    solutionsUpstream: upstreamCount(kind: SOLUTION)
    downstream(first: $first) { code path }
    downstreamCount
    foundationDependencies(first: $first) { path }
    foundationDependencyCount
  }
}
"""


@pytest.fixture
def walks(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Count the chain walks the schema asks ``graph`` for."""
    counted: Counter[str] = Counter()
    for name in ("upstream", "downstream", "foundation_dependencies"):
        walk = getattr(graph, name)

        def counting(*args: Any, _name: str = name, _walk: Any = walk, **kwargs: Any) -> Any:
            counted[_name] += 1
            return _walk(*args, **kwargs)

        monkeypatch.setattr(graph, name, counting)
    return counted


@pytest.fixture
def built_paths(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, ...]]:
    """Record the path of every chain node and foundation dependency ``graph`` builds."""
    built: list[tuple[str, ...]] = []
    for result_type in (graph.chains.ChainNode, graph.chains.FoundationDependency):

        def build(_type: Any = result_type, **fields: Any) -> Any:
            built.append(fields["path"])
            return _type(**fields)

        monkeypatch.setattr(graph.chains, result_type.__name__, build)
    return built


def test_a_page_and_each_count_walk_the_graph_once(
    graphql: GraphQLClient, walks: Counter[str]
) -> None:
    # when one document asks for each chain's first node and its counts
    data = graphql.data(CHAIN_AND_COUNTS, {"code": "PLL", "first": 1})["initiative"]

    # then the page's short walk and each count's whole walk were each made once
    assert data["upstreamCount"] > data["solutionsUpstream"] > 0
    assert walks == {"upstream": 3, "downstream": 2, "foundation_dependencies": 2}


def test_the_same_page_asked_twice_walks_once(graphql: GraphQLClient, walks: Counter[str]) -> None:
    document = """query Twice($code: String!) {
      initiative(code: $code) { a: upstream(first: 2) { code } b: upstream(first: 2) { path } }
    }"""

    data = graphql.data(document, {"code": "PLL"})["initiative"]

    assert [node["code"] for node in data["a"]] == [path["path"][-1] for path in data["b"]]
    assert walks == {"upstream": 1}


def test_a_chain_page_builds_only_the_paths_on_it(
    graphql: GraphQLClient, built_paths: list[tuple[str, ...]]
) -> None:
    # when one document asks for each chain's first node and its counts
    data = graphql.data(CHAIN_AND_COUNTS, {"code": "PLL", "first": 1})["initiative"]

    # then one path was built per list, however long the chains are
    assert data["upstreamCount"] + data["downstreamCount"] + data["foundationDependencyCount"] > 3
    pages = [
        data[field][0]["path"] for field in ("upstream", "downstream", "foundationDependencies")
    ]
    assert sorted(built_paths) == sorted(tuple(path) for path in pages)
