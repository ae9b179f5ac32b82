"""Scenarios apply their changes to copies, and two portfolios compare by flags and finish."""

from __future__ import annotations

import networkx as nx
import pytest

from graph import (
    AddDependency,
    DependencyCycle,
    InvalidDependency,
    Level,
    NodeNotFound,
    NodeNotScheduled,
    RemoveDependency,
    SetDates,
    SetRisk,
    SetStatus,
    Slip,
    StatusSnapshot,
    apply_scenario,
    build_dependency_graph,
    compare_portfolios,
    compute_schedule,
    propagate_red_status,
)
from tests.graph.builders import HIGH, LOW, day, depends, initiative, solution


def portfolio() -> nx.DiGraph:
    """A -> B -> C (HIGH), D on its own, solution S used by C."""
    return build_dependency_graph(
        initiatives=[
            initiative("A", start=0, end=10),
            initiative("B", start=10, end=20),
            initiative("C", start=20, end=30),
            initiative("D", start=0, end=5),
            initiative("U"),
        ],
        solutions=[solution("S")],
        dependencies=[depends("A", "B"), depends("B", "C"), depends("S", "C", LOW)],
    )


def test_slip_moves_the_end_of_the_copy_only() -> None:
    graph = portfolio()

    changed, _ = apply_scenario(graph, {}, [Slip("A", 5), Slip("A", 2)])

    assert changed.nodes["A"]["data"].end == day(17)
    assert graph.nodes["A"]["data"].end == day(10)
    assert compute_schedule(changed).finish == day(37)
    assert compute_schedule(graph).finish == day(30)


def test_set_dates_replaces_the_plan_and_drops_the_forecast() -> None:
    graph = build_dependency_graph(
        initiatives=[initiative("A", start=0, end=10, forecast=40)], solutions=[], dependencies=[]
    )

    changed, _ = apply_scenario(graph, {}, [SetDates("A", day(5), day(8))])

    record = changed.nodes["A"]["data"]
    assert (record.planned_start, record.end) == (day(5), day(8))
    assert graph.nodes["A"]["data"].end == day(40)


def test_status_and_risk_changes_keep_the_other_half_of_the_snapshot() -> None:
    statuses = {"A": StatusSnapshot(Level.GREEN, Level.YELLOW)}

    _, changed = apply_scenario(
        portfolio(), statuses, [SetStatus("A", Level.RED), SetRisk("B", Level.RED)]
    )

    assert changed["A"] == StatusSnapshot(Level.RED, Level.YELLOW)
    assert changed["B"] == StatusSnapshot(None, Level.RED)
    assert statuses == {"A": StatusSnapshot(Level.GREEN, Level.YELLOW)}


def test_added_and_removed_dependencies_change_the_copy_only() -> None:
    graph = portfolio()

    changed, _ = apply_scenario(
        graph, {}, [AddDependency("D", "A", HIGH), RemoveDependency("B", "C")]
    )

    assert changed.has_edge("D", "A")
    assert changed.edges["D", "A"]["criticality"] == HIGH
    assert not changed.has_edge("B", "C")
    assert graph.has_edge("B", "C")
    assert not graph.has_edge("D", "A")


def test_an_added_dependency_that_closes_a_cycle_names_the_cycle() -> None:
    with pytest.raises(DependencyCycle) as raised:
        apply_scenario(portfolio(), {}, [AddDependency("C", "A")])

    assert raised.value.cycle == ("A", "B", "C", "A")


def test_a_dependency_removed_first_lets_the_reverse_one_in() -> None:
    changed, _ = apply_scenario(
        portfolio(), {}, [RemoveDependency("A", "B"), AddDependency("B", "A")]
    )

    assert changed.has_edge("B", "A")
    assert not changed.has_edge("A", "B")


def test_changes_naming_unknown_codes_solutions_or_undated_initiatives_are_refused() -> None:
    with pytest.raises(NodeNotFound):
        apply_scenario(portfolio(), {}, [Slip("NOPE", 1)])
    with pytest.raises(NodeNotFound):
        apply_scenario(portfolio(), {}, [SetStatus("S", Level.RED)])
    with pytest.raises(NodeNotScheduled):
        apply_scenario(portfolio(), {}, [Slip("U", 1)])
    with pytest.raises(InvalidDependency):
        apply_scenario(portfolio(), {}, [AddDependency("A", "S")])


def test_comparison_lists_newly_flagged_and_moved_initiatives_and_the_finish() -> None:
    graph = portfolio()
    before_statuses = {"D": StatusSnapshot(Level.RED, None)}  # D flags nobody
    changed, after_statuses = apply_scenario(
        graph,
        before_statuses,
        [SetStatus("A", Level.RED), SetStatus("D", Level.GREEN), Slip("B", 4)],
    )

    comparison = compare_portfolios(
        flagged_before=propagate_red_status(graph, before_statuses),
        flagged_after=propagate_red_status(changed, after_statuses),
        schedule_before=compute_schedule(graph),
        schedule_after=compute_schedule(changed),
    )

    assert comparison.newly_flagged == ("B", "C")
    assert comparison.no_longer_flagged == ()
    assert [(moved.code, moved.days) for moved in comparison.moved] == [("B", 4), ("C", 4)]
    assert (comparison.finish_before, comparison.finish_after) == (day(30), day(34))
    assert comparison.finish_moved_days == 4


def test_comparison_of_an_initiative_no_longer_flagged() -> None:
    comparison = compare_portfolios(
        flagged_before={"B": Level.RED, "C": Level.YELLOW},
        flagged_after={"C": Level.RED},
        schedule_before=None,
        schedule_after=None,
    )

    assert comparison.newly_flagged == ()
    assert comparison.no_longer_flagged == ("B",)
    assert comparison.moved == ()
    assert comparison.finish_moved_days == 0
