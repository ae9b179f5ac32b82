"""The state of the portfolio in a reporting round: the ``portfolioSummary`` query."""

from __future__ import annotations

from datetime import date

import strawberry

from app import summary
from app.domain import TrafficLight
from app.repository import Row
from schema.arguments import PeriodArgument
from schema.bounds import PORTFOLIO_LIST, FirstPortfolio, first_page
from schema.context import Info
from schema.reference_types import ReportingPeriod, StrategicGoal, SustainableDevelopmentGoal
from schema.types import Delivery, Initiative


@strawberry.type(description="How many initiatives have one value.")
class Count:
    key: str = strawberry.field(description="The value, e.g. `RED`, or `NONE` for no report.")
    label: str = strawberry.field(description="Norwegian label of the value.")
    count: int = strawberry.field(description="How many initiatives have the value.")


@strawberry.type(description="An initiative whose status moved since the previous period.")
class StatusChange:
    initiative: Initiative = strawberry.field(description="The initiative.")
    previous_status: TrafficLight | None = strawberry.field(
        description="Its status in the previous round."
    )
    status: TrafficLight | None = strawberry.field(description="Its status in this round.")


@strawberry.type(description="How many admitted initiatives serve a strategy goal.")
class GoalCoverage:
    goal: StrategicGoal = strawberry.field(description="The strategy goal.")
    main_goal_count: int = strawberry.field(
        description="Admitted initiatives with it as their main goal."
    )
    supporting_goal_count: int = strawberry.field(
        description="Admitted initiatives with it as a supporting goal."
    )


@strawberry.type(description="How many admitted initiatives name a sustainable development goal.")
class SdgCoverage:
    goal: SustainableDevelopmentGoal = strawberry.field(
        description="The sustainable development goal."
    )
    initiative_count: int = strawberry.field(description="Admitted initiatives that name it.")


@strawberry.type(
    description="The state of the portfolio in a reporting round (*porteføljerapport*)."
)
class PortfolioSummary:
    period: ReportingPeriod = strawberry.field(description="The reporting round summarised.")
    previous_period: ReportingPeriod | None = strawberry.field(
        description="The round before it, compared with."
    )
    initiative_count: int = strawberry.field(description="Admitted initiatives.")
    by_status: list[Count] = strawberry.field(description="Admitted initiatives by status.")
    by_risk: list[Count] = strawberry.field(description="Admitted initiatives by risk level.")
    by_segment: list[Count] = strawberry.field(description="Admitted initiatives by segment.")
    by_phase: list[Count] = strawberry.field(description="Admitted initiatives by phase.")
    by_owner: list[Count] = strawberry.field(
        description="Admitted initiatives by owner (*tiltakseier*)."
    )
    deliveries_due_before: date = strawberry.field(
        description=(
            f"The next period's opening, or {summary.DEFAULT_ROUND_DAYS} days after the deadline."
        )
    )
    goal_coverage: list[GoalCoverage] = strawberry.field(
        description="How many initiatives serve each strategy goal."
    )
    sdg_coverage: list[SdgCoverage] = strawberry.field(
        description="How many initiatives name each sustainable development goal."
    )
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
class RoundSummaryQuery:
    @strawberry.field(
        description="The round summary of a period (default: current) for the portfolio report."
    )
    async def portfolio_summary(
        self, info: Info, period: PeriodArgument = None
    ) -> PortfolioSummary | None:
        chosen = await info.context.resolve_period(period)
        if chosen is None:
            return None
        return await _summary(info, chosen)
