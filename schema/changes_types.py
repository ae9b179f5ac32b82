"""What changed between two moments of the portfolio (``portfolioChanges``), and baselines.

Built from :class:`app.portfolio_changes.PortfolioChanges`; every list takes ``first``.
An item names its initiative by code and resolves it through the request's loaders, so
a page of changes costs one batched read per kind of object, and what the caller may not
see is left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Annotated, Any

import strawberry

from app import portfolio_changes as changes
from schema.bounds import (
    PATH_LIST,
    PORTFOLIO_LIST,
    Bound,
    FirstPath,
    FirstPortfolio,
    first_page,
)
from schema.context import Info
from schema.enums import Criticality, Phase, Segment, TrafficLight
from schema.reference_types import ReportingPeriod
from schema.types import Delivery, Initiative, PortfolioNode, Solution


async def _visible(info: Info, codes: Sequence[str]) -> dict[str, Initiative]:
    """The initiatives of ``codes`` the caller may see, by code (one batched read)."""
    rows = await info.context.loaders.initiative_by_code.load_many(list(codes))
    return {row.code: Initiative.from_row(row) for row in rows if row is not None}


async def _node(info: Info, code: str) -> Initiative | Solution | None:
    """The solution or visible initiative with ``code``."""
    solution = await info.context.loaders.solution_by_code.load(code)
    if solution is not None:
        return Solution.from_row(solution)
    return (await _visible(info, [code])).get(code)


def _level(value: str | None) -> TrafficLight | None:
    return None if value is None else TrafficLight(value)


@strawberry.type(description="An initiative's status or risk level before and after.")
class LevelChange:
    initiative: Initiative = strawberry.field(description="The initiative.")
    before: TrafficLight | None = strawberry.field(description="The level before (null: none).")
    after: TrafficLight | None = strawberry.field(description="The level after (null: none).")


@strawberry.type(description="An initiative's segment before and after.")
class SegmentChange:
    initiative: Initiative = strawberry.field(description="The initiative.")
    before: Segment | None = strawberry.field(description="The segment before.")
    after: Segment | None = strawberry.field(description="The segment after.")


@strawberry.type(description="An initiative's phase before and after.")
class PhaseChange:
    initiative: Initiative = strawberry.field(description="The initiative.")
    before: Phase = strawberry.field(description="The phase before.")
    after: Phase = strawberry.field(description="The phase after.")


@strawberry.type(description="A delivery whose forecast moved.")
class DeliverySlip:
    delivery: Delivery = strawberry.field(description="The delivery (as it is now).")
    forecast_before: date = strawberry.field(description="Its forecast before.")
    forecast_after: date = strawberry.field(description="Its forecast after.")
    days: int = strawberry.field(description="Days it moved: positive later, negative earlier.")


@strawberry.type(description="A dependency added or removed between the two moments.")
class DependencyChange:
    dependant: Initiative = strawberry.field(description="The initiative that depends.")
    supplier_code: str = strawberry.field(description="Code of the initiative or solution.")
    criticality: Criticality = strawberry.field(description="Its criticality then.")
    needed_by: date | None = strawberry.field(description="When the dependant needed it then.")

    @strawberry.field(description="The initiative or solution depended on.")
    async def supplier(self, info: Info) -> PortfolioNode | None:
        return await _node(info, self.supplier_code)


@strawberry.type(description="An initiative whose propagated red status changed.")
class PropagationChange:
    initiative: Initiative = strawberry.field(description="The initiative.")
    before: TrafficLight | None = strawberry.field(description="Propagated level before.")
    after: TrafficLight | None = strawberry.field(description="Propagated level after.")
    source_codes: strawberry.Private[tuple[str, ...]]

    @strawberry.field(
        description="The red sources of the level after (of the level before, when it cleared)."
    )
    async def sources(self, info: Info, first: FirstPath = PATH_LIST.default) -> list[Initiative]:
        page = first_page(self.source_codes, first, PATH_LIST)
        found = await _visible(info, page)
        return [found[code] for code in page if code in found]


@strawberry.type(description="A dependency that became late, or stopped being late.")
class LateChange:
    dependant: Initiative = strawberry.field(description="The initiative that waits.")
    supplier_code: str = strawberry.field(description="Code of the initiative or solution.")
    slack_before: int | None = strawberry.field(
        description="Slack in days before (negative: late; null: not late or not dated)."
    )
    slack_after: int | None = strawberry.field(
        description="Slack in days after (negative: late; null: not late or not dated)."
    )
    became_late: bool = strawberry.field(description="True: late after, not before.")

    @strawberry.field(description="The initiative or solution waited for.")
    async def supplier(self, info: Info) -> PortfolioNode | None:
        return await _node(info, self.supplier_code)


@strawberry.type(description="The portfolio's critical path before and after.")
class CriticalPathChange:
    finish_before: date | None = strawberry.field(description="The portfolio finish before.")
    finish_after: date | None = strawberry.field(description="The portfolio finish after.")
    finish_moved_days: int | None = strawberry.field(
        description="Days the finish moved (positive: later); null when either is undated."
    )
    changed: bool = strawberry.field(description="The finish or the chain is not the same.")
    chain_before_codes: strawberry.Private[tuple[str, ...]]
    chain_after_codes: strawberry.Private[tuple[str, ...]]

    @strawberry.field(description="The critical chain before (first by code).")
    async def chain_before(self, info: Info) -> list[Initiative]:
        found = await _visible(info, self.chain_before_codes)
        return [found[code] for code in self.chain_before_codes if code in found]

    @strawberry.field(description="The critical chain after (first by code).")
    async def chain_after(self, info: Info) -> list[Initiative]:
        found = await _visible(info, self.chain_after_codes)
        return [found[code] for code in self.chain_after_codes if code in found]


async def _page(
    info: Info, items: Sequence[Any], first: int, code_of: Any, build: Any
) -> list[Any]:
    """The first ``first`` items whose initiative the caller sees, each built with it."""
    page = first_page(items, first, PORTFOLIO_LIST)
    found = await _visible(info, [code_of(item) for item in page])
    return [build(item, found[code_of(item)]) for item in page if code_of(item) in found]


@strawberry.type(
    description=(
        "What changed between two moments of the portfolio: reporting rounds (as each knew"
        " the portfolio), baselines, or now."
    )
)
class PortfolioChanges:
    from_code: str | None = strawberry.field(
        name="from", description="The round or baseline compared; null: now."
    )
    to_code: str | None = strawberry.field(
        name="to", description="The round or baseline compared with; null: now."
    )
    result: strawberry.Private[changes.PortfolioChanges]

    @strawberry.field(description="Initiatives whose status changed, by code.")
    async def status_changes(
        self, info: Info, first: FirstPortfolio = PORTFOLIO_LIST.default
    ) -> list[LevelChange]:
        return await _page(
            info,
            self.result.status_changes,
            first,
            lambda item: item.code,
            lambda item, initiative: LevelChange(
                initiative=initiative, before=_level(item.before), after=_level(item.after)
            ),
        )

    @strawberry.field(description="Initiatives whose risk level changed, by code.")
    async def risk_changes(
        self, info: Info, first: FirstPortfolio = PORTFOLIO_LIST.default
    ) -> list[LevelChange]:
        return await _page(
            info,
            self.result.risk_changes,
            first,
            lambda item: item.code,
            lambda item, initiative: LevelChange(
                initiative=initiative, before=_level(item.before), after=_level(item.after)
            ),
        )

    @strawberry.field(description="Initiatives in the portfolio after but not before, by code.")
    async def added_initiatives(
        self, info: Info, first: FirstPortfolio = PORTFOLIO_LIST.default
    ) -> list[Initiative]:
        return await _page(
            info, self.result.added_initiatives, first, lambda code: code, lambda _, found: found
        )

    @strawberry.field(description="Initiatives in the portfolio before but not after, by code.")
    async def removed_initiatives(
        self, info: Info, first: FirstPortfolio = PORTFOLIO_LIST.default
    ) -> list[Initiative]:
        return await _page(
            info, self.result.removed_initiatives, first, lambda code: code, lambda _, found: found
        )

    @strawberry.field(description="Initiatives whose segment changed, by code.")
    async def segment_changes(
        self, info: Info, first: FirstPortfolio = PORTFOLIO_LIST.default
    ) -> list[SegmentChange]:
        return await _page(
            info,
            self.result.segment_changes,
            first,
            lambda item: item.code,
            lambda item, initiative: SegmentChange(
                initiative=initiative,
                before=None if item.before is None else Segment(item.before),
                after=None if item.after is None else Segment(item.after),
            ),
        )

    @strawberry.field(description="Initiatives whose phase changed, by code.")
    async def phase_changes(
        self, info: Info, first: FirstPortfolio = PORTFOLIO_LIST.default
    ) -> list[PhaseChange]:
        return await _page(
            info,
            self.result.phase_changes,
            first,
            lambda item: item.code,
            lambda item, initiative: PhaseChange(
                initiative=initiative, before=Phase(item.before), after=Phase(item.after)
            ),
        )

    @strawberry.field(
        description="Deliveries whose forecast moved, the longest slip first, then by code."
    )
    async def delivery_slips(
        self, info: Info, first: FirstPortfolio = PORTFOLIO_LIST.default
    ) -> list[DeliverySlip]:
        page = first_page(self.result.delivery_slips, first, PORTFOLIO_LIST)
        rows = await info.context.loaders.delivery_by_code.load_many([slip.code for slip in page])
        return [
            DeliverySlip(
                delivery=Delivery.from_row(row),
                forecast_before=slip.forecast_before,
                forecast_after=slip.forecast_after,
                days=slip.days,
            )
            for slip, row in zip(page, rows, strict=True)
            if row is not None
        ]

    @strawberry.field(description="Dependencies after but not before, by dependant then supplier.")
    async def dependencies_added(
        self, info: Info, first: FirstPortfolio = PORTFOLIO_LIST.default
    ) -> list[DependencyChange]:
        return await _dependency_page(info, self.result.dependencies_added, first)

    @strawberry.field(description="Dependencies before but not after, by dependant then supplier.")
    async def dependencies_removed(
        self, info: Info, first: FirstPortfolio = PORTFOLIO_LIST.default
    ) -> list[DependencyChange]:
        return await _dependency_page(info, self.result.dependencies_removed, first)

    @strawberry.field(
        description=(
            "Initiatives whose propagated red status (from RED status, as `riskPropagation`"
            " answers by default) appeared, moved or cleared, by code."
        )
    )
    async def propagation_changes(
        self, info: Info, first: FirstPortfolio = PORTFOLIO_LIST.default
    ) -> list[PropagationChange]:
        return await _page(
            info,
            self.result.propagation_changes,
            first,
            lambda item: item.code,
            lambda item, initiative: PropagationChange(
                initiative=initiative,
                before=_level(item.before),
                after=_level(item.after),
                source_codes=item.sources,
            ),
        )

    @strawberry.field(
        description="Dependencies that became late or stopped being late, by dependant then"
        " supplier."
    )
    async def late_changes(
        self, info: Info, first: FirstPortfolio = PORTFOLIO_LIST.default
    ) -> list[LateChange]:
        return await _page(
            info,
            self.result.late_changes,
            first,
            lambda item: item.dependant,
            lambda item, initiative: LateChange(
                dependant=initiative,
                supplier_code=item.supplier,
                slack_before=item.slack_before,
                slack_after=item.slack_after,
                became_late=item.became_late,
            ),
        )

    @strawberry.field(description="The critical path and the portfolio finish, before and after.")
    def critical_path_change(self) -> CriticalPathChange:
        change = self.result.critical_path_change
        return CriticalPathChange(
            finish_before=change.finish_before,
            finish_after=change.finish_after,
            finish_moved_days=change.finish_moved_days,
            changed=change.changed,
            chain_before_codes=change.chain_before,
            chain_after_codes=change.chain_after,
        )


async def _dependency_page(
    info: Info, items: Sequence[changes.DependencyFacts], first: int
) -> list[DependencyChange]:
    return await _page(
        info,
        items,
        first,
        lambda item: item.dependant,
        lambda item, initiative: DependencyChange(
            dependant=initiative,
            supplier_code=item.supplier,
            criticality=Criticality(item.criticality),
            needed_by=item.needed_by,
        ),
    )


BASELINE_LIST = Bound(default=50, maximum=200)
"""``baselines``: the office makes a few a year."""

FirstBaseline = Annotated[
    int,
    strawberry.argument(
        description=(
            f"How many to return (default {BASELINE_LIST.default},"
            f" at most {BASELINE_LIST.maximum})."
        )
    ),
]


@strawberry.type(
    description=(
        "The portfolio frozen as it was (*referansepunkt*): compare with it through"
        " `portfolioChanges(from: code)`."
    )
)
class Baseline:
    code: str = strawberry.field(description="Stable key, distinct from every round's code.")
    name: str = strawberry.field(description="What the baseline is for.")
    created_at: datetime = strawberry.field(description="When it was made.")
    created_by: str = strawberry.field(description="Who made it.")
    version: int = strawberry.field(description="The data version it froze.")
    period_id: strawberry.Private[int | None]

    @strawberry.field(description="The round that was current when it was made.")
    async def period(self, info: Info) -> ReportingPeriod | None:
        if self.period_id is None:
            return None
        row = await info.context.loaders.period_by_id.load(self.period_id)
        return None if row is None else ReportingPeriod.from_row(row)

    @classmethod
    def from_row(cls, row: Any) -> Baseline:
        return cls(
            code=row.code,
            name=row.name,
            created_at=row.created_at,
            created_by=row.created_by,
            version=row.version,
            period_id=row.period_id,
        )


@strawberry.type(description="The baseline as stored.")
class BaselinePayload:
    baseline: Baseline = strawberry.field(description="The baseline.")


@strawberry.type(description="The baseline that was deleted.")
class DeleteBaselinePayload:
    code: str = strawberry.field(description="Code the deleted baseline had.")
