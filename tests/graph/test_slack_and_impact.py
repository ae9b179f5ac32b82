import pytest

from graph import (
    DeliveryNotFound,
    LateDependency,
    MovedInitiative,
    NodeNotFound,
    NodeNotScheduled,
    Slack,
    compute_schedule,
    dependency_slack,
    dependency_slack_around_cycles,
    slip_impact,
)
from tests.graph.builders import day, depends, initiative, portfolio


def test_dependency_is_late_when_supplier_finishes_after_needed_by() -> None:
    graph = portfolio(
        initiatives=[initiative("PDS", start=0, end=40), "PJD"],
        dependencies=[depends("PDS", "PJD", needed_by=30)],
    )

    slack = dependency_slack(graph, compute_schedule(graph))

    assert slack == {("PDS", "PJD"): Slack(True, -10, day(40), day(30))}


def test_dependency_on_time_has_positive_slack() -> None:
    graph = portfolio(
        initiatives=[initiative("PDS", start=0, end=20), "PJD"],
        dependencies=[depends("PDS", "PJD", needed_by=30)],
    )

    slack = dependency_slack(graph, compute_schedule(graph))[("PDS", "PJD")]

    assert (slack.is_late, slack.slack_days) == (False, 10)


def test_delivery_forecast_is_the_supplier_date_when_named() -> None:
    graph = portfolio(
        initiatives=[initiative("PDS", start=0, end=90), "PJD"],
        dependencies=[depends("PDS", "PJD", needed_by=30, delivery="R1", delivery_forecast=25)],
    )

    slack = dependency_slack(graph, compute_schedule(graph))[("PDS", "PJD")]

    assert (slack.supplier_date, slack.slack_days) == (day(25), 5)


def test_supplier_date_is_the_scheduled_finish_not_the_planned_end() -> None:
    # given B planned to end on day 20 but pushed to day 35 by A
    graph = portfolio(
        initiatives=[initiative("A", start=0, end=20), initiative("B", start=0, end=15), "C"],
        dependencies=[depends("A", "B"), depends("B", "C", needed_by=30)],
    )

    slack = dependency_slack(graph, compute_schedule(graph))[("B", "C")]

    assert (slack.supplier_date, slack.is_late) == (day(35), True)


def test_solution_supplier_delivers_when_its_developer_finishes() -> None:
    graph = portfolio(
        initiatives=[initiative("HAP-PROG", start=0, end=50), "LMR"],
        solutions=["HAP"],
        dependencies=[depends("HAP", "LMR", needed_by=40)],
        developments=[("HAP-PROG", "HAP")],
    )

    slack = dependency_slack(graph, compute_schedule(graph))[("HAP", "LMR")]

    assert (slack.supplier_date, slack.slack_days) == (day(50), -10)


def test_undated_supplier_uses_its_own_end_date() -> None:
    graph = portfolio(
        initiatives=[initiative("A", end=12), "B"], dependencies=[depends("A", "B", needed_by=10)]
    )

    assert dependency_slack(graph, compute_schedule(graph))[("A", "B")].slack_days == -2


def test_dependencies_without_needed_by_or_supplier_date_are_not_judged() -> None:
    graph = portfolio(
        initiatives=[initiative("A", start=0, end=10), "B", "C"],
        solutions=["KJ"],
        dependencies=[depends("A", "B"), depends("KJ", "C", needed_by=5)],
    )

    assert dependency_slack(graph, compute_schedule(graph)) == {}


def test_lateness_around_a_cycle_is_decided_wherever_it_can_be() -> None:
    # given A and B in a cycle; B delivers to C by a forecast; D is apart from the cycle;
    # E waits on A's finish; G waits on C, which only the forecast drives
    graph = portfolio(
        initiatives=[
            initiative("A", start=0, end=10),
            initiative("B", start=0, end=10),
            initiative("C", start=0, end=5),
            initiative("D", start=0, end=40),
            "E",
            "G",
        ],
        dependencies=[
            depends("A", "B"),
            depends("B", "A"),
            depends("B", "C", needed_by=20, delivery="B-R1", delivery_forecast=25),
            depends("D", "C", needed_by=30),
            depends("A", "E", needed_by=50),
            depends("C", "G", needed_by=30),
        ],
    )

    # when lateness is judged without a schedule
    slack = dependency_slack_around_cycles(graph)

    # then only A -> E, whose supplier date is A's finish inside the cycle, is undecided
    assert slack == {
        ("B", "C"): Slack(True, -5, day(25), day(20)),
        ("C", "G"): Slack(True, -15, day(45), day(30)),
        ("D", "C"): Slack(True, -10, day(40), day(30)),
    }


def test_lateness_around_cycles_equals_the_schedule_lateness_without_one() -> None:
    graph = portfolio(
        initiatives=[initiative("PDS", start=0, end=40), "PJD", initiative("HP", start=5, end=9)],
        dependencies=[depends("PDS", "PJD", needed_by=30), depends("PJD", "HP", needed_by=1)],
    )

    assert dependency_slack_around_cycles(graph) == dependency_slack(graph, compute_schedule(graph))


def test_initiative_slip_moves_it_and_everyone_downstream() -> None:
    graph = portfolio(
        initiatives=[
            initiative("A", start=0, end=10),
            initiative("B", start=0, end=5),
            initiative("C", start=0, end=5),
            initiative("OTHER", start=0, end=5),
        ],
        dependencies=[depends("A", "B"), depends("B", "C")],
    )

    impact = slip_impact(graph, code="A", slip_days=7)

    assert impact.moved == (
        MovedInitiative("A", 7, day(17)),
        MovedInitiative("B", 7, day(22)),
        MovedInitiative("C", 7, day(27)),
    )
    assert (impact.finish_before, impact.finish_after) == (day(20), day(27))


def test_float_absorbs_part_of_a_slip() -> None:
    # given B may start on day 10 at the earliest, while A finishes on day 5
    graph = portfolio(
        initiatives=[initiative("A", start=0, end=5), initiative("B", start=10, end=20)],
        dependencies=[depends("A", "B")],
    )

    impact = slip_impact(graph, code="A", slip_days=8)

    assert impact.moved == (MovedInitiative("A", 8, day(13)), MovedInitiative("B", 3, day(23)))


def test_slip_lists_only_dependencies_that_become_late() -> None:
    graph = portfolio(
        initiatives=[initiative("A", start=0, end=10), "ON-TIME", "NEWLY-LATE", "ALREADY-LATE"],
        dependencies=[
            depends("A", "ON-TIME", needed_by=30),
            depends("A", "NEWLY-LATE", needed_by=12),
            depends("A", "ALREADY-LATE", needed_by=5),
        ],
    )

    impact = slip_impact(graph, code="A", slip_days=5)

    assert impact.newly_late == (LateDependency("A", "NEWLY-LATE", -3, day(15), day(12)),)


def test_delivery_slip_moves_the_dependants_of_that_delivery() -> None:
    graph = portfolio(
        initiatives=[
            initiative("PLL", start=0, end=100),
            initiative("KULE", start=0, end=10),
            initiative("HP", start=0, end=10),
        ],
        dependencies=[
            depends("PLL", "KULE", delivery="PLL-R1", delivery_forecast=20, needed_by=25),
            depends("PLL", "HP", delivery="PLL-R2", delivery_forecast=30),
        ],
    )

    impact = slip_impact(graph, delivery="PLL-R1", slip_days=10)

    assert impact.moved == (MovedInitiative("KULE", 10, day(40)),)
    assert impact.newly_late == (LateDependency("PLL", "KULE", -5, day(30), day(25)),)


def test_delivery_without_forecast_slips_from_its_supplier_finish() -> None:
    graph = portfolio(
        initiatives=[initiative("PLL", start=0, end=50), initiative("KULE", start=0, end=10)],
        dependencies=[depends("PLL", "KULE", delivery="PLL-R1")],
    )

    impact = slip_impact(graph, delivery="PLL-R1", slip_days=5)

    assert impact.moved == (MovedInitiative("KULE", 5, day(65)),)


def test_slip_of_unknown_initiative_raises_node_not_found() -> None:
    graph = portfolio(initiatives=[initiative("A", start=0, end=1)])

    with pytest.raises(NodeNotFound):
        slip_impact(graph, code="NOPE", slip_days=1)


def test_slip_of_unknown_delivery_raises_delivery_not_found() -> None:
    graph = portfolio(initiatives=[initiative("A", start=0, end=1)])

    with pytest.raises(DeliveryNotFound, match="'R9'"):
        slip_impact(graph, delivery="R9", slip_days=1)


@pytest.mark.parametrize("code", ["KJ", "UNDATED"])
def test_slip_of_unscheduled_node_raises_node_not_scheduled(code: str) -> None:
    graph = portfolio(initiatives=["UNDATED"], solutions=["KJ"])

    with pytest.raises(NodeNotScheduled):
        slip_impact(graph, code=code, slip_days=1)


@pytest.mark.parametrize(("code", "delivery"), [(None, None), ("A", "R1")])
def test_slip_needs_exactly_one_target(code: str | None, delivery: str | None) -> None:
    graph = portfolio(initiatives=[initiative("A", start=0, end=1)])

    with pytest.raises(ValueError, match="exactly one"):
        slip_impact(graph, code=code, delivery=delivery, slip_days=1)


def test_slip_does_not_modify_the_graph() -> None:
    graph = portfolio(
        initiatives=[initiative("A", start=0, end=10), initiative("B", start=0, end=1)],
        dependencies=[depends("A", "B", delivery="R1", delivery_forecast=3)],
    )
    before = (list(graph.nodes(data=True)), list(graph.edges(data=True)))

    slip_impact(graph, code="A", slip_days=30)
    slip_impact(graph, delivery="R1", slip_days=30)

    assert (list(graph.nodes(data=True)), list(graph.edges(data=True))) == before
