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
* **Project finish** is the latest earliest finish of any activity. The backward pass
  starts there for activities; a relay node's latest finish comes only from what waits
  on it. A relay node nothing scheduled waits on (say, an undated initiative at the end
  of a chain) limits nothing upstream: it gets the project finish, or its own time if
  later, as latest finish, and is never critical. Total float is latest finish minus
  earliest finish, so it is never negative.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import networkx as nx

from graph.cycles import one_cycle
from graph.errors import DependencyCycle
from graph.model import DependencyType, InitiativeNode

__all__ = ["Schedule", "ScheduleItem", "compute_schedule", "critical_path", "supplier_date"]

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
        The portfolio's latest earliest finish; None when nothing is scheduled.
    milestones : mapping of code to ScheduleItem
        Relay nodes (solutions, undated initiatives) that some activity constrains, in
        code order; their start and finish coincide.
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
    starts: dict[str, int] = {}
    durations: dict[str, int] = {}
    for code, record in graph.nodes(data="data"):
        if not isinstance(record, InitiativeNode) or record.planned_start is None:
            continue
        end = end_dates.get(code, record.end) if end_dates else record.end
        if end is not None:
            starts[code] = record.planned_start.toordinal()
            durations[code] = max(0, end.toordinal() - starts[code])

    # Forward pass. A relay node gets an entry only once some constraint reaches it.
    earliest_start: dict[str, int] = {}
    earliest_finish: dict[str, int] = {}
    # The raw adjacency dicts, as networkx's own shortest-path code uses in hot loops: the
    # read-only views cost several times more per edge on large portfolios.
    predecessors = graph._pred
    for code in order:
        start_bound = finish_bound = None
        for supplier, attributes in predecessors[code].items():
            forecast = (
                _forecast(attributes, overrides)
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

    activity_finishes = [earliest_finish[code] for code in starts if code in earliest_finish]
    project_finish = max(activity_finishes) if activity_finishes else None

    # Backward pass. Activities default to the project finish; a relay node is limited
    # only by what waits on it, and edges constrained by a delivery limit nothing.
    latest_start: dict[str, int] = {}
    latest_finish: dict[str, int] = {}
    successors = graph._succ
    for code in reversed(order):
        if code not in earliest_finish:
            continue
        limit = project_finish if code in starts else None
        for dependant, attributes in successors[code].items():
            if dependant not in latest_finish or (
                attributes.get("supplier_delivery_forecast") is not None
                or (overrides and _forecast(attributes, overrides) is not None)
            ):
                continue
            if attributes["type"] == _FINISH_TO_FINISH:
                bound = latest_finish[dependant] - attributes["lag_days"]
            else:
                bound = latest_start[dependant] - attributes["lag_days"]
            if limit is None or bound < limit:
                limit = bound
        if limit is not None:
            latest_finish[code] = limit
            latest_start[code] = limit - durations.get(code, 0)

    items: dict[str, ScheduleItem] = {}
    milestones: dict[str, ScheduleItem] = {}
    to_date = date.fromordinal
    for code in sorted(earliest_finish):
        finish = earliest_finish[code]
        if code in latest_finish:
            latest, waited_on = latest_finish[code], True
        else:  # a relay node nothing scheduled waits on
            latest, waited_on = max(finish, project_finish or finish), False
        total_float = latest - finish
        item = ScheduleItem(
            code=code,
            earliest_start=to_date(earliest_start[code]),
            earliest_finish=to_date(finish),
            latest_start=to_date(latest - durations.get(code, 0)),
            latest_finish=to_date(latest),
            total_float_days=total_float,
            critical=waited_on and total_float == 0,
        )
        (items if code in starts else milestones)[code] = item
    return Schedule(
        items=items,
        finish=None if project_finish is None else to_date(project_finish),
        milestones=milestones,
        delivery_forecasts=dict(overrides),
    )


def critical_path(graph: nx.DiGraph, schedule: Schedule) -> tuple[str, ...]:
    """Return the chain of zero-float activities from a start to the portfolio finish.

    The chain starts at the smallest code among the zero-float nodes that no zero-float
    predecessor drives (usually an activity; a relay node when a delivery forecast drives
    it). It then repeatedly follows a driving edge (one whose constraint holds with
    equality) to the zero-float successor with the smallest code, until there is none.
    Every zero-float node that finishes before the portfolio finish has such a successor,
    so the chain ends at it. Relay milestones on the way are left out of the result,
    which is empty only when nothing is scheduled.

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
    >>> critical_path(graph, compute_schedule(graph))
    ('A', 'C')
    """
    overrides = schedule.delivery_forecasts

    def driving_critical(supplier: str, dependant: str, attributes: dict[str, Any]) -> bool:
        before, after = schedule.scheduled(supplier), schedule.scheduled(dependant)
        if before is None or after is None or not (before.critical and after.critical):
            return False
        if _forecast(attributes, overrides) is not None:
            return False
        lag: int = attributes["lag_days"]
        bound = before.earliest_finish.toordinal() + lag
        if attributes["type"] == _FINISH_TO_FINISH:
            return bound == after.earliest_finish.toordinal()
        return bound == after.earliest_start.toordinal()

    starts = [
        code
        for code, item in sorted({**schedule.items, **schedule.milestones}.items())
        if item.critical
        and not any(
            driving_critical(supplier, code, attributes)
            for supplier, attributes in graph.pred[code].items()
        )
    ]
    if not starts:
        return ()
    chain = [starts[0]]
    current = starts[0]
    while True:
        following = sorted(
            dependant
            for dependant, attributes in graph.succ[current].items()
            if driving_critical(current, dependant, attributes)
        )
        if not following:
            break
        current = following[0]
        chain.append(current)
    return tuple(code for code in chain if code in schedule.items)


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
    forecast = _forecast(graph.edges[supplier, dependant], schedule.delivery_forecasts)
    if forecast is not None:
        return forecast
    item = schedule.scheduled(supplier)
    if item is not None:
        return item.earliest_finish
    record = graph.nodes[supplier].get("data")
    return record.end if isinstance(record, InitiativeNode) else None


def _forecast(attributes: Mapping[str, Any], overrides: Mapping[str, date]) -> date | None:
    delivery = attributes.get("supplier_delivery")
    if delivery is not None and delivery in overrides:
        return overrides[delivery]
    forecast: date | None = attributes.get("supplier_delivery_forecast")
    return forecast
