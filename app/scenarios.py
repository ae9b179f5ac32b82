"""Scenarios as stored: each change a JSON object with its ``kind``, and its graph record.

A scenario's ``changes`` column holds, in order, objects such as
``{"kind": "slip", "code": "SFM-UTV", "days": 700}``. The kinds and their fields:

- ``slip``: ``code``, ``days``
- ``setStatus``: ``code``, ``status``; ``setRisk``: ``code``, ``riskLevel``
- ``setDates``: ``code``, ``plannedStart``, ``plannedEnd`` (ISO dates)
- ``addDependency``: ``supplier``, ``dependant``, ``criticality``, ``type``, ``lagDays``,
  ``neededBy`` (ISO date or null)
- ``removeDependency``: ``supplier``, ``dependant``

The write path (``app.scenario_writes``) stores them; the analysis
(``app.analysis.Analysis.scenario``) turns them into ``graph``'s change records.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

import graph

SLIP = "slip"
SET_STATUS = "setStatus"
SET_RISK = "setRisk"
SET_DATES = "setDates"
ADD_DEPENDENCY = "addDependency"
REMOVE_DEPENDENCY = "removeDependency"
KINDS = (SLIP, SET_STATUS, SET_RISK, SET_DATES, ADD_DEPENDENCY, REMOVE_DEPENDENCY)

MAX_CHANGES = 100
"""The most changes one scenario holds."""


def _day(value: Any) -> date | None:
    return value if value is None or isinstance(value, date) else date.fromisoformat(value)


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def stored_change(kind: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """The JSON object stored for a change of ``kind`` with the given (Python) values."""
    if kind == SLIP:
        return {"kind": kind, "code": values["code"], "days": values["days"]}
    if kind == SET_STATUS:
        return {"kind": kind, "code": values["code"], "status": str(values["status"])}
    if kind == SET_RISK:
        return {"kind": kind, "code": values["code"], "riskLevel": str(values["risk_level"])}
    if kind == SET_DATES:
        return {
            "kind": kind,
            "code": values["code"],
            "plannedStart": _iso(values["planned_start"]),
            "plannedEnd": _iso(values["planned_end"]),
        }
    if kind == ADD_DEPENDENCY:
        return {
            "kind": kind,
            "supplier": values["supplier"],
            "dependant": values["dependant"],
            "criticality": str(values["criticality"]),
            "type": str(values["type"]),
            "lagDays": values["lag_days"],
            "neededBy": _iso(values.get("needed_by")),
        }
    assert kind == REMOVE_DEPENDENCY, kind
    return {"kind": kind, "supplier": values["supplier"], "dependant": values["dependant"]}


def graph_change(stored: Mapping[str, Any]) -> graph.ScenarioChange:
    """The ``graph`` record of a stored change."""
    kind = stored["kind"]
    if kind == SLIP:
        return graph.Slip(stored["code"], int(stored["days"]))
    if kind == SET_STATUS:
        return graph.SetStatus(stored["code"], graph.Level(stored["status"]))
    if kind == SET_RISK:
        return graph.SetRisk(stored["code"], graph.Level(stored["riskLevel"]))
    if kind == SET_DATES:
        start, end = _day(stored["plannedStart"]), _day(stored["plannedEnd"])
        assert start is not None
        assert end is not None
        return graph.SetDates(stored["code"], start, end)
    if kind == ADD_DEPENDENCY:
        return graph.AddDependency(
            stored["supplier"],
            stored["dependant"],
            graph.Criticality(stored["criticality"]),
            graph.DependencyType(stored["type"]),
            int(stored["lagDays"]),
            _day(stored.get("neededBy")),
        )
    assert kind == REMOVE_DEPENDENCY, kind
    return graph.RemoveDependency(stored["supplier"], stored["dependant"])


def graph_changes(stored: Iterable[Mapping[str, Any]]) -> tuple[graph.ScenarioChange, ...]:
    """The ``graph`` records of a scenario's stored changes, in order."""
    return tuple(graph_change(change) for change in stored)


def named_codes(stored: Sequence[Mapping[str, Any]]) -> set[str]:
    """Every initiative or solution code the changes name."""
    return {
        change[key]
        for change in stored
        for key in ("code", "supplier", "dependant")
        if key in change
    }
