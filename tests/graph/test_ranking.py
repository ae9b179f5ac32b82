import random

import networkx as nx
import pytest

from graph import KeyInitiative, NodeKind, key_initiatives, transitive_dependant_counts
from tests.graph.builders import depends, portfolio


def test_counts_initiatives_downstream_but_not_solutions() -> None:
    # given KJ <- A <- B, and A developing solution S, which C needs
    graph = portfolio(
        initiatives=["A", "B", "C"],
        solutions=["KJ", "S"],
        dependencies=[depends("KJ", "A"), depends("A", "B"), depends("S", "C")],
        developments=[("A", "S")],
    )

    assert transitive_dependant_counts(graph) == {"A": 2, "B": 0, "C": 0, "KJ": 3, "S": 1}


def test_node_in_a_cycle_counts_the_rest_of_its_cycle_but_not_itself() -> None:
    graph = portfolio(
        initiatives=["A", "B", "C", "D"],
        dependencies=[depends("A", "B"), depends("B", "C"), depends("C", "A"), depends("C", "D")],
    )

    assert transitive_dependant_counts(graph) == {"A": 3, "B": 3, "C": 3, "D": 0}


def test_counts_match_descendants_whatever_the_chunk_size(monkeypatch: pytest.MonkeyPatch) -> None:
    # given a random portfolio, with cycles, counted in chunks of three initiatives
    rng = random.Random(7)
    codes = [f"N{number:02d}" for number in range(40)]
    edges = {(rng.choice(codes), rng.choice(codes)) for _ in range(70)}
    graph = portfolio(
        initiatives=codes[5:],
        solutions=codes[:5],
        dependencies=[
            depends(supplier, dependant)
            for supplier, dependant in sorted(edges)
            if supplier != dependant and dependant not in codes[:5]
        ],
    )
    monkeypatch.setattr("graph.ranking.CHUNK_BITS", 3)

    counts = transitive_dependant_counts(graph)

    assert counts == {
        code: sum(
            graph.nodes[other]["kind"] == NodeKind.INITIATIVE
            for other in nx.descendants(graph, code) - {code}
        )
        for code in sorted(graph)
    }


def test_key_initiatives_rank_by_dependants_then_betweenness_then_code() -> None:
    # given HUB and PEER each with two dependants, but HUB between others
    graph = portfolio(
        initiatives=["ROOT", "HUB", "PEER", "X", "Y", "P1", "P2"],
        dependencies=[
            depends("ROOT", "HUB"),
            depends("HUB", "X"),
            depends("HUB", "Y"),
            depends("PEER", "P1"),
            depends("PEER", "P2"),
            depends("ROOT", "Y"),
        ],
    )

    ranked = key_initiatives(graph, limit=4)

    assert [(key.code, key.transitive_dependants) for key in ranked] == [
        ("ROOT", 3),
        ("HUB", 2),
        ("PEER", 2),
        ("P1", 0),
    ]
    assert ranked[1].betweenness > ranked[2].betweenness


def test_key_initiatives_leave_out_solutions() -> None:
    graph = portfolio(initiatives=["A", "B"], solutions=["KJ"], dependencies=[depends("KJ", "A")])

    assert [key.code for key in key_initiatives(graph, limit=10)] == ["A", "B"]


def test_sampled_betweenness_is_reproducible() -> None:
    graph = portfolio(
        initiatives=[f"I{number}" for number in range(12)],
        dependencies=[depends(f"I{number}", f"I{number + 1}") for number in range(11)],
    )

    first = key_initiatives(graph, limit=12, betweenness_samples=4)
    second = key_initiatives(graph, limit=12, betweenness_samples=4)

    assert first == second
    assert first[0] == KeyInitiative("I0", 11, 0.0)
