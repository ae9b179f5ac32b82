"""Late dependencies: does each supplier deliver by the date its dependant needs it?

The supplier's date over an edge is the delivery forecast the edge names, else the
supplier's *scheduled* earliest finish (so a slip upstream makes a dependency late even
if the supplier's own plan is unchanged), else the supplier's own end date. See
:func:`graph.schedule.supplier_date`. Only edges with a ``needed_by`` date are judged.

A graph with a cycle has no schedule, but lateness is still decided wherever it can be
(:func:`dependency_slack_around_cycles`): over an edge that names a delivery forecast, and
for every supplier whose finish does not depend on the cycle. Only dependencies whose
supplier date truly depends on the cycle are left undecided.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import networkx as nx

from graph.cancellation import checkpoint
from graph.model import InitiativeNode
from graph.schedule import Schedule, cycle_dependent, earliest_finishes, supplier_date

__all__ = ["Slack", "dependency_slack", "dependency_slack_around_cycles"]


@dataclass(frozen=True, slots=True)
class Slack:
    """How much room a dependency has: ``needed_by - supplier_date``, in days."""

    is_late: bool
    slack_days: int
    supplier_date: date
    needed_by: date


def dependency_slack(graph: nx.DiGraph, schedule: Schedule) -> dict[tuple[str, str], Slack]:
    """Return the slack of every dependency with a ``needed_by`` date and a supplier date.

    A dependency is late when the supplier's date is after ``needed_by``; its slack is
    then negative.

    Returns
    -------
    dict of (supplier, dependant) to Slack
        In (supplier, dependant) order.

    Examples
    --------
    >>> from graph.build import build_dependency_graph
    >>> from graph.model import Criticality, DependencyEdge, InitiativeNode
    >>> from graph.schedule import compute_schedule
    >>> graph = build_dependency_graph(
    ...     initiatives=[InitiativeNode("PDS", "PDS", date(2024, 1, 1), date(2025, 6, 1), None),
    ...                  InitiativeNode("PJD", "PJD", None, None, None)],
    ...     solutions=[],
    ...     dependencies=[DependencyEdge("PDS", "PJD", Criticality.HIGH,
    ...                                  needed_by=date(2025, 5, 1))],
    ... )
    >>> dependency_slack(graph, compute_schedule(graph))[("PDS", "PJD")].slack_days
    -31
    """
    result: dict[tuple[str, str], Slack] = {}
    for supplier, dependant, needed_by in sorted(graph.edges(data="needed_by")):
        checkpoint()
        if needed_by is None:
            continue
        delivered = supplier_date(graph, schedule, supplier, dependant)
        if delivered is None:
            continue
        result[supplier, dependant] = _slack(delivered, needed_by)
    return result


def dependency_slack_around_cycles(graph: nx.DiGraph) -> dict[tuple[str, str], Slack]:
    """Return the slack of every dependency whose supplier date does not need a cycle.

    On an acyclic graph this equals ``dependency_slack(graph, compute_schedule(graph))``.
    On a cyclic one, a dependency is judged when it names a delivery forecast, or when
    its supplier is outside :func:`~graph.schedule.cycle_dependent` (its scheduled
    finish, else its own end date, is then known); the rest are left out.

    Examples
    --------
    >>> from graph.build import build_dependency_graph
    >>> from graph.model import Criticality, DependencyEdge
    >>> day = date(2025, 1, 1)
    >>> graph = build_dependency_graph(
    ...     initiatives=[InitiativeNode(code, code, day, date(2025, 3, 1), None)
    ...                  for code in ("A", "B", "C")],
    ...     solutions=[],
    ...     dependencies=[
    ...         DependencyEdge("A", "B", Criticality.HIGH, needed_by=date(2025, 2, 1)),
    ...         DependencyEdge("B", "A", Criticality.HIGH),
    ...         DependencyEdge("B", "C", Criticality.HIGH, needed_by=date(2025, 2, 1),
    ...                        supplier_delivery="B-1",
    ...                        supplier_delivery_forecast=date(2025, 2, 10)),
    ...     ],
    ... )
    >>> {edge: slack.slack_days for edge, slack in dependency_slack_around_cycles(graph).items()}
    {('B', 'C'): -9}
    """
    undecided = cycle_dependent(graph)
    finishes = earliest_finishes(graph)
    result: dict[tuple[str, str], Slack] = {}
    for supplier, dependant, attributes in sorted(graph.edges(data=True)):
        checkpoint()
        needed_by: date | None = attributes.get("needed_by")
        if needed_by is None:
            continue
        delivered: date | None = attributes.get("supplier_delivery_forecast")
        if delivered is None and supplier not in undecided:
            delivered = finishes.get(supplier)
            if delivered is None:
                record = graph.nodes[supplier].get("data")
                delivered = record.end if isinstance(record, InitiativeNode) else None
        if delivered is None:
            continue
        result[supplier, dependant] = _slack(delivered, needed_by)
    return result


def _slack(delivered: date, needed_by: date) -> Slack:
    return Slack(
        is_late=delivered > needed_by,
        slack_days=(needed_by - delivered).days,
        supplier_date=delivered,
        needed_by=needed_by,
    )
