"""The critical set of a schedule: zero-float activities and the chains they form.

Definitions (the API, the report and the dashboard all read these):

* **Critical**: every activity whose total float is zero (see :mod:`graph.schedule`).
* **Driving edge**: an edge between two zero-float nodes whose constraint holds with
  equality (the supplier's finish plus lag is the dependant's earliest start, or its
  earliest finish for FINISH_TO_FINISH). Edges constrained by a delivery forecast never
  drive: the forecast, not the supplier, sets the date.
* **Chains**: every path of driving edges that starts at a zero-float node no driving
  edge enters and ends at one no driving edge leaves. Such an end finishes on the
  portfolio finish, so every chain ends at the finish, and every critical activity lies
  on one. Paths are walked from the starts in code order, following successors in code
  order; relay milestones are left out of each chain, and a chain left empty (only relay
  points) or equal to an earlier one is dropped. So with no relay points the chains are
  in lexicographic order of their codes.
* **Chain**: the first of the chains (empty when there is none).
* **Near-critical**: activities whose float is positive but at most a given number of
  days.

The number of chains can grow exponentially with the graph (every diamond of equal
routes doubles it), so at most ``max_chains`` are listed (:data:`MAX_CHAINS` by default)
and :attr:`CriticalSet.chains_truncated` says when more exist; the walk also stops
after ten times as many paths, which bounds the work when relay points make many paths
collapse into one chain.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import networkx as nx

from graph.model import DependencyType
from graph.schedule import Schedule, edge_forecast

__all__ = ["MAX_CHAINS", "CriticalSet", "critical_path", "critical_set", "near_critical"]

MAX_CHAINS = 100
"""The most chains :func:`critical_set` lists by default."""


@dataclass(frozen=True, slots=True)
class CriticalSet:
    """Zero-float activities and the zero-float chains ending at the portfolio finish.

    Attributes
    ----------
    critical : tuple of str
        Every zero-float activity, in code order.
    chains : tuple of tuple of str
        Zero-float chains of activities, each ending at the finish (see the module).
    chains_truncated : bool
        True when more chains exist than were listed.
    """

    critical: tuple[str, ...]
    chains: tuple[tuple[str, ...], ...]
    chains_truncated: bool = False

    @property
    def chain(self) -> tuple[str, ...]:
        """The first chain, or an empty one."""
        return self.chains[0] if self.chains else ()


def critical_set(
    graph: nx.DiGraph, schedule: Schedule, *, max_chains: int = MAX_CHAINS
) -> CriticalSet:
    """Return the critical activities and the zero-float chains of a schedule.

    Parameters
    ----------
    graph : networkx.DiGraph
        The graph ``schedule`` was computed on. It is not modified.
    schedule : Schedule
        From :func:`~graph.schedule.compute_schedule`.
    max_chains : int, optional
        List at most this many chains.

    Examples
    --------
    >>> from datetime import date
    >>> from graph.build import build_dependency_graph
    >>> from graph.model import Criticality, DependencyEdge, InitiativeNode
    >>> from graph.schedule import compute_schedule
    >>> day = date(2025, 1, 1)
    >>> graph = build_dependency_graph(
    ...     initiatives=[InitiativeNode("A", "A", day, date(2025, 1, 3), None),
    ...                  InitiativeNode("M", "M", day, date(2025, 1, 4), None),
    ...                  InitiativeNode("N", "N", day, date(2025, 1, 4), None),
    ...                  InitiativeNode("Z", "Z", day, date(2025, 1, 6), None)],
    ...     solutions=[],
    ...     dependencies=[DependencyEdge("A", "M", Criticality.HIGH),
    ...                   DependencyEdge("A", "N", Criticality.HIGH)],
    ... )
    >>> found = critical_set(graph, compute_schedule(graph))
    >>> found.critical
    ('A', 'M', 'N', 'Z')
    >>> found.chains
    (('A', 'M'), ('A', 'N'), ('Z',))
    >>> found.chain
    ('A', 'M')
    """
    if max_chains < 1:
        raise ValueError(f"max_chains must be at least 1; got {max_chains}")
    zero_float = {
        code: item
        for code, item in (*schedule.items.items(), *schedule.milestones.items())
        if item.critical
    }
    overrides = schedule.delivery_forecasts

    def driving(supplier: str, dependant: str, attributes: dict[str, Any]) -> bool:
        before, after = zero_float.get(supplier), zero_float.get(dependant)
        if before is None or after is None or edge_forecast(attributes, overrides) is not None:
            return False
        bound: int = before.earliest_finish.toordinal() + attributes["lag_days"]
        if attributes["type"] == DependencyType.FINISH_TO_FINISH:
            return bound == after.earliest_finish.toordinal()
        return bound == after.earliest_start.toordinal()

    following = {
        code: sorted(
            dependant
            for dependant, attributes in graph._succ[code].items()
            if driving(code, dependant, attributes)
        )
        for code in zero_float
    }
    driven = {dependant for successors in following.values() for dependant in successors}
    starts = sorted(code for code in zero_float if code not in driven)

    chains: dict[tuple[str, ...], None] = {}  # insertion-ordered set
    truncated = False
    budget = 10 * max_chains
    for path in _paths(starts, following):
        chain = tuple(code for code in path if code in schedule.items)
        if chain and chain not in chains:
            if len(chains) == max_chains:
                truncated = True
                break
            chains[chain] = None
        budget -= 1
        if budget == 0:
            truncated = True
            break
    return CriticalSet(
        critical=tuple(code for code in schedule.items if schedule.items[code].critical),
        chains=tuple(chains),
        chains_truncated=truncated,
    )


def critical_path(graph: nx.DiGraph, schedule: Schedule) -> tuple[str, ...]:
    """Return the first zero-float chain of :func:`critical_set` (empty when none).

    Examples
    --------
    >>> from datetime import date
    >>> from graph.build import build_dependency_graph
    >>> from graph.model import Criticality, DependencyEdge, InitiativeNode
    >>> from graph.schedule import compute_schedule
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
    return critical_set(graph, schedule, max_chains=1).chain


def near_critical(schedule: Schedule, *, days: int) -> tuple[str, ...]:
    """Return the activities whose total float is positive and at most ``days``.

    Examples
    --------
    >>> from datetime import date
    >>> from graph.schedule import ScheduleItem
    >>> day = date(2025, 1, 1)
    >>> items = {code: ScheduleItem(code, day, day, day, day, slack, slack == 0)
    ...          for code, slack in (("A", 0), ("B", 3), ("C", 9))}
    >>> near_critical(Schedule(items=items, finish=day), days=5)
    ('B',)
    """
    if days < 0:
        raise ValueError(f"days must not be negative; got {days}")
    return tuple(code for code, item in schedule.items.items() if 0 < item.total_float_days <= days)


def _paths(starts: list[str], following: dict[str, list[str]]) -> Iterator[list[str]]:
    """Every path from a start to a node with no successor, depth first, in list order."""
    for start in starts:
        path = [start]
        branches: list[Iterator[str]] = [iter(following[start])]
        while branches:
            step = next(branches[-1], None)
            if step is None:
                if not following[path[-1]]:
                    yield list(path)
                branches.pop()
                path.pop()
            else:
                path.append(step)
                branches.append(iter(following[step]))
