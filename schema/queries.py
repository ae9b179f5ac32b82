"""The read side of the API: the portfolio, its reference data and Relay lookups."""

from __future__ import annotations

from typing import Annotated

import strawberry

from app import repository
from app.domain import ADMITTED_STATES
from app.messages import message
from schema.analysis import AnalysisQuery
from schema.analysis_resolvers import propagation as analysis_propagation
from schema.audit import AuditQuery
from schema.budget import BudgetQuery
from schema.changes import ChangesQuery
from schema.context import Info
from schema.councils import CouncilQuery
from schema.enums import (
    EnumLabel,
    LifecycleState,
    Phase,
    Segment,
    SolutionCategory,
    TrafficLight,
    all_labels,
)
from schema.errors import UserInputError, out_of_range
from schema.prefetch import prefetch_page
from schema.reference_types import (
    Organisation,
    ReportingPeriod,
    StrategicGoal,
    SustainableDevelopmentGoal,
)
from schema.relay import Node, PageInfo, decode_cursor, encode_cursor, from_global_id
from schema.round_summary import RoundSummaryQuery
from schema.scenario_types import Scenario
from schema.scenarios import ScenarioQuery
from schema.search import SearchQuery
from schema.types import Delivery, Dependency, Initiative, Risk, Solution, StatusReport
from schema.viewer import ViewerQuery
from schema.webhooks import WebhookQuery

MAX_SEARCH = 200
"""The longest search text `initiatives` takes."""


@strawberry.input(description="Filters for `initiatives`; every given filter must hold.")
class InitiativeFilter:
    segment: list[Segment] | None = strawberry.field(
        default=None, description="Only initiatives in one of these segments."
    )
    phase: list[Phase] | None = strawberry.field(
        default=None, description="Only initiatives in one of these phases."
    )
    state: list[LifecycleState] | None = strawberry.field(
        default=None, description="Default: the admitted states (not PROPOSED or DECLINED)."
    )
    owner: list[str] | None = strawberry.field(default=None, description="Organisation codes.")
    status: list[TrafficLight] | None = strawberry.field(
        default=None, description="Only initiatives with one of these statuses in the period."
    )
    risk_level: list[TrafficLight] | None = strawberry.field(
        default=None, description="Only initiatives with one of these risk levels in the period."
    )
    goal: int | None = strawberry.field(default=None, description="Main or supporting goal.")
    sdg: int | None = strawberry.field(
        default=None, description="Only initiatives that name this UN Sustainable Development Goal."
    )
    search: str | None = strawberry.field(
        default=None, description="Case-insensitive text in code or name."
    )
    period: str | None = strawberry.field(
        default=None, description="Period for the status and risk filters (default: current)."
    )
    propagated_level: list[TrafficLight] | None = strawberry.field(
        default=None,
        description="Level inherited by red-status propagation in the period (status only).",
    )
    has_late_dependency: bool | None = strawberry.field(
        default=None, description="True: only those waiting on a late supplier; false: none."
    )


@strawberry.type(description="One initiative of a page, with its cursor.")
class InitiativeEdge:
    cursor: str = strawberry.field(description="Opaque position of this initiative, for `after`.")
    node: Initiative = strawberry.field(description="The initiative.")


@strawberry.type(description="A page of initiatives ordered by code.")
class InitiativeConnection:
    edges: list[InitiativeEdge] = strawberry.field(
        description="The initiatives of this page with their cursors."
    )
    page_info: PageInfo = strawberry.field(description="Where this page lies in the whole list.")
    query: strawberry.Private[repository.InitiativeQuery]

    @strawberry.field(description="The initiatives of this page.")
    def nodes(self) -> list[Initiative]:
        return [edge.node for edge in self.edges]

    @strawberry.field(description="How many initiatives match the filter, over all pages.")
    async def total_count(self, info: Info) -> int:
        context = info.context
        return await context.read(
            repository.count_initiatives, self.query, visibility=context.visibility
        )


async def _initiative_query(
    info: Info, filter: InitiativeFilter | None
) -> repository.InitiativeQuery:
    if filter is None:
        return repository.InitiativeQuery()
    period_opens = None
    if filter.status or filter.risk_level:
        period = await info.context.resolve_period(filter.period, argument="filter.period")
        period_opens = period.opens if period is not None else None
    if filter.search is not None and len(filter.search) > MAX_SEARCH:
        raise UserInputError(
            message("input.search_too_long", limit=MAX_SEARCH), argument="filter.search"
        )
    codes, excluded_codes = await _analysis_codes(info, filter)
    return repository.InitiativeQuery(
        codes=codes,
        excluded_codes=excluded_codes,
        segments=filter.segment or (),
        phases=filter.phase or (),
        states=filter.state or tuple(sorted(ADMITTED_STATES)),
        owner_codes=filter.owner or (),
        statuses=filter.status or (),
        risk_levels=filter.risk_level or (),
        goal=filter.goal,
        sdg=filter.sdg,
        search=filter.search,
        status_period_opens=period_opens,
    )


async def _analysis_codes(info: Info, filter: InitiativeFilter) -> tuple[set[str] | None, set[str]]:
    """Codes to keep and to leave out for the filters the analysis answers."""
    codes: set[str] | None = None
    excluded: set[str] = set()
    if filter.propagated_level:
        wanted = {level.value for level in filter.propagated_level}
        propagation = await analysis_propagation(info, filter.period, include_risk_level=False)
        codes = {code for code, risk in propagation.items() if risk.level.value in wanted}
    if filter.has_late_dependency is not None:
        analysis = await info.context.analysis()
        slack = await analysis.slack()
        waiting = {dependant for (_, dependant), s in slack.items() if s.is_late}
        if filter.has_late_dependency:
            codes = waiting if codes is None else codes & waiting
        else:
            excluded = waiting
    return codes, excluded


def _row_to_node(type_name: str, row: repository.Row | None) -> Node | None:
    if row is None:
        return None
    builders = {
        "Initiative": Initiative.from_row,
        "Solution": Solution.from_row,
        "Organisation": Organisation.from_row,
        "ReportingPeriod": ReportingPeriod.from_row,
        "Delivery": Delivery.from_row,
        "Risk": Risk.from_row,
        "StatusReport": StatusReport.from_row,
        "StrategicGoal": StrategicGoal.from_row,
        "SustainableDevelopmentGoal": SustainableDevelopmentGoal.from_row,
    }
    node: Node = builders[type_name](row)
    return node


async def _dependency_by_key(info: Info, key: str) -> Dependency | None:
    dependant_code, _, supplier_code = key.partition("<-")
    dependant = await info.context.loaders.initiative_by_code.load(dependant_code)
    if dependant is None:
        return None
    rows = await info.context.loaders.dependencies_by_dependant.load(dependant.id)
    match = [row for row in rows if row.supplier_code == supplier_code]
    return Dependency.from_row(match[0]) if match else None


@strawberry.type(description="Reads of the portfolio, its analysis and its reporting rounds.")
class Query(
    ViewerQuery,
    RoundSummaryQuery,
    CouncilQuery,
    AuditQuery,
    AnalysisQuery,
    BudgetQuery,
    WebhookQuery,
    ScenarioQuery,
    SearchQuery,
    ChangesQuery,
):
    @strawberry.field(description="Any object by its global id; null when it does not exist.")
    async def node(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="Global id of the object.")],
    ) -> Node | None:
        type_name, key = from_global_id(id)
        loaders = info.context.loaders
        read = info.context.read
        if type_name == "Initiative":
            return _row_to_node(type_name, await loaders.initiative_by_code.load(key))
        if type_name == "Solution":
            return _row_to_node(type_name, await loaders.solution_by_code.load(key))
        if type_name == "Organisation":
            rows = await read(repository.organisations_by_codes, [key])
            return _row_to_node(type_name, rows.get(key))
        if type_name == "ReportingPeriod":
            return _row_to_node(type_name, await read(repository.period_by_code, key))
        visibility = info.context.visibility
        if type_name == "Delivery":
            row = await read(repository.delivery_by_code, key, visibility=visibility)
            return _row_to_node(type_name, row)
        if type_name == "Risk":
            row = await read(repository.risk_by_code, key, visibility=visibility)
            return _row_to_node(type_name, row)
        if type_name == "StatusReport" and key.isdigit():
            row = await read(repository.report_by_id, int(key), visibility=visibility)
            return _row_to_node(type_name, row)
        if type_name == "Dependency":
            return await _dependency_by_key(info, key)
        if type_name == "Scenario" and info.context.viewer.is_authenticated:
            row = await read(repository.scenario_by_code, key)
            return Scenario.from_row(row) if row is not None else None
        if type_name in {"StrategicGoal", "SustainableDevelopmentGoal"} and key.isdigit():
            reader = (
                repository.list_strategic_goals
                if type_name == "StrategicGoal"
                else repository.list_sustainable_development_goals
            )
            match = [row for row in await read(reader) if row.number == int(key)]
            return _row_to_node(type_name, match[0] if match else None)
        return None

    @strawberry.field(description="Initiatives, filtered, ordered by code, a page at a time.")
    async def initiatives(
        self,
        info: Info,
        filter: Annotated[
            InitiativeFilter | None,
            strawberry.argument(
                description="Which initiatives to list; default: the admitted ones."
            ),
        ] = None,
        first: Annotated[
            int | None, strawberry.argument(description="Page size (default 100, at most 500).")
        ] = None,
        after: Annotated[
            str | None, strawberry.argument(description="Cursor of the last edge seen.")
        ] = None,
    ) -> InitiativeConnection:
        settings = info.context.settings
        size = settings.default_page_size if first is None else first
        if not 1 <= size <= settings.max_page_size:
            raise out_of_range("first", size, 1, settings.max_page_size)
        after_code = decode_cursor(after) if after is not None else None
        query = await _initiative_query(info, filter)
        rows = await info.context.read(
            repository.page_initiatives,
            query,
            visibility=info.context.visibility,
            after_code=after_code,
            limit=size + 1,
        )
        page = rows[:size]
        # The page's own rows serve the suppliers (and any other lookup by id) on the page.
        info.context.loaders.initiative_by_id.prime_many({row.id: row for row in page})
        await prefetch_page(info, Initiative, page)
        build = info.context.loaders.build_once
        edges = [
            InitiativeEdge(cursor=encode_cursor(row.code), node=build(Initiative.from_row, row))
            for row in page
        ]
        return InitiativeConnection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=len(rows) > size,
                has_previous_page=after_code is not None,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
            query=query,
        )

    @strawberry.field(description="One initiative by code; null when there is none.")
    async def initiative(
        self,
        info: Info,
        code: Annotated[str, strawberry.argument(description="Code of the initiative.")],
    ) -> Initiative | None:
        row = await info.context.loaders.initiative_by_code.load(code)
        return Initiative.from_row(row) if row is not None else None

    @strawberry.field(description="National e-health solutions and foundation components.")
    async def solutions(
        self,
        info: Info,
        category: Annotated[
            list[SolutionCategory] | None,
            strawberry.argument(description="Only solutions in these categories."),
        ] = None,
    ) -> list[Solution]:
        rows = await info.context.read(repository.list_solutions, categories=category)
        return [Solution.from_row(row) for row in rows]

    @strawberry.field(description="One solution by code; null when there is none.")
    async def solution(
        self,
        info: Info,
        code: Annotated[str, strawberry.argument(description="Code of the solution.")],
    ) -> Solution | None:
        row = await info.context.loaders.solution_by_code.load(code)
        return Solution.from_row(row) if row is not None else None

    @strawberry.field(description="Owners and operators.")
    async def organisations(self, info: Info) -> list[Organisation]:
        rows = await info.context.read(repository.list_organisations)
        return [Organisation.from_row(row) for row in rows]

    @strawberry.field(description="One organisation by code; null when there is none.")
    async def organisation(
        self,
        info: Info,
        code: Annotated[str, strawberry.argument(description="Code of the organisation.")],
    ) -> Organisation | None:
        rows = await info.context.read(repository.organisations_by_codes, [code])
        row = rows.get(code)
        return Organisation.from_row(row) if row is not None else None

    @strawberry.field(description="The five goals of *Nasjonal e-helsestrategi* 2023–2030.")
    async def strategic_goals(self, info: Info) -> list[StrategicGoal]:
        goals = await info.context.strategic_goals()
        return [StrategicGoal.from_row(row) for row in goals.values()]

    @strawberry.field(description="The UN Sustainable Development Goals named for the portfolio.")
    async def sustainable_development_goals(self, info: Info) -> list[SustainableDevelopmentGoal]:
        rows = await info.context.read(repository.list_sustainable_development_goals)
        return [SustainableDevelopmentGoal.from_row(row) for row in rows]

    @strawberry.field(description="Reporting rounds, newest first.")
    async def reporting_periods(self, info: Info) -> list[ReportingPeriod]:
        return [ReportingPeriod.from_row(row) for row in await info.context.periods()]

    @strawberry.field(description="The latest reporting period that has opened.")
    async def current_period(self, info: Info) -> ReportingPeriod | None:
        row = await info.context.current_period()
        return ReportingPeriod.from_row(row) if row is not None else None

    @strawberry.field(description="Norwegian (bokmål) labels of enum values.")
    def labels(
        self,
        enum: Annotated[
            str | None, strawberry.argument(description="Enum type name, e.g. `Segment`.")
        ] = None,
    ) -> list[EnumLabel]:
        return all_labels(enum)
