"""The reads of the GraphQL layer, each one statement (writes live in the write services).

Functions take the connection first and keyword-only options. Batch readers take a
collection of ids and return rows grouped by that id, so a data loader turns any fan-out
into a single statement.

Every read of initiatives, or of anything hanging off one (deliveries, risks, reports,
goals, developed solutions, dependencies in either direction), takes the reader's
``visibility`` and applies :func:`visible_initiatives`, the one rule for PROPOSED and
DECLINED initiatives, inside its statement: what a caller may not see is never read.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from app.auth import Visibility
from app.domain import ADMITTED_STATES, LifecycleState, Phase, Segment, TrafficLight
from app.tables import (
    delivery_table,
    dependency_table,
    developed_table,
    goal_table,
    initiative_sdg_table,
    initiative_table,
    organisation_table,
    period_table,
    report_table,
    risk_table,
    sdg_table,
    solution_table,
    supporting_goal_table,
    version_table,
)

Row = sa.Row[Any]

ROW_BATCH = 2_000
"""Rows converted between two turns of the event loop in the portfolio-wide reads."""


async def _all_rows(result: sa.Result[Any]) -> list[Row]:
    """Every row of a large result, letting the event loop serve others between batches.

    Converting a row (dates parsed, enums made) is Python work on the loop's thread: tens
    of thousands of them at once would hold every other request for a large fraction of
    a second.
    """
    rows: list[Row] = []
    for batch in result.partitions(ROW_BATCH):
        rows += batch
        await asyncio.sleep(0)
    return rows


# --- the visibility rule ----------------------------------------------------------------


def _admitted(table: sa.FromClause | None = None) -> sa.ColumnElement[bool]:
    table = initiative_table if table is None else table
    return table.c.state.in_(sorted(ADMITTED_STATES))


def visible_initiatives(
    visibility: Visibility, table: sa.FromClause | None = None
) -> sa.ColumnElement[bool]:
    """The initiatives (of ``table``, an initiative table or alias) the reader may see.

    Admitted ones for everyone; PROPOSED and DECLINED ones only for ADMIN tokens and for
    REPORTER tokens of their owner.
    """
    table = initiative_table if table is None else table
    if visibility.all_hidden:
        return sa.true()
    if not visibility.hidden_of_owners:
        return _admitted(table)
    return sa.or_(_admitted(table), table.c.owner_id.in_(sorted(visibility.hidden_of_owners)))


def of_visible_initiative(
    initiative_id: sa.ColumnElement[Any], visibility: Visibility
) -> sa.ColumnElement[bool]:
    """Rows hanging off an initiative through ``initiative_id``: those of visible ones."""
    if visibility.all_hidden:
        return sa.true()
    return initiative_id.in_(
        sa.select(initiative_table.c.id).where(visible_initiatives(visibility))
    )


# --- reference data --------------------------------------------------------------------


async def data_version(connection: AsyncConnection) -> int:
    """The current data version (0 for a database that was never written)."""
    value = await connection.scalar(
        sa.select(version_table.c.version).where(version_table.c.id == 1)
    )
    return int(value or 0)


async def list_strategic_goals(connection: AsyncConnection) -> Sequence[Row]:
    return (await connection.execute(sa.select(goal_table).order_by(goal_table.c.number))).all()


async def list_sustainable_development_goals(connection: AsyncConnection) -> Sequence[Row]:
    result = await connection.execute(sa.select(sdg_table).order_by(sdg_table.c.number))
    return result.all()


async def list_organisations(connection: AsyncConnection) -> Sequence[Row]:
    result = await connection.execute(
        sa.select(organisation_table).order_by(organisation_table.c.code)
    )
    return result.all()


async def organisations_by_ids(connection: AsyncConnection, ids: Collection[int]) -> dict[int, Row]:
    result = await connection.execute(
        sa.select(organisation_table).where(organisation_table.c.id.in_(ids))
    )
    return {row.id: row for row in result}


async def organisations_by_codes(
    connection: AsyncConnection, codes: Collection[str]
) -> dict[str, Row]:
    result = await connection.execute(
        sa.select(organisation_table).where(organisation_table.c.code.in_(codes))
    )
    return {row.code: row for row in result}


# --- solutions ---------------------------------------------------------------------------


async def list_solutions(
    connection: AsyncConnection, *, categories: Collection[str] | None = None
) -> Sequence[Row]:
    query = sa.select(solution_table).order_by(solution_table.c.code)
    if categories:
        query = query.where(solution_table.c.category.in_(categories))
    return (await connection.execute(query)).all()


async def solutions_by_ids(connection: AsyncConnection, ids: Collection[int]) -> dict[int, Row]:
    result = await connection.execute(sa.select(solution_table).where(solution_table.c.id.in_(ids)))
    return {row.id: row for row in result}


async def solutions_by_codes(connection: AsyncConnection, codes: Collection[str]) -> dict[str, Row]:
    result = await connection.execute(
        sa.select(solution_table).where(solution_table.c.code.in_(codes))
    )
    return {row.code: row for row in result}


# --- reporting periods -------------------------------------------------------------------


async def list_reporting_periods(connection: AsyncConnection) -> Sequence[Row]:
    """Every period, newest first."""
    result = await connection.execute(
        sa.select(period_table).order_by(period_table.c.opens.desc(), period_table.c.code.desc())
    )
    return result.all()


def pick_current_period(periods: Sequence[Row], *, today: date) -> Row | None:
    """The latest period opened by ``today`` (else the earliest), from newest-first rows."""
    for period in periods:
        if period.opens <= today:
            return period
    return periods[-1] if periods else None


# --- initiatives -------------------------------------------------------------------------


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


def latest_reports_subquery(
    *, period_opens: date | None, columns: Sequence[str] | None = None
) -> sa.Subquery:
    """Each initiative's latest report revision from periods opened up to ``period_opens``.

    ``columns`` narrows it to those report columns (and ``initiative_id``): ranking 80,000
    reports sorts whatever is selected, free-text fields included.
    """
    selected = (
        [report_table.c.initiative_id, *(report_table.c[name] for name in columns)]
        if columns is not None
        else [report_table]
    )
    ranked = sa.select(
        *selected,
        sa.func.row_number()
        .over(
            partition_by=report_table.c.initiative_id,
            order_by=(period_table.c.opens.desc(), report_table.c.revision.desc()),
        )
        .label("rank"),
    ).join(period_table, period_table.c.id == report_table.c.period_id)
    if period_opens is not None:
        ranked = ranked.where(period_table.c.opens <= period_opens)
    ranked_subquery = ranked.subquery("ranked_report")
    return sa.select(ranked_subquery).where(ranked_subquery.c.rank == 1).subquery("latest_report")


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
            initiative_table.c.id.in_(ids), visible_initiatives(visibility)
        )
    )
    return {row.id: row for row in result}


async def initiatives_by_codes(
    connection: AsyncConnection, codes: Collection[str], *, visibility: Visibility
) -> dict[str, Row]:
    result = await connection.execute(
        sa.select(initiative_table).where(
            initiative_table.c.code.in_(codes), visible_initiatives(visibility)
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
            table.c.initiative_id.in_(initiative_ids),
            of_visible_initiative(table.c.initiative_id, visibility),
        )
        .order_by(goal_table.c.number)
    )
    return _group(result, "initiative_id")


async def sdgs_for(
    connection: AsyncConnection, initiative_ids: Collection[int], *, visibility: Visibility
) -> dict[int, list[Row]]:
    table = initiative_sdg_table
    result = await connection.execute(
        sa.select(table.c.initiative_id, sdg_table)
        .join(sdg_table, sdg_table.c.number == table.c.sdg_number)
        .where(
            table.c.initiative_id.in_(initiative_ids),
            of_visible_initiative(table.c.initiative_id, visibility),
        )
        .order_by(sdg_table.c.number)
    )
    return _group(result, "initiative_id")


async def developed_solutions_for(
    connection: AsyncConnection, initiative_ids: Collection[int], *, visibility: Visibility
) -> dict[int, list[Row]]:
    result = await connection.execute(
        sa.select(developed_table.c.initiative_id, solution_table)
        .join(solution_table, solution_table.c.id == developed_table.c.solution_id)
        .where(
            developed_table.c.initiative_id.in_(initiative_ids),
            of_visible_initiative(developed_table.c.initiative_id, visibility),
        )
        .order_by(solution_table.c.code)
    )
    return _group(result, "initiative_id")


async def developers_of(
    connection: AsyncConnection, solution_ids: Collection[int], *, visibility: Visibility
) -> dict[int, list[Row]]:
    result = await connection.execute(
        sa.select(developed_table.c.solution_id, initiative_table)
        .join(initiative_table, initiative_table.c.id == developed_table.c.initiative_id)
        .where(developed_table.c.solution_id.in_(solution_ids), visible_initiatives(visibility))
        .order_by(initiative_table.c.code)
    )
    return _group(result, "solution_id")


# --- reports, deliveries, risks ------------------------------------------------------------


async def latest_reports_for(
    connection: AsyncConnection,
    initiative_ids: Collection[int],
    *,
    period_opens: date | None,
    visibility: Visibility,
) -> dict[int, Row]:
    """Each initiative's latest report up to a period, joined with that period's code."""
    latest = latest_reports_subquery(period_opens=period_opens)
    result = await connection.execute(
        sa.select(latest, period_table.c.code.label("period_code"))
        .join(period_table, period_table.c.id == latest.c.period_id)
        .where(
            latest.c.initiative_id.in_(initiative_ids),
            of_visible_initiative(latest.c.initiative_id, visibility),
        )
    )
    return {row.initiative_id: row for row in result}


async def reports_for(
    connection: AsyncConnection, initiative_ids: Collection[int], *, visibility: Visibility
) -> dict[int, list[Row]]:
    """Every report revision, newest period first and newest revision first within it."""
    result = await connection.execute(
        sa.select(report_table, period_table.c.code.label("period_code"))
        .join(period_table, period_table.c.id == report_table.c.period_id)
        .where(
            report_table.c.initiative_id.in_(initiative_ids),
            of_visible_initiative(report_table.c.initiative_id, visibility),
        )
        .order_by(
            report_table.c.initiative_id,
            period_table.c.opens.desc(),
            report_table.c.revision.desc(),
        )
    )
    return _group(result, "initiative_id")


async def deliveries_for(
    connection: AsyncConnection, initiative_ids: Collection[int], *, visibility: Visibility
) -> dict[int, list[Row]]:
    result = await connection.execute(
        sa.select(delivery_table)
        .where(
            delivery_table.c.initiative_id.in_(initiative_ids),
            of_visible_initiative(delivery_table.c.initiative_id, visibility),
        )
        .order_by(delivery_table.c.baseline_date, delivery_table.c.code)
    )
    return _group(result, "initiative_id")


async def deliveries_by_ids(
    connection: AsyncConnection, ids: Collection[int], *, visibility: Visibility
) -> dict[int, Row]:
    result = await connection.execute(
        sa.select(delivery_table).where(
            delivery_table.c.id.in_(ids),
            of_visible_initiative(delivery_table.c.initiative_id, visibility),
        )
    )
    return {row.id: row for row in result}


async def delivery_by_code(
    connection: AsyncConnection, code: str, *, visibility: Visibility
) -> Row | None:
    result = await connection.execute(
        sa.select(delivery_table).where(
            delivery_table.c.code == code,
            of_visible_initiative(delivery_table.c.initiative_id, visibility),
        )
    )
    return result.first()


async def risks_for(
    connection: AsyncConnection, initiative_ids: Collection[int], *, visibility: Visibility
) -> dict[int, list[Row]]:
    result = await connection.execute(
        sa.select(risk_table)
        .where(
            risk_table.c.initiative_id.in_(initiative_ids),
            of_visible_initiative(risk_table.c.initiative_id, visibility),
        )
        .order_by(risk_table.c.code)
    )
    return _group(result, "initiative_id")


async def risk_by_code(
    connection: AsyncConnection, code: str, *, visibility: Visibility
) -> Row | None:
    result = await connection.execute(
        sa.select(risk_table).where(
            risk_table.c.code == code,
            of_visible_initiative(risk_table.c.initiative_id, visibility),
        )
    )
    return result.first()


async def period_by_code(connection: AsyncConnection, code: str) -> Row | None:
    result = await connection.execute(sa.select(period_table).where(period_table.c.code == code))
    return result.first()


async def periods_by_ids(connection: AsyncConnection, ids: Collection[int]) -> dict[int, Row]:
    result = await connection.execute(sa.select(period_table).where(period_table.c.id.in_(ids)))
    return {row.id: row for row in result}


async def report_by_id(
    connection: AsyncConnection, report_id: int, *, visibility: Visibility
) -> Row | None:
    result = await connection.execute(
        sa.select(report_table, period_table.c.code.label("period_code"))
        .join(period_table, period_table.c.id == report_table.c.period_id)
        .where(
            report_table.c.id == report_id,
            of_visible_initiative(report_table.c.initiative_id, visibility),
        )
    )
    return result.first()


# --- dependencies --------------------------------------------------------------------------


def _dependency_select(visibility: Visibility) -> sa.Select[Any]:
    """Dependencies with both ends' codes; both ends must be visible to the reader."""
    supplier_initiative = initiative_table.alias("supplier_initiative")
    dependant = initiative_table.alias("dependant_initiative")
    return (
        sa.select(
            dependency_table,
            sa.func.coalesce(supplier_initiative.c.code, solution_table.c.code).label(
                "supplier_code"
            ),
            dependant.c.code.label("dependant_code"),
        )
        .join(dependant, dependant.c.id == dependency_table.c.dependant_id)
        .outerjoin(
            supplier_initiative,
            supplier_initiative.c.id == dependency_table.c.supplier_initiative_id,
        )
        .outerjoin(solution_table, solution_table.c.id == dependency_table.c.supplier_solution_id)
        .where(
            visible_initiatives(visibility, dependant),
            sa.or_(
                dependency_table.c.supplier_initiative_id.is_(None),
                visible_initiatives(visibility, supplier_initiative),
            ),
        )
    )


async def dependencies_of(
    connection: AsyncConnection, dependant_ids: Collection[int], *, visibility: Visibility
) -> dict[int, list[Row]]:
    """What each initiative depends on."""
    result = await connection.execute(
        _dependency_select(visibility)
        .where(dependency_table.c.dependant_id.in_(dependant_ids))
        .order_by(dependency_table.c.dependant_id, sa.text("supplier_code"))
    )
    return _group(result, "dependant_id")


async def dependants_of_initiatives(
    connection: AsyncConnection, supplier_ids: Collection[int], *, visibility: Visibility
) -> dict[int, list[Row]]:
    """Who depends on each initiative."""
    result = await connection.execute(
        _dependency_select(visibility)
        .where(dependency_table.c.supplier_initiative_id.in_(supplier_ids))
        .order_by(dependency_table.c.supplier_initiative_id, sa.text("dependant_code"))
    )
    return _group(result, "supplier_initiative_id")


async def dependants_of_solutions(
    connection: AsyncConnection, supplier_ids: Collection[int], *, visibility: Visibility
) -> dict[int, list[Row]]:
    """Who depends on each solution."""
    result = await connection.execute(
        _dependency_select(visibility)
        .where(dependency_table.c.supplier_solution_id.in_(supplier_ids))
        .order_by(dependency_table.c.supplier_solution_id, sa.text("dependant_code"))
    )
    return _group(result, "supplier_solution_id")


async def dependency_by_id(
    connection: AsyncConnection, dependency_id: int, *, visibility: Visibility
) -> Row | None:
    result = await connection.execute(
        _dependency_select(visibility).where(dependency_table.c.id == dependency_id)
    )
    row: Row | None = result.first()
    return row


# --- helpers -----------------------------------------------------------------------------


def _group(rows: Any, key: str) -> dict[int, list[Row]]:
    grouped: dict[int, list[Row]] = defaultdict(list)
    for row in rows:
        grouped[getattr(row, key)].append(row)
    return grouped


# --- rows for the dependency graph -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GraphRows:
    """Plain rows the dependency graph is built from: admitted initiatives only."""

    initiatives: Sequence[Any]
    solutions: Sequence[Any]
    dependencies: Sequence[Any]
    developments: Sequence[Any]


async def graph_rows(connection: AsyncConnection) -> GraphRows:
    """Everything the graph needs, in four statements."""
    initiatives = await connection.execute(
        sa.select(
            initiative_table.c.code,
            initiative_table.c.name,
            initiative_table.c.planned_start,
            initiative_table.c.planned_end,
            initiative_table.c.forecast_end,
        )
        .where(_admitted())
        .order_by(initiative_table.c.code)
    )
    solutions = await connection.execute(
        sa.select(solution_table.c.code, solution_table.c.name, solution_table.c.category).order_by(
            solution_table.c.code
        )
    )
    supplier_initiative = initiative_table.alias("supplier_initiative")
    dependant = initiative_table.alias("dependant_initiative")
    dependencies = await connection.execute(
        sa.select(
            sa.func.coalesce(supplier_initiative.c.code, solution_table.c.code).label("supplier"),
            dependant.c.code.label("dependant"),
            dependency_table.c.criticality,
            dependency_table.c.type,
            dependency_table.c.lag_days,
            dependency_table.c.needed_by,
            delivery_table.c.code.label("supplier_delivery"),
            delivery_table.c.forecast_date.label("supplier_delivery_forecast"),
        )
        .select_from(dependency_table)
        .join(dependant, dependant.c.id == dependency_table.c.dependant_id)
        .outerjoin(
            supplier_initiative,
            supplier_initiative.c.id == dependency_table.c.supplier_initiative_id,
        )
        .outerjoin(solution_table, solution_table.c.id == dependency_table.c.supplier_solution_id)
        .outerjoin(delivery_table, delivery_table.c.id == dependency_table.c.supplier_delivery_id)
        .where(_admitted(dependant))
        .where(sa.or_(supplier_initiative.c.id.is_(None), _admitted(supplier_initiative)))
    )
    developments = await connection.execute(
        sa.select(
            initiative_table.c.code.label("initiative"), solution_table.c.code.label("solution")
        )
        .select_from(developed_table)
        .join(initiative_table, initiative_table.c.id == developed_table.c.initiative_id)
        .join(solution_table, solution_table.c.id == developed_table.c.solution_id)
        .where(_admitted())
    )
    return GraphRows(
        initiatives=await _all_rows(initiatives),
        solutions=solutions.all(),
        dependencies=await _all_rows(dependencies),
        developments=await _all_rows(developments),
    )


async def latest_statuses(
    connection: AsyncConnection, *, period_opens: date | None
) -> dict[str, tuple[TrafficLight, TrafficLight | None]]:
    """Status and risk level of every admitted initiative up to a period, by code."""
    latest = latest_reports_subquery(period_opens=period_opens, columns=("status", "risk_level"))
    result = await connection.execute(
        sa.select(initiative_table.c.code, latest.c.status, latest.c.risk_level)
        .join(latest, latest.c.initiative_id == initiative_table.c.id)
        .where(_admitted())
    )
    return {row.code: (row.status, row.risk_level) for row in await _all_rows(result)}
