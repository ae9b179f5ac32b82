"""A trace carried across status changes equals one traced afresh.

``retrace_red_status`` searches again only what the changed sources reach and moves each
source's counts by what changed; on random graphs (cycles included) and random sequences
of status changes, every answer of the carried trace must be that of a trace from scratch.
"""

from __future__ import annotations

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from graph import (
    Criticality,
    DependencyEdge,
    Development,
    InitiativeNode,
    Level,
    NodeKind,
    RedStatusTrace,
    SolutionNode,
    StatusSnapshot,
    build_dependency_graph,
    graph_arrays,
    retrace_red_status,
    trace_red_status,
)

LEVELS = st.sampled_from([None, Level.GREEN, Level.YELLOW, Level.RED])
CODES = "ABCDEFGHIJKL"


@st.composite
def portfolios(draw: st.DrawFn) -> nx.DiGraph:
    """Up to 12 undated nodes, edges of every criticality in any direction, cycles included."""
    size = draw(st.integers(1, len(CODES)))
    codes = draw(st.permutations(CODES))[:size]
    is_solution = {code: draw(st.integers(0, 3)) == 0 for code in codes}
    dependencies, developments = [], []
    for supplier in codes:
        for dependant in codes:
            if supplier == dependant or draw(st.integers(0, 3)) != 0:
                continue
            if not is_solution[dependant]:
                criticality = draw(st.sampled_from(Criticality))
                dependencies.append(DependencyEdge(supplier, dependant, criticality))
            elif not is_solution[supplier]:
                developments.append(Development(supplier, dependant))
    return build_dependency_graph(
        initiatives=[
            InitiativeNode(code, code, None, None, None) for code in codes if not is_solution[code]
        ],
        solutions=[SolutionNode(code, code, "FOUNDATION") for code in codes if is_solution[code]],
        dependencies=dependencies,
        developments=developments,
    )


def answers(trace: RedStatusTrace) -> dict[str, object]:
    """Everything a trace answers: levels, reach counts, each node's sources and paths."""
    return {
        "sources": trace.sources,
        "levels": trace.level_array().tolist(),
        "reach": trace.reach(),
        "flagged": {
            code: (risk.level, risk.sources, risk.paths)
            for code, risk in trace.flagged(kind=None).items()
        },
        "in order": [(risk.code, risk.level) for risk in trace.flagged_in_order()],
        "reach in order": list(trace.reach_in_order()),
    }


@settings(max_examples=200, deadline=None)
@given(
    graph=portfolios(),
    data=st.data(),
    counted_first=st.booleans(),
    recount_above=st.sampled_from([0, 1, 64]),
    include_risk_level=st.booleans(),
)
def test_a_trace_carried_across_status_changes_equals_one_traced_afresh(
    graph: nx.DiGraph,
    data: st.DataObject,
    counted_first: bool,
    recount_above: int,
    include_risk_level: bool,
) -> None:
    initiatives = sorted(
        code for code, kind in graph.nodes(data="kind") if kind == NodeKind.INITIATIVE
    )
    if not initiatives:
        return
    arrays = graph_arrays(graph)
    statuses = {code: StatusSnapshot(data.draw(LEVELS), data.draw(LEVELS)) for code in initiatives}
    trace = trace_red_status(graph, statuses, include_risk_level=include_risk_level, arrays=arrays)
    if counted_first:
        trace.reach()  # the counts then carry over instead of being counted afresh

    for _ in range(data.draw(st.integers(1, 4))):
        changed = data.draw(st.sets(st.sampled_from(initiatives), min_size=1, max_size=3))
        for code in changed:
            statuses[code] = StatusSnapshot(data.draw(LEVELS), data.draw(LEVELS))
        carried = retrace_red_status(
            trace, graph, statuses, changed, include_risk_level=include_risk_level
        )
        if counted_first:
            carried = trace.with_sources(carried.sources, recount_above=recount_above)
        afresh = trace_red_status(graph, statuses, include_risk_level=include_risk_level)

        assert answers(carried) == answers(afresh)
        trace = carried


def test_reach_in_order_is_widest_first_then_by_code() -> None:
    graph = build_dependency_graph(
        initiatives=[InitiativeNode(code, code, None, None, None) for code in "ABCDEF"],
        solutions=[],
        dependencies=[
            DependencyEdge("A", "D", Criticality.MEDIUM),
            DependencyEdge("B", "D", Criticality.HIGH),
            DependencyEdge("C", "E", Criticality.HIGH),
            DependencyEdge("C", "F", Criticality.MEDIUM),
        ],
        developments=[],
    )
    red = StatusSnapshot(Level.RED, None)
    trace = trace_red_status(graph, {"A": red, "B": red, "C": red})

    assert list(trace.reach_in_order()) == sorted(
        trace.reach().values(),
        key=lambda item: (-(item.red + item.yellow), -item.red, item.source),
    )
    assert [item.source for item in trace.reach_in_order()[:2]] == ["C", "B"]


def test_a_source_turning_green_leaves_what_another_source_reaches() -> None:
    graph = build_dependency_graph(
        initiatives=[InitiativeNode(code, code, None, None, None) for code in "ABCD"],
        solutions=[],
        dependencies=[
            DependencyEdge("A", "C", Criticality.HIGH),
            DependencyEdge("B", "C", Criticality.MEDIUM),
            DependencyEdge("C", "D", Criticality.HIGH),
        ],
        developments=[],
    )
    red, green = StatusSnapshot(Level.RED, None), StatusSnapshot(Level.GREEN, None)
    before = trace_red_status(graph, {"A": red, "B": red})
    before.reach()

    after = retrace_red_status(before, graph, {"A": green, "B": red}, {"A"})

    assert after.levels() == {"C": Level.YELLOW, "D": Level.YELLOW}
    assert [(item.source, item.red, item.yellow) for item in after.reach().values()] == [
        ("B", 0, 2)
    ]
