"""The analysis's inputs from repository rows: the graph's records and status snapshots.

The reads (``repository.graph_rows``, ``repository.latest_statuses``) hand over dates and
enums as the driver stores them; everything here runs in the analysis thread, so the
conversion of hundreds of thousands of values never holds the event loop.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import networkx as nx

import graph
from app import repository
from app.domain import Criticality, DependencyType, TrafficLight


def build_graph(rows: repository.GraphRows) -> nx.DiGraph:
    """The portfolio's dependency graph from plain repository rows."""
    return graph.build_dependency_graph(**graph_records(rows))


def graph_records(rows: repository.GraphRows) -> dict[str, Any]:
    """The records of the graph's nodes and edges, by ``build_dependency_graph``'s names.

    Rows are unpacked as tuples, in the column order of ``repository.graph_rows``:
    reading a row's fields by name costs several times more, and at 100,000 initiatives
    there are 300,000 dependency rows. Their dates and enums come as stored (ISO text on
    SQLite) and are converted here, in the analysis thread, not on the event loop.
    """
    day = stored_day
    return {
        "initiatives": [
            graph.InitiativeNode(initiative, name, day(planned_start), day(planned_end), day(end))
            for initiative, name, planned_start, planned_end, end in rows.initiatives
        ],
        "solutions": [
            graph.SolutionNode(code=solution, name=name, category=str(category))
            for solution, name, category in rows.solutions
        ],
        "dependencies": [
            graph.DependencyEdge(
                supplier,
                dependant,
                _CRITICALITY[criticality],
                _DEPENDENCY_TYPE[dependency_type],
                lag_days,
                day(needed_by),
                supplier_delivery,
                day(supplier_delivery_forecast),
            )
            for (
                supplier,
                dependant,
                criticality,
                dependency_type,
                lag_days,
                needed_by,
                supplier_delivery,
                supplier_delivery_forecast,
            ) in rows.dependencies
        ],
        "developments": [
            graph.Development(initiative=initiative, solution=solution)
            for initiative, solution in rows.developments
        ],
    }


# The database gives the domain's enums (plain strings from some drivers): both map here.
_CRITICALITY: dict[Any, graph.Criticality] = {
    **{level.value: graph.Criticality(level.value) for level in Criticality},
    **{level: graph.Criticality(level.value) for level in Criticality},
}
_DEPENDENCY_TYPE: dict[Any, graph.DependencyType] = {
    **{kind.value: graph.DependencyType(kind.value) for kind in DependencyType},
    **{kind: graph.DependencyType(kind.value) for kind in DependencyType},
}


def snapshot(status: str, risk: str | None) -> graph.StatusSnapshot:
    """The snapshot of a status and risk level as stored (their names)."""
    return graph.StatusSnapshot(
        status=_LEVEL[status], risk_level=_LEVEL[risk] if risk is not None else None
    )


_LEVEL = {light.value: graph.Level(light.value) for light in TrafficLight}


def stored_day(stored: date | str | None) -> date | None:
    """A date as the driver gives it: a ``date``, or ISO text on SQLite."""
    return stored if stored is None or isinstance(stored, date) else date.fromisoformat(stored)


def graph_rows_of(rows: repository.StateRows) -> repository.GraphRows:
    """The graph's rows of a portfolio state (as of a round), in ``graph_rows``'s shape."""
    forecasts = {code: forecast for code, _, _, forecast in rows.deliveries}
    return repository.GraphRows(
        initiatives=[
            (code, name, planned_start, planned_end, forecast_end)
            for code, name, _, _, planned_start, planned_end, forecast_end in rows.initiatives
        ],
        solutions=rows.solutions,
        dependencies=[
            (*dependency[:6], dependency[6], forecasts.get(dependency[6]))
            for dependency in rows.dependencies
        ],
        developments=rows.developments,
    )
