"""The portfolio's object types, assembled in one place.

Each type is its record (``schema/records.py``: columns and the fields that read only
the object) plus the fields that reach other objects. Resolvers answering with values or
reference data are functions of ``schema/portfolio_resolvers.py``,
``schema/status_resolvers.py`` and ``schema/analysis_resolvers.py``, named beside their
fields, and so are the prefetches of ``schema/prefetch.py``; fields answering with the
types of this module build them here from what the loaders or the analysis return.
These types refer to one another, so they live together; every type module above this
one (analysis results, graph views, summaries, payloads) only refers down to it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import partial
from typing import Annotated

import strawberry

import graph
from app.analysis import run_cancellable
from app.repository import Row
from schema import analysis_resolvers as analysis
from schema import portfolio_resolvers as portfolio
from schema import prefetch
from schema import status_resolvers as statuses
from schema.arguments import (
    AsOfPeriodArgument,
    IncludeRiskArgument,
    KindArgument,
    MaxDepthArgument,
    PeriodArgument,
)
from schema.bounds import (
    NEIGHBOUR_LIST,
    PATH_LIST,
    PORTFOLIO_LIST,
    FirstNeighbour,
    FirstPath,
    FirstPortfolio,
    check_first,
    first_page,
)
from schema.context import Info
from schema.enums import TrafficLight
from schema.loaders import MaybeAwaitable, ReportStatus, resolve_loaded
from schema.prefetch import prefetched
from schema.records import (
    ChainNodeRecord,
    CouncilDecisionRecord,
    DeliveryRecord,
    DependencyRecord,
    FoundationDependencyRecord,
    InitiativeRecord,
    PropagatedRiskRecord,
    RiskRecord,
    ScheduleItemRecord,
    SolutionRecord,
    StatusReportRecord,
)
from schema.reference_types import (
    Organisation,
    ReportingPeriod,
    StatusTrendPoint,
    StrategicGoal,
    SustainableDevelopmentGoal,
)
from schema.relay import Node

shared = portfolio.shared


@strawberry.type(
    description="A national e-health solution or a component of the common foundation (*grunnmur*)."
)
class Solution(SolutionRecord, Node):
    operator: Organisation = strawberry.field(
        resolver=portfolio.operator, description="The organisation that runs the solution."
    )

    @strawberry.field(description="Initiatives that build or further develop this solution.")
    async def developed_by(self, info: Info) -> list[Initiative]:
        rows = await info.context.loaders.developers_by_solution.load(self.db_id)
        return [Initiative.from_row(row) for row in rows]

    @strawberry.field(description="Dependencies of initiatives on this solution.")
    async def dependants(
        self, info: Info, first: FirstPortfolio = PORTFOLIO_LIST.default
    ) -> list[Dependency]:
        check_first(first, PORTFOLIO_LIST)
        rows = await info.context.loaders.dependants_by_solution.load(self.db_id)
        return [Dependency.from_row(row) for row in rows[:first]]

    dependant_count: int = strawberry.field(
        resolver=portfolio.solution_dependant_count,
        description="How many dependencies of initiatives name this solution.",
    )


async def _initiative_by_id(info: Info, initiative_id: int) -> Initiative:
    row = await info.context.loaders.initiative_by_id.load(initiative_id)
    assert row is not None  # a foreign key guarantees it
    return Initiative.from_row(row)


@strawberry.type(description="A delivery (*leveranse*) of an initiative.")
class Delivery(DeliveryRecord, Node):
    @strawberry.field(description="The initiative that delivers it.")
    async def initiative(self, info: Info) -> Initiative:
        return await _initiative_by_id(info, self.initiative_id)


@strawberry.type(description="A risk (*risiko*) registered by an initiative.")
class Risk(RiskRecord, Node):
    @strawberry.field(description="The initiative that carries it.")
    async def initiative(self, info: Info) -> Initiative:
        return await _initiative_by_id(info, self.initiative_id)


@strawberry.type(
    description="One revision of an initiative's status report (*statusrapport*) for a period."
)
class StatusReport(StatusReportRecord, Node):
    @strawberry.field(
        description="The reporting round (*rapporteringsrunde*).", graphql_type=ReportingPeriod
    )
    def period(self, info: Info) -> MaybeAwaitable[ReportingPeriod]:
        loaders = info.context.loaders
        build = partial(shared, loaders, ReportingPeriod.from_row)
        return resolve_loaded(loaders.period_by_id, self.period_id, build)

    @strawberry.field(description="The initiative reported on.")
    async def initiative(self, info: Info) -> Initiative:
        return await _initiative_by_id(info, self.initiative_id)


@strawberry.type(description="A council's decision or reprioritisation on an initiative.")
class CouncilDecision(CouncilDecisionRecord):
    @strawberry.field(description="The initiative decided on.")
    async def initiative(self, info: Info) -> Initiative:
        return await _initiative_by_id(info, self.initiative_id)


Supplier = Annotated[
    "Initiative | Solution",
    strawberry.union("Supplier", description="What a dependency needs: initiative or solution."),
]


@strawberry.type(description="The dependant initiative needs the supplier.")
class Dependency(DependencyRecord, Node):
    is_late: bool | None = strawberry.field(
        resolver=analysis.is_late,
        description=(
            "Supplier date after neededBy; null without a neededBy or a supplier date, or"
            " when the supplier date depends on a dependency cycle."
        ),
    )
    slack_days: int | None = strawberry.field(
        resolver=analysis.slack_days,
        description="The neededBy date minus the supplier date, in days (negative: late).",
    )
    supplier_date: date | None = strawberry.field(
        resolver=analysis.supplier_date,
        description="The supplier delivery's forecast, else the supplier's scheduled finish.",
    )

    @strawberry.field(description="The initiative that depends on the supplier.")
    async def dependant(self, info: Info) -> Initiative:
        return await _initiative_by_id(info, self.dependant_id)

    @strawberry.field(
        description="The initiative or solution depended on.",
        graphql_type=Supplier,
        metadata=prefetched(prefetch.suppliers),
    )
    def supplier(self, info: Info) -> MaybeAwaitable[Initiative | Solution]:
        loaders = info.context.loaders
        if self.supplier_initiative_id is not None:
            build = partial(shared, loaders, Initiative.from_row)
            return resolve_loaded(loaders.initiative_by_id, self.supplier_initiative_id, build)
        assert self.supplier_solution_id is not None  # a check constraint guarantees it
        build_solution = partial(shared, loaders, Solution.from_row)
        return resolve_loaded(loaders.solution_by_id, self.supplier_solution_id, build_solution)

    @strawberry.field(description="The specific supplier delivery needed, if one is named.")
    async def supplier_delivery(self, info: Info) -> Delivery | None:
        if self.supplier_delivery_id is None:
            return None
        row = await info.context.loaders.delivery_by_id.load(self.supplier_delivery_id)
        return Delivery.from_row(row) if row is not None else None


@strawberry.type(description="A digitalisation initiative (*tiltak*) in the national portfolio.")
class Initiative(InitiativeRecord, Node):
    owner = strawberry.field(
        resolver=portfolio.owner,
        description="The owning organisation (*tiltakseier*).",
        graphql_type=Organisation,
        metadata=prefetched(prefetch.owners),
    )
    main_goal: StrategicGoal | None = strawberry.field(
        resolver=portfolio.main_goal,
        description="The strategy goal the initiative names as its main goal.",
    )
    supporting_goals: list[StrategicGoal] = strawberry.field(
        resolver=portfolio.supporting_goals,
        description="Further strategy goals the initiative supports.",
    )
    sustainable_development_goals: list[SustainableDevelopmentGoal] = strawberry.field(
        resolver=portfolio.sustainable_development_goals,
        description="UN Sustainable Development Goals the initiative supports.",
    )

    @strawberry.field(description="National solutions this initiative builds or develops.")
    async def developed_solutions(self, info: Info) -> list[Solution]:
        rows = await info.context.loaders.developed_solutions_by_initiative.load(self.db_id)
        return [Solution.from_row(row) for row in rows]

    # --- status and reports

    @strawberry.field(
        description="The latest report up to the period (default: current), carried forward.",
        graphql_type=StatusReport | None,
        metadata=prefetched(prefetch.report_statuses),
    )
    def latest_report(
        self, info: Info, period: PeriodArgument = None
    ) -> MaybeAwaitable[StatusReport | None]:
        return statuses.from_report_status(info, self.db_id, period, _latest_report)

    status = strawberry.field(
        resolver=statuses.status,
        description="Status from the latest report up to the period.",
        graphql_type=TrafficLight | None,
        metadata=prefetched(prefetch.report_statuses),
    )
    risk_level = strawberry.field(
        resolver=statuses.risk_level,
        description="Risk level from the latest report up to the period.",
        graphql_type=TrafficLight | None,
        metadata=prefetched(prefetch.report_statuses),
    )
    report_is_stale = strawberry.field(
        resolver=statuses.report_is_stale,
        description="True when status and risk come from a report of an earlier period.",
        graphql_type=bool,
        metadata=prefetched(prefetch.report_statuses),
    )

    @strawberry.field(description="Status history: newest period first.")
    async def reports(
        self,
        info: Info,
        include_revisions: Annotated[
            bool,
            strawberry.argument(description="Also list superseded revisions within a period."),
        ] = False,
    ) -> list[StatusReport]:
        rows = await info.context.loaders.reports_by_initiative.load(self.db_id)
        if not include_revisions:
            rows = statuses.latest_revision_per_period(rows)
        return [StatusReport.from_row(row) for row in rows]

    status_trend: list[StatusTrendPoint] = strawberry.field(
        resolver=statuses.status_trend,
        description="Status and risk over the last N periods up to the current one, oldest first.",
    )

    @strawberry.field(description="Council decisions on this initiative, newest meeting first.")
    async def decisions(self, info: Info) -> list[CouncilDecision]:
        rows = await info.context.loaders.decisions_by_initiative.load(self.db_id)
        return [CouncilDecision.from_row(row) for row in rows]

    # --- what the viewer may do, intake

    viewer_can_report: bool = strawberry.field(
        resolver=portfolio.viewer_can_report,
        description="The caller may submit status reports for this initiative.",
    )
    viewer_can_edit: bool = strawberry.field(
        resolver=portfolio.viewer_can_edit,
        description=(
            "The caller may change this initiative, its deliveries, risks and dependencies."
        ),
    )
    entry_criteria_flags: list[str] = strawberry.field(
        resolver=portfolio.entry_criteria_flags,
        description="Why the entry criteria are not met (empty when they are).",
    )

    # --- deliveries, risks, dependencies

    @strawberry.field(
        description="Deliveries, by baseline date.",
        graphql_type=list[Delivery],
        metadata=prefetched(prefetch.deliveries),
    )
    def deliveries(self, info: Info) -> MaybeAwaitable[list[Delivery]]:
        return resolve_loaded(
            info.context.loaders.deliveries_by_initiative, self.db_id, _deliveries
        )

    @strawberry.field(description="Registered risks.")
    async def risks(self, info: Info) -> list[Risk]:
        rows = await info.context.loaders.risks_by_initiative.load(self.db_id)
        return [Risk.from_row(row) for row in rows]

    @strawberry.field(
        description="What this initiative depends on (its suppliers).",
        graphql_type=list[Dependency],
        metadata=prefetched(prefetch.dependencies, then=Dependency),
    )
    def dependencies(
        self, info: Info, first: FirstNeighbour = NEIGHBOUR_LIST.default
    ) -> MaybeAwaitable[list[Dependency]]:
        check_first(first, NEIGHBOUR_LIST)
        loader = info.context.loaders.dependencies_by_dependant
        return resolve_loaded(loader, self.db_id, partial(_dependencies, first=first))

    dependency_count = strawberry.field(
        resolver=portfolio.dependency_count,
        description="How many dependencies this initiative has.",
        graphql_type=int,
    )

    @strawberry.field(description="Dependencies of other initiatives on this one.")
    async def dependants(
        self, info: Info, first: FirstNeighbour = NEIGHBOUR_LIST.default
    ) -> list[Dependency]:
        check_first(first, NEIGHBOUR_LIST)
        rows = await info.context.loaders.dependants_by_initiative.load(self.db_id)
        return [Dependency.from_row(row) for row in rows[:first]]

    dependant_count: int = strawberry.field(
        resolver=portfolio.dependant_count,
        description="How many dependencies of other initiatives name this one.",
    )

    # --- analysis

    @strawberry.field(
        description="What this initiative depends on, transitively: nearest first, then by code."
    )
    async def upstream(
        self,
        info: Info,
        max_depth: MaxDepthArgument = None,
        kind: KindArgument = None,
        first: FirstPortfolio = PORTFOLIO_LIST.default,
    ) -> list[ChainNode]:
        direction = graph.Direction.UPSTREAM
        page = await analysis.chain_page(info, self.code, direction, max_depth, kind, first)
        return [ChainNode.from_result(node) for node in page]

    upstream_count: int = strawberry.field(
        resolver=analysis.upstream_count,
        description="How many nodes `upstream` reaches with the same arguments.",
    )

    @strawberry.field(
        description="Who waits for this initiative, transitively: nearest first, then by code."
    )
    async def downstream(
        self,
        info: Info,
        max_depth: MaxDepthArgument = None,
        kind: KindArgument = None,
        first: FirstPortfolio = PORTFOLIO_LIST.default,
    ) -> list[ChainNode]:
        direction = graph.Direction.DOWNSTREAM
        page = await analysis.chain_page(info, self.code, direction, max_depth, kind, first)
        return [ChainNode.from_result(node) for node in page]

    downstream_count: int = strawberry.field(
        resolver=analysis.downstream_count,
        description="How many nodes `downstream` reaches with the same arguments.",
    )

    @strawberry.field(description="Every national solution reachable upstream, with the path.")
    async def foundation_dependencies(
        self, info: Info, first: FirstNeighbour = NEIGHBOUR_LIST.default
    ) -> list[FoundationDependency]:
        check_first(first, NEIGHBOUR_LIST)
        found = await analysis.foundation(info, self.code, nearest=first)
        return [FoundationDependency.from_result(item) for item in found[:first]]

    foundation_dependency_count: int = strawberry.field(
        resolver=analysis.foundation_dependency_count,
        description="How many national solutions are reachable upstream.",
    )

    @strawberry.field(
        description="Red status inherited from upstream in the period; null when none reaches."
    )
    async def propagated_risk(
        self,
        info: Info,
        period: AsOfPeriodArgument = None,
        include_risk_level: IncludeRiskArgument = False,
    ) -> PropagatedRisk | None:
        result = (await analysis.propagation(info, period, include_risk_level)).get(self.code)
        return PropagatedRisk.from_result(result) if result is not None else None

    @strawberry.field(description="Dates from the critical path method; null when undated.")
    async def schedule(self, info: Info) -> ScheduleItem | None:
        item = await analysis.schedule_item(info, self.code)
        return ScheduleItem.from_result(item) if item is not None else None

    transitive_dependant_count: int = strawberry.field(
        resolver=analysis.transitive_dependant_count,
        description="How many initiatives depend on this one, transitively.",
    )


# Builders of field values from loaded rows. Resolvers hand them to ``resolve_loaded``,
# which calls them at once when the loader already holds the rows (prefetched pages).


def _latest_report(found: ReportStatus) -> StatusReport | None:
    return StatusReport.from_row(found.report) if found.report is not None else None


def _deliveries(rows: list[Row]) -> list[Delivery]:
    return [Delivery.from_row(row) for row in rows]


def _dependencies(rows: list[Row], *, first: int) -> list[Dependency]:
    return [Dependency.from_row(row) for row in rows[:first]]


# --- analysis results that name initiatives and solutions -------------------------------------


async def load_initiative(info: Info, code: str) -> Initiative:
    """The initiative with ``code``, which the analysis guarantees exists."""
    row = await info.context.loaders.initiative_by_code.load(code)
    assert row is not None, code  # the graph is built from the same rows
    return Initiative.from_row(row)


async def load_initiatives(info: Info, codes: Sequence[str]) -> list[Initiative]:
    """The initiatives with ``codes``, in order, in one batch."""
    rows = await info.context.loaders.initiative_by_code.load_many(list(codes))
    found = [row for row in rows if row is not None]
    assert len(found) == len(rows), codes  # the graph is built from the same rows
    return [Initiative.from_row(row) for row in found]


async def load_node(info: Info, code: str) -> Initiative | Solution:
    """The initiative or solution with ``code``."""
    solution = await info.context.loaders.solution_by_code.load(code)
    if solution is not None:
        return Solution.from_row(solution)
    return await load_initiative(info, code)


PortfolioNode = Annotated[
    Initiative | Solution,
    strawberry.union("PortfolioNode", description="A node of the dependency graph."),
]


@strawberry.type(description="A node reached along dependencies, with one shortest path.")
class ChainNode(ChainNodeRecord):
    @strawberry.field(description="The initiative or solution reached.")
    async def node(self, info: Info) -> PortfolioNode:
        return await load_node(info, self.code)


@strawberry.type(description="A national solution an initiative depends on, at some depth.")
class FoundationDependency(FoundationDependencyRecord):
    @strawberry.field(description="The national solution (part of the *grunnmur*).")
    async def solution(self, info: Info) -> Solution:
        row = await info.context.loaders.solution_by_code.load(self.solution_code)
        assert row is not None, self.solution_code  # the graph is built from the same rows
        return Solution.from_row(row)


@strawberry.type(description="Red status an initiative inherits from red sources upstream.")
class PropagatedRisk(PropagatedRiskRecord):
    @strawberry.field(description="The flagged initiative.")
    async def initiative(self, info: Info) -> Initiative:
        return await load_initiative(info, self.code)

    @strawberry.field(description="The red initiatives that reach this one at `level`.")
    async def sources(self, info: Info, first: FirstPath = PATH_LIST.default) -> list[Initiative]:
        sources = await run_cancellable(lambda: self.result.sources)
        return await load_initiatives(info, first_page(sources, first, PATH_LIST))


@strawberry.type(description="An activity's dates from the critical path method.")
class ScheduleItem(ScheduleItemRecord):
    @strawberry.field(description="The initiative.")
    async def initiative(self, info: Info) -> Initiative:
        return await load_initiative(info, self.code)
