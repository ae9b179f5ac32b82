import pytest

from graph import (
    DependencyCycle,
    InitiativeNode,
    Schedule,
    ScheduleItem,
    compute_schedule,
    critical_path,
    critical_set,
    near_critical,
)
from tests.graph.builders import FF, LOW, day, depends, initiative, portfolio


def activity(code: str, duration: int, *, start: int = 0) -> InitiativeNode:
    return initiative(code, start=start, end=start + duration)


def offsets(schedule: Schedule, code: str) -> tuple[int, int, int, int, int]:
    """(ES, EF, LS, LF, float) of a scheduled node, dates as day offsets."""
    item = schedule.scheduled(code)
    assert item is not None
    zero = day(0)
    return (
        (item.earliest_start - zero).days,
        (item.earliest_finish - zero).days,
        (item.latest_start - zero).days,
        (item.latest_finish - zero).days,
        item.total_float_days,
    )


def test_textbook_example_gives_every_textbook_number() -> None:
    # given the Milwaukee Paper network (Heizer & Render, Operations Management), all
    # activities planned to start on day 0, durations in days
    durations = {"A": 2, "B": 3, "C": 2, "D": 4, "E": 4, "F": 3, "G": 5, "H": 2}
    predecessors = {"C": "A", "D": "AB", "E": "C", "F": "C", "G": "DE", "H": "FG"}
    graph = portfolio(
        initiatives=[activity(code, length) for code, length in durations.items()],
        dependencies=[
            depends(supplier, dependant)
            for dependant, suppliers in predecessors.items()
            for supplier in suppliers
        ],
    )

    # when scheduled
    schedule = compute_schedule(graph)

    # then ES, EF, LS, LF and slack match the book, and so does the critical path
    assert {code: offsets(schedule, code) for code in durations} == {
        "A": (0, 2, 0, 2, 0),
        "B": (0, 3, 1, 4, 1),
        "C": (2, 4, 2, 4, 0),
        "D": (3, 7, 4, 8, 1),
        "E": (4, 8, 4, 8, 0),
        "F": (4, 7, 10, 13, 6),
        "G": (8, 13, 8, 13, 0),
        "H": (13, 15, 13, 15, 0),
    }
    assert schedule.finish == day(15)
    assert [code for code, item in schedule.items.items() if item.critical] == list("ACEGH")
    assert critical_path(graph, schedule) == ("A", "C", "E", "G", "H")


def test_finish_to_start_with_lag_delays_the_start() -> None:
    graph = portfolio(
        initiatives=[activity("A", 10), activity("B", 5)], dependencies=[depends("A", "B", lag=3)]
    )

    assert offsets(compute_schedule(graph), "B")[:2] == (13, 18)


def test_finish_to_finish_with_lag_delays_the_finish() -> None:
    graph = portfolio(
        initiatives=[activity("A", 10), activity("B", 5)],
        dependencies=[depends("A", "B", type=FF, lag=2)],
    )

    assert offsets(compute_schedule(graph), "B")[:2] == (7, 12)


def test_finish_to_finish_never_moves_a_start_before_the_planned_start() -> None:
    graph = portfolio(
        initiatives=[activity("A", 10), activity("B", 5, start=9)],
        dependencies=[depends("A", "B", type=FF)],
    )

    assert offsets(compute_schedule(graph), "B")[:2] == (9, 14)


def test_no_activity_starts_before_its_planned_start() -> None:
    graph = portfolio(
        initiatives=[activity("A", 5), activity("B", 5, start=20)], dependencies=[depends("A", "B")]
    )

    schedule = compute_schedule(graph)

    assert offsets(schedule, "B") == (20, 25, 20, 25, 0)
    assert offsets(schedule, "A") == (0, 5, 15, 20, 15)


def test_total_float_is_latest_minus_earliest_finish() -> None:
    graph = portfolio(
        initiatives=[activity("LONG", 30), activity("SHORT", 10), activity("END", 5)],
        dependencies=[depends("LONG", "END"), depends("SHORT", "END")],
    )

    schedule = compute_schedule(graph)

    assert schedule.items["SHORT"].total_float_days == 20
    assert schedule.items["SHORT"].critical is False
    assert schedule.items["LONG"].critical is True


def test_forecast_end_replaces_the_planned_end() -> None:
    graph = portfolio(initiatives=[initiative("A", start=0, end=10, forecast=25)])

    assert compute_schedule(graph).items["A"].earliest_finish == day(25)


def test_end_before_start_counts_as_zero_duration() -> None:
    graph = portfolio(initiatives=[initiative("A", start=10, end=5)])

    assert offsets(compute_schedule(graph), "A")[:2] == (10, 10)


def test_criticality_does_not_matter_to_the_schedule() -> None:
    graph = portfolio(
        initiatives=[activity("A", 10), activity("B", 5)], dependencies=[depends("A", "B", LOW)]
    )

    assert offsets(compute_schedule(graph), "B")[:2] == (10, 15)


def test_developed_solution_carries_the_developer_finish_to_its_dependants() -> None:
    # given I develops S and J needs S
    graph = portfolio(
        initiatives=[activity("I", 10), activity("J", 5)],
        solutions=["S"],
        dependencies=[depends("S", "J")],
        developments=[("I", "S")],
    )

    schedule = compute_schedule(graph)

    assert offsets(schedule, "J")[:2] == (10, 15)
    assert offsets(schedule, "S") == (10, 10, 10, 10, 0)
    assert "S" not in schedule.items
    assert critical_path(graph, schedule) == ("I", "J")


def test_undated_initiative_relays_constraints_with_their_lags() -> None:
    graph = portfolio(
        initiatives=[activity("A", 10), "UNDATED", activity("B", 5)],
        dependencies=[depends("A", "UNDATED", lag=2), depends("UNDATED", "B", lag=3)],
    )

    assert offsets(compute_schedule(graph), "B")[:2] == (15, 20)


def test_relay_without_dated_supplier_imposes_nothing() -> None:
    graph = portfolio(
        initiatives=[activity("J", 5, start=3)], solutions=["KJ"], dependencies=[depends("KJ", "J")]
    )

    schedule = compute_schedule(graph)

    assert offsets(schedule, "J")[:2] == (3, 8)
    assert schedule.milestones == {}


def test_lag_into_a_relay_nothing_waits_on_limits_its_supplier() -> None:
    # given X2 (day 0 to 4), an undated U2 that needs X2 finished 10 days before it, and
    # Y setting the portfolio finish on day 19
    graph = portfolio(
        initiatives=[activity("X2", 4), "U2", activity("Y", 19)],
        dependencies=[depends("X2", "U2", lag=10)],
    )

    # when scheduled
    schedule = compute_schedule(graph)

    # then U2, a zero-length milestone on day 14, must happen by the finish, so X2 must
    # finish 10 days before it: float 5, not 15
    assert schedule.finish == day(19)
    assert offsets(schedule, "U2") == (14, 14, 19, 19, 5)
    assert offsets(schedule, "X2") == (0, 4, 5, 9, 5)


def test_relay_past_every_activity_sets_the_finish() -> None:
    # given a lag after A into an undated initiative at the end of the chain
    graph = portfolio(
        initiatives=[activity("A", 10), activity("B", 20), "TAIL"],
        dependencies=[depends("A", "TAIL", lag=30)],
    )

    schedule = compute_schedule(graph)

    assert schedule.finish == day(40)
    assert offsets(schedule, "A") == (0, 10, 0, 10, 0)
    assert offsets(schedule, "B") == (0, 20, 20, 40, 20)
    assert offsets(schedule, "TAIL") == (40, 40, 40, 40, 0)
    assert schedule.milestones["TAIL"].critical is True
    assert critical_path(graph, schedule) == ("A",)


def test_delivery_forecast_constrains_instead_of_the_supplier_finish() -> None:
    graph = portfolio(
        initiatives=[activity("A", 100), activity("B", 5)],
        dependencies=[depends("A", "B", delivery="A-R1", delivery_forecast=30, lag=1)],
    )

    schedule = compute_schedule(graph)

    assert offsets(schedule, "B") == (31, 36, 95, 100, 64)
    assert offsets(schedule, "A") == (0, 100, 0, 100, 0)


def test_what_if_dates_replace_the_graph_dates() -> None:
    graph = portfolio(
        initiatives=[activity("A", 10), activity("B", 5)],
        dependencies=[depends("A", "B", delivery="A-R1", delivery_forecast=4)],
    )

    schedule = compute_schedule(
        graph, end_dates={"A": day(12)}, delivery_forecasts={"A-R1": day(8)}
    )

    assert offsets(schedule, "A")[:2] == (0, 12)
    assert offsets(schedule, "B")[:2] == (8, 13)
    assert schedule.delivery_forecasts == {"A-R1": day(8)}


def test_equal_critical_chains_are_broken_by_code() -> None:
    # given two zero-float routes from A to Z, through N and through M
    graph = portfolio(
        initiatives=[activity("A", 2), activity("N", 3), activity("M", 3), activity("Z", 1)],
        dependencies=[depends("A", "N"), depends("A", "M"), depends("N", "Z"), depends("M", "Z")],
    )

    assert critical_path(graph, compute_schedule(graph)) == ("A", "M", "Z")


def test_every_zero_float_activity_is_critical_and_on_a_chain() -> None:
    # given three activities finishing on the same day, unconnected, and one with float
    # that HP waits for but that does not drive it
    graph = portfolio(
        initiatives=[
            activity("PLL", 9),
            activity("HP", 4, start=5),
            activity("KULE", 4, start=5),
            activity("EARLY", 3),
        ],
        dependencies=[depends("EARLY", "HP")],
    )

    found = critical_set(graph, compute_schedule(graph))

    assert found.critical == ("HP", "KULE", "PLL")
    assert found.chains == (("HP",), ("KULE",), ("PLL",))
    assert found.chain == ("HP",)
    assert not found.chains_truncated


def test_chains_follow_every_equal_route_in_code_order() -> None:
    graph = portfolio(
        initiatives=[activity("A", 2), activity("N", 3), activity("M", 3), activity("Z", 1)],
        dependencies=[depends("A", "N"), depends("A", "M"), depends("N", "Z"), depends("M", "Z")],
    )

    found = critical_set(graph, compute_schedule(graph))

    assert found.chains == (("A", "M", "Z"), ("A", "N", "Z"))


def test_chains_through_different_relays_to_the_same_activities_count_once() -> None:
    graph = portfolio(
        initiatives=[activity("A", 2), activity("Z", 1)],
        solutions=["S1", "S2"],
        developments=[("A", "S1"), ("A", "S2")],
        dependencies=[depends("S1", "Z"), depends("S2", "Z")],
    )

    assert critical_set(graph, compute_schedule(graph)).chains == (("A", "Z"),)


def test_chains_stop_at_the_cap_and_say_so() -> None:
    # given ten diamonds in a row: 2**10 equal routes from start to finish
    initiatives = [activity("S", 1)]
    dependencies = []
    previous = "S"
    for step in range(10):
        upper, lower, join = f"U{step}", f"L{step}", f"J{step}"
        initiatives += [activity(upper, 1), activity(lower, 1), activity(join, 1)]
        dependencies += [
            depends(previous, upper),
            depends(previous, lower),
            depends(upper, join),
            depends(lower, join),
        ]
        previous = join
    graph = portfolio(initiatives=initiatives, dependencies=dependencies)

    found = critical_set(graph, compute_schedule(graph), max_chains=5)

    assert len(found.chains) == 5
    assert found.chains_truncated
    assert len(found.critical) == 31


def test_near_critical_are_activities_with_float_up_to_the_threshold() -> None:
    graph = portfolio(
        initiatives=[activity("A", 10), activity("B", 7), activity("C", 4), activity("D", 10)]
    )

    schedule = compute_schedule(graph)

    assert near_critical(schedule, days=3) == ("B",)
    assert near_critical(schedule, days=6) == ("B", "C")
    assert near_critical(schedule, days=0) == ()


def test_cycle_raises_dependency_cycle_with_its_path() -> None:
    graph = portfolio(
        initiatives=[activity("A", 1), activity("B", 1), activity("C", 1)],
        dependencies=[depends("A", "B"), depends("B", "C"), depends("C", "A")],
    )

    with pytest.raises(DependencyCycle) as raised:
        compute_schedule(graph)

    assert raised.value.cycle == ("A", "B", "C", "A")


def test_portfolio_without_dates_has_an_empty_schedule() -> None:
    graph = portfolio(initiatives=["A", "B"], dependencies=[depends("A", "B")])

    schedule = compute_schedule(graph)

    assert (schedule.items, schedule.finish) == ({}, None)
    assert critical_path(graph, schedule) == ()


def test_schedule_does_not_modify_the_graph() -> None:
    graph = portfolio(
        initiatives=[activity("A", 10), activity("B", 5)], dependencies=[depends("A", "B")]
    )
    before = (list(graph.nodes(data=True)), list(graph.edges(data=True)))

    compute_schedule(graph, end_dates={"A": day(50)})

    assert (list(graph.nodes(data=True)), list(graph.edges(data=True))) == before


def test_schedule_item_holds_dates() -> None:
    graph = portfolio(initiatives=[activity("A", 10)])

    assert compute_schedule(graph).items == {
        "A": ScheduleItem("A", day(0), day(10), day(0), day(10), 0, True)
    }
