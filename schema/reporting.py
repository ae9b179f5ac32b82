"""Reporting-side queries: the viewer, the round summary, council meetings and the audit log."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from typing import Annotated, Any

import strawberry
from strawberry.scalars import JSON

from app import reporting, repository
from app.domain import LABELS, TRAFFIC_LIGHT_ORDER, Phase, Segment, TrafficLight
from app.governance import Council, Role
from app.repository import Row
from schema.context import Info
from schema.error_types import PermissionDeniedError
from schema.errors import UserInputError
from schema.initiative_reporting import CouncilDecision, aware
from schema.relay import PageInfo, decode_cursor, encode_cursor, to_global_id
from schema.types import (
    Delivery,
    Initiative,
    Organisation,
    ReportingPeriod,
    StrategicGoal,
    SustainableDevelopmentGoal,
)

NOT_REPORTED = "NONE"
# When no later period is planned, "due before the next period" looks this far ahead.
DEFAULT_ROUND_DAYS = 120
MAX_AUDIT_PAGE = 200


@strawberry.type(description="Who the caller is and what it may do.")
class Viewer:
    role: Role | None = strawberry.field(description="Null for anonymous callers.")
    name: str
    can_write: bool = strawberry.field(description="May call mutations (within its organisation).")
    can_read_economics: bool
    can_read_audit: bool
    organisation_code: strawberry.Private[str | None]

    @strawberry.field(description="The organisation a REPORTER writes for.")
    async def organisation(self, info: Info) -> Organisation | None:
        if self.organisation_code is None:
            return None
        rows = await info.context.read(repository.organisations_by_codes, [self.organisation_code])
        row = rows.get(self.organisation_code)
        return Organisation.from_row(row) if row is not None else None


@strawberry.type(description="How many initiatives have one value.")
class Count:
    key: str = strawberry.field(description="The value, e.g. `RED`, or `NONE` for no report.")
    label: str = strawberry.field(description="Norwegian label of the value.")
    count: int


@strawberry.type(description="An initiative whose status moved since the previous period.")
class StatusChange:
    initiative: Initiative
    previous_status: TrafficLight | None
    status: TrafficLight | None


@strawberry.type(description="How many admitted initiatives serve a strategy goal.")
class GoalCoverage:
    goal: StrategicGoal
    main_goal_count: int
    supporting_goal_count: int


@strawberry.type(description="How many admitted initiatives name a sustainable development goal.")
class SdgCoverage:
    goal: SustainableDevelopmentGoal
    initiative_count: int


@strawberry.type(description="The state of the portfolio in a reporting round (porteføljerapport).")
class PortfolioSummary:
    period: ReportingPeriod
    previous_period: ReportingPeriod | None
    initiative_count: int = strawberry.field(description="Admitted initiatives.")
    by_status: list[Count]
    by_risk: list[Count]
    by_segment: list[Count]
    by_phase: list[Count]
    by_owner: list[Count]
    missing_reports: list[Initiative] = strawberry.field(
        description="ACTIVE or PAUSED initiatives with no report in this period."
    )
    improved: list[StatusChange]
    worsened: list[StatusChange]
    newly_red: list[StatusChange]
    deliveries_due_before: date = strawberry.field(
        description=f"The next period's opening, or {DEFAULT_ROUND_DAYS} days after the deadline."
    )
    deliveries_due: list[Delivery] = strawberry.field(
        description="Open deliveries due (forecast, else baseline) before `deliveriesDueBefore`."
    )
    slipped_deliveries: list[Delivery] = strawberry.field(
        description="Deliveries forecast after their baseline, most slipped first."
    )
    goal_coverage: list[GoalCoverage]
    sdg_coverage: list[SdgCoverage]


@strawberry.type(description="One write, as the audit log keeps it.")
class AuditEvent:
    at: datetime
    actor: str
    action: str
    entity_type: str
    entity_code: str
    before: JSON | None
    after: JSON | None
    db_id: strawberry.Private[int]

    @strawberry.field(description="Global id.")
    def id(self) -> strawberry.ID:
        return to_global_id("AuditEvent", str(self.db_id))

    @classmethod
    def from_row(cls, row: Row) -> AuditEvent:
        return cls(
            at=aware(row.at),
            actor=row.actor,
            action=row.action,
            entity_type=row.entity_type,
            entity_code=row.entity_code,
            before=row.before,
            after=row.after,
            db_id=row.id,
        )


@strawberry.type(description="A page of audit events, newest first.")
class AuditEventConnection:
    nodes: list[AuditEvent]
    page_info: PageInfo


AuditEventsResult = Annotated[
    AuditEventConnection | PermissionDeniedError, strawberry.union("AuditEventsResult")
]


@strawberry.type(description="A meeting of NUIT, NUFA or Nasjonalt e-helseråd.")
class CouncilMeeting:
    code: str
    council: Council
    date: date
    title: str | None
    decisions: list[CouncilDecision]


def _counts(
    values: list[str | None], enum_labels: dict[str, str], *, keys: list[str]
) -> list[Count]:
    counter = Counter(value or NOT_REPORTED for value in values)
    ordered = [*keys, *(key for key in sorted(counter) if key not in keys)]
    return [
        Count(key=key, label=enum_labels.get(key, "Ikke rapportert"), count=counter[key])
        for key in ordered
        if counter[key] or key in keys
    ]


def _level(value: Any) -> int:
    return -1 if value is None else TRAFFIC_LIGHT_ORDER[TrafficLight(value)]


async def _summary(info: Info, period: Row) -> PortfolioSummary:
    context = info.context
    periods = await context.periods()  # newest first
    position = [row.id for row in periods].index(period.id)
    previous = periods[position + 1] if position + 1 < len(periods) else None
    following = periods[position - 1] if position > 0 else None
    initiatives = await context.read(reporting.admitted_initiatives)
    now = await context.read(reporting.latest_reports, period_opens=period.opens)
    before = (
        await context.read(reporting.latest_reports, period_opens=previous.opens)
        if previous is not None
        else {}
    )
    reported = await context.read(reporting.initiatives_reported_in, period_id=period.id)
    deliveries = await context.read(reporting.open_deliveries)
    supporting, sdgs = await context.read(reporting.goal_links)
    goals = await context.strategic_goals()
    sdg_rows = await context.read(repository.list_sustainable_development_goals)

    admitted = {row.id: row for row in initiatives}
    status_of = {key: getattr(now.get(key), "status", None) for key in admitted}
    risk_of = {key: getattr(now.get(key), "risk_level", None) for key in admitted}
    traffic_labels = LABELS[TrafficLight]
    improved, worsened, newly_red = [], [], []
    for key, row in admitted.items():
        then = getattr(before.get(key), "status", None)
        current = status_of[key]
        change = StatusChange(
            initiative=Initiative.from_row(row), previous_status=then, status=current
        )
        if current is not None and then is not None and _level(current) < _level(then):
            improved.append(change)
        if current is not None and then is not None and _level(current) > _level(then):
            worsened.append(change)
        if current == TrafficLight.RED and then != TrafficLight.RED:
            newly_red.append(change)
    horizon = (
        following.opens
        if following is not None
        else period.deadline + timedelta(days=DEFAULT_ROUND_DAYS)
    )
    open_deliveries = [
        row
        for row in deliveries
        if row.status not in {"DELIVERED", "CANCELLED"}
        and (row.forecast_date or row.baseline_date) is not None
        and (row.forecast_date or row.baseline_date) < horizon
    ]
    slipped = reporting.slipped_deliveries(deliveries)
    supporting_counts = Counter(
        link.goal_number for link in supporting if link.initiative_id in admitted
    )
    main_counts = Counter(row.main_goal_number for row in initiatives)
    sdg_counts = Counter(link.sdg_number for link in sdgs if link.initiative_id in admitted)
    owners = {row.owner_code: row.owner_name for row in initiatives}
    return PortfolioSummary(
        period=ReportingPeriod.from_row(period),
        previous_period=ReportingPeriod.from_row(previous) if previous is not None else None,
        initiative_count=len(initiatives),
        by_status=_counts(list(status_of.values()), traffic_labels, keys=list(TrafficLight)),
        by_risk=_counts(list(risk_of.values()), traffic_labels, keys=list(TrafficLight)),
        by_segment=_counts(
            [row.segment for row in initiatives], LABELS[Segment], keys=list(Segment)
        ),
        by_phase=_counts([row.phase for row in initiatives], LABELS[Phase], keys=list(Phase)),
        by_owner=_counts([row.owner_code for row in initiatives], owners, keys=[]),
        missing_reports=[
            Initiative.from_row(row) for row in reporting.missing_reports(initiatives, reported)
        ],
        improved=improved,
        worsened=worsened,
        newly_red=newly_red,
        deliveries_due_before=horizon,
        deliveries_due=[Delivery.from_row(row) for row in open_deliveries],
        slipped_deliveries=[Delivery.from_row(row) for row in slipped],
        goal_coverage=[
            GoalCoverage(
                goal=StrategicGoal.from_row(goal),
                main_goal_count=main_counts[number],
                supporting_goal_count=supporting_counts[number],
            )
            for number, goal in goals.items()
        ],
        sdg_coverage=[
            SdgCoverage(
                goal=SustainableDevelopmentGoal.from_row(row),
                initiative_count=sdg_counts[row.number],
            )
            for row in sdg_rows
        ],
    )


@strawberry.type
class ReportingQuery:
    @strawberry.field(description="Who the caller is and what it may do.")
    def viewer(self, info: Info) -> Viewer:
        viewer = info.context.viewer
        return Viewer(
            role=viewer.role,
            name=viewer.name,
            can_write=viewer.can_write,
            can_read_economics=viewer.can_read_economics,
            can_read_audit=viewer.is_admin,
            organisation_code=viewer.organisation_code,
        )

    @strawberry.field(
        description="The round summary of a period (default: current) for the portfolio report."
    )
    async def portfolio_summary(
        self, info: Info, period: str | None = None
    ) -> PortfolioSummary | None:
        chosen = await info.context.resolve_period(period)
        if chosen is None:
            return None
        return await _summary(info, chosen)

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

    @strawberry.field(description="The audit log, newest first (portfolio office only).")
    async def audit_events(
        self,
        info: Info,
        first: int = 50,
        after: str | None = None,
        entity_code: Annotated[
            str | None, strawberry.argument(description="Only events about this code.")
        ] = None,
    ) -> AuditEventsResult:
        if not info.context.viewer.is_admin:
            return PermissionDeniedError(
                message="Only the portfolio office (ADMIN) can read the audit log."
            )
        if not 1 <= first <= MAX_AUDIT_PAGE:
            raise UserInputError(
                f"first must be between 1 and {MAX_AUDIT_PAGE}; got {first}.", argument="first"
            )
        before_id = None
        if after is not None:
            key = decode_cursor(after)
            if not key.isdigit():
                raise UserInputError(f"{after!r} is not a valid cursor.", argument="after")
            before_id = int(key)
        rows = await info.context.read(
            reporting.page_audit_events,
            entity_code=entity_code,
            before_id=before_id,
            limit=first + 1,
        )
        page = [AuditEvent.from_row(row) for row in rows[:first]]
        cursors = [encode_cursor(str(event.db_id)) for event in page]
        return AuditEventConnection(
            nodes=page,
            page_info=PageInfo(
                has_next_page=len(rows) > first,
                has_previous_page=after is not None,
                start_cursor=cursors[0] if cursors else None,
                end_cursor=cursors[-1] if cursors else None,
            ),
        )
