"""Meetings of the councils and their decisions: the ``councilMeetings`` query."""

from __future__ import annotations

from datetime import date

import strawberry

from app import reporting
from app.governance import Council
from schema.context import Info
from schema.types import CouncilDecision


@strawberry.type(description="A meeting of NUIT, NUFA or Nasjonalt e-helseråd.")
class CouncilMeeting:
    code: str
    council: Council
    date: date
    title: str | None
    decisions: list[CouncilDecision]


@strawberry.type
class CouncilQuery:
    @strawberry.field(description="Meetings of the councils with their decisions, newest first.")
    async def council_meetings(
        self, info: Info, council: Council | None = None
    ) -> list[CouncilMeeting]:
        meetings, decisions = await info.context.read(
            reporting.list_council_meetings, council=council, visibility=info.context.visibility
        )
        return [
            CouncilMeeting(
                code=row.code,
                council=row.council,
                date=row.held_on,
                title=row.title,
                decisions=[CouncilDecision.from_row(item) for item in decisions.get(row.id, [])],
            )
            for row in meetings
        ]
