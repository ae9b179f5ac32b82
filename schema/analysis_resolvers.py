"""Resolvers of the analysis fields of initiatives and dependencies.

The analysis lives in ``graph/`` and is cached per data version by :mod:`app.analysis`;
these functions look results up by code. Those answering with a value are named beside
their field in ``schema/types.py``; those answering with graph results hand them to the
types there, which build the objects they name.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import graph
from app.analysis import run_cancellable
from app.messages import message
from schema.arguments import KindArgument, MaxDepthArgument, NodeKind, check_max_depth
from schema.bounds import PORTFOLIO_LIST, check_first
from schema.context import Info
from schema.error_types import DependencyCycleError
from schema.records import DependencyRecord, InitiativeRecord


async def chain(
    info: Info,
    code: str,
    direction: graph.Direction,
    max_depth: int | None,
    kind: NodeKind | None,
    nearest: int | None = None,
) -> Sequence[graph.ChainNode]:
    """The walk from ``code`` in ``direction``, remembered for the request.

    With ``nearest`` the walk stops at the depth that holds the first ``nearest`` nodes
    (see ``graph.upstream``): a page needs no more. The count fields walk it all.
    """
    check_max_depth(max_depth)
    analysis = await info.context.analysis()
    if code not in analysis.graph:
        return ()
    walk = graph.upstream if direction == graph.Direction.UPSTREAM else graph.downstream
    # The chain builds paths only for the nodes a page takes from it.
    return await info.context.remember(
        ("chain", direction, code, max_depth, kind, nearest),
        lambda: run_cancellable(
            walk, analysis.graph, code, max_depth=max_depth, kind=kind, nearest=nearest
        ),
    )


async def chain_page(
    info: Info,
    code: str,
    direction: graph.Direction,
    max_depth: int | None,
    kind: NodeKind | None,
    first: int,
) -> Sequence[graph.ChainNode]:
    check_first(first, PORTFOLIO_LIST)  # before the walk, which a bad page need not cost
    walked = await chain(info, code, direction, max_depth, kind, nearest=first)
    # The page's paths are rebuilt off the event loop too: a page of 100 chains of 100
    # nodes is 10,000 paths.
    return await run_cancellable(walked.__getitem__, slice(0, first))


async def upstream_count(
    root: InitiativeRecord,
    info: Info,
    max_depth: MaxDepthArgument = None,
    kind: KindArgument = None,
) -> int:
    return len(await chain(info, root.code, graph.Direction.UPSTREAM, max_depth, kind))


async def downstream_count(
    root: InitiativeRecord,
    info: Info,
    max_depth: MaxDepthArgument = None,
    kind: KindArgument = None,
) -> int:
    return len(await chain(info, root.code, graph.Direction.DOWNSTREAM, max_depth, kind))


async def foundation(
    info: Info, code: str, nearest: int | None = None
) -> Sequence[graph.FoundationDependency]:
    """The solutions upstream of ``code``; with ``nearest``, walked only as far as a page."""
    analysis = await info.context.analysis()
    if code not in analysis.graph:
        return ()
    return await info.context.remember(
        ("foundation", code, nearest),
        lambda: run_cancellable(
            graph.foundation_dependencies, analysis.graph, code, nearest=nearest
        ),
    )


async def foundation_dependency_count(root: InitiativeRecord, info: Info) -> int:
    return len(await foundation(info, root.code))


async def propagation(
    info: Info, period: str | None, include_risk_level: bool
) -> dict[str, graph.PropagatedRisk]:
    """Red-status propagation in the period (default: current), by initiative code."""
    chosen = await info.context.resolve_period(period)
    analysis = await info.context.analysis_in(chosen)
    return await analysis.propagation(
        info.context.read,
        chosen.opens if chosen is not None else None,
        include_risk_level=include_risk_level,
    )


async def schedule_item(info: Info, code: str) -> graph.ScheduleItem | None:
    analysis = await info.context.analysis()
    try:
        schedule = await analysis.schedule()
    except graph.DependencyCycle:
        return None
    item: graph.ScheduleItem | None = schedule.items.get(code)
    return item


async def transitive_dependant_count(root: InitiativeRecord, info: Info) -> int:
    analysis = await info.context.analysis()
    return (await analysis.transitive_dependant_counts()).get(root.code, 0)


def cycle_error(cycle: graph.DependencyCycle) -> DependencyCycleError:
    return DependencyCycleError(
        message=message("dependencies_cycle", path=" → ".join(cycle.cycle)).render(),
        cycle=list(cycle.cycle),
    )


# --- lateness of a dependency -----------------------------------------------------------------


async def _slack(root: DependencyRecord, info: Info) -> graph.Slack | None:
    analysis = await info.context.analysis()
    return (await analysis.slack()).get((root.supplier_code, root.dependant_code))


async def is_late(root: DependencyRecord, info: Info) -> bool | None:
    slack = await _slack(root, info)
    return slack.is_late if slack is not None else None


async def slack_days(root: DependencyRecord, info: Info) -> int | None:
    slack = await _slack(root, info)
    return slack.slack_days if slack is not None else None


async def supplier_date(root: DependencyRecord, info: Info) -> date | None:
    slack = await _slack(root, info)
    return slack.supplier_date if slack is not None else None
