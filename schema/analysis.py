"""Portfolio-wide analysis queries: propagation, critical path, impact, ranking, views.

The analysis itself lives in ``graph/`` and is cached per data version by
:mod:`app.analysis`; the fields of single initiatives and dependencies are resolved in
:mod:`schema.analysis_resolvers`. The result types are in :mod:`schema.analysis_types`.
"""

from __future__ import annotations

from typing import Annotated

import strawberry

import graph
from app import repository
from app.analysis import Analysis, run_cancellable
from app.messages import message
from app.validation import MAX_SLIP_DAYS
from schema.analysis_resolvers import cycle_error
from schema.analysis_types import (
    CriticalPath,
    CriticalPathResult,
    Impact,
    ImpactResult,
    KeyInitiative,
    NotScheduledError,
    RiskPropagation,
)
from schema.arguments import (
    AsOfPeriodArgument,
    Direction,
    IncludeRiskArgument,
    MaxDepthArgument,
    check_max_depth,
)
from schema.bounds import KEY_INITIATIVES, PORTFOLIO_LIST, FirstPortfolio, check_first
from schema.context import Info
from schema.error_types import DependencyCycleError, NotFoundError
from schema.errors import out_of_range
from schema.graph_view_types import DependencyGraph
from schema.types import Dependency

SlipDays = Annotated[
    int,
    strawberry.argument(
        description=f"Days to slip (negative: earlier), at most {MAX_SLIP_DAYS:,} either way."
    ),
]


@strawberry.type
class AnalysisQuery:
    """Portfolio-wide analysis queries (mixed into ``Query``)."""

    @strawberry.field(description="Every initiative flagged by red-status propagation.")
    async def risk_propagation(
        self,
        info: Info,
        period: AsOfPeriodArgument = None,
        include_risk_level: IncludeRiskArgument = False,
    ) -> RiskPropagation:
        chosen = await info.context.resolve_period(period)
        analysis = await info.context.analysis_in(chosen)
        overview = await analysis.propagation_overview(
            info.context.read,
            chosen.opens if chosen is not None else None,
            include_risk_level=include_risk_level,
        )
        return RiskPropagation(
            include_risk_level=include_risk_level,
            period_code=chosen.code if chosen is not None else None,
            flagged_results=overview.flagged,
            reach_results=overview.reach,
        )

    @strawberry.field(
        description="The portfolio schedule with its critical set; null when nothing is dated."
    )
    async def critical_path(
        self,
        info: Info,
        near_critical_days: Annotated[
            int | None,
            strawberry.argument(
                description="Mark activities whose float is above zero and at most this."
            ),
        ] = None,
        period: AsOfPeriodArgument = None,
    ) -> CriticalPathResult | None:
        if near_critical_days is not None and not 0 <= near_critical_days <= MAX_SLIP_DAYS:
            raise out_of_range("nearCriticalDays", near_critical_days, 0, MAX_SLIP_DAYS)
        analysis = await _analysis_in(info, period)
        try:
            schedule = await analysis.schedule()
            found = await analysis.critical_set()
        except graph.DependencyCycle as cycle:
            return cycle_error(cycle)
        if schedule.finish is None:
            return None
        near = (
            frozenset(graph.near_critical(schedule, days=near_critical_days))
            if near_critical_days is not None
            else frozenset()
        )
        items = schedule.items
        return CriticalPath(
            chain_codes=list(found.chain),
            finish=schedule.finish,
            chains_truncated=found.chains_truncated,
            by_start=sorted(items.values(), key=lambda item: (item.earliest_start, item.code)),
            near_by_float=sorted(
                (items[code] for code in near),
                key=lambda item: (item.total_float_days, item.code),
            ),
            near_codes=near,
            found_chains=found.chains,
        )

    @strawberry.field(description="What slipping an initiative's end by N days would move.")
    async def impact(
        self,
        info: Info,
        code: Annotated[str, strawberry.argument(description="Code of the initiative to slip.")],
        slip_days: SlipDays,
    ) -> ImpactResult:
        return await _impact(info, slip_days, code=code)

    @strawberry.field(description="What slipping a delivery's forecast by N days would move.")
    async def delivery_impact(
        self,
        info: Info,
        code: Annotated[str, strawberry.argument(description="Code of the delivery to slip.")],
        slip_days: SlipDays,
    ) -> ImpactResult:
        return await _impact(info, slip_days, delivery=code)

    @strawberry.field(description="Initiatives ranked by transitive dependants, then betweenness.")
    async def key_initiatives(
        self,
        info: Info,
        limit: Annotated[
            int, strawberry.argument(description="1–100; `first` is the same, by its usual name.")
        ] = KEY_INITIATIVES.default,
        first: Annotated[
            int | None,
            strawberry.argument(
                description=(f"How many to rank (0–{KEY_INITIATIVES.maximum}); overrides `limit`.")
            ),
        ] = None,
    ) -> list[KeyInitiative]:
        if first is not None:
            limit = check_first(first, KEY_INITIATIVES)
            if limit == 0:
                return []
        elif not 1 <= limit <= KEY_INITIATIVES.maximum:
            raise out_of_range("limit", limit, 1, KEY_INITIATIVES.maximum)
        analysis = await info.context.analysis()
        ranked = await analysis.ranked_initiatives(limit)
        return [
            KeyInitiative(
                rank=position,
                code=key.code,
                transitive_dependants=key.transitive_dependants,
                betweenness=key.betweenness,
            )
            for position, key in enumerate(ranked, start=1)
        ]

    @strawberry.field(
        description=(
            "Every dependency whose supplier date is after its neededBy, by supplier code"
            " then dependant code."
        )
    )
    async def late_dependencies(
        self,
        info: Info,
        first: FirstPortfolio = PORTFOLIO_LIST.default,
        period: AsOfPeriodArgument = None,
    ) -> list[Dependency]:
        check_first(first, PORTFOLIO_LIST)
        analysis = await _analysis_in(info, period)
        late = sorted(key for key, slack in (await analysis.slack()).items() if slack.is_late)[
            :first
        ]
        # Two batched reads for the whole page, not two per late dependency.
        loaders = info.context.loaders
        dependants = await loaders.initiative_by_code.load_many([code for _, code in late])
        ids = []
        for (_, dependant_code), dependant in zip(late, dependants, strict=True):
            assert dependant is not None, dependant_code  # the analysis holds admitted ones
            ids.append(dependant.id)
        rows_of = await loaders.dependencies_by_dependant.load_many(ids)
        # A dependency of an earlier round that is gone since has no object to show
        # (``portfolioChanges`` lists it); every other one is answered as it is now.
        return [
            Dependency.from_row(row)
            for (supplier_code, _), rows in zip(late, rows_of, strict=True)
            for row in rows
            if row.supplier_code == supplier_code
        ]

    @strawberry.field(description="How many dependencies are late.")
    async def late_dependency_count(self, info: Info, period: AsOfPeriodArgument = None) -> int:
        analysis = await _analysis_in(info, period)
        return sum(1 for slack in (await analysis.slack()).values() if slack.is_late)

    @strawberry.field(description="Cycles in the loaded dependencies (strongly connected sets).")
    async def dependency_cycles(self, info: Info) -> list[list[str]]:
        analysis = await info.context.analysis()
        return [list(component) for component in analysis.cycles]

    @strawberry.field(
        description="The dependency graph around `root` (or the whole portfolio), to draw."
    )
    async def dependency_graph(
        self,
        info: Info,
        # `root` is reserved by strawberry for the parent value, hence the rename.
        root_code: Annotated[
            str | None,
            strawberry.argument(name="root", description="Initiative or solution code."),
        ] = None,
        direction: Annotated[
            Direction,
            strawberry.argument(description="Which way to follow dependencies from `root`."),
        ] = graph.Direction.BOTH,
        max_depth: MaxDepthArgument = None,
        period: AsOfPeriodArgument = None,
        include_risk_level: IncludeRiskArgument = False,
    ) -> DependencyGraph | None:
        check_max_depth(max_depth)
        chosen = await info.context.resolve_period(period)
        analysis = await info.context.analysis_in(chosen)
        if root_code is not None and root_code not in analysis.graph:
            return None
        opens = chosen.opens if chosen is not None else None
        view, depths, layers = await analysis.drawing(
            root=root_code, direction=direction, max_depth=max_depth
        )
        return DependencyGraph(
            view=view,
            statuses=await analysis.statuses(info.context.read, opens),
            levels=await analysis.node_levels(info.context.read, opens, include_risk_level),
            slack=await analysis.slack(),
            depths=depths,
            layers=layers,
        )


async def _analysis_in(info: Info, period: str | None) -> Analysis:
    """The analysis as the round ``period`` names knew the portfolio (default: now)."""
    if period is None:
        return await info.context.analysis()
    return await info.context.analysis_in(await info.context.resolve_period(period))


def _not_found(noun: str, code: str) -> str:
    return message("not_found", what=message(noun), code=repr(code)).render()


async def _impact(
    info: Info, slip_days: int, *, code: str | None = None, delivery: str | None = None
) -> Impact | NotFoundError | NotScheduledError | DependencyCycleError:
    if not -MAX_SLIP_DAYS <= slip_days <= MAX_SLIP_DAYS:
        raise out_of_range("slipDays", slip_days, -MAX_SLIP_DAYS, MAX_SLIP_DAYS)
    subject = code if code is not None else delivery
    assert subject is not None
    analysis = await info.context.analysis()
    try:
        result = await run_cancellable(
            graph.slip_impact,
            analysis.graph,
            code=code,
            delivery=delivery,
            slip_days=slip_days,
            arrays=analysis.arrays,
            before=await analysis.schedule(),
            before_slack=await analysis.slack(),
        )
    except graph.DeliveryNotFound:
        # A delivery no dependency names moves nothing; an unknown code is the caller's.
        found = await info.context.read(
            repository.delivery_by_code, subject, visibility=info.context.visibility
        )
        if found is None:
            return NotFoundError(message=_not_found("noun.delivery", subject), code=subject)
        return Impact(code=subject, slip_days=slip_days, finish_before=None, finish_after=None)
    except graph.NodeNotFound:
        return NotFoundError(message=_not_found("noun.initiative", subject), code=subject)
    except graph.NodeNotScheduled:
        return NotScheduledError(
            message=message("not_scheduled", code=repr(subject)).render(), code=subject
        )
    except graph.DependencyCycle as cycle:
        return cycle_error(cycle)
    return Impact(
        code=subject,
        slip_days=slip_days,
        moved_results=result.moved,
        newly_late_results=result.newly_late,
        finish_before=result.finish_before,
        finish_after=result.finish_after,
    )
