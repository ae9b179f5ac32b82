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
import numpy as np
import numpy.typing as npt

from graph.arrays import NO_DAY, GraphArrays, graph_arrays
from graph.cancellation import checkpoint
from graph.cycles import one_cycle
from graph.errors import DependencyCycle
from graph.model import InitiativeNode

__all__ = [
    "Schedule",
    "ScheduleItem",
    "compute_schedule",
    "cycle_dependent",
    "earliest_finishes",
    "edge_forecast",
    "supplier_date",
]

Days = npt.NDArray[np.int64]  # day ordinals, NO_DAY where there is none
Positions = npt.NDArray[np.int64]
Mask = npt.NDArray[np.bool_]


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
    arrays: GraphArrays | None = None,
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
    arrays : GraphArrays, optional
        ``graph`` as arrays, when the caller keeps them (see :func:`graph.graph_arrays`);
        the passes run on them a generation at a time.

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
    arrays = graph_arrays(graph) if arrays is None else arrays
    generations = arrays.topological_generations()
    if generations is None:
        raise DependencyCycle(one_cycle(graph) or ())
    overrides = delivery_forecasts or {}
    start, duration = _activities(graph, arrays, end_dates)
    forecast = _edge_forecasts(arrays, overrides)
    earliest_start, earliest_finish = _forward_pass(arrays, generations, start, duration, forecast)
    scheduled = earliest_finish != NO_DAY
    if not scheduled.any():
        return Schedule(items={}, finish=None, delivery_forecasts=dict(overrides))
    project_finish = int(earliest_finish[scheduled].max())
    latest_start, latest_finish = _backward_pass(
        arrays, generations, duration, forecast, scheduled, project_finish
    )

    items: dict[str, ScheduleItem] = {}
    milestones: dict[str, ScheduleItem] = {}
    to_date = date.fromordinal
    positions = np.flatnonzero(scheduled)  # ascending, so in code order
    is_activity = (start[positions] != NO_DAY).tolist()
    total_float = (latest_finish[positions] - earliest_finish[positions]).tolist()
    for position, activity, float_days, early_start, early_finish, late_start, late_finish in zip(
        positions.tolist(),
        is_activity,
        total_float,
        earliest_start[positions].tolist(),
        earliest_finish[positions].tolist(),
        latest_start[positions].tolist(),
        latest_finish[positions].tolist(),
        strict=True,
    ):
        code = arrays.codes[position]
        (items if activity else milestones)[code] = ScheduleItem(
            code=code,
            earliest_start=to_date(early_start),
            earliest_finish=to_date(early_finish),
            latest_start=to_date(late_start),
            latest_finish=to_date(late_finish),
            total_float_days=float_days,
            critical=float_days == 0,
        )
    return Schedule(
        items=items,
        finish=to_date(project_finish),
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
    arrays = graph_arrays(graph)
    excluded = cycle_dependent(graph)
    included = np.fromiter((code not in excluded for code in arrays.codes), bool, arrays.size)
    start, duration = _activities(graph, arrays, None)
    _, finishes = _forward_pass(
        arrays, arrays.generations_within(included), start, duration, arrays.forecast
    )
    return {
        arrays.codes[position]: date.fromordinal(int(finishes[position]))
        for position in np.flatnonzero(finishes != NO_DAY).tolist()
    }


def _activities(
    graph: nx.DiGraph, arrays: GraphArrays, end_dates: Mapping[str, date] | None
) -> tuple[Days, Days]:
    """Planned start (a day ordinal, else NO_DAY) and duration in days of every node.

    Activities are the initiatives with a planned start and an end; every other node
    has no start and a duration of 0.
    """
    start = np.full(arrays.size, NO_DAY, np.int64)
    duration = np.zeros(arrays.size, np.int64)
    position = arrays.position
    for code, record in graph.nodes(data="data"):
        if not isinstance(record, InitiativeNode) or record.planned_start is None:
            continue
        end = end_dates.get(code, record.end) if end_dates else record.end
        if end is not None:
            first_day = record.planned_start.toordinal()
            start[position[code]] = first_day
            duration[position[code]] = max(0, end.toordinal() - first_day)
    return start, duration


def _edge_forecasts(arrays: GraphArrays, overrides: Mapping[str, date]) -> Days:
    """The delivery forecast constraining each edge (a what-if one first), else NO_DAY."""
    if not overrides:
        return arrays.forecast
    forecast = arrays.forecast.copy()
    for edge, delivery in enumerate(arrays.deliveries):
        if delivery is not None and delivery in overrides:
            forecast[edge] = overrides[delivery].toordinal()
    return forecast


def _forward_pass(
    arrays: GraphArrays,
    generations: list[Positions],
    start: Days,
    duration: Days,
    forecast: Days,
) -> tuple[Days, Days]:
    """Earliest start and finish of every node (NO_DAY where none), generation by generation.

    A relay node gets a time only once some constraint reaches it; a supplier outside
    ``generations`` has none, so it constrains only over a delivery forecast.
    """
    earliest_start = np.full(arrays.size, NO_DAY, np.int64)
    earliest_finish = np.full(arrays.size, NO_DAY, np.int64)
    edges_into = arrays.edges_into()
    for nodes in generations:
        checkpoint()
        edges, counts = edges_into.of(nodes)
        supplier_finish = earliest_finish[arrays.supplier[edges]]
        lag = arrays.lag_days[edges]
        bound = np.where(
            forecast[edges] != NO_DAY,
            forecast[edges] + lag,
            np.where(supplier_finish != NO_DAY, supplier_finish + lag, NO_DAY),
        )
        finish_to_finish = arrays.finish_to_finish[edges]
        start_bound = _group_max(np.where(finish_to_finish, NO_DAY, bound), counts)
        finish_bound = _group_max(np.where(finish_to_finish, bound, NO_DAY), counts)
        own_start, own_duration = start[nodes], duration[nodes]
        activity_start = np.maximum(np.maximum(own_start, start_bound), finish_bound - own_duration)
        relay_time = np.maximum(start_bound, finish_bound)
        is_activity = own_start != NO_DAY
        earliest_start[nodes] = np.where(is_activity, activity_start, relay_time)
        earliest_finish[nodes] = np.where(is_activity, activity_start + own_duration, relay_time)
    return earliest_start, earliest_finish


def _backward_pass(
    arrays: GraphArrays,
    generations: list[Positions],
    duration: Days,
    forecast: Days,
    scheduled: Mask,
    project_finish: int,
) -> tuple[Days, Days]:
    """Latest start and finish of every scheduled node, last generation first.

    Every scheduled node must be reached by the project finish; what waits on it limits
    it further, except over edges that a delivery forecast constrains.
    """
    latest_start = np.full(arrays.size, NO_DAY, np.int64)
    latest_finish = np.full(arrays.size, NO_DAY, np.int64)
    edges_from = arrays.edges_from()
    for nodes in reversed(generations):
        checkpoint()
        nodes = nodes[scheduled[nodes]]
        edges, counts = edges_from.of(nodes)
        dependant = arrays.dependant[edges]
        lag = arrays.lag_days[edges]
        bound = np.where(
            arrays.finish_to_finish[edges],
            latest_finish[dependant] - lag,
            latest_start[dependant] - lag,
        )
        limits = scheduled[dependant] & (forecast[edges] == NO_DAY)
        limit = -_group_max(np.where(limits, -bound, NO_DAY), counts)
        latest_finish[nodes] = np.minimum(limit, project_finish)
        latest_start[nodes] = latest_finish[nodes] - duration[nodes]
    return latest_start, latest_finish


def _group_max(values: Days, counts: Positions) -> Days:
    """The largest of each group of ``values`` (groups of ``counts``); NO_DAY when empty."""
    found = np.full(len(counts), NO_DAY, np.int64)
    present = counts > 0
    if present.any():
        offsets = np.concatenate(([0], np.cumsum(counts[present])[:-1]))
        found[present] = np.maximum.reduceat(values, offsets)
    return found


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
