"""Scenarios: a bundle of changes applied to a copy of the portfolio, and the comparison.

A scenario slips initiatives, sets statuses, risk levels or dates, and adds or removes
dependencies. :func:`apply_scenario` applies them in order to a *copy* of the graph and
of the status snapshots; the input graph and mapping are never touched, so the real
portfolio is what it was. :func:`compare_portfolios` says what differs between two
analysed portfolios (the current one and the scenario's, or any two): who became
flagged by red-status propagation, who is no longer flagged, whose earliest finish
moved, and how the portfolio finish moved.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

import networkx as nx

from graph.build import add_dependency_edge, require_node
from graph.cycles import would_create_cycle
from graph.errors import DependencyCycle, InvalidDependency, NodeNotFound, NodeNotScheduled
from graph.impact import MovedInitiative
from graph.model import (
    Criticality,
    DependencyType,
    InitiativeNode,
    Level,
    NodeKind,
    StatusSnapshot,
)
from graph.schedule import Schedule

__all__ = [
    "AddDependency",
    "PortfolioComparison",
    "RemoveDependency",
    "ScenarioChange",
    "SetDates",
    "SetRisk",
    "SetStatus",
    "Slip",
    "apply_dependency_changes",
    "apply_scenario",
    "compare_portfolios",
]


@dataclass(frozen=True, slots=True)
class Slip:
    """The initiative's end (forecast, else planned) moves by ``days`` (negative: earlier)."""

    code: str
    days: int


@dataclass(frozen=True, slots=True)
class SetStatus:
    """The initiative reports ``status``; its risk level stays as reported."""

    code: str
    status: Level


@dataclass(frozen=True, slots=True)
class SetRisk:
    """The initiative reports ``risk_level``; its status stays as reported."""

    code: str
    risk_level: Level


@dataclass(frozen=True, slots=True)
class SetDates:
    """The initiative is planned from ``planned_start`` to ``planned_end``.

    The forecast end is dropped, so the new plan is what the schedule reads.
    """

    code: str
    planned_start: date
    planned_end: date


@dataclass(frozen=True, slots=True)
class AddDependency:
    """``dependant`` needs ``supplier``; an existing dependency of the pair is replaced."""

    supplier: str
    dependant: str
    criticality: Criticality = Criticality.MEDIUM
    type: DependencyType = DependencyType.FINISH_TO_START
    lag_days: int = 0
    needed_by: date | None = None


@dataclass(frozen=True, slots=True)
class RemoveDependency:
    """``dependant`` no longer needs ``supplier`` (nothing happens if it never did)."""

    supplier: str
    dependant: str


ScenarioChange = Slip | SetStatus | SetRisk | SetDates | AddDependency | RemoveDependency


def apply_scenario(
    graph: nx.DiGraph,
    statuses: Mapping[str, StatusSnapshot],
    changes: Iterable[ScenarioChange],
) -> tuple[nx.DiGraph, dict[str, StatusSnapshot]]:
    """Return copies of ``graph`` and ``statuses`` with ``changes`` applied in order.

    Parameters
    ----------
    graph : networkx.DiGraph
        A graph from :func:`~graph.build.build_dependency_graph`. It is not modified.
    statuses : mapping of code to StatusSnapshot
        The reported statuses the propagation reads. It is not modified.
    changes : iterable of ScenarioChange
        Applied one after the other: two slips of one initiative add up, and a dependency
        added by one change may be removed by a later one.

    Raises
    ------
    NodeNotFound
        If a change names a code that is not in the graph, or names a solution where
        an initiative is needed.
    NodeNotScheduled
        If a slipped initiative has no end date to slip.
    InvalidDependency
        If an added dependency's dependant is a solution.
    DependencyCycle
        If an added dependency would close a cycle (the cycle is its path).

    Examples
    --------
    >>> from graph.build import build_dependency_graph
    >>> from graph.model import DependencyEdge
    >>> graph = build_dependency_graph(
    ...     initiatives=[InitiativeNode("PDS", "PDS", date(2025, 1, 1), date(2025, 6, 1), None),
    ...                  InitiativeNode("PPS", "PPS", date(2025, 1, 1), date(2025, 9, 1), None)],
    ...     solutions=[],
    ...     dependencies=[DependencyEdge("PDS", "PPS", Criticality.HIGH)],
    ... )
    >>> changed, statuses = apply_scenario(
    ...     graph, {}, [Slip("PDS", 30), SetStatus("PDS", Level.RED)]
    ... )
    >>> changed.nodes["PDS"]["data"].end, graph.nodes["PDS"]["data"].end
    (datetime.date(2025, 7, 1), datetime.date(2025, 6, 1))
    >>> statuses["PDS"].status
    <Level.RED: 'RED'>
    >>> apply_scenario(graph, {}, [AddDependency("PPS", "PDS")])
    Traceback (most recent call last):
    ...
    graph.errors.DependencyCycle: dependency cycle: PDS -> PPS -> PDS
    """
    changed = graph.copy()
    snapshots = dict(statuses)
    for change in changes:
        if isinstance(change, Slip):
            record = _initiative(changed, change.code)
            if record.end is None:
                raise NodeNotScheduled(change.code)
            _replace(changed, record, forecast_end=record.end + timedelta(days=change.days))
        elif isinstance(change, SetDates):
            record = _initiative(changed, change.code)
            _replace(
                changed,
                record,
                planned_start=change.planned_start,
                planned_end=change.planned_end,
                forecast_end=None,
            )
        elif isinstance(change, SetStatus | SetRisk):
            _initiative(changed, change.code)
            reported = snapshots.get(change.code, StatusSnapshot(None, None))
            snapshots[change.code] = (
                dataclasses.replace(reported, status=change.status)
                if isinstance(change, SetStatus)
                else dataclasses.replace(reported, risk_level=change.risk_level)
            )
        else:
            _apply_dependency_change(changed, change)
    return changed, snapshots


@dataclass(frozen=True, slots=True)
class ScenarioFacts:
    """What a scenario changed in the facts of the portfolio, from its applied copies.

    ``statuses`` holds the snapshots of the initiatives whose status or risk it sets,
    ``initiatives`` the records of those whose dates it moves, and ``dependencies`` each
    (supplier, dependant) pair it adds (the new edge's attributes) or removes (None).
    """

    statuses: Mapping[str, StatusSnapshot]
    initiatives: Mapping[str, InitiativeNode]
    dependencies: Mapping[tuple[str, str], Mapping[str, object] | None]


def scenario_facts(
    changed: nx.DiGraph,
    statuses: Mapping[str, StatusSnapshot],
    changes: Iterable[ScenarioChange],
) -> ScenarioFacts:
    """The facts ``changes`` set, read off the copies :func:`apply_scenario` returned.

    Examples
    --------
    >>> graph = nx.DiGraph()
    >>> graph.add_node("PDS", data=InitiativeNode("PDS", "PDS", None, date(2025, 6, 1), None))
    >>> graph.add_edge("KJ", "PDS", criticality="HIGH")
    >>> changed, snapshots = apply_scenario(graph, {}, [Slip("PDS", 10),
    ...                                                 RemoveDependency("KJ", "PDS")])
    >>> facts = scenario_facts(changed, snapshots, [Slip("PDS", 10), RemoveDependency("KJ", "PDS")])
    >>> facts.initiatives["PDS"].forecast_end, facts.dependencies
    (datetime.date(2025, 6, 11), {('KJ', 'PDS'): None})
    """
    changes = list(changes)
    pairs = {
        (change.supplier, change.dependant)
        for change in changes
        if isinstance(change, AddDependency | RemoveDependency)
    }
    return ScenarioFacts(
        statuses={
            change.code: statuses[change.code]
            for change in changes
            if isinstance(change, SetStatus | SetRisk)
        },
        initiatives={
            change.code: changed.nodes[change.code]["data"]
            for change in changes
            if isinstance(change, Slip | SetDates)
        },
        dependencies={
            pair: dict(changed.edges[pair]) if changed.has_edge(*pair) else None for pair in pairs
        },
    )


def apply_dependency_changes(graph: nx.DiGraph, changes: Iterable[ScenarioChange]) -> None:
    """Apply, in place, the dependencies ``changes`` add and remove; the rest is passed over.

    For checking a scenario's dependencies against a graph that holds no dates or statuses
    (the cycle check of a write). Raises as :func:`apply_scenario` does.

    Examples
    --------
    >>> graph = nx.DiGraph([("KJ", "PLL"), ("PLL", "HP")])
    >>> apply_dependency_changes(graph, [RemoveDependency("PLL", "HP"), AddDependency("HP", "KJ")])
    >>> sorted(graph.edges)
    [('HP', 'KJ'), ('KJ', 'PLL')]
    """
    for change in changes:
        if isinstance(change, AddDependency | RemoveDependency):
            _apply_dependency_change(graph, change)


def _apply_dependency_change(graph: nx.DiGraph, change: AddDependency | RemoveDependency) -> None:
    if isinstance(change, RemoveDependency):
        require_node(graph, change.supplier)
        require_node(graph, change.dependant)
        if graph.has_edge(change.supplier, change.dependant):
            graph.remove_edge(change.supplier, change.dependant)
        return
    supplier, dependant = change.supplier, change.dependant
    require_node(graph, supplier)
    require_node(graph, dependant)
    if graph.nodes[dependant].get("kind", NodeKind.INITIATIVE) != NodeKind.INITIATIVE:
        raise InvalidDependency(supplier, dependant, "the dependant must be an initiative")
    if graph.has_edge(supplier, dependant):
        graph.remove_edge(supplier, dependant)
    cycle = would_create_cycle(graph, supplier=supplier, dependant=dependant)
    if cycle is not None:
        raise DependencyCycle(cycle)
    add_dependency_edge(
        graph,
        supplier=supplier,
        dependant=dependant,
        criticality=change.criticality,
        type=change.type,
        lag_days=change.lag_days,
        needed_by=change.needed_by,
        supplier_delivery=None,
        supplier_delivery_forecast=None,
        development=False,
    )


def _initiative(graph: nx.DiGraph, code: str) -> InitiativeNode:
    """The initiative record of ``code``; a solution or an unknown code is not found."""
    record = graph.nodes[code].get("data") if code in graph else None
    if not isinstance(record, InitiativeNode):
        raise NodeNotFound(code)
    return record


def _replace(graph: nx.DiGraph, record: InitiativeNode, **dates: date | None) -> None:
    # The copy shares the frozen records with the original; a new record, never a mutation.
    graph.nodes[record.code]["data"] = dataclasses.replace(record, **dates)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class PortfolioComparison:
    """What differs from one analysed portfolio (before) to another (after).

    ``newly_flagged`` and ``no_longer_flagged`` are codes in code order; ``moved`` is sorted
    by days moved (most first) then code, as :func:`graph.slip_impact` sorts it.
    """

    newly_flagged: tuple[str, ...]
    no_longer_flagged: tuple[str, ...]
    moved: tuple[MovedInitiative, ...]
    finish_before: date | None
    finish_after: date | None

    @property
    def finish_moved_days(self) -> int:
        """Days the portfolio finish moved (0 when either side has no finish)."""
        if self.finish_before is None or self.finish_after is None:
            return 0
        return (self.finish_after - self.finish_before).days


def compare_portfolios(
    *,
    flagged_before: Mapping[str, Level] | Iterable[str],
    flagged_after: Mapping[str, Level] | Iterable[str],
    schedule_before: Schedule | None,
    schedule_after: Schedule | None,
) -> PortfolioComparison:
    """Compare two analysed portfolios: flagged initiatives, earliest finishes, finish.

    Parameters
    ----------
    flagged_before, flagged_after : mappings or iterables of codes
        The initiatives red-status propagation flags on each side (their levels are not
        compared: an initiative flagged on both sides is neither new nor gone).
    schedule_before, schedule_after : Schedule or None
        Each side's schedule; None when it could not be computed. An initiative scheduled
        on one side only has not moved.

    Examples
    --------
    >>> comparison = compare_portfolios(
    ...     flagged_before={"PJD": Level.RED},
    ...     flagged_after={"PPS": Level.RED, "BILDEDELING": Level.RED},
    ...     schedule_before=None,
    ...     schedule_after=None,
    ... )
    >>> comparison.newly_flagged, comparison.no_longer_flagged
    (('BILDEDELING', 'PPS'), ('PJD',))
    """
    before, after = set(flagged_before), set(flagged_after)
    moved: list[MovedInitiative] = []
    if schedule_before is not None and schedule_after is not None:
        later = schedule_after.items
        moved = [
            MovedInitiative(
                code=code,
                days=(later[code].earliest_finish - item.earliest_finish).days,
                new_finish=later[code].earliest_finish,
            )
            for code, item in schedule_before.items.items()
            if code in later and later[code].earliest_finish != item.earliest_finish
        ]
    return PortfolioComparison(
        newly_flagged=tuple(sorted(after - before)),
        no_longer_flagged=tuple(sorted(before - after)),
        moved=tuple(sorted(moved, key=lambda entry: (-entry.days, entry.code))),
        finish_before=schedule_before.finish if schedule_before is not None else None,
        finish_after=schedule_after.finish if schedule_after is not None else None,
    )
