"""Property tests: the fast algorithms agree with brute force on small random portfolios."""

from __future__ import annotations

from datetime import date
from itertools import pairwise
from typing import Any

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from graph import (
    Criticality,
    DependencyEdge,
    DependencyType,
    Development,
    InitiativeNode,
    Level,
    NodeKind,
    Schedule,
    SolutionNode,
    StatusSnapshot,
    build_dependency_graph,
    compute_schedule,
    critical_path,
    critical_set,
    cycle_dependent,
    dependency_slack,
    dependency_slack_around_cycles,
    propagate_red_status,
    red_sources,
    trace_red_status,
)
from tests.graph.builders import day

FAST = settings(max_examples=150, deadline=None)
LEVELS = st.sampled_from([None, Level.GREEN, Level.YELLOW, Level.RED])


@st.composite
def cyclic_portfolios(draw: st.DrawFn) -> tuple[nx.DiGraph, dict[str, StatusSnapshot], bool]:
    """Up to 8 undated nodes with edges in any direction (cycles included) and statuses."""
    size = draw(st.integers(1, 8))
    codes = draw(st.permutations("ABCDEFGH"))[:size]
    is_solution = {code: draw(st.booleans()) for code in codes}
    dependencies, developments = [], []
    for supplier in codes:
        for dependant in codes:
            if supplier == dependant or draw(st.integers(0, 2)) != 0:
                continue
            if not is_solution[dependant]:
                criticality = draw(st.sampled_from(Criticality))
                dependencies.append(DependencyEdge(supplier, dependant, criticality))
            elif not is_solution[supplier]:
                developments.append(Development(supplier, dependant))
    graph = build_dependency_graph(
        initiatives=[
            InitiativeNode(code, code, None, None, None) for code in codes if not is_solution[code]
        ],
        solutions=[SolutionNode(code, code, "FOUNDATION") for code in codes if is_solution[code]],
        dependencies=dependencies,
        developments=developments,
    )
    statuses = {
        code: StatusSnapshot(draw(LEVELS), draw(LEVELS)) for code in codes if not is_solution[code]
    }
    return graph, statuses, draw(st.booleans())


def brute_force_propagation(
    graph: nx.DiGraph, sources: tuple[str, ...]
) -> dict[str, tuple[Level, tuple[str, ...], tuple[tuple[str, ...], ...]]]:
    """Enumerate every simple path from every source; keep the strongest, then shortest."""
    transmitted = {Criticality.HIGH: 2, Criticality.MEDIUM: 1, Criticality.LOW: 0}
    found: dict[str, dict[int, dict[str, list[tuple[str, ...]]]]] = {}
    for source in sources:
        for target in graph:
            if target == source:
                continue
            for path in nx.all_simple_paths(graph, source, target):
                level = min(
                    transmitted[graph.edges[edge]["criticality"]] for edge in pairwise(path)
                )
                if level:
                    at_level = found.setdefault(target, {}).setdefault(level, {})
                    at_level.setdefault(source, []).append(tuple(path))
    result: dict[str, tuple[Level, tuple[str, ...], tuple[tuple[str, ...], ...]]] = {}
    for target, by_level in found.items():
        top = max(by_level)
        sources_at_top = sorted(by_level[top])
        result[target] = (
            Level.RED if top == 2 else Level.YELLOW,
            tuple(sources_at_top),
            tuple(
                min(by_level[top][source], key=lambda path: (len(path), path))
                for source in sources_at_top
            ),
        )
    return dict(sorted(result.items()))


@FAST
@given(cyclic_portfolios())
def test_propagation_matches_enumerating_every_simple_path(
    case: tuple[nx.DiGraph, dict[str, StatusSnapshot], bool],
) -> None:
    graph, statuses, include_risk_level = case

    result = propagate_red_status(graph, statuses, include_risk_level=include_risk_level, kind=None)

    sources = red_sources(graph, statuses, include_risk_level=include_risk_level)
    assert {
        code: (risk.level, risk.sources, risk.paths) for code, risk in result.items()
    } == brute_force_propagation(graph, sources)


@FAST
@given(cyclic_portfolios())
def test_source_reach_counts_the_initiatives_that_list_each_source(
    case: tuple[nx.DiGraph, dict[str, StatusSnapshot], bool],
) -> None:
    graph, statuses, include_risk_level = case
    trace = trace_red_status(graph, statuses, include_risk_level=include_risk_level)

    expected: dict[str, list[int]] = {}
    for risk in trace.flagged(NodeKind.INITIATIVE).values():
        for source in risk.sources:
            expected.setdefault(source, [0, 0])[risk.level == Level.YELLOW] += 1
    assert {
        source: [reach.red, reach.yellow] for source, reach in trace.reach().items()
    } == expected


@st.composite
def dated_portfolios(draw: st.DrawFn) -> nx.DiGraph:
    """Up to 8 nodes, mostly dated initiatives, with acyclic FS/FF edges, lags, deliveries."""
    size = draw(st.integers(1, 8))
    codes = draw(st.permutations("ABCDEFGH"))[:size]  # code order differs from edge order
    is_solution = {code: draw(st.integers(0, 4)) == 0 for code in codes}
    initiatives = []
    for code in codes:
        if is_solution[code]:
            continue
        start = draw(st.integers(0, 10))
        dated = draw(st.integers(0, 4)) > 0
        initiatives.append(
            InitiativeNode(
                code,
                code,
                day(start) if dated else None,
                day(start + draw(st.integers(0, 10))),
                day(start + draw(st.integers(0, 12))) if draw(st.booleans()) else None,
            )
        )
    dependencies, developments = [], []
    for position, dependant in enumerate(codes):
        for supplier in codes[:position]:
            if draw(st.integers(0, 2)) > 0:
                continue
            if not is_solution[dependant]:
                forecast = day(draw(st.integers(0, 20))) if draw(st.integers(0, 5)) == 0 else None
                dependencies.append(
                    DependencyEdge(
                        supplier,
                        dependant,
                        Criticality.HIGH,
                        draw(st.sampled_from(DependencyType)),
                        draw(st.integers(0, 5)),
                        needed_by=day(draw(st.integers(0, 30))) if draw(st.booleans()) else None,
                        supplier_delivery=None if forecast is None else f"{supplier}-R1",
                        supplier_delivery_forecast=forecast,
                    )
                )
            elif not is_solution[supplier]:
                developments.append(Development(supplier, dependant))
    return build_dependency_graph(
        initiatives=initiatives,
        solutions=[SolutionNode(code, code, "FOUNDATION") for code in codes if is_solution[code]],
        dependencies=dependencies,
        developments=developments,
    )


def brute_force_schedule(graph: nx.DiGraph) -> dict[str, tuple[int, int, int, int]]:
    """Relax every constraint, in no particular order, until nothing moves."""
    activities: dict[str, tuple[int, int]] = {}
    for code, record in graph.nodes(data="data"):
        if isinstance(record, InitiativeNode) and record.planned_start and record.end:
            start = record.planned_start.toordinal()
            activities[code] = (start, max(0, record.end.toordinal() - start))
    edges: list[tuple[str, str, dict[str, Any]]] = list(graph.edges(data=True))

    def supplier_time(supplier: str, attributes: dict[str, Any], finish: dict[str, int]) -> Any:
        forecast: date | None = attributes["supplier_delivery_forecast"]
        return forecast.toordinal() if forecast else finish.get(supplier)

    earliest: dict[str, int] = {
        code: start + length for code, (start, length) in activities.items()
    }
    changed = True
    while changed:
        changed = False
        for supplier, dependant, attributes in edges:
            time = supplier_time(supplier, attributes, earliest)
            if time is None:
                continue
            bound = time + attributes["lag_days"]
            if dependant in activities and attributes["type"] == DependencyType.FINISH_TO_START:
                bound += activities[dependant][1]
            if bound > earliest.get(dependant, bound - 1):
                earliest[dependant] = bound
                changed = True

    # Every scheduled node, relay points included, must be reached by the finish.
    finish = max(earliest.values(), default=0)
    latest = dict.fromkeys(earliest, finish)
    changed = True
    while changed:
        changed = False
        for supplier, dependant, attributes in edges:
            if (
                supplier not in earliest
                or dependant not in earliest
                or attributes["supplier_delivery_forecast"]
            ):
                continue
            bound = latest[dependant] - attributes["lag_days"]
            if dependant in activities and attributes["type"] == DependencyType.FINISH_TO_START:
                bound -= activities[dependant][1]
            if bound < latest[supplier]:
                latest[supplier] = bound
                changed = True
    length = {code: activities.get(code, (0, 0))[1] for code in earliest}
    return {
        code: (
            earliest[code] - length[code],
            earliest[code],
            latest[code] - length[code],
            latest[code],
        )
        for code in sorted(earliest)
    }


@FAST
@given(dated_portfolios())
def test_schedule_matches_a_brute_force_fixpoint(graph: nx.DiGraph) -> None:
    schedule = compute_schedule(graph)

    computed = {
        code: (
            item.earliest_start.toordinal(),
            item.earliest_finish.toordinal(),
            item.latest_start.toordinal(),
            item.latest_finish.toordinal(),
        )
        for code, item in sorted({**schedule.items, **schedule.milestones}.items())
    }
    assert computed == brute_force_schedule(graph)
    assert all(
        graph.nodes[code]["kind"] == NodeKind.INITIATIVE and graph.nodes[code]["data"].planned_start
        for code in schedule.items
    )


def brute_force_chains(graph: nx.DiGraph, schedule: Schedule) -> set[tuple[str, ...]]:
    """Every maximal path of zero-float nodes whose constraint binds, activities only."""
    scheduled = {**schedule.items, **schedule.milestones}
    driving = nx.DiGraph()
    driving.add_nodes_from(code for code, item in scheduled.items() if item.total_float_days == 0)
    for supplier, dependant, attributes in graph.edges(data=True):
        if not {supplier, dependant} <= set(driving) or attributes["supplier_delivery_forecast"]:
            continue
        before, after = scheduled[supplier], scheduled[dependant]
        reached = before.earliest_finish.toordinal() + attributes["lag_days"]
        if attributes["type"] == DependencyType.FINISH_TO_FINISH:
            binds = reached == after.earliest_finish.toordinal()
        else:
            binds = reached == after.earliest_start.toordinal()
        if binds:
            driving.add_edge(supplier, dependant)
    paths: list[list[str]] = []
    for start in (code for code in driving if driving.in_degree(code) == 0):
        for end in (code for code in driving if driving.out_degree(code) == 0):
            if start == end:
                paths.append([start])
            else:
                paths.extend(nx.all_simple_paths(driving, start, end))
    chains = {tuple(code for code in path if code in schedule.items) for path in paths}
    chains.discard(())
    return chains


@FAST
@given(dated_portfolios())
def test_chains_are_every_zero_float_chain_ending_at_the_finish(graph: nx.DiGraph) -> None:
    schedule = compute_schedule(graph)

    found = critical_set(graph, schedule)

    assert all(
        item.total_float_days >= 0
        for item in (*schedule.items.values(), *schedule.milestones.values())
    )
    assert found.critical == tuple(
        code for code, item in schedule.items.items() if item.total_float_days == 0
    )
    assert not found.chains_truncated
    assert set(found.chains) == brute_force_chains(graph, schedule)
    assert len(set(found.chains)) == len(found.chains)
    assert {code for chain in found.chains for code in chain} == set(found.critical)
    assert critical_path(graph, schedule) == found.chain
    for chain in found.chains:
        assert schedule.items[chain[-1]].latest_finish == schedule.items[chain[-1]].earliest_finish
        for before, after in pairwise(chain):
            assert nx.has_path(graph, before, after)


@FAST
@given(dated_portfolios())
def test_lateness_around_cycles_equals_the_schedule_lateness_on_acyclic_graphs(
    graph: nx.DiGraph,
) -> None:
    schedule = compute_schedule(graph)

    assert dependency_slack_around_cycles(graph) == dependency_slack(graph, schedule)


@st.composite
def portfolios_with_a_cycle(draw: st.DrawFn) -> tuple[nx.DiGraph, nx.DiGraph]:
    """A dated portfolio, and a copy where one back edge closes a cycle."""
    graph = draw(dated_portfolios())
    initiatives = sorted(
        code for code, kind in graph.nodes(data="kind") if kind == NodeKind.INITIATIVE
    )
    pairs = [
        (supplier, dependant)
        for supplier in graph
        for dependant in initiatives
        if supplier != dependant
        and nx.has_path(graph, dependant, supplier)
        and not graph.has_edge(supplier, dependant)
    ]
    if not pairs:
        return graph, graph
    supplier, dependant = draw(st.sampled_from(pairs))
    cyclic = graph.copy()
    cyclic.add_edge(
        supplier,
        dependant,
        criticality=Criticality.HIGH,
        type=DependencyType.FINISH_TO_START,
        lag_days=0,
        needed_by=day(draw(st.integers(0, 30))),
        supplier_delivery=None,
        supplier_delivery_forecast=None,
    )
    return graph, cyclic


@FAST
@given(portfolios_with_a_cycle())
def test_lateness_around_a_cycle_is_the_acyclic_lateness_where_the_cycle_does_not_reach(
    case: tuple[nx.DiGraph, nx.DiGraph],
) -> None:
    acyclic, cyclic = case
    undecided = cycle_dependent(cyclic)

    around = dependency_slack_around_cycles(cyclic)

    expected = {
        edge: slack
        for edge, slack in dependency_slack(acyclic, compute_schedule(acyclic)).items()
        if edge[0] not in undecided or acyclic.edges[edge]["supplier_delivery_forecast"]
    }
    added = set(cyclic.edges) - set(acyclic.edges)
    assert {edge: slack for edge, slack in around.items() if edge not in added} == expected
    for edge in added:  # the back edge's supplier is on the cycle
        assert edge not in around
