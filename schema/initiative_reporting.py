"""Initiative fields of the reporting side: what the viewer may do, trend, decision log.

``InitiativeReporting`` is a base class of ``schema.types.Initiative``; it refers back to
the types there lazily, so this module never imports ``schema.types``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from app.auth import Viewer
from app.domain import Council, DecisionKind, LifecycleState, Role, Segment, TrafficLight
from app.repository import Row
from app.validation import entry_criteria_flags
from app.writes import REPORTING_STATES
from schema.context import Info
from schema.errors import UserInputError

if TYPE_CHECKING:
    from schema.types import Initiative, ReportingPeriod

strawberry.enum(Role, description="What an API token may do.")
strawberry.enum(Council, description="A council of the council model (rådsmodellen).")
strawberry.enum(DecisionKind, description="Kind of council decision.")

MAX_TREND_PERIODS = 40


def aware(value: datetime) -> datetime:
    # SQLite hands back naive datetimes; everything is stored in UTC.
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


@strawberry.type(description="A council's decision or reprioritisation on an initiative.")
class CouncilDecision:
    council: Council
    meeting_code: str
    meeting_date: date
    meeting_title: str | None
    kind: DecisionKind
    summary: str
    new_segment: Segment | None = strawberry.field(description="Segment the decision set.")
    new_state: LifecycleState | None = strawberry.field(description="State the decision set.")
    recorded_by: str
    recorded_at: datetime
    initiative_code: str
    initiative_id: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: Row) -> CouncilDecision:
        values = row._mapping
        return cls(
            council=values["council"],
            meeting_code=values["meeting_code"],
            meeting_date=values["held_on"],
            meeting_title=values["meeting_title"],
            kind=values["kind"],
            summary=values["summary"],
            new_segment=values["new_segment"],
            new_state=values["new_state"],
            recorded_by=values["recorded_by"],
            recorded_at=aware(values["recorded_at"]),
            initiative_code=values["initiative_code"],
            initiative_id=values["initiative_id"],
        )

    @strawberry.field
    async def initiative(
        self, info: Info
    ) -> Annotated[Initiative, strawberry.lazy("schema.types")]:
        from schema.types import Initiative

        row = await info.context.loaders.initiative_by_id.load(self.initiative_id)
        assert row is not None  # a foreign key guarantees it
        return Initiative.from_row(row)


@strawberry.type(description="An initiative's status and risk in one reporting period.")
class StatusTrendPoint:
    period: Annotated[ReportingPeriod, strawberry.lazy("schema.types")]
    status: TrafficLight | None
    risk_level: TrafficLight | None
    reported: bool = strawberry.field(
        description="False when the values are carried forward from an earlier period."
    )


@strawberry.type
class InitiativeReporting:
    """Fields of ``Initiative`` about reporting, intake and access."""

    if TYPE_CHECKING:
        db_id: int
        owner_id: int
        state: LifecycleState

        @property
        def entry_criteria(self) -> object: ...

    @strawberry.field(description="The caller may submit status reports for this initiative.")
    def viewer_can_report(self, info: Info) -> bool:
        viewer = info.context.viewer
        return viewer.may_write_for(self.owner_id) and self.state in REPORTING_STATES

    @strawberry.field(
        description="The caller may change this initiative, its deliveries, risks and dependencies."
    )
    def viewer_can_edit(self, info: Info) -> bool:
        return info.context.viewer.may_write_for(self.owner_id)

    @strawberry.field(description="Why the entry criteria are not met (empty when they are).")
    def entry_criteria_flags(self) -> list[str]:
        criteria = self.entry_criteria
        return entry_criteria_flags(
            digitalisation_essential=getattr(criteria, "digitalisation_essential", None),
            coordination_or_strategy=getattr(criteria, "coordination_or_strategy", None),
        )

    @strawberry.field(
        description="Status and risk over the last N periods up to the current one, oldest first."
    )
    async def status_trend(
        self,
        info: Info,
        periods: Annotated[
            int, strawberry.argument(description=f"How many periods (1–{MAX_TREND_PERIODS}).")
        ] = 4,
    ) -> list[StatusTrendPoint]:
        from schema.types import ReportingPeriod

        if not 1 <= periods <= MAX_TREND_PERIODS:
            raise UserInputError(
                f"periods must be between 1 and {MAX_TREND_PERIODS}; got {periods}.",
                argument="periods",
            )
        current = await info.context.current_period()
        if current is None:
            return []
        chosen = [row for row in await info.context.periods() if row.opens <= current.opens]
        chosen = list(reversed(chosen[:periods]))
        opens_by_id = {row.id: row.opens for row in await info.context.periods()}
        # Newest period first, newest revision first: the first match is the latest word.
        reports = await info.context.loaders.reports_by_initiative.load(self.db_id)
        points = []
        for period in chosen:
            latest = next(
                (row for row in reports if opens_by_id[row.period_id] <= period.opens), None
            )
            points.append(
                StatusTrendPoint(
                    period=ReportingPeriod.from_row(period),
                    status=latest.status if latest is not None else None,
                    risk_level=latest.risk_level if latest is not None else None,
                    reported=latest is not None and latest.period_id == period.id,
                )
            )
        return points

    @strawberry.field(description="Council decisions on this initiative, newest meeting first.")
    async def decisions(self, info: Info) -> list[CouncilDecision]:
        rows = await info.context.loaders.decisions_by_initiative.load(self.db_id)
        return [CouncilDecision.from_row(row) for row in rows]


@dataclass(frozen=True, slots=True)
class ReportEconomics:
    """The economics of a report, which anonymous callers may not read."""

    investment_nok: float | None = None
    annual_operating_cost_nok: float | None = None
    benefits: str | None = None
    benefit_prerequisites: str | None = None

    @classmethod
    def from_row(cls, row: Row) -> ReportEconomics:
        values = row._mapping
        return cls(
            investment_nok=values["investment_nok"],
            annual_operating_cost_nok=values["annual_operating_cost_nok"],
            benefits=values["benefits"],
            benefit_prerequisites=values["benefit_prerequisites"],
        )

    def visible_to(self, viewer: Viewer) -> ReportEconomics:
        """These economics, or none at all when the viewer may not read them."""
        return self if viewer.can_read_economics else HIDDEN_ECONOMICS


HIDDEN_ECONOMICS = ReportEconomics()
