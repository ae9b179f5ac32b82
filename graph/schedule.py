"""Critical path method over the dependency graph.

Activities are initiatives with a planned start and an end (the forecast end, else the
planned end); duration is end minus planned start, in days (never negative). Constraints
follow the edges: FINISH_TO_START makes the dependant start no earlier than the
supplier's finish plus lag, FINISH_TO_FINISH makes it finish no earlier than that, and no
activity starts before its planned start. When every planned start is the same day this
is the textbook CPM.

Decisions the design left open:

* **Relay nodes.** Solutions and initiatives without dates are not activities, but
  they pass constraints on: they are zero-duration milestones whose time is the latest
  constraint coming in (supplier finish plus lag, whatever the edge type). So in
  ``I -> S -> J``, where initiative I develops solution S that J needs, J waits for I. A
  relay node with no dated supplier upstream imposes nothing and is left unscheduled.
* **Deliveries.** An edge that names a supplier delivery with a forecast is constrained by
  that forecast (plus lag) instead of the supplier's finish, and therefore puts no
  backward limit on the supplier. The forecast is taken as given, not moved by the
  supplier's schedule. This is the same "supplier's date" that decides whether the
  dependency is late (see :mod:`graph.slack`).
* **Project finish** is the latest earliest finish of any scheduled node: every activity
  and every relay point (a zero-length milestone) must be reached by it. The backward
  pass starts there for every scheduled node and takes the tightest limit from what
  waits on it, so a lag into a relay point nothing waits on still limits the relay's
  suppliers (X finishing on day 5 with a 10-day lag into an undated U must finish by
  the portfolio finish minus 10). Edges constrained by a delivery forecast limit nothing
  upstream. Total float is latest finish minus earliest finish, never negative, and a
  node is critical when its float is zero.
* **Lateness around cycles.** :func:`compute_schedule` refuses a cyclic graph, but the
  nodes whose earliest finish does not depend on a cycle can still be scheduled forward:
  :func:`earliest_finishes` gives their finishes and :func:`cycle_dependent` the rest.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import networkx as nx

from graph.cancellation import checkpoint
from graph.cycles import one_cycle
from graph.errors import DependencyCycle
from graph.model import DependencyType, InitiativeNode

__all__ = [
    "Schedule",
    "ScheduleItem",
    "compute_schedule",
    "cycle_dependent",
    "earliest_finishes",
    "edge_forecast",
    "supplier_date",
]

_FINISH_TO_FINISH = DependencyType.FINISH_TO_FINISH


@dataclass(frozen=True, slots=True)
class ScheduleItem:
    """Earliest and latest dates of one scheduled node, with its total float."""

    code: str
    earliest_start: date
    earliest_finish: date
    latest_start: date
    latest_finish: date
    total_float_days: int
    critical: bool


@dataclass(frozen=True, slots=True)
class Schedule:
    """The result of :func:`compute_schedule`.

    Attributes
    ----------
    items : mapping of code to ScheduleItem
        Every activity (dated initiative), in code order.
    finish : date or None
        The latest earliest finish of any activity or milestone, which every scheduled
        node must reach; None when nothing is scheduled.
    milestones : mapping of code to ScheduleItem
        Relay nodes (solutions, undated initiatives) that some activity or delivery
        forecast constrains, in code order; their start and finish coincide.
    delivery_forecasts : mapping of delivery code to date
        What-if delivery forecasts the schedule was computed with.
    """

    items: Mapping[str, ScheduleItem]
    finish: date | None
    milestones: Mapping[str, ScheduleItem] = field(default_factory=dict)
    delivery_forecasts: Mapping[str, date] = field(default_factory=dict)

    def scheduled(self, code: str) -> ScheduleItem | None:
        """Return the item of an activity or milestone, or None if it is unscheduled.

        Examples
        --------
        >>> Schedule(items={}, finish=None).scheduled("PLL") is None
        True
        """
        item = self.items.get(code)
        return item if item is not None else self.milestones.get(code)


def compute_schedule(
    graph: nx.DiGraph,
    *,
    end_dates: Mapping[str, date] | None = None,
    delivery_forecasts: Mapping[str, date] | None = None,
) -> Schedule:
    """Run the critical path method: forward pass, backward pass, total float.

    Parameters
    ----------
    graph : networkx.DiGraph
        A graph from :func:`~graph.build.build_dependency_graph`. It is not modified.
    end_dates : mapping of initiative code to date, optional
        What-if end dates replacing the forecast or planned end of activities.
    delivery_forecasts : mapping of delivery code to date, optional
        What-if forecasts replacing those on the edges that name each delivery.

    Returns
    -------
    Schedule

    Raises
    ------
    DependencyCycle
        If the dependencies contain a cycle (see :func:`graph.cycles.one_cycle`).

    Examples
    --------
    >>> from graph.build import build_dependency_graph
    >>> from graph.model import Criticality, DependencyEdge
    >>> day = date(2025, 1, 1)
    >>> graph = build_dependency_graph(
    ...     initiatives=[InitiativeNode("A", "A", day, date(2025, 1, 11), None),
    ...                  InitiativeNode("B", "B", day, date(2025, 1, 6), None),
    ...                  InitiativeNode("C", "C", day, date(2025, 1, 4), None)],
    ...     solutions=[],
    ...     dependencies=[DependencyEdge("A", "C", Criticality.HIGH),
    ...                   DependencyEdge("B", "C", Criticality.LOW)],
    ... )
    >>> schedule = compute_schedule(graph)
    >>> schedule.finish
    datetime.date(2025, 1, 14)
    >>> [(item.code, item.total_float_days) for item in schedule.items.values()]
    [('A', 0), ('B', 5), ('C', 0)]
    """
    try:
        order = list(nx.topological_sort(graph))
    except nx.NetworkXUnfeasible:
        raise DependencyCycle(one_cycle(graph) or ()) from None

    overrides = delivery_forecasts or {}
    starts, durations = _activities(graph, end_dates)
    earliest_start, earliest_finish = _forward_pass(graph, order, starts, durations, overrides)
    project_finish = max(earliest_finish.values()) if earliest_finish else None

    # Backward pass: every scheduled node, relay points included, must be reached by the
    # project finish; what waits on a node limits it further, except over edges that a
    # delivery forecast constrains.
    latest_finish: dict[str, int] = {}
    latest_start: dict[str, int] = {}
    successors = graph._succ
    for code in reversed(order):
        checkpoint()
        if code not in earliest_finish:
            continue
        limit = project_finish
        assert limit is not None  # some node is scheduled
        for dependant, attributes in successors[code].items():
            if dependant not in latest_finish or (
                attributes.get("supplier_delivery_forecast") is not None
                or (overrides and edge_forecast(attributes, overrides) is not None)
            ):
                continue
            if attributes["type"] == _FINISH_TO_FINISH:
                bound = latest_finish[dependant] - attributes["lag_days"]
            else:
                bound = latest_start[dependant] - attributes["lag_days"]
            if bound < limit:
                limit = bound
        latest_finish[code] = limit
        latest_start[code] = limit - durations.get(code, 0)

    items: dict[str, ScheduleItem] = {}
    milestones: dict[str, ScheduleItem] = {}
    to_date = date.fromordinal
    for code in sorted(earliest_finish):
        finish = earliest_finish[code]
        total_float = latest_finish[code] - finish
        item = ScheduleItem(
            code=code,
            earliest_start=to_date(earliest_start[code]),
            earliest_finish=to_date(finish),
            latest_start=to_date(latest_start[code]),
            latest_finish=to_date(latest_finish[code]),
            total_float_days=total_float,
            critical=total_float == 0,
        )
        (items if code in starts else milestones)[code] = item
    return Schedule(
        items=items,
        finish=None if project_finish is None else to_date(project_finish),
        milestones=milestones,
        delivery_forecasts=dict(overrides),
    )


def cycle_dependent(graph: nx.DiGraph) -> frozenset[str]:
    """Return the nodes whose earliest finish depends on a cycle.

    Those are the nodes on a cycle and every node downstream of one, except where the
    only way down runs over an edge constrained by a delivery forecast: a forecast is
    taken as given, so it does not carry the supplier's (undecidable) finish.

    Examples
    --------
    >>> graph = nx.DiGraph([("A", "B"), ("B", "A"), ("B", "C"), ("X", "Y")])
    >>> graph.add_edge("B", "D", supplier_delivery_forecast=date(2025, 1, 1))
    >>> sorted(cycle_dependent(graph))
    ['A', 'B', 'C']
    """
    on_cycle = [
        code
        for component in nx.strongly_connected_components(graph)
        for code in component
        if len(component) > 1 or graph.has_edge(code, code)
    ]
    found = set(on_cycle)
    stack = list(on_cycle)
    while stack:
        code = stack.pop()
        for dependant, attributes in graph._succ[code].items():
            if dependant not in found and attributes.get("supplier_delivery_forecast") is None:
                found.add(dependant)
                stack.append(dependant)
    return frozenset(found)


def earliest_finishes(graph: nx.DiGraph) -> dict[str, date]:
    """Return the earliest finish of every scheduled node outside :func:`cycle_dependent`.

    On an acyclic graph these are the earliest finishes of :func:`compute_schedule`; on a
    cyclic one they are what the forward pass can still decide.

    Examples
    --------
    >>> from graph.build import build_dependency_graph
    >>> from graph.model import Criticality, DependencyEdge
    >>> day = date(2025, 1, 1)
    >>> graph = build_dependency_graph(
    ...     initiatives=[InitiativeNode("A", "A", day, date(2025, 1, 11), None),
    ...                  InitiativeNode("B", "B", day, date(2025, 1, 6), None),
    ...                  InitiativeNode("C", "C", day, date(2025, 1, 4), None)],
    ...     solutions=[],
    ...     dependencies=[DependencyEdge("A", "B", Criticality.HIGH),
    ...                   DependencyEdge("B", "A", Criticality.HIGH)],
    ... )
    >>> earliest_finishes(graph)
    {'C': datetime.date(2025, 1, 4)}
    """
    excluded = cycle_dependent(graph)
    order = list(nx.topological_sort(graph.subgraph(set(graph) - excluded)))
    starts, durations = _activities(graph, None)
    _, finishes = _forward_pass(graph, order, starts, durations, {})
    return {code: date.fromordinal(finishes[code]) for code in sorted(finishes)}


def _activities(
    graph: nx.DiGraph, end_dates: Mapping[str, date] | None
) -> tuple[dict[str, int], dict[str, int]]:
    """Planned start and duration, as ordinals and days, of every dated initiative."""
    starts: dict[str, int] = {}
    durations: dict[str, int] = {}
    for code, record in graph.nodes(data="data"):
        if not isinstance(record, InitiativeNode) or record.planned_start is None:
            continue
        end = end_dates.get(code, record.end) if end_dates else record.end
        if end is not None:
            starts[code] = record.planned_start.toordinal()
            durations[code] = max(0, end.toordinal() - starts[code])
    return starts, durations


def _forward_pass(
    graph: nx.DiGraph,
    order: list[str],
    starts: Mapping[str, int],
    durations: Mapping[str, int],
    overrides: Mapping[str, date],
) -> tuple[dict[str, int], dict[str, int]]:
    """Earliest start and finish of the nodes in ``order`` (topological) that get one.

    A relay node gets an entry only once some constraint reaches it; a supplier left out
    of ``order`` constrains only over a delivery forecast.
    """
    earliest_start: dict[str, int] = {}
    earliest_finish: dict[str, int] = {}
    # The raw adjacency dicts, as networkx's own shortest-path code uses in hot loops: the
    # read-only views cost several times more per edge on large portfolios.
    predecessors = graph._pred
    for code in order:
        checkpoint()
        start_bound = finish_bound = None
        for supplier, attributes in predecessors[code].items():
            forecast = (
                edge_forecast(attributes, overrides)
                if overrides
                else attributes.get("supplier_delivery_forecast")
            )
            if forecast is not None:
                bound = forecast.toordinal() + attributes["lag_days"]
            elif supplier in earliest_finish:
                bound = earliest_finish[supplier] + attributes["lag_days"]
            else:
                continue
            if attributes["type"] == _FINISH_TO_FINISH:
                finish_bound = bound if finish_bound is None else max(finish_bound, bound)
            else:
                start_bound = bound if start_bound is None else max(start_bound, bound)
        if code in starts:
            duration = durations[code]
            start = starts[code]
            if start_bound is not None and start_bound > start:
                start = start_bound
            if finish_bound is not None and finish_bound - duration > start:
                start = finish_bound - duration
            earliest_start[code] = start
            earliest_finish[code] = start + duration
        elif start_bound is not None or finish_bound is not None:
            time = max(bound for bound in (start_bound, finish_bound) if bound is not None)
            earliest_start[code] = earliest_finish[code] = time
    return earliest_start, earliest_finish


def supplier_date(
    graph: nx.DiGraph, schedule: Schedule, supplier: str, dependant: str
) -> date | None:
    """Return the date the supplier delivers to the dependant over their edge.

    That is the edge's delivery forecast (or its what-if replacement in the schedule),
    else the supplier's scheduled earliest finish, else the supplier's own end date; None
    when there is none of these.

    Examples
    --------
    >>> graph = nx.DiGraph()
    >>> graph.add_edge("KJ", "PLL", supplier_delivery="KJ-1",
    ...                supplier_delivery_forecast=date(2025, 6, 1))
    >>> supplier_date(graph, Schedule(items={}, finish=None), "KJ", "PLL")
    datetime.date(2025, 6, 1)
    """
    forecast = edge_forecast(graph.edges[supplier, dependant], schedule.delivery_forecasts)
    if forecast is not None:
        return forecast
    item = schedule.scheduled(supplier)
    if item is not None:
        return item.earliest_finish
    record = graph.nodes[supplier].get("data")
    return record.end if isinstance(record, InitiativeNode) else None


def edge_forecast(attributes: Mapping[str, Any], overrides: Mapping[str, date]) -> date | None:
    """The delivery forecast constraining an edge (a what-if one first), or None."""
    delivery = attributes.get("supplier_delivery")
    if delivery is not None and delivery in overrides:
        return overrides[delivery]
    forecast: date | None = attributes.get("supplier_delivery_forecast")
    return forecast
