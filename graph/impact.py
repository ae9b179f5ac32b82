"""What-if: the knock-on effect of one initiative or delivery slipping.

The schedule is recomputed with the slip applied to copies of the dates; the graph is
never modified. Results compare earliest finishes (see :mod:`graph.schedule`) and
dependency lateness (see :mod:`graph.slack`) before and after.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

import networkx as nx

from graph.arrays import GraphArrays, graph_arrays
from graph.build import require_node
from graph.errors import DeliveryNotFound, NodeNotScheduled
from graph.schedule import Schedule, compute_schedule
from graph.slack import Slack, dependency_slack

__all__ = ["Impact", "LateDependency", "MovedInitiative", "slip_impact"]


@dataclass(frozen=True, slots=True)
class MovedInitiative:
    """An initiative whose earliest finish moves, by ``days`` (positive is later)."""

    code: str
    days: int
    new_finish: date


@dataclass(frozen=True, slots=True)
class LateDependency:
    """A dependency that the slip makes late, with its new (negative) slack."""

    supplier: str
    dependant: str
    slack_days: int
    supplier_date: date
    needed_by: date


@dataclass(frozen=True, slots=True)
class Impact:
    """Everything a slip moves.

    ``moved`` is sorted by days moved (most first) then code; ``newly_late`` by slack
    (latest first) then supplier and dependant codes.
    """

    moved: tuple[MovedInitiative, ...]
    newly_late: tuple[LateDependency, ...]
    finish_before: date | None
    finish_after: date | None


def slip_impact(
    graph: nx.DiGraph,
    *,
    code: str | None = None,
    delivery: str | None = None,
    slip_days: int,
    arrays: GraphArrays | None = None,
    before: Schedule | None = None,
    before_slack: Mapping[tuple[str, str], Slack] | None = None,
) -> Impact:
    """Return what moves when an initiative's end, or a delivery, slips by ``slip_days``.

    Parameters
    ----------
    graph : networkx.DiGraph
        A graph from :func:`~graph.build.build_dependency_graph`. It is not modified.
    code : str, optional
        An initiative whose end (forecast, else planned) slips.
    delivery : str, optional
        A supplier delivery whose forecast slips on every edge that names it. Without a
        forecast it is taken to arrive at its supplier's scheduled finish.
    slip_days : int
        Days to slip; negative values pull the date in.
    arrays : GraphArrays, optional
        ``graph`` as arrays, when the caller keeps them (see :func:`graph.graph_arrays`).
    before : Schedule, optional
        ``compute_schedule(graph)``, when the caller has it already.
    before_slack : mapping, optional
        ``dependency_slack(graph, before)``, when the caller has it already.

    Raises
    ------
    ValueError
        Unless exactly one of ``code`` and ``delivery`` is given.
    NodeNotFound
        If ``code`` is not in the graph (``DeliveryNotFound`` if no edge names
        ``delivery``).
    NodeNotScheduled
        If ``code`` is not an activity (no planned start or end), or the delivery's date
        cannot be told.
    DependencyCycle
        If the dependencies contain a cycle.

    Examples
    --------
    >>> from graph.build import build_dependency_graph
    >>> from graph.model import Criticality, DependencyEdge, InitiativeNode
    >>> graph = build_dependency_graph(
    ...     initiatives=[InitiativeNode("PDS", "PDS", date(2025, 1, 1), date(2025, 6, 1), None),
    ...                  InitiativeNode("PJD", "PJD", date(2025, 6, 1), date(2025, 9, 1), None)],
    ...     solutions=[],
    ...     dependencies=[DependencyEdge("PDS", "PJD", Criticality.HIGH,
    ...                                  needed_by=date(2025, 6, 10))],
    ... )
    >>> impact = slip_impact(graph, code="PDS", slip_days=30)
    >>> [(moved.code, moved.days) for moved in impact.moved]
    [('PDS', 30), ('PJD', 30)]
    >>> [(late.supplier, late.dependant, late.slack_days) for late in impact.newly_late]
    [('PDS', 'PJD', -21)]
    """
    if (code is None) == (delivery is None):
        raise ValueError("give exactly one of code and delivery")
    arrays = graph_arrays(graph) if arrays is None else arrays
    if before is None:
        before = compute_schedule(graph, arrays=arrays)
    if code is not None:
        require_node(graph, code)
        item = before.items.get(code)
        record = graph.nodes[code].get("data")
        end = getattr(record, "end", None)
        if item is None or end is None:
            raise NodeNotScheduled(code)
        after = compute_schedule(
            graph, end_dates={code: end + timedelta(days=slip_days)}, arrays=arrays
        )
    else:
        assert delivery is not None  # narrowed by the check above
        forecast = _delivery_forecast(graph, before, delivery)
        after = compute_schedule(
            graph,
            delivery_forecasts={delivery: forecast + timedelta(days=slip_days)},
            arrays=arrays,
        )
    if before_slack is None:
        before_slack = dependency_slack(graph, before)
    return _compare(graph, before, after, before_slack)


def _delivery_forecast(graph: nx.DiGraph, schedule: Schedule, delivery: str) -> date:
    """The delivery's current date: its latest forecast, else its supplier's finish."""
    edges = [
        (supplier, attributes)
        for supplier, _, attributes in graph.edges(data=True)
        if attributes.get("supplier_delivery") == delivery
    ]
    if not edges:
        raise DeliveryNotFound(delivery)
    forecasts: list[date] = [
        attributes["supplier_delivery_forecast"]
        for _, attributes in edges
        if attributes.get("supplier_delivery_forecast") is not None
    ]
    if forecasts:
        return max(forecasts)
    supplier = min(supplier for supplier, _ in edges)
    item = schedule.scheduled(supplier)
    if item is None:
        raise NodeNotScheduled(supplier)
    return item.earliest_finish


def _compare(
    graph: nx.DiGraph,
    before: Schedule,
    after: Schedule,
    slack_before: Mapping[tuple[str, str], Slack],
) -> Impact:
    moved = [
        MovedInitiative(
            code=code,
            days=(after.items[code].earliest_finish - item.earliest_finish).days,
            new_finish=after.items[code].earliest_finish,
        )
        for code, item in before.items.items()
        if after.items[code].earliest_finish != item.earliest_finish
    ]
    newly_late = [
        LateDependency(
            supplier=supplier,
            dependant=dependant,
            slack_days=slack.slack_days,
            supplier_date=slack.supplier_date,
            needed_by=slack.needed_by,
        )
        for (supplier, dependant), slack in dependency_slack(graph, after).items()
        if slack.is_late
        and not (
            (supplier, dependant) in slack_before and slack_before[supplier, dependant].is_late
        )
    ]
    return Impact(
        moved=tuple(sorted(moved, key=lambda entry: (-entry.days, entry.code))),
        newly_late=tuple(
            sorted(newly_late, key=lambda late: (late.slack_days, late.supplier, late.dependant))
        ),
        finish_before=before.finish,
        finish_after=after.finish,
    )
