"""Read SQL of the reporting side: council decisions, audit events and the round summary."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from app import repository, tables
from app.auth import Visibility
from app.domain import ADMITTED_STATES, Council
from app.repository import Row
from app.tables import (
    audit_table,
    decision_table,
    delivery_table,
    initiative_table,
    meeting_table,
    organisation_table,
    report_table,
)


def _decision_select(visibility: Visibility) -> sa.Select[Any]:
    """Decisions with their meeting, about initiatives the reader may see."""
    return (
        sa.select(
            decision_table,
            meeting_table.c.code.label("meeting_code"),
            meeting_table.c.council,
            meeting_table.c.held_on,
            meeting_table.c.title.label("meeting_title"),
            initiative_table.c.code.label("initiative_code"),
        )
        .join(meeting_table, meeting_table.c.id == decision_table.c.meeting_id)
        .join(initiative_table, initiative_table.c.id == decision_table.c.initiative_id)
        .where(repository.visible_initiatives(visibility))
    )


async def decision_by_id(
    connection: AsyncConnection, decision_id: int, *, visibility: Visibility
) -> Row | None:
    """A council decision joined with its meeting and its initiative's code."""
    result = await connection.execute(
        _decision_select(visibility).where(decision_table.c.id == decision_id)
    )
    row: Row | None = result.first()
    return row


async def decisions_for(
    connection: AsyncConnection, initiative_ids: Collection[int], *, visibility: Visibility
) -> dict[int, list[Row]]:
    """Each initiative's decision log, newest meeting first."""
    result = await connection.execute(
        _decision_select(visibility)
        .where(decision_table.c.initiative_id.in_(initiative_ids))
        .order_by(meeting_table.c.held_on.desc(), decision_table.c.id.desc())
    )
    grouped: dict[int, list[Row]] = {}
    for row in result:
        grouped.setdefault(row.initiative_id, []).append(row)
    return grouped


async def list_council_meetings(
    connection: AsyncConnection, *, council: Council | None, visibility: Visibility
) -> tuple[Sequence[Row], dict[int, list[Row]]]:
    """Meetings, newest first, with their decisions (on visible initiatives) by meeting id.

    A meeting whose every decision is about an initiative the reader may not see is left
    out with them: it exists only because of those decisions.
    """
    decided = decision_table.c.meeting_id == meeting_table.c.id
    query = (
        sa.select(meeting_table)
        .where(
            sa.or_(
                ~sa.exists().where(decided),
                sa.exists()
                .select_from(
                    decision_table.join(
                        initiative_table,
                        initiative_table.c.id == decision_table.c.initiative_id,
                    )
                )
                .where(decided, repository.visible_initiatives(visibility)),
            )
        )
        .order_by(meeting_table.c.held_on.desc(), meeting_table.c.code)
    )
    if council is not None:
        query = query.where(meeting_table.c.council == council)
    meetings = (await connection.execute(query)).all()
    decisions = await connection.execute(
        _decision_select(visibility)
        .where(decision_table.c.meeting_id.in_([meeting.id for meeting in meetings]))
        .order_by(decision_table.c.id)
    )
    grouped: dict[int, list[Row]] = {}
    for row in decisions:
        grouped.setdefault(row.meeting_id, []).append(row)
    return meetings, grouped


async def page_audit_events(
    connection: AsyncConnection, *, entity_code: str | None, before_id: int | None, limit: int
) -> Sequence[Row]:
    """Audit events, newest first, older than ``before_id`` when given."""
    query = sa.select(audit_table).order_by(audit_table.c.id.desc()).limit(limit)
    if entity_code is not None:
        query = query.where(audit_table.c.entity_code == entity_code)
    if before_id is not None:
        query = query.where(audit_table.c.id < before_id)
    return (await connection.execute(query)).all()


# --- the round summary ---------------------------------------------------------------------


async def admitted_initiatives(connection: AsyncConnection) -> Sequence[Row]:
    """Admitted initiatives with their owner's code and name, by code."""
    result = await connection.execute(
        sa.select(
            initiative_table,
            organisation_table.c.code.label("owner_code"),
            organisation_table.c.name.label("owner_name"),
        )
        .join(organisation_table, organisation_table.c.id == initiative_table.c.owner_id)
        .where(initiative_table.c.state.in_(sorted(ADMITTED_STATES)))
        .order_by(initiative_table.c.code)
    )
    return result.all()


async def latest_reports(connection: AsyncConnection, *, period_opens: Any) -> dict[int, Row]:
    """Every initiative's latest report up to a period (carried forward)."""
    latest = repository.latest_reports_subquery(period_opens=period_opens)
    result = await connection.execute(sa.select(latest))
    return {row.initiative_id: row for row in result}


async def initiatives_reported_in(connection: AsyncConnection, *, period_id: int) -> set[int]:
    result = await connection.execute(
        sa.select(report_table.c.initiative_id).where(report_table.c.period_id == period_id)
    )
    return set(result.scalars())


async def open_deliveries(connection: AsyncConnection) -> Sequence[Row]:
    """Deliveries of admitted initiatives, by due date (forecast, else baseline)."""
    result = await connection.execute(
        sa.select(delivery_table)
        .join(initiative_table, initiative_table.c.id == delivery_table.c.initiative_id)
        .where(initiative_table.c.state.in_(sorted(ADMITTED_STATES)))
        .order_by(
            sa.func.coalesce(delivery_table.c.forecast_date, delivery_table.c.baseline_date),
            delivery_table.c.code,
        )
    )
    return result.all()


async def goal_links(connection: AsyncConnection) -> tuple[Sequence[Row], Sequence[Row]]:
    """(initiative, supporting goal) and (initiative, SDG) pairs."""
    supporting = await connection.execute(sa.select(tables.supporting_goal_table))
    sdgs = await connection.execute(sa.select(tables.initiative_sdg_table))
    return supporting.all(), sdgs.all()


def missing_reports(initiatives: Sequence[Row], reported: Collection[int]) -> list[Row]:
    """ACTIVE or PAUSED initiatives with no report among ``reported`` (ids), in input order."""
    return [
        row for row in initiatives if row.state in {"ACTIVE", "PAUSED"} and row.id not in reported
    ]


def slipped_deliveries(deliveries: Sequence[Row]) -> list[Row]:
    """Deliveries (not cancelled) forecast after their baseline, most slipped first."""
    return sorted(
        (
            row
            for row in deliveries
            if row.status != "CANCELLED"
            and row.baseline_date is not None
            and row.forecast_date is not None
            and row.forecast_date > row.baseline_date
        ),
        key=lambda row: (row.baseline_date - row.forecast_date, row.code),
    )
