"""Resolvers of initiative and solution fields: owner, goals, access, intake, counts.

Each is a function of the record it serves (``root``) and the request; ``schema/types.py``
names it beside its field. Fields that answer with other portfolio objects build them
there, from the rows the loaders return.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TypeVar

from app.repository import Row
from app.validation import entry_criteria_flags as flags_of
from app.writes import REPORTING_STATES
from schema.context import Info
from schema.loaders import Loaders, MaybeAwaitable, resolve_loaded
from schema.records import InitiativeRecord, SolutionRecord
from schema.reference_types import (
    Organisation,
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


# --- counts --------------------------------------------------------------------------------------


def dependency_count(root: InitiativeRecord, info: Info) -> MaybeAwaitable[int]:
    loader = info.context.loaders.dependencies_by_dependant
    return resolve_loaded(loader, root.db_id, len)


async def dependant_count(root: InitiativeRecord, info: Info) -> int:
    return len(await info.context.loaders.dependants_by_initiative.load(root.db_id))


async def solution_dependant_count(root: SolutionRecord, info: Info) -> int:
    return len(await info.context.loaders.dependants_by_solution.load(root.db_id))
