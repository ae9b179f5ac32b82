"""What changed between two portfolio states: one pure function, whatever the states are.

A :class:`PortfolioState` is what the portfolio knew at one moment — a round, a baseline,
now, or now with a scenario's changes applied — together with the analysis computed on
it: propagated red status, late dependencies and the critical path. :func:`compare`
answers the differences as sorted tuples. Nothing here reads the database or runs the
analysis; ``app.portfolio_state`` builds the states.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

Pair = tuple[str, str]
"""A dependency's key: (supplier code, dependant code)."""


@dataclass(frozen=True, slots=True)
class InitiativeFacts:
    """An admitted initiative as the state knew it (levels and enums by name)."""

    code: str
    segment: str | None
    phase: str
    status: str | None
    risk_level: str | None
    planned_start: date | None
    planned_end: date | None
    forecast_end: date | None


@dataclass(frozen=True, slots=True)
class DeliveryFacts:
    code: str
    initiative: str
    baseline: date | None
    forecast: date | None


@dataclass(frozen=True, slots=True)
class DependencyFacts:
    supplier: str
    dependant: str
    criticality: str
    needed_by: date | None


class Propagated:
    """An initiative's propagated level (RED or YELLOW) and the sources it comes from.

    Finding the sources of every flagged initiative costs far more than the levels, and
    a comparison needs them only for the initiatives whose level changed: they may be
    given as ``find``, worked out on first use.
    """

    __slots__ = ("_find", "_sources", "level")

    def __init__(
        self,
        level: str,
        sources: tuple[str, ...] | None = None,
        *,
        find: Callable[[], tuple[str, ...]] | None = None,
    ) -> None:
        if (sources is None) == (find is None):
            raise TypeError("give the sources or how to find them")
        self.level = level
        self._sources = sources
        self._find = find

    @property
    def sources(self) -> tuple[str, ...]:
        if self._sources is None:
            assert self._find is not None
            self._sources = self._find()
        return self._sources

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Propagated):
            return NotImplemented
        return (self.level, self.sources) == (other.level, other.sources)

    def __hash__(self) -> int:
        return hash((self.level, self.sources))

    def __repr__(self) -> str:
        return f"Propagated({self.level!r}, {self.sources!r})"


@dataclass(frozen=True, slots=True)
class PortfolioState:
    """One moment of the portfolio and its analysis, keyed by code."""

    initiatives: Mapping[str, InitiativeFacts]
    deliveries: Mapping[str, DeliveryFacts]
    dependencies: Mapping[Pair, DependencyFacts]
    propagation: Mapping[str, Propagated]
    """Red-status propagation (status only, as ``riskPropagation`` answers by default)."""
    late: Mapping[Pair, int]
    """Slack in days (negative) of every late dependency."""
    finish: date | None
    chain: tuple[str, ...]
    """The critical chain (first by code); empty when nothing is dated or on a cycle."""

    def to_json(self) -> dict[str, Any]:
        """The state as JSON-ready values (a baseline stores it)."""
        return {
            "initiatives": [_facts_json(item) for _, item in sorted(self.initiatives.items())],
            "deliveries": [_facts_json(item) for _, item in sorted(self.deliveries.items())],
            "dependencies": [_facts_json(item) for _, item in sorted(self.dependencies.items())],
            "propagation": {
                code: {"level": item.level, "sources": list(item.sources)}
                for code, item in sorted(self.propagation.items())
            },
            "late": [[*pair, slack] for pair, slack in sorted(self.late.items())],
            "finish": _day_json(self.finish),
            "chain": list(self.chain),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PortfolioState:
        """The state :meth:`to_json` wrote."""
        initiatives = [
            InitiativeFacts(
                **{
                    **item,
                    **{
                        key: _day(item[key])
                        for key in ("planned_start", "planned_end", "forecast_end")
                    },
                }
            )
            for item in data["initiatives"]
        ]
        deliveries = [
            DeliveryFacts(
                **{**item, "baseline": _day(item["baseline"]), "forecast": _day(item["forecast"])}
            )
            for item in data["deliveries"]
        ]
        dependencies = [
            DependencyFacts(**{**item, "needed_by": _day(item["needed_by"])})
            for item in data["dependencies"]
        ]
        return cls(
            initiatives={item.code: item for item in initiatives},
            deliveries={item.code: item for item in deliveries},
            dependencies={(item.supplier, item.dependant): item for item in dependencies},
            propagation={
                code: Propagated(level=item["level"], sources=tuple(item["sources"]))
                for code, item in data["propagation"].items()
            },
            late={(supplier, dependant): slack for supplier, dependant, slack in data["late"]},
            finish=_day(data["finish"]),
            chain=tuple(data["chain"]),
        )


def _day(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def _day_json(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _facts_json(item: Any) -> dict[str, Any]:
    return {
        name: _day_json(value) if isinstance(value, date) else value
        for name, value in ((name, getattr(item, name)) for name in item.__slots__)
    }


@dataclass(frozen=True, slots=True)
class ValueChange:
    """An initiative's value (status, risk level, segment or phase) before and after."""

    code: str
    before: str | None
    after: str | None


@dataclass(frozen=True, slots=True)
class DeliverySlip:
    """A delivery whose forecast moved; ``days`` is positive when it moved later."""

    code: str
    initiative: str
    forecast_before: date
    forecast_after: date
    days: int


@dataclass(frozen=True, slots=True)
class PropagationChange:
    """An initiative whose propagated level changed; ``sources`` as it stands after
    (before, when the flag cleared)."""

    code: str
    before: str | None
    after: str | None
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class LateChange:
    """A dependency that became late (``slack_after`` negative) or stopped being late."""

    supplier: str
    dependant: str
    slack_before: int | None
    slack_after: int | None

    @property
    def became_late(self) -> bool:
        return self.slack_after is not None


@dataclass(frozen=True, slots=True)
class CriticalPathChange:
    finish_before: date | None
    finish_after: date | None
    chain_before: tuple[str, ...]
    chain_after: tuple[str, ...]

    @property
    def finish_moved_days(self) -> int | None:
        """Days the portfolio's finish moved (positive: later); null when either is undated."""
        if self.finish_before is None or self.finish_after is None:
            return None
        return (self.finish_after - self.finish_before).days

    @property
    def changed(self) -> bool:
        return (self.finish_before, self.chain_before) != (self.finish_after, self.chain_after)


@dataclass(frozen=True, slots=True)
class PortfolioChanges:
    """Every difference between two states, each list sorted for presentation."""

    status_changes: tuple[ValueChange, ...] = ()
    risk_changes: tuple[ValueChange, ...] = ()
    added_initiatives: tuple[str, ...] = ()
    removed_initiatives: tuple[str, ...] = ()
    segment_changes: tuple[ValueChange, ...] = ()
    phase_changes: tuple[ValueChange, ...] = ()
    delivery_slips: tuple[DeliverySlip, ...] = ()
    dependencies_added: tuple[DependencyFacts, ...] = ()
    dependencies_removed: tuple[DependencyFacts, ...] = ()
    propagation_changes: tuple[PropagationChange, ...] = ()
    late_changes: tuple[LateChange, ...] = ()
    critical_path_change: CriticalPathChange = field(
        default_factory=lambda: CriticalPathChange(None, None, (), ())
    )


def compare(before: PortfolioState, after: PortfolioState) -> PortfolioChanges:
    """What changed from ``before`` to ``after``.

    Values of initiatives (status, risk, segment, phase) and deliveries are compared for
    those in both states; the rest are added or removed. Delivery slips are the
    deliveries whose forecast moved, later first; lists of initiatives are by code.

    >>> state = PortfolioState({}, {}, {}, {}, {}, None, ())
    >>> compare(state, state).added_initiatives
    ()
    """
    both = sorted(before.initiatives.keys() & after.initiatives.keys())

    def changes(name: str) -> tuple[ValueChange, ...]:
        return tuple(
            ValueChange(code, old, new)
            for code in both
            if (old := getattr(before.initiatives[code], name))
            != (new := getattr(after.initiatives[code], name))
        )

    slips = []
    for code in sorted(before.deliveries.keys() & after.deliveries.keys()):
        old, new = before.deliveries[code], after.deliveries[code]
        if old.forecast is not None and new.forecast is not None and old.forecast != new.forecast:
            slips.append(
                DeliverySlip(
                    code=code,
                    initiative=new.initiative,
                    forecast_before=old.forecast,
                    forecast_after=new.forecast,
                    days=(new.forecast - old.forecast).days,
                )
            )
    slips.sort(key=lambda slip: (-slip.days, slip.code))

    propagation = []
    for code in sorted(before.propagation.keys() | after.propagation.keys()):
        was, now = before.propagation.get(code), after.propagation.get(code)
        if (was.level if was else None) != (now.level if now else None):
            shown = now if now is not None else was
            assert shown is not None
            propagation.append(
                PropagationChange(
                    code=code,
                    before=was.level if was else None,
                    after=now.level if now else None,
                    sources=shown.sources,
                )
            )

    late = tuple(
        LateChange(supplier, dependant, before.late.get(pair), after.late.get(pair))
        for pair in sorted(before.late.keys() ^ after.late.keys(), key=lambda pair: pair[::-1])
        for supplier, dependant in (pair,)
    )
    return PortfolioChanges(
        status_changes=changes("status"),
        risk_changes=changes("risk_level"),
        added_initiatives=tuple(sorted(after.initiatives.keys() - before.initiatives.keys())),
        removed_initiatives=tuple(sorted(before.initiatives.keys() - after.initiatives.keys())),
        segment_changes=changes("segment"),
        phase_changes=changes("phase"),
        delivery_slips=tuple(slips),
        dependencies_added=_dependencies(after, before),
        dependencies_removed=_dependencies(before, after),
        propagation_changes=tuple(propagation),
        late_changes=late,
        critical_path_change=CriticalPathChange(
            finish_before=before.finish,
            finish_after=after.finish,
            chain_before=before.chain,
            chain_after=after.chain,
        ),
    )


def _dependencies(present: PortfolioState, absent: PortfolioState) -> tuple[DependencyFacts, ...]:
    """Dependencies of ``present`` that ``absent`` lacks, by dependant then supplier."""
    return tuple(
        present.dependencies[pair]
        for pair in sorted(
            present.dependencies.keys() - absent.dependencies.keys(), key=lambda pair: pair[::-1]
        )
    )
