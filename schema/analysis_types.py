"""Result types of the dependency analysis, each loading the objects it names by code."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Annotated

import strawberry

import graph
from schema.bounds import (
    PATH_LIST,
    PORTFOLIO_LIST,
    FirstPath,
    FirstPortfolio,
    check_first,
    first_page,
)
from schema.context import Info
from schema.enums import TrafficLight
from schema.error_types import DependencyCycleError, Error, NotFoundError
from schema.errors import UserInputError

if TYPE_CHECKING:
    from schema.types import Dependency, Initiative, ReportingPeriod, Solution

InitiativeRef = Annotated["Initiative", strawberry.lazy("schema.types")]
SolutionRef = Annotated["Solution", strawberry.lazy("schema.types")]
DependencyRef = Annotated["Dependency", strawberry.lazy("schema.types")]
ReportingPeriodRef = Annotated["ReportingPeriod", strawberry.lazy("schema.types")]
PortfolioNode = Annotated[
    InitiativeRef | SolutionRef,
    strawberry.union("PortfolioNode", description="A node of the dependency graph."),
]

NodeKind = graph.NodeKind
Direction = graph.Direction
ExportFormat = graph.ExportFormat
strawberry.enum(NodeKind, description="Initiative or solution.")
strawberry.enum(Direction, description="Which way to follow dependencies.")
strawberry.enum(ExportFormat, description="Text format of a graph export.")

MAX_SLIP_DAYS = 3650

PeriodArgument = Annotated[
    str | None,
    strawberry.argument(description="Reporting period code; default: the current period."),
]
IncludeRiskArgument = Annotated[
    bool,
    strawberry.argument(description="Also count initiatives whose risk level is RED as sources."),
]
MaxDepthArgument = Annotated[
    int | None, strawberry.argument(description="Follow at most this many hops.")
]


def level_of(level: graph.Level) -> TrafficLight:
    return TrafficLight(level.value)


def check_max_depth(max_depth: int | None) -> None:
    if max_depth is not None and max_depth < 1:
        raise UserInputError(f"maxDepth must be at least 1; got {max_depth}.", argument="maxDepth")


async def load_initiative(info: Info, code: str) -> Initiative:
    """The initiative with ``code``, which the analysis guarantees exists."""
    from schema.types import Initiative

    row = await info.context.loaders.initiative_by_code.load(code)
    assert row is not None, code  # the graph is built from the same rows
    return Initiative.from_row(row)


async def load_initiatives(info: Info, codes: Sequence[str]) -> list[Initiative]:
    """The initiatives with ``codes``, in order, in one batch."""
    from schema.types import Initiative

    rows = await info.context.loaders.initiative_by_code.load_many(list(codes))
    found = [row for row in rows if row is not None]
    assert len(found) == len(rows), codes  # the graph is built from the same rows
    return [Initiative.from_row(row) for row in found]


async def load_node(info: Info, code: str) -> Initiative | Solution:
    """The initiative or solution with ``code``."""
    from schema.types import Solution

    solution = await info.context.loaders.solution_by_code.load(code)
    if solution is not None:
        return Solution.from_row(solution)
    return await load_initiative(info, code)


# --- result types --------------------------------------------------------------------------


@strawberry.type(description="A node reached along dependencies, with one shortest path.")
class ChainNode:
    code: str
    kind: NodeKind
    depth: int = strawberry.field(description="Hops from the starting initiative.")
    path: list[str] = strawberry.field(
        description="Codes from the starting initiative to this node (fewest hops, then codes)."
    )

    @strawberry.field(description="The initiative or solution reached.")
    async def node(self, info: Info) -> PortfolioNode:
        return await load_node(info, self.code)

    @classmethod
    def from_result(cls, result: graph.ChainNode) -> ChainNode:
        return cls(code=result.code, kind=result.kind, depth=result.depth, path=list(result.path))


@strawberry.type(description="A national solution an initiative depends on, at some depth.")
class FoundationDependency:
    depth: int
    path: list[str] = strawberry.field(description="Codes from the initiative to the solution.")
    solution_code: str

    @strawberry.field
    async def solution(self, info: Info) -> SolutionRef:
        node = await load_node(info, self.solution_code)
        return node  # type: ignore[return-value]


@strawberry.type(description="Red status an initiative inherits from red sources upstream.")
class PropagatedRisk:
    code: str
    level: TrafficLight
    result: strawberry.Private[graph.PropagatedRisk]

    @strawberry.field(description="Codes of the sources, sorted.")
    def source_codes(self, first: FirstPath = PATH_LIST.default) -> list[str]:
        return list(first_page(self.result.sources, first, PATH_LIST))

    @strawberry.field(description="How many red initiatives reach this one at `level`.")
    def source_count(self) -> int:
        return len(self.result.sources)

    @strawberry.field(
        description="One path per source (same order), from the source to the initiative."
    )
    def paths(self, first: FirstPath = PATH_LIST.default) -> list[list[str]]:
        # Only the paths of the page are worked out: each one is a search.
        return [list(path) for path in self.result.first_paths(check_first(first, PATH_LIST))]

    @strawberry.field
    async def initiative(self, info: Info) -> InitiativeRef:
        return await load_initiative(info, self.code)

    @strawberry.field(description="The red initiatives that reach this one at `level`.")
    async def sources(
        self, info: Info, first: FirstPath = PATH_LIST.default
    ) -> list[InitiativeRef]:
        return await load_initiatives(info, first_page(self.result.sources, first, PATH_LIST))

    @classmethod
    def from_result(cls, result: graph.PropagatedRisk) -> PropagatedRisk:
        # Paths are built only when a client selects them: at 10,000 initiatives they
        # run to millions of codes.
        return cls(code=result.code, level=level_of(result.level), result=result)


@strawberry.type(description="How far one red source reaches.")
class SourceReach:
    code: str
    red: int = strawberry.field(description="Initiatives it flags RED.")
    yellow: int = strawberry.field(description="Initiatives it flags YELLOW (and no source RED).")

    @strawberry.field
    def total(self) -> int:
        return self.red + self.yellow

    @strawberry.field
    async def source(self, info: Info) -> InitiativeRef:
        return await load_initiative(info, self.code)


@strawberry.type(description="Every initiative flagged by red-status propagation in a period.")
class RiskPropagation:
    include_risk_level: bool
    period_code: str | None
    flagged_results: strawberry.Private[Sequence[graph.PropagatedRisk]]
    reach_results: strawberry.Private[Sequence[graph.SourceReach]]

    @strawberry.field(description="Flagged initiatives, RED before YELLOW, then by code.")
    def flagged(self, first: FirstPortfolio = PORTFOLIO_LIST.default) -> list[PropagatedRisk]:
        page = first_page(self.flagged_results, first, PORTFOLIO_LIST)
        return [PropagatedRisk.from_result(risk) for risk in page]

    @strawberry.field(description="How many initiatives are flagged.")
    def flagged_count(self) -> int:
        return len(self.flagged_results)

    @strawberry.field(
        description="Each red source with the number of initiatives it reaches, widest first."
    )
    def reach(self, first: FirstPortfolio = PORTFOLIO_LIST.default) -> list[SourceReach]:
        return [
            SourceReach(code=item.source, red=item.red, yellow=item.yellow)
            for item in first_page(self.reach_results, first, PORTFOLIO_LIST)
        ]

    @strawberry.field(description="How many red sources flag at least one initiative.")
    def reach_count(self) -> int:
        return len(self.reach_results)


@strawberry.type(description="An activity's dates from the critical path method.")
class ScheduleItem:
    code: str
    earliest_start: date
    earliest_finish: date
    latest_start: date
    latest_finish: date
    total_float_days: int
    critical: bool = strawberry.field(description="Zero total float.")
    near_critical: bool = strawberry.field(
        description=(
            "Total float positive and at most criticalPath's nearCriticalDays (always false"
            " elsewhere)."
        )
    )

    @strawberry.field
    async def initiative(self, info: Info) -> InitiativeRef:
        return await load_initiative(info, self.code)

    @classmethod
    def from_result(cls, item: graph.ScheduleItem, *, near_critical: bool = False) -> ScheduleItem:
        return cls(
            code=item.code,
            earliest_start=item.earliest_start,
            earliest_finish=item.earliest_finish,
            latest_start=item.latest_start,
            latest_finish=item.latest_finish,
            total_float_days=item.total_float_days,
            critical=item.critical,
            near_critical=near_critical,
        )


@strawberry.type(
    description="The portfolio schedule's critical set: zero-float activities and chains."
)
class CriticalPath:
    chain_codes: list[str]
    finish: date = strawberry.field(
        description=(
            "The portfolio finish: the latest earliest finish of any activity or relay point"
            " (solution, undated initiative), which every one of them must reach."
        )
    )
    chains_truncated: bool = strawberry.field(
        description="True when more chains exist than the 100 `chains` can list."
    )
    by_start: strawberry.Private[Sequence[graph.ScheduleItem]]
    near_by_float: strawberry.Private[Sequence[graph.ScheduleItem]]
    near_codes: strawberry.Private[frozenset[str]]
    found_chains: strawberry.Private[Sequence[tuple[str, ...]]]

    def _page(self, items: Sequence[graph.ScheduleItem], first: int) -> list[ScheduleItem]:
        return [
            ScheduleItem.from_result(item, near_critical=item.code in self.near_codes)
            for item in first_page(items, first, PORTFOLIO_LIST)
        ]

    @strawberry.field(description="Every scheduled activity, by earliest start then code.")
    def activities(self, first: FirstPortfolio = PORTFOLIO_LIST.default) -> list[ScheduleItem]:
        return self._page(self.by_start, first)

    @strawberry.field(description="How many activities are scheduled.")
    def activity_count(self) -> int:
        return len(self.by_start)

    @strawberry.field(
        description="Every activity with zero total float, by earliest start then code."
    )
    def critical(self, first: FirstPortfolio = PORTFOLIO_LIST.default) -> list[ScheduleItem]:
        check_first(first, PORTFOLIO_LIST)
        return self._page([item for item in self.by_start if item.critical][:first], first)

    @strawberry.field(description="How many activities have zero total float.")
    def critical_count(self) -> int:
        return sum(1 for item in self.by_start if item.critical)

    @strawberry.field(
        description=(
            "Activities with total float above zero and at most nearCriticalDays, by float"
            " then code (empty without nearCriticalDays)."
        )
    )
    def near_critical(self, first: FirstPortfolio = PORTFOLIO_LIST.default) -> list[ScheduleItem]:
        return self._page(self.near_by_float, first)

    @strawberry.field(description="How many activities are near-critical.")
    def near_critical_count(self) -> int:
        return len(self.near_by_float)

    @strawberry.field(
        description=(
            "Chains of zero-float activities, each joined by driving dependencies and"
            " ending at the finish, walked in code order; at most 100 are found."
        )
    )
    def chains(self, first: FirstPath = PATH_LIST.default) -> list[list[str]]:
        return [list(chain) for chain in first_page(self.found_chains, first, PATH_LIST)]

    @strawberry.field(description="How many chains were found (at most 100).")
    def chain_count(self) -> int:
        return len(self.found_chains)

    @strawberry.field(description="The first of `chains`, as initiatives.")
    async def chain(self, info: Info) -> list[InitiativeRef]:
        return await load_initiatives(info, self.chain_codes)


@strawberry.type(description="The initiative has no dates, so it has no place in the schedule.")
class NotScheduledError(Error):
    code: str


CriticalPathResult = Annotated[
    CriticalPath | DependencyCycleError, strawberry.union("CriticalPathResult")
]


@strawberry.type(description="An initiative whose earliest finish moves under a slip.")
class MovedInitiative:
    code: str
    days: int = strawberry.field(description="Days later (negative: earlier).")
    new_finish: date

    @strawberry.field
    async def initiative(self, info: Info) -> InitiativeRef:
        return await load_initiative(info, self.code)


@strawberry.type(description="A dependency whose supplier date passes its needed-by date.")
class LateDependency:
    supplier_code: str
    dependant_code: str
    slack_days: int = strawberry.field(description="Needed-by minus supplier date (negative).")
    supplier_date: date
    needed_by: date

    @strawberry.field
    async def dependant(self, info: Info) -> InitiativeRef:
        return await load_initiative(info, self.dependant_code)

    @strawberry.field
    async def supplier(self, info: Info) -> PortfolioNode:
        return await load_node(info, self.supplier_code)


@strawberry.type(description="What a slip would do, computed without saving anything.")
class Impact:
    code: str = strawberry.field(description="The initiative or delivery slipped.")
    slip_days: int
    finish_before: date | None
    finish_after: date | None
    moved_results: strawberry.Private[Sequence[graph.MovedInitiative]] = ()
    newly_late_results: strawberry.Private[Sequence[graph.LateDependency]] = ()

    @strawberry.field(description="Initiatives whose earliest finish moves, and by how much.")
    def moved(self, first: FirstPortfolio = PORTFOLIO_LIST.default) -> list[MovedInitiative]:
        return [
            MovedInitiative(code=item.code, days=item.days, new_finish=item.new_finish)
            for item in first_page(self.moved_results, first, PORTFOLIO_LIST)
        ]

    @strawberry.field(description="How many initiatives move.")
    def moved_count(self) -> int:
        return len(self.moved_results)

    @strawberry.field(description="Dependencies the slip makes late.")
    def newly_late(self, first: FirstPortfolio = PORTFOLIO_LIST.default) -> list[LateDependency]:
        return [
            LateDependency(
                supplier_code=item.supplier,
                dependant_code=item.dependant,
                slack_days=item.slack_days,
                supplier_date=item.supplier_date,
                needed_by=item.needed_by,
            )
            for item in first_page(self.newly_late_results, first, PORTFOLIO_LIST)
        ]

    @strawberry.field(description="How many dependencies the slip makes late.")
    def newly_late_count(self) -> int:
        return len(self.newly_late_results)

    @strawberry.field(description="Days the portfolio's finish moves.")
    def finish_moved_days(self) -> int:
        if self.finish_before is None or self.finish_after is None:
            return 0
        return (self.finish_after - self.finish_before).days


ImpactResult = Annotated[
    Impact | NotFoundError | NotScheduledError | DependencyCycleError,
    strawberry.union("ImpactResult"),
]


@strawberry.type(description="An initiative ranked by how much of the portfolio waits for it.")
class KeyInitiative:
    rank: int
    code: str
    transitive_dependants: int
    betweenness: float

    @strawberry.field
    async def initiative(self, info: Info) -> InitiativeRef:
        return await load_initiative(info, self.code)
