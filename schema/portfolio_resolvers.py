"""Resolvers of initiative and solution fields that answer with values or reference data.

Each is a function of the record it serves (``root``) and the request; ``schema/types.py``
names it beside its field. Fields that answer with other portfolio objects build them
there, from the rows the loaders return.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Annotated, TypeVar

import strawberry

from app.repository import Row
from app.validation import entry_criteria_flags as flags_of
from app.writes import REPORTING_STATES
from schema.arguments import PeriodArgument
from schema.context import Info
from schema.enums import TrafficLight
from schema.errors import UserInputError
from schema.loaders import Loaders, MaybeAwaitable, ReportStatus, resolve_loaded
from schema.records import InitiativeRecord, SolutionRecord
from schema.reference_types import (
    Organisation,
    ReportingPeriod,
    StatusTrendPoint,
    StrategicGoal,
    SustainableDevelopmentGoal,
)

T = TypeVar("T")

MAX_TREND_PERIODS = 40


def shared(loaders: Loaders, build: Callable[[Row], T], row: Row | None) -> T:
    """The request's one object for a row a foreign key points to."""
    assert row is not None  # a foreign key guarantees it
    return loaders.build_once(build, row)


# --- owner, goals ----------------------------------------------------------------------------


def owner(root: InitiativeRecord, info: Info) -> MaybeAwaitable[Organisation]:
    loaders = info.context.loaders
    build = partial(shared, loaders, Organisation.from_row)
    return resolve_loaded(loaders.organisation_by_id, root.owner_id, build)


async def operator(root: SolutionRecord, info: Info) -> Organisation:
    row = await info.context.loaders.organisation_by_id.load(root.operator_id)
    assert row is not None  # a foreign key guarantees it
    return Organisation.from_row(row)


async def main_goal(root: InitiativeRecord, info: Info) -> StrategicGoal | None:
    if root.main_goal_number is None:
        return None
    goal = (await info.context.strategic_goals()).get(root.main_goal_number)
    return StrategicGoal.from_row(goal) if goal is not None else None


async def supporting_goals(root: InitiativeRecord, info: Info) -> list[StrategicGoal]:
    rows = await info.context.loaders.supporting_goals_by_initiative.load(root.db_id)
    return [StrategicGoal.from_row(row) for row in rows]


async def sustainable_development_goals(
    root: InitiativeRecord, info: Info
) -> list[SustainableDevelopmentGoal]:
    rows = await info.context.loaders.sdgs_by_initiative.load(root.db_id)
    return [SustainableDevelopmentGoal.from_row(row) for row in rows]


# --- what the viewer may do, intake -----------------------------------------------------------


def viewer_can_report(root: InitiativeRecord, info: Info) -> bool:
    viewer = info.context.viewer
    return viewer.may_write_for(root.owner_id) and root.state in REPORTING_STATES


def viewer_can_edit(root: InitiativeRecord, info: Info) -> bool:
    return info.context.viewer.may_write_for(root.owner_id)


def entry_criteria_flags(root: InitiativeRecord) -> list[str]:
    criteria = root.entry_criteria
    return flags_of(
        digitalisation_essential=criteria.digitalisation_essential,
        coordination_or_strategy=criteria.coordination_or_strategy,
    )


# --- status from the latest report -------------------------------------------------------------


def from_report_status(
    info: Info, initiative_id: int, period: str | None, build: Callable[[ReportStatus], T]
) -> MaybeAwaitable[T]:
    """``build`` of the initiative's status lookup for the period, at once when loaded."""
    loader = info.context.loaders.report_status_by_initiative(period)
    return resolve_loaded(loader, initiative_id, build)


def _status(found: ReportStatus) -> TrafficLight | None:
    return found.report.status if found.report is not None else None


def _risk_level(found: ReportStatus) -> TrafficLight | None:
    return found.report.risk_level if found.report is not None else None


def _is_stale(found: ReportStatus) -> bool:
    return found.is_stale


def status(
    root: InitiativeRecord, info: Info, period: PeriodArgument = None
) -> MaybeAwaitable[TrafficLight | None]:
    return from_report_status(info, root.db_id, period, _status)


def risk_level(
    root: InitiativeRecord, info: Info, period: PeriodArgument = None
) -> MaybeAwaitable[TrafficLight | None]:
    return from_report_status(info, root.db_id, period, _risk_level)


def report_is_stale(
    root: InitiativeRecord, info: Info, period: PeriodArgument = None
) -> MaybeAwaitable[bool]:
    return from_report_status(info, root.db_id, period, _is_stale)


def latest_revision_per_period(rows: list[Row]) -> list[Row]:
    """The newest revision in each period (rows arrive newest revision first per period)."""
    latest: dict[int, Row] = {}
    for row in rows:
        latest.setdefault(row.period_id, row)
    return list(latest.values())


async def status_trend(
    root: InitiativeRecord,
    info: Info,
    periods: Annotated[
        int, strawberry.argument(description=f"How many periods (1–{MAX_TREND_PERIODS}).")
    ] = 4,
) -> list[StatusTrendPoint]:
    if not 1 <= periods <= MAX_TREND_PERIODS:
        raise UserInputError(
            f"periods must be between 1 and {MAX_TREND_PERIODS}; got {periods}.",
            argument="periods",
        )
    current = await info.context.current_period()
    if current is None:
        return []
    chosen = [row for row in await info.context.periods() if row.opens <= current.opens]
    chosen = list(reversed(chosen[:periods]))
    opens_by_id = {row.id: row.opens for row in await info.context.periods()}
    # Newest period first, newest revision first: the first match is the latest word.
    reports = await info.context.loaders.reports_by_initiative.load(root.db_id)
    points = []
    for period in chosen:
        latest = next((row for row in reports if opens_by_id[row.period_id] <= period.opens), None)
        points.append(
            StatusTrendPoint(
                period=ReportingPeriod.from_row(period),
                status=latest.status if latest is not None else None,
                risk_level=latest.risk_level if latest is not None else None,
                reported=latest is not None and latest.period_id == period.id,
            )
        )
    return points


# --- counts --------------------------------------------------------------------------------------


def dependency_count(root: InitiativeRecord, info: Info) -> MaybeAwaitable[int]:
    loader = info.context.loaders.dependencies_by_dependant
    return resolve_loaded(loader, root.db_id, len)


async def dependant_count(root: InitiativeRecord, info: Info) -> int:
    return len(await info.context.loaders.dependants_by_initiative.load(root.db_id))


async def solution_dependant_count(root: SolutionRecord, info: Info) -> int:
    return len(await info.context.loaders.dependants_by_solution.load(root.db_id))
