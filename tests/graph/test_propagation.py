from collections.abc import Sequence

import pytest

from graph import (
    Level,
    NodeKind,
    PropagatedRisk,
    RedStatusTrace,
    SourceReach,
    StatusSnapshot,
    propagate_red_status,
    red_sources,
    trace_red_status,
)
from tests.graph.builders import HIGH, LOW, MEDIUM, chain_of, depends, portfolio

RED = StatusSnapshot(status=Level.RED, risk_level=None)
GREEN = StatusSnapshot(status=Level.GREEN, risk_level=Level.GREEN)


def test_high_edge_transmits_red() -> None:
    graph = chain_of("A", "B", criticality=HIGH)

    result = propagate_red_status(graph, {"A": RED})

    assert result == {"B": PropagatedRisk("B", Level.RED, ("A",), (("A", "B"),))}


def test_medium_edge_transmits_yellow() -> None:
    graph = chain_of("A", "B", criticality=MEDIUM)

    assert propagate_red_status(graph, {"A": RED})["B"].level == Level.YELLOW


def test_low_edge_transmits_nothing() -> None:
    graph = chain_of("A", "B", "C", criticality=LOW)

    assert propagate_red_status(graph, {"A": RED}) == {}


def test_low_edge_blocks_the_rest_of_the_path() -> None:
    graph = portfolio(
        initiatives=["A", "B", "C"], dependencies=[depends("A", "B", LOW), depends("B", "C")]
    )

    assert propagate_red_status(graph, {"A": RED}) == {}


def test_path_level_is_its_weakest_edge() -> None:
    # given A -HIGH-> B -MEDIUM-> C -HIGH-> D
    graph = portfolio(
        initiatives=["A", "B", "C", "D"],
        dependencies=[depends("A", "B", HIGH), depends("B", "C", MEDIUM), depends("C", "D", HIGH)],
    )

    result = propagate_red_status(graph, {"A": RED})

    assert {code: risk.level for code, risk in result.items()} == {
        "B": Level.RED,
        "C": Level.YELLOW,
        "D": Level.YELLOW,
    }


def test_node_level_is_its_strongest_path_and_that_path_is_given() -> None:
    # given a short YELLOW path and a longer RED path from A to D
    graph = portfolio(
        initiatives=["A", "B", "C", "D"],
        dependencies=[
            depends("A", "D", MEDIUM),
            depends("A", "B"),
            depends("B", "C"),
            depends("C", "D"),
        ],
    )

    risk = propagate_red_status(graph, {"A": RED})["D"]

    assert risk.level == Level.RED
    assert risk.paths == (("A", "B", "C", "D"),)


def test_yellow_path_is_the_shortest_one() -> None:
    graph = portfolio(
        initiatives=["A", "B", "C", "D"],
        dependencies=[
            depends("A", "B", MEDIUM),
            depends("B", "C"),
            depends("C", "D"),
            depends("A", "D", MEDIUM),
        ],
    )

    risk = propagate_red_status(graph, {"A": RED})["D"]

    assert (risk.level, risk.paths) == (Level.YELLOW, (("A", "D"),))


def test_source_is_not_flagged_by_itself_in_a_cycle() -> None:
    graph = portfolio(initiatives=["A", "B"], dependencies=[depends("A", "B"), depends("B", "A")])

    result = propagate_red_status(graph, {"A": RED})

    assert list(result) == ["B"]


def test_source_is_flagged_by_another_source() -> None:
    graph = chain_of("A", "B", "C")

    result = propagate_red_status(graph, {"A": RED, "B": RED})

    assert result["B"] == PropagatedRisk("B", Level.RED, ("A",), (("A", "B"),))
    assert result["C"].sources == ("A", "B")
    assert result["C"].paths == (("A", "B", "C"), ("B", "C"))


def test_first_paths_searches_only_for_the_first_sources() -> None:
    # given C is reached by three sources, and a trace that notes what it searches for
    graph = portfolio(
        initiatives=["A", "B", "C", "D"],
        dependencies=[depends("A", "C"), depends("B", "C"), depends("D", "C")],
    )
    searched: list[tuple[str, ...]] = []

    class NotingTrace(RedStatusTrace):
        def paths_to(
            self, code: str, level: Level, sources: Sequence[str]
        ) -> tuple[tuple[str, ...], ...]:
            searched.append(tuple(sources))
            return super().paths_to(code, level, sources)

    risk = NotingTrace(graph, ("A", "B", "D")).flagged()["C"]

    assert risk.first_paths(2) == (("A", "C"), ("B", "C"))
    assert searched == [("A", "B")]


def test_sources_listed_are_only_those_at_the_node_level() -> None:
    # given A reaches C at YELLOW and B reaches it at RED
    graph = portfolio(
        initiatives=["A", "B", "C"], dependencies=[depends("A", "C", MEDIUM), depends("B", "C")]
    )

    risk = propagate_red_status(graph, {"A": RED, "B": RED})["C"]

    assert (risk.level, risk.sources) == (Level.RED, ("B",))


def test_risk_relays_through_a_developed_solution() -> None:
    # given HAP-PROG develops HAP, and LMR depends on HAP
    graph = portfolio(
        initiatives=["HAP-PROG", "LMR"],
        solutions=["HAP"],
        dependencies=[depends("HAP", "LMR", HIGH)],
        developments=[("HAP-PROG", "HAP")],
    )

    result = propagate_red_status(graph, {"HAP-PROG": RED})

    # then LMR is red through the solution, which itself is not listed
    assert result == {
        "LMR": PropagatedRisk("LMR", Level.RED, ("HAP-PROG",), (("HAP-PROG", "HAP", "LMR"),))
    }


def test_solution_levels_are_available_on_request() -> None:
    graph = portfolio(
        initiatives=["HAP-PROG", "LMR"],
        solutions=["HAP"],
        dependencies=[depends("HAP", "LMR", MEDIUM)],
        developments=[("HAP-PROG", "HAP")],
    )

    solutions = propagate_red_status(graph, {"HAP-PROG": RED}, kind=NodeKind.SOLUTION)
    everything = propagate_red_status(graph, {"HAP-PROG": RED}, kind=None)

    assert solutions == {
        "HAP": PropagatedRisk(
            "HAP", Level.RED, ("HAP-PROG",), (("HAP-PROG", "HAP"),), NodeKind.SOLUTION
        )
    }
    assert {code: risk.level for code, risk in everything.items()} == {
        "HAP": Level.RED,
        "LMR": Level.YELLOW,
    }


def test_equally_short_paths_are_broken_by_smallest_codes() -> None:
    graph = portfolio(
        initiatives=["A", "Y", "X", "D"],
        dependencies=[depends("A", "Y"), depends("Y", "D"), depends("A", "X"), depends("X", "D")],
    )

    assert propagate_red_status(graph, {"A": RED})["D"].paths == (("A", "X", "D"),)


def test_red_risk_level_counts_only_when_asked() -> None:
    graph = chain_of("PDS", "PJD")
    statuses = {"PDS": StatusSnapshot(status=Level.YELLOW, risk_level=Level.RED)}

    assert propagate_red_status(graph, statuses) == {}
    assert propagate_red_status(graph, statuses, include_risk_level=True)["PJD"].sources == ("PDS",)


def test_green_initiative_can_carry_red_propagated_risk() -> None:
    graph = chain_of("A", "B")

    result = propagate_red_status(graph, {"A": RED, "B": GREEN})

    assert result["B"].level == Level.RED


def test_statuses_of_codes_outside_the_graph_are_ignored() -> None:
    graph = portfolio(initiatives=["A"], solutions=["KJ"])

    assert red_sources(graph, {"GONE": RED, "KJ": RED, "A": GREEN}) == ()


def test_source_reach_counts_flagged_initiatives_by_level() -> None:
    # given A reaches B at RED and C at YELLOW, and D reaches C at YELLOW
    graph = portfolio(
        initiatives=["A", "B", "C", "D"],
        dependencies=[depends("A", "B"), depends("B", "C", MEDIUM), depends("D", "C", MEDIUM)],
    )

    reach = trace_red_status(graph, {"A": RED, "D": RED}).reach()

    assert reach == {
        "A": SourceReach("A", red=1, yellow=1),
        "D": SourceReach("D", red=0, yellow=1),
    }


def test_propagation_does_not_modify_the_graph() -> None:
    graph = chain_of("A", "B", "C")
    before = list(graph.edges(data=True))

    propagate_red_status(graph, {"A": RED})

    assert list(graph.edges(data=True)) == before


def test_a_path_is_only_given_where_the_source_reaches_at_that_level() -> None:
    # given A -HIGH-> B -MEDIUM-> C
    graph = portfolio(
        initiatives=["A", "B", "C"], dependencies=[depends("A", "B"), depends("B", "C", MEDIUM)]
    )
    trace = trace_red_status(graph, {"A": RED})

    assert trace.path("A", "C", Level.YELLOW) == ("A", "B", "C")
    with pytest.raises(ValueError, match="A does not reach C at RED"):
        trace.path("A", "C", Level.RED)
    with pytest.raises(ValueError, match="A does not reach A"):
        trace.path("A", "A", Level.RED)
