"""Writes of council decisions: a meeting of NUIT, NUFA or the e-health council, its decisions.

Like ``app.writes``, every function runs inside the transaction of ``run_write``; it returns
its result or refuses by raising (guards, ``Problems.check``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from app import models
from app.auth import EVERYTHING, Viewer
from app.domain import ADMITTED_STATES
from app.messages import message
from app.repository import Row, decision_by_id
from app.tables import (
    decision_table,
    initiative_table,
    meeting_table,
)
from app.validation import (
    MAX_NAME,
    MAX_TEXT,
    Problems,
)
from app.writes import (
    audit,
    initiative_by_code,
    require_office,
    visible_initiative,
)


async def record_council_decision(
    connection: AsyncConnection, *, viewer: Viewer, values: Mapping[str, Any]
) -> Row:
    """Record a council's decision on an initiative; a new segment or state is applied."""
    require_office(viewer, message("action.record_decisions"))
    initiative = await visible_initiative(
        connection, viewer, values["initiative"], field="initiative"
    )
    problems = Problems()
    problems.date_in_range("meetingDate", values["meeting_date"])
    problems.text("meetingTitle", values.get("meeting_title"), max_length=MAX_NAME)
    problems.text("summary", values.get("summary"), max_length=MAX_TEXT, required=True)
    new_state = values.get("new_state")
    if new_state is not None and new_state not in ADMITTED_STATES:
        problems.add("newState", "new_state_admitted_only")
    admitted = initiative.state in ADMITTED_STATES or new_state in ADMITTED_STATES
    if values.get("new_segment") is not None and not admitted:
        problems.add("newSegment", "not_admitted_admit_first", code=initiative.code)
    if new_state is not None and initiative.state not in ADMITTED_STATES:
        problems.add("newState", "state_admit_first", code=initiative.code, state=initiative.state)
    problems.check()
    meeting_id = await _meeting(connection, viewer=viewer, values=values)
    decision_id = await connection.scalar(
        decision_table.insert()
        .values(
            meeting_id=meeting_id,
            initiative_id=initiative.id,
            kind=values["kind"],
            summary=values["summary"],
            new_segment=values.get("new_segment"),
            new_state=new_state,
            recorded_by=viewer.actor[:MAX_NAME],
            recorded_at=models.utcnow(),
        )
        .returning(decision_table.c.id)
    )
    assert decision_id is not None
    changes = {
        key: values[key]
        for key, column in (("new_segment", "segment"), ("new_state", "state"))
        if values.get(key) is not None and values[key] != getattr(initiative, column)
    }
    if changes:
        await connection.execute(
            initiative_table.update()
            .where(initiative_table.c.id == initiative.id)
            .values(
                **{
                    "segment" if key == "new_segment" else "state": value
                    for key, value in changes.items()
                },
                version=initiative_table.c.version + 1,
                updated_at=models.utcnow(),
            )
        )
        await audit(
            viewer=viewer,
            action="initiative.council_decision",
            entity_type="Initiative",
            entity_code=initiative.code,
            before=initiative,
            after=await initiative_by_code(connection, initiative.code, visibility=EVERYTHING),
        )
    row = await decision_by_id(connection, decision_id, visibility=EVERYTHING)
    assert row is not None
    await audit(
        viewer=viewer,
        action="council_decision.record",
        entity_type="CouncilDecision",
        entity_code=f"{row.meeting_code}/{initiative.code}",
        before=None,
        after=row,
    )
    return row


async def _meeting(
    connection: AsyncConnection, *, viewer: Viewer, values: Mapping[str, Any]
) -> int:
    """The meeting of the council on that day, created on first mention."""
    council, held_on = values["council"], values["meeting_date"]
    existing = await connection.scalar(
        sa.select(meeting_table.c.id).where(
            meeting_table.c.council == council, meeting_table.c.held_on == held_on
        )
    )
    if existing is not None:
        if values.get("meeting_title"):
            await connection.execute(
                meeting_table.update()
                .where(meeting_table.c.id == existing)
                .values(title=values["meeting_title"])
            )
        return int(existing)
    code = f"{council}-{held_on.isoformat()}"
    meeting_id = await connection.scalar(
        meeting_table.insert()
        .values(code=code, council=council, held_on=held_on, title=values.get("meeting_title"))
        .returning(meeting_table.c.id)
    )
    assert meeting_id is not None
    await audit(
        viewer=viewer,
        action="council_meeting.record",
        entity_type="CouncilMeeting",
        entity_code=code,
        before=None,
        after={
            "code": code,
            "council": council,
            "held_on": held_on,
            "title": values.get("meeting_title"),
        },
    )
    return int(meeting_id)
