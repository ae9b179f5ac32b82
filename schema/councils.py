"""Meetings of the councils and their decisions: the ``councilMeetings`` query."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from app import repository
from app.domain import Council
from schema.context import Info
from schema.types import CouncilDecision


@strawberry.type(description="A meeting of NUIT, NUFA or Nasjonalt e-helseråd.")
class CouncilMeeting:
    code: str = strawberry.field(description="Stable key of the meeting.")
    council: Council = strawberry.field(description="The council that met.")
    date: date = strawberry.field(description="The day of the meeting.")
    title: str | None = strawberry.field(description="Title of the meeting, when it has one.")
    decisions: list[CouncilDecision] = strawberry.field(
        description="The decisions made at the meeting."
    )


@strawberry.type
class CouncilQuery:
    @strawberry.field(description="Meetings of the councils with their decisions, newest first.")
    async def council_meetings(
        self,
        info: Info,
        council: Annotated[
            Council | None, strawberry.argument(description="Only the meetings of this council.")
        ] = None,
    ) -> list[CouncilMeeting]:
        meetings, decisions = await info.context.read(
            repository.list_council_meetings, council=council, visibility=info.context.visibility
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
