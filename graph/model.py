"""Input records for the dependency analysis.

The application builds these plain, frozen records from database rows and hands them to
:func:`graph.build.build_dependency_graph`. They carry no behaviour beyond small,
self-evident helpers, and nothing here knows about persistence or GraphQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import NamedTuple

__all__ = [
    "Criticality",
    "DependencyEdge",
    "DependencyType",
    "Development",
    "InitiativeNode",
    "Level",
    "NodeKind",
    "SolutionNode",
    "StatusSnapshot",
]


class Level(StrEnum):
    """Traffic light, ordered ``GREEN < YELLOW < RED`` by :attr:`severity`."""

    GREEN = "GREEN"
    YELLOW = "YELLOW"
    RED = "RED"

    @property
    def severity(self) -> int:
        """Rank of the light: 0 for GREEN, 1 for YELLOW, 2 for RED.

        Examples
        --------
        >>> max([Level.YELLOW, Level.RED, Level.GREEN], key=lambda level: level.severity)
        <Level.RED: 'RED'>
        """
        return _SEVERITY[self]


_SEVERITY = {Level.GREEN: 0, Level.YELLOW: 1, Level.RED: 2}


class Criticality(StrEnum):
    """How much the dependant suffers if the supplier fails."""

    HIGH = "HIGH"
    MEDIUM = "MEDIUM"
    LOW = "LOW"

    @property
    def transmitted_level(self) -> Level | None:
        """Level a red supplier passes over an edge of this criticality, if any.

        Examples
        --------
        >>> Criticality.HIGH.transmitted_level, Criticality.LOW.transmitted_level
        (<Level.RED: 'RED'>, None)
        """
        return _TRANSMITTED[self]

    @property
    def strength(self) -> int:
        """Rank of the criticality: 0 for LOW, 1 for MEDIUM, 2 for HIGH.

        Examples
        --------
        >>> Criticality.HIGH.strength > Criticality.MEDIUM.strength
        True
        """
        return _STRENGTH[self]


_TRANSMITTED = {
    Criticality.HIGH: Level.RED,
    Criticality.MEDIUM: Level.YELLOW,
    Criticality.LOW: None,
}
_STRENGTH = {Criticality.LOW: 0, Criticality.MEDIUM: 1, Criticality.HIGH: 2}


class DependencyType(StrEnum):
    """Which end of the supplier constrains which end of the dependant."""

    FINISH_TO_START = "FINISH_TO_START"
    FINISH_TO_FINISH = "FINISH_TO_FINISH"


class NodeKind(StrEnum):
    """What a graph node stands for."""

    INITIATIVE = "INITIATIVE"
    SOLUTION = "SOLUTION"


@dataclass(frozen=True, slots=True)
class InitiativeNode:
    """An initiative (*tiltak*) with the dates the schedule needs."""

    code: str
    name: str
    planned_start: date | None
    planned_end: date | None
    forecast_end: date | None

    @property
    def end(self) -> date | None:
        """The forecast end if reported, else the planned end.

        Examples
        --------
        >>> node = InitiativeNode("PLL", "PLL", date(2024, 1, 1), date(2026, 1, 1), None)
        >>> node.end
        datetime.date(2026, 1, 1)
        """
        return self.forecast_end if self.forecast_end is not None else self.planned_end


@dataclass(frozen=True, slots=True)
class SolutionNode:
    """A national e-health solution or foundation component."""

    code: str
    name: str
    category: str


class DependencyEdge(NamedTuple):
    """The *dependant* initiative needs the *supplier* (an initiative or a solution).

    A named tuple rather than a frozen dataclass: a portfolio of 100,000 initiatives has
    300,000 of them, made for every rebuild, and a tuple is made several times faster.
    """

    supplier: str
    dependant: str
    criticality: Criticality
    type: DependencyType = DependencyType.FINISH_TO_START
    lag_days: int = 0
    needed_by: date | None = None
    supplier_delivery: str | None = None
    supplier_delivery_forecast: date | None = None


@dataclass(frozen=True, slots=True)
class Development:
    """The initiative develops the solution."""

    initiative: str
    solution: str


@dataclass(frozen=True, slots=True)
class StatusSnapshot:
    """An initiative's reported status and risk level for one period."""

    status: Level | None
    risk_level: Level | None
