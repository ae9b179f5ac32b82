"""Terse constructors for the small graphs the graph tests build inline."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from itertools import pairwise

import networkx as nx

from graph import (
    Criticality,
    DependencyEdge,
    DependencyType,
    Development,
    InitiativeNode,
    SolutionNode,
    build_dependency_graph,
)

DAY_ZERO = date(2025, 1, 6)

HIGH, MEDIUM, LOW = Criticality.HIGH, Criticality.MEDIUM, Criticality.LOW
FS, FF = DependencyType.FINISH_TO_START, DependencyType.FINISH_TO_FINISH


def day(offset: int) -> date:
    """The date ``offset`` days after :data:`DAY_ZERO`."""
    return DAY_ZERO + timedelta(days=offset)


def initiative(
    code: str, *, start: int | None = None, end: int | None = None, forecast: int | None = None
) -> InitiativeNode:
    """An initiative whose dates are given as day offsets (None leaves a date out)."""
    return InitiativeNode(
        code=code,
        name=f"Initiative {code}",
        planned_start=None if start is None else day(start),
        planned_end=None if end is None else day(end),
        forecast_end=None if forecast is None else day(forecast),
    )


def solution(code: str, category: str = "FOUNDATION") -> SolutionNode:
    return SolutionNode(code=code, name=f"Solution {code}", category=category)


def depends(
    supplier: str,
    dependant: str,
    criticality: Criticality = HIGH,
    *,
    type: DependencyType = FS,
    lag: int = 0,
    needed_by: int | None = None,
    delivery: str | None = None,
    delivery_forecast: int | None = None,
) -> DependencyEdge:
    """``dependant`` depends on ``supplier``; dates are day offsets."""
    return DependencyEdge(
        supplier=supplier,
        dependant=dependant,
        criticality=criticality,
        type=type,
        lag_days=lag,
        needed_by=None if needed_by is None else day(needed_by),
        supplier_delivery=delivery,
        supplier_delivery_forecast=None if delivery_forecast is None else day(delivery_forecast),
    )


def portfolio(
    *,
    initiatives: Iterable[InitiativeNode | str] = (),
    solutions: Iterable[SolutionNode | str] = (),
    dependencies: Iterable[DependencyEdge] = (),
    developments: Iterable[tuple[str, str]] = (),
) -> nx.DiGraph:
    """Build a graph; bare strings are undated initiatives or default solutions."""
    return build_dependency_graph(
        initiatives=[initiative(node) if isinstance(node, str) else node for node in initiatives],
        solutions=[solution(node) if isinstance(node, str) else node for node in solutions],
        dependencies=dependencies,
        developments=[Development(developer, developed) for developer, developed in developments],
    )


def chain_of(*codes: str, criticality: Criticality = HIGH) -> nx.DiGraph:
    """Undated initiatives where each code depends on the previous one."""
    return portfolio(
        initiatives=codes,
        dependencies=[
            depends(supplier, dependant, criticality) for supplier, dependant in pairwise(codes)
        ],
    )
