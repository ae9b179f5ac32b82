"""Initiatives: the filtered, paged list, lookups, and their goals and developed solutions."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from app.auth import Visibility
from app.domain import ADMITTED_STATES, LifecycleState, Phase, Segment, TrafficLight
from app.repository.rows import Row, grouped, one_of
from app.repository.status_reports import latest_reports_subquery
from app.repository.visibility import of_visible_initiative, visible_initiatives
from app.tables import (
    developed_table,
    goal_table,
    initiative_sdg_table,
    initiative_table,
    organisation_table,
    sdg_table,
    solution_table,
    supporting_goal_table,
)


@dataclass(frozen=True, slots=True)
class InitiativeQuery:
    """Filters for the initiative list; empty collections mean "any"."""

    segments: Collection[Segment] = ()
    phases: Collection[Phase] = ()
    states: Collection[LifecycleState] = tuple(sorted(ADMITTED_STATES))
    owner_codes: Collection[str] = ()
    statuses: Collection[TrafficLight] = ()
    risk_levels: Collection[TrafficLight] = ()
    goal: int | None = None
    sdg: int | None = None
    search: str | None = None
    codes: Collection[str] | None = None
    excluded_codes: Collection[str] = ()
    status_period_opens: date | None = None


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _initiative_conditions(query: InitiativeQuery) -> tuple[list[Any], sa.Subquery | None]:
    table = initiative_table
    conditions: list[Any] = []
    if query.states:
        conditions.append(table.c.state.in_(list(query.states)))
    if query.segments:
        conditions.append(table.c.segment.in_(list(query.segments)))
    if query.phases:
        conditions.append(table.c.phase.in_(list(query.phases)))
    if query.codes is not None:
        conditions.append(table.c.code.in_(list(query.codes)))
    if query.excluded_codes:
        conditions.append(table.c.code.not_in(list(query.excluded_codes)))
    if query.owner_codes:
        conditions.append(
            table.c.owner_id.in_(
                sa.select(organisation_table.c.id).where(
                    organisation_table.c.code.in_(list(query.owner_codes))
                )
            )
        )
    if query.goal is not None:
        conditions.append(
            sa.or_(
                table.c.main_goal_number == query.goal,
                table.c.id.in_(
                    sa.select(supporting_goal_table.c.initiative_id).where(
                        supporting_goal_table.c.goal_number == query.goal
                    )
                ),
            )
        )
    if query.sdg is not None:
        conditions.append(
            table.c.id.in_(
                sa.select(initiative_sdg_table.c.initiative_id).where(
                    initiative_sdg_table.c.sdg_number == query.sdg
                )
            )
        )
    if query.search:
        pattern = f"%{_escape_like(query.search.strip().lower())}%"
        conditions.append(
            sa.or_(
                sa.func.lower(table.c.code).like(pattern, escape="\\"),
                sa.func.lower(table.c.name).like(pattern, escape="\\"),
            )
        )
    latest = None
    if query.statuses or query.risk_levels:
        latest = latest_reports_subquery(period_opens=query.status_period_opens)
        if query.statuses:
            conditions.append(latest.c.status.in_(list(query.statuses)))
        if query.risk_levels:
            conditions.append(latest.c.risk_level.in_(list(query.risk_levels)))
    return conditions, latest


def _filtered(
    select: sa.Select[Any], query: InitiativeQuery, visibility: Visibility
) -> sa.Select[Any]:
    conditions, latest = _initiative_conditions(query)
    if latest is not None:
        select = select.join(latest, latest.c.initiative_id == initiative_table.c.id)
    return select.where(visible_initiatives(visibility), *conditions)


async def count_initiatives(
    connection: AsyncConnection, query: InitiativeQuery, *, visibility: Visibility
) -> int:
    select = _filtered(sa.select(sa.func.count()).select_from(initiative_table), query, visibility)
    return int(await connection.scalar(select) or 0)


async def page_initiatives(
    connection: AsyncConnection,
    query: InitiativeQuery,
    *,
    visibility: Visibility,
    after_code: str | None,
    limit: int,
) -> Sequence[Row]:
    """Up to ``limit`` initiatives ordered by code, starting after ``after_code``."""
    select = _filtered(sa.select(initiative_table), query, visibility)
    if after_code is not None:
        select = select.where(initiative_table.c.code > after_code)
    result = await connection.execute(select.order_by(initiative_table.c.code).limit(limit))
    rows: Sequence[Row] = result.all()
    return rows


async def initiatives_by_ids(
    connection: AsyncConnection, ids: Collection[int], *, visibility: Visibility
) -> dict[int, Row]:
    result = await connection.execute(
        sa.select(initiative_table).where(
            one_of(initiative_table.c.id, ids), visible_initiatives(visibility)
        )
    )
    return {row.id: row for row in result}


async def initiatives_by_codes(
    connection: AsyncConnection, codes: Collection[str], *, visibility: Visibility
) -> dict[str, Row]:
    result = await connection.execute(
        sa.select(initiative_table).where(
            one_of(initiative_table.c.code, codes), visible_initiatives(visibility)
        )
    )
    return {row.code: row for row in result}


async def supporting_goals_for(
    connection: AsyncConnection, initiative_ids: Collection[int], *, visibility: Visibility
) -> dict[int, list[Row]]:
    table = supporting_goal_table
    result = await connection.execute(
        sa.select(table.c.initiative_id, goal_table)
        .join(goal_table, goal_table.c.number == table.c.goal_number)
        .where(
            one_of(table.c.initiative_id, initiative_ids),
            of_visible_initiative(table.c.initiative_id, visibility),
        )
        .order_by(goal_table.c.number)
    )
    return grouped(result, "initiative_id")


async def sdgs_for(
    connection: AsyncConnection, initiative_ids: Collection[int], *, visibility: Visibility
) -> dict[int, list[Row]]:
    table = initiative_sdg_table
    result = await connection.execute(
        sa.select(table.c.initiative_id, sdg_table)
        .join(sdg_table, sdg_table.c.number == table.c.sdg_number)
        .where(
            one_of(table.c.initiative_id, initiative_ids),
            of_visible_initiative(table.c.initiative_id, visibility),
        )
        .order_by(sdg_table.c.number)
    )
    return grouped(result, "initiative_id")


async def developed_solutions_for(
    connection: AsyncConnection, initiative_ids: Collection[int], *, visibility: Visibility
) -> dict[int, list[Row]]:
    result = await connection.execute(
        sa.select(developed_table.c.initiative_id, solution_table)
        .join(solution_table, solution_table.c.id == developed_table.c.solution_id)
        .where(
            one_of(developed_table.c.initiative_id, initiative_ids),
            of_visible_initiative(developed_table.c.initiative_id, visibility),
        )
        .order_by(solution_table.c.code)
    )
    return grouped(result, "initiative_id")


async def developers_of(
    connection: AsyncConnection, solution_ids: Collection[int], *, visibility: Visibility
) -> dict[int, list[Row]]:
    result = await connection.execute(
        sa.select(developed_table.c.solution_id, initiative_table)
        .join(initiative_table, initiative_table.c.id == developed_table.c.initiative_id)
        .where(one_of(developed_table.c.solution_id, solution_ids), visible_initiatives(visibility))
        .order_by(initiative_table.c.code)
    )
    return grouped(result, "solution_id")


async def owners_of(
    connection: AsyncConnection, codes: Collection[str], *, visibility: Visibility
) -> dict[str, Row]:
    """Each initiative's id, code, owner id and owner code, by code.

    For events, which name the owner they are told to.
    """
    result: sa.CursorResult[Any] = await connection.execute(
        sa.select(
            initiative_table.c.id,
            initiative_table.c.code,
            initiative_table.c.owner_id,
            organisation_table.c.code.label("owner_code"),
        )
        .join(organisation_table, organisation_table.c.id == initiative_table.c.owner_id)
        .where(initiative_table.c.code.in_(codes), visible_initiatives(visibility))
    )
    return {row.code: row for row in result}
