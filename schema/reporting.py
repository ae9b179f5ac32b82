"""Reporting-side queries: the viewer, the round summary, council meetings and the audit log."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import strawberry
from strawberry.scalars import JSON

from app import repository, summary
from app.domain import Council, Role, TrafficLight
from app.repository import Row
from schema.bounds import AUDIT_PAGE, PORTFOLIO_LIST, FirstPortfolio, first_page
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
    deliveries_due_before: date = strawberry.field(
        description=(
            f"The next period's opening, or {summary.DEFAULT_ROUND_DAYS} days after the deadline."
        )
    )
    goal_coverage: list[GoalCoverage]
    sdg_coverage: list[SdgCoverage]
    found: strawberry.Private[summary.RoundSummary]

    @strawberry.field(description="ACTIVE or PAUSED initiatives with no report in this period.")
    def missing_reports(self, first: FirstPortfolio = PORTFOLIO_LIST.default) -> list[Initiative]:
        rows = first_page(self.found.missing_reports, first, PORTFOLIO_LIST)
        return [Initiative.from_row(row) for row in rows]

    @strawberry.field(description="How many initiatives have no report in this period.")
    def missing_report_count(self) -> int:
        return len(self.found.missing_reports)

    @strawberry.field(description="Initiatives whose status improved since the previous period.")
    def improved(self, first: FirstPortfolio = PORTFOLIO_LIST.default) -> list[StatusChange]:
        return [_change(item) for item in first_page(self.found.improved, first, PORTFOLIO_LIST)]

    @strawberry.field(description="How many initiatives improved.")
    def improved_count(self) -> int:
        return len(self.found.improved)

    @strawberry.field(description="Initiatives whose status worsened since the previous period.")
    def worsened(self, first: FirstPortfolio = PORTFOLIO_LIST.default) -> list[StatusChange]:
        return [_change(item) for item in first_page(self.found.worsened, first, PORTFOLIO_LIST)]

    @strawberry.field(description="How many initiatives worsened.")
    def worsened_count(self) -> int:
        return len(self.found.worsened)

    @strawberry.field(description="Initiatives RED now and not RED in the previous period.")
    def newly_red(self, first: FirstPortfolio = PORTFOLIO_LIST.default) -> list[StatusChange]:
        return [_change(item) for item in first_page(self.found.newly_red, first, PORTFOLIO_LIST)]

    @strawberry.field(description="How many initiatives are newly RED.")
    def newly_red_count(self) -> int:
        return len(self.found.newly_red)

    @strawberry.field(
        description="Open deliveries due (forecast, else baseline) before `deliveriesDueBefore`."
    )
    def deliveries_due(self, first: FirstPortfolio = PORTFOLIO_LIST.default) -> list[Delivery]:
        rows = first_page(self.found.deliveries_due, first, PORTFOLIO_LIST)
        return [Delivery.from_row(row) for row in rows]

    @strawberry.field(description="How many open deliveries are due.")
    def delivery_due_count(self) -> int:
        return len(self.found.deliveries_due)

    @strawberry.field(description="Deliveries forecast after their baseline, most slipped first.")
    def slipped_deliveries(self, first: FirstPortfolio = PORTFOLIO_LIST.default) -> list[Delivery]:
        rows = first_page(self.found.slipped_deliveries, first, PORTFOLIO_LIST)
        return [Delivery.from_row(row) for row in rows]

    @strawberry.field(description="How many deliveries are forecast after their baseline.")
    def slipped_delivery_count(self) -> int:
        return len(self.found.slipped_deliveries)


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


@strawberry.type
class AuditEventEdge:
    cursor: str
    node: AuditEvent


@strawberry.type(description="A page of audit events, newest first.")
class AuditEventConnection:
    edges: list[AuditEventEdge]
    page_info: PageInfo

    @strawberry.field(description="The audit events of this page.")
    def nodes(self) -> list[AuditEvent]:
        return [edge.node for edge in self.edges]


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


def _count(count: summary.Count) -> Count:
    return Count(key=count.key, label=count.label, count=count.count)


def _change(change: summary.StatusChange) -> StatusChange:
    return StatusChange(
        initiative=Initiative.from_row(change.initiative),
        previous_status=change.previous_status,
        status=change.status,
    )


async def _summary(info: Info, period: Row) -> PortfolioSummary:
    found = await summary.round_summary(
        info.context.read, period=period, periods=await info.context.periods()
    )
    return PortfolioSummary(
        period=ReportingPeriod.from_row(period),
        previous_period=(
            ReportingPeriod.from_row(found.previous_period)
            if found.previous_period is not None
            else None
        ),
        initiative_count=found.initiative_count,
        by_status=[_count(count) for count in found.by_status],
        by_risk=[_count(count) for count in found.by_risk],
        by_segment=[_count(count) for count in found.by_segment],
        by_phase=[_count(count) for count in found.by_phase],
        by_owner=[_count(count) for count in found.by_owner],
        deliveries_due_before=found.deliveries_due_before,
        goal_coverage=[
            GoalCoverage(
                goal=StrategicGoal.from_row(item.goal),
                main_goal_count=item.main_goal_count,
                supporting_goal_count=item.supporting_goal_count,
            )
            for item in found.goal_coverage
        ],
        sdg_coverage=[
            SdgCoverage(
                goal=SustainableDevelopmentGoal.from_row(item.goal),
                initiative_count=item.initiative_count,
            )
            for item in found.sdg_coverage
        ],
        found=found,
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

    @strawberry.field(description="The audit log, newest first (portfolio office only).")
    async def audit_events(
        self,
        info: Info,
        first: Annotated[
            int,
            strawberry.argument(
                description=(
                    f"Page size (default {AUDIT_PAGE.default}, at most {AUDIT_PAGE.maximum})."
                )
            ),
        ] = AUDIT_PAGE.default,
        after: Annotated[
            str | None, strawberry.argument(description="Cursor of the last edge seen.")
        ] = None,
        entity_code: Annotated[
            str | None, strawberry.argument(description="Only events about this code.")
        ] = None,
    ) -> AuditEventsResult:
        if not info.context.viewer.is_admin:
            return PermissionDeniedError(
                message="Only the portfolio office (ADMIN) can read the audit log."
            )
        if not 1 <= first <= AUDIT_PAGE.maximum:
            raise UserInputError(
                f"first must be between 1 and {AUDIT_PAGE.maximum}; got {first}.", argument="first"
            )
        before_id = None
        if after is not None:
            key = decode_cursor(after)
            if not key.isdigit():
                raise UserInputError(f"{after!r} is not a valid cursor.", argument="after")
            before_id = int(key)
        rows = await info.context.read(
            repository.page_audit_events,
            entity_code=entity_code,
            before_id=before_id,
            limit=first + 1,
        )
        edges = [
            AuditEventEdge(cursor=encode_cursor(str(row.id)), node=AuditEvent.from_row(row))
            for row in rows[:first]
        ]
        return AuditEventConnection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=len(rows) > first,
                has_previous_page=after is not None,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
        )
