"""Live updates over graphql-transport-ws: reports, status and propagated risk, late
dependencies, reporting rounds and reminders of missing reports.

Events come from this process's broadcaster (``app.events``): on SQLite published after
commit, on PostgreSQL relayed from the event table, so every worker's subscribers see
every event.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable
from datetime import date
from typing import Annotated, TypeVar

import strawberry

from app import repository
from app.events import (
    DependencyBecameLate,
    Event,
    PropagatedRiskChanged,
    ReportingPeriodClosed,
    ReportingPeriodOpened,
    ReportMissing,
    StatusReportSubmitted,
    broadcaster,
)
from schema.context import Info
from schema.enums import Segment, TrafficLight
from schema.reference_types import Organisation, ReportingPeriod
from schema.types import Initiative, StatusReport

E = TypeVar("E", bound=Event)

InitiativeFilter = Annotated[
    str | None, strawberry.argument(description="Only events of this initiative code.")
]
OwnerFilter = Annotated[
    str | None,
    strawberry.argument(description="Only events told to this owner (organisation code)."),
]


async def _visible_initiative(info: Info, initiative_id: int) -> Initiative | None:
    """The initiative an event names; None when the subscriber may not see it."""
    row = await info.context.loaders.initiative_by_id.load(initiative_id)
    return Initiative.from_row(row) if row is not None else None


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
        return await _visible_initiative(info, self.initiative_id)


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
        return await _visible_initiative(info, self.initiative_id)


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
        return await _visible_initiative(info, self.initiative_id)

    @strawberry.field(description="The owner organisation (*tiltakseier*), which was reminded.")
    async def owner(self, info: Info) -> Organisation | None:
        row = await info.context.loaders.organisation_by_id.load(self.owner_id)
        return Organisation.from_row(row) if row is not None else None


def _causes() -> list[str]:
    field: list[str] = strawberry.field(
        description=(
            "The writes since the version compared last, as `action entity` from the audit"
            " log (e.g. `status_report.submit HP@2026-3#2`); usually one."
        )
    )
    return field


@strawberry.type(
    description=(
        "An initiative's propagated level (red status inherited over its dependencies, in"
        " the current period) changed because something upstream changed."
    )
)
class PropagatedRiskChangedEvent:
    initiative_code: str = strawberry.field(description="Code of the initiative.")
    owner_code: str = strawberry.field(description="Code of the initiative's owner.")
    before: TrafficLight | None = strawberry.field(
        description="Propagated level before; null when it carried none."
    )
    after: TrafficLight | None = strawberry.field(
        description="Propagated level now; null when it carries none any more."
    )
    source_codes: list[str] = strawberry.field(
        description="The first sources (by code) that reach it at its new level."
    )
    source_count: int = strawberry.field(description="How many sources reach it now.")
    period_code: str | None = strawberry.field(
        description="The period whose statuses were compared; null when there is none."
    )
    version: int = strawberry.field(description="The data version the change was seen at.")
    from_version: int = strawberry.field(description="The data version compared with.")
    causes: list[str] = _causes()
    initiative_id: strawberry.Private[int]

    @strawberry.field(description="The initiative; null when the caller may not see it.")
    async def initiative(self, info: Info) -> Initiative | None:
        return await _visible_initiative(info, self.initiative_id)


@strawberry.type(
    description="A dependency became late: its supplier's date is now after its neededBy."
)
class DependencyBecameLateEvent:
    supplier_code: str = strawberry.field(description="Code of the supplier.")
    dependant_code: str = strawberry.field(description="Code of the dependant initiative.")
    owner_code: str = strawberry.field(description="Code of the dependant's owner.")
    needed_by: date = strawberry.field(description="When the dependant needs the supplier.")
    supplier_date: date = strawberry.field(
        description="The supplier's date: its delivery's forecast, else its scheduled finish."
    )
    slack_days: int = strawberry.field(
        description="Days from supplierDate to neededBy (negative: late by that many)."
    )
    version: int = strawberry.field(description="The data version it became late at.")
    from_version: int = strawberry.field(description="The data version compared with.")
    causes: list[str] = _causes()
    dependant_id: strawberry.Private[int]

    @strawberry.field(description="The dependant; null when the caller may not see it.")
    async def dependant(self, info: Info) -> Initiative | None:
        return await _visible_initiative(info, self.dependant_id)


@strawberry.type(description="A reporting round was opened or closed.")
class ReportingPeriodEvent:
    period_code: str = strawberry.field(description="Code of the period.")
    name: str = strawberry.field(description="Name of the round.")
    opens: date = strawberry.field(description="The day the round opens for reports.")
    deadline: date = strawberry.field(description="The last day to report.")

    @strawberry.field(description="The period as it is now.")
    async def period(self, info: Info) -> ReportingPeriod | None:
        row = await info.context.read(repository.period_by_code, self.period_code)
        return ReportingPeriod.from_row(row) if row is not None else None


def _period_event(event: ReportingPeriodOpened | ReportingPeriodClosed) -> ReportingPeriodEvent:
    return ReportingPeriodEvent(
        period_code=event.period_code, name=event.name, opens=event.opens, deadline=event.deadline
    )


async def _events(
    info: Info, kind: type[E], accept: Callable[[E], bool] = lambda _: True
) -> AsyncGenerator[E, None]:
    try:
        async with broadcaster.subscribe() as queue:
            while True:
                event = await queue.get()
                if not isinstance(event, kind) or not accept(event):
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
        async for event in _events(info, StatusReportSubmitted, _of(initiative)):
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
        async for event in _events(info, StatusReportSubmitted, _of(initiative)):
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

        def accept(event: ReportMissing) -> bool:
            return initiative in (None, event.initiative_code) and (
                owner is None or event.owner_id == owner_id
            )

        async for event in _events(info, ReportMissing, accept):
            yield ReportMissingEvent(
                initiative_code=event.initiative_code,
                period_code=event.period_code,
                deadline=date.fromisoformat(event.deadline),
                segment=Segment(event.segment),
                cause=event.cause,
                initiative_id=event.initiative_id,
                owner_id=event.owner_id,
            )

    @strawberry.subscription(
        description=(
            "Every change of an initiative's propagated level from now on, told after the"
            " write that caused it has committed."
        )
    )
    async def propagated_risk_changed(
        self, info: Info, owner: OwnerFilter = None, initiative: InitiativeFilter = None
    ) -> AsyncGenerator[PropagatedRiskChangedEvent, None]:
        def accept(event: PropagatedRiskChanged) -> bool:
            return _of(initiative)(event) and owner in (None, event.owner_code)

        async for event in _events(info, PropagatedRiskChanged, accept):
            yield PropagatedRiskChangedEvent(
                initiative_code=event.initiative_code,
                owner_code=event.owner_code,
                before=event.before,
                after=event.after,
                source_codes=list(event.sources),
                source_count=event.source_count,
                period_code=event.period_code,
                version=event.version,
                from_version=event.from_version,
                causes=list(event.causes),
                initiative_id=event.initiative_id,
            )

    @strawberry.subscription(description="Every dependency that becomes late from now on.")
    async def dependency_became_late(
        self, info: Info, owner: OwnerFilter = None
    ) -> AsyncGenerator[DependencyBecameLateEvent, None]:
        async for event in _events(
            info, DependencyBecameLate, lambda event: owner in (None, event.owner_code)
        ):
            yield DependencyBecameLateEvent(
                supplier_code=event.supplier_code,
                dependant_code=event.dependant_code,
                owner_code=event.owner_code,
                needed_by=event.needed_by,
                supplier_date=event.supplier_date,
                slack_days=event.slack_days,
                version=event.version,
                from_version=event.from_version,
                causes=list(event.causes),
                dependant_id=event.dependant_id,
            )

    @strawberry.subscription(description="Every reporting round opened from now on.")
    async def reporting_period_opened(
        self, info: Info
    ) -> AsyncGenerator[ReportingPeriodEvent, None]:
        async for event in _events(info, ReportingPeriodOpened):
            yield _period_event(event)

    @strawberry.subscription(description="Every reporting round closed from now on.")
    async def reporting_period_closed(
        self, info: Info
    ) -> AsyncGenerator[ReportingPeriodEvent, None]:
        async for event in _events(info, ReportingPeriodClosed):
            yield _period_event(event)


def _of(initiative: str | None) -> Callable[[StatusReportSubmitted | PropagatedRiskChanged], bool]:
    """Accepts the events of ``initiative`` (every event when None)."""
    return lambda event: initiative in (None, event.initiative_code)


async def _organisation_id(info: Info, code: str) -> int | None:
    """The id of the organisation ``code``; None (no event matches) when there is none."""
    rows = await info.context.read(repository.organisations_by_codes, [code])
    row = rows.get(code)
    await info.context.release()
    return int(row.id) if row is not None else None
