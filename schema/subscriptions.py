"""Live updates over graphql-transport-ws: submitted status reports, status changes and
reminders of missing reports.

Events come from this process's broadcaster (``app.events``), published after commit.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import date
from typing import Annotated, TypeVar

import strawberry

from app import repository
from app.events import ReportMissing, StatusReportSubmitted, broadcaster
from schema.context import Info
from schema.enums import Segment, TrafficLight
from schema.reference_types import Organisation
from schema.types import Initiative, StatusReport

E = TypeVar("E", StatusReportSubmitted, ReportMissing)

InitiativeFilter = Annotated[
    str | None, strawberry.argument(description="Only events of this initiative code.")
]


@strawberry.type(description="A status report revision was submitted.")
class StatusReportSubmittedEvent:
    initiative_code: str = strawberry.field(description="Code of the initiative.")
    period_code: str = strawberry.field(description="Code of the period reported for.")
    revision: int = strawberry.field(description="Revision number within the period.")
    status: TrafficLight = strawberry.field(description="The reported status.")
    previous_status: TrafficLight | None = strawberry.field(
        description="Status before the report; null when there was none."
    )
    report_id: strawberry.Private[int]
    initiative_id: strawberry.Private[int]

    @strawberry.field(description="The report; null when the caller may not see it.")
    async def report(self, info: Info) -> StatusReport | None:
        context = info.context
        row = await context.read(
            repository.report_by_id, self.report_id, visibility=context.visibility
        )
        return StatusReport.from_row(row) if row is not None else None

    @strawberry.field(description="The initiative; null when the caller may not see it.")
    async def initiative(self, info: Info) -> Initiative | None:
        row = await info.context.loaders.initiative_by_id.load(self.initiative_id)
        return Initiative.from_row(row) if row is not None else None


@strawberry.type(description="An initiative's status changed with a submitted report.")
class StatusChangedEvent:
    initiative_code: str = strawberry.field(description="Code of the initiative.")
    period_code: str = strawberry.field(description="Code of the period reported for.")
    previous_status: TrafficLight | None = strawberry.field(
        description="Status before the report; null when there was none."
    )
    status: TrafficLight = strawberry.field(description="Status after the report.")
    initiative_id: strawberry.Private[int]

    @strawberry.field(description="The initiative; null when the caller may not see it.")
    async def initiative(self, info: Info) -> Initiative | None:
        row = await info.context.loaders.initiative_by_id.load(self.initiative_id)
        return Initiative.from_row(row) if row is not None else None


@strawberry.type(
    description="An admitted initiative has no report in the open round; its owner was reminded."
)
class ReportMissingEvent:
    initiative_code: str = strawberry.field(description="Code of the initiative.")
    period_code: str = strawberry.field(description="Code of the round without its report.")
    deadline: date = strawberry.field(description="The round's deadline (*frist*).")
    segment: Segment = strawberry.field(
        description="The initiative's segment, which decides what it must report."
    )
    cause: str = strawberry.field(description="Why the reminder went out.")
    initiative_id: strawberry.Private[int]
    owner_id: strawberry.Private[int]

    @strawberry.field(description="The initiative; null when the caller may not see it.")
    async def initiative(self, info: Info) -> Initiative | None:
        row = await info.context.loaders.initiative_by_id.load(self.initiative_id)
        return Initiative.from_row(row) if row is not None else None

    @strawberry.field(description="The owner organisation (*tiltakseier*), which was reminded.")
    async def owner(self, info: Info) -> Organisation | None:
        row = await info.context.loaders.organisation_by_id.load(self.owner_id)
        return Organisation.from_row(row) if row is not None else None


async def _events(info: Info, initiative: str | None, kind: type[E]) -> AsyncGenerator[E, None]:
    try:
        async with broadcaster.subscribe() as queue:
            while True:
                event = await queue.get()
                if not isinstance(event, kind):
                    continue
                if initiative is not None and event.initiative_code != initiative:
                    continue
                # A subscription lives long: read each event's fields fresh, and give the
                # connection back to the pool while waiting for the next one.
                await info.context.renew_snapshot()
                yield event
    finally:
        # Completed or cancelled: the last event's reads must not keep a connection, which
        # the pool would otherwise have to reclaim from the garbage collector.
        await info.context.release()


@strawberry.type(description="Events pushed over WebSocket (graphql-transport-ws) as they happen.")
class Subscription:
    @strawberry.subscription(description="Every status report submitted from now on.")
    async def status_report_submitted(
        self, info: Info, initiative: InitiativeFilter = None
    ) -> AsyncGenerator[StatusReportSubmittedEvent, None]:
        async for event in _events(info, initiative, StatusReportSubmitted):
            yield StatusReportSubmittedEvent(
                initiative_code=event.initiative_code,
                period_code=event.period_code,
                revision=event.revision,
                status=event.status,
                previous_status=event.previous_status,
                report_id=event.report_id,
                initiative_id=event.initiative_id,
            )

    @strawberry.subscription(description="Every change of an initiative's status from now on.")
    async def status_changed(
        self, info: Info, initiative: InitiativeFilter = None
    ) -> AsyncGenerator[StatusChangedEvent, None]:
        async for event in _events(info, initiative, StatusReportSubmitted):
            if not event.status_changed:
                continue
            yield StatusChangedEvent(
                initiative_code=event.initiative_code,
                period_code=event.period_code,
                previous_status=event.previous_status,
                status=event.status,
                initiative_id=event.initiative_id,
            )

    @strawberry.subscription(
        description=(
            "Every reminder of a missing report from now on (`portfolio remind`, or the "
            "daily run), once per initiative per round."
        )
    )
    async def report_missing(
        self,
        info: Info,
        initiative: InitiativeFilter = None,
        owner: Annotated[
            str | None,
            strawberry.argument(description="Only events of this owner organisation's code."),
        ] = None,
    ) -> AsyncGenerator[ReportMissingEvent, None]:
        owner_id = await _organisation_id(info, owner) if owner is not None else None
        async for event in _events(info, initiative, ReportMissing):
            if owner is not None and event.owner_id != owner_id:
                continue
            yield ReportMissingEvent(
                initiative_code=event.initiative_code,
                period_code=event.period_code,
                deadline=date.fromisoformat(event.deadline),
                segment=Segment(event.segment),
                cause=event.cause,
                initiative_id=event.initiative_id,
                owner_id=event.owner_id,
            )


async def _organisation_id(info: Info, code: str) -> int | None:
    """The id of the organisation ``code``; None (no event matches) when there is none."""
    rows = await info.context.read(repository.organisations_by_codes, [code])
    row = rows.get(code)
    await info.context.release()
    return int(row.id) if row is not None else None
