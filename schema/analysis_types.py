"""Result types of the portfolio-wide analysis queries, each naming what it found by code."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Annotated

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
from schema.error_types import DependencyCycleError, Error, NotFoundError
from schema.types import (
    Initiative,
    PortfolioNode,
    PropagatedRisk,
    ScheduleItem,
    load_initiative,
    load_initiatives,
    load_node,
)


@strawberry.type(description="How far one red source reaches.")
class SourceReach:
    code: str = strawberry.field(description="Code of the red source.")
    red: int = strawberry.field(description="Initiatives it flags RED.")
    yellow: int = strawberry.field(description="Initiatives it flags YELLOW (and no source RED).")

    @strawberry.field(description="Initiatives it flags, RED and YELLOW.")
    def total(self) -> int:
        return self.red + self.yellow

    @strawberry.field(description="The red source initiative.")
    async def source(self, info: Info) -> Initiative:
        return await load_initiative(info, self.code)


@strawberry.type(description="Every initiative flagged by red-status propagation in a period.")
class RiskPropagation:
    include_risk_level: bool = strawberry.field(
        description="Initiatives with a RED risk level counted as sources too."
    )
    period_code: str | None = strawberry.field(
        description="The period whose statuses were used; null without periods."
    )
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


@strawberry.type(
    description="The portfolio schedule's critical set: zero-float activities and chains."
)
class CriticalPath:
    chain_codes: list[str] = strawberry.field(
        description="Codes of the first chain (the initiatives of `chain`)."
    )
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
    async def chain(self, info: Info) -> list[Initiative]:
        return await load_initiatives(info, self.chain_codes)


@strawberry.type(description="The initiative has no dates, so it has no place in the schedule.")
class NotScheduledError(Error):
    code: str = strawberry.field(description="Code of the initiative without dates.")


CriticalPathResult = Annotated[
    CriticalPath | DependencyCycleError,
    strawberry.union(
        "CriticalPathResult",
        description="The critical path, or the cycle that prevents scheduling.",
    ),
]


@strawberry.type(description="An initiative whose earliest finish moves under a slip.")
class MovedInitiative:
    code: str = strawberry.field(description="Code of the initiative.")
    days: int = strawberry.field(description="Days later (negative: earlier).")
    new_finish: date = strawberry.field(description="Its earliest finish after the slip.")

    @strawberry.field(description="The initiative.")
    async def initiative(self, info: Info) -> Initiative:
        return await load_initiative(info, self.code)


@strawberry.type(description="A dependency whose supplier date passes its needed-by date.")
class LateDependency:
    supplier_code: str = strawberry.field(
        description="Code of the initiative or solution depended on."
    )
    dependant_code: str = strawberry.field(description="Code of the initiative that depends.")
    slack_days: int = strawberry.field(description="Needed-by minus supplier date (negative).")
    supplier_date: date = strawberry.field(description="The supplier's date after the slip.")
    needed_by: date = strawberry.field(
        description="The day the dependant needs the supplier's result."
    )

    @strawberry.field(description="The initiative that depends.")
    async def dependant(self, info: Info) -> Initiative:
        return await load_initiative(info, self.dependant_code)

    @strawberry.field(description="The initiative or solution depended on.")
    async def supplier(self, info: Info) -> PortfolioNode:
        return await load_node(info, self.supplier_code)


@strawberry.type(description="What a slip would do, computed without saving anything.")
class Impact:
    code: str = strawberry.field(description="The initiative or delivery slipped.")
    slip_days: int = strawberry.field(
        description="Days the initiative or delivery was slipped (negative: earlier)."
    )
    finish_before: date | None = strawberry.field(
        description="The portfolio's finish before the slip."
    )
    finish_after: date | None = strawberry.field(
        description="The portfolio's finish after the slip."
    )
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
    strawberry.union(
        "ImpactResult", description="What a slip would move, or why it cannot be worked out."
    ),
]


@strawberry.type(description="An initiative ranked by how much of the portfolio waits for it.")
class KeyInitiative:
    rank: int = strawberry.field(description="Position in the ranking, from 1.")
    code: str = strawberry.field(description="Code of the initiative.")
    transitive_dependants: int = strawberry.field(
        description="How many initiatives depend on it, transitively."
    )
    betweenness: float = strawberry.field(
        description="Betweenness centrality in the dependency graph (0–1)."
    )

    @strawberry.field(description="The initiative.")
    async def initiative(self, info: Info) -> Initiative:
        return await load_initiative(info, self.code)
