"""Council meetings and their decisions on initiatives."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from app.auth import Visibility
from app.domain import Council
from app.repository.rows import Row, one_of
from app.repository.visibility import visible_initiatives
from app.tables import (
    decision_table,
    initiative_table,
    meeting_table,
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
        .where(visible_initiatives(visibility))
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
        .where(one_of(decision_table.c.initiative_id, initiative_ids))
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
                .where(decided, visible_initiatives(visibility)),
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
