"""Portfolio states to compare: now, as a round knew it, or as a baseline froze it.

Each state is the portfolio's facts (``repository.state_rows`` or, for a round,
``state_rows_as_of``) with the analysis computed on them (``Analysis`` of the current
version, or ``Analysis.as_known_in`` for a round). :func:`state_from` is the one builder;
a scenario builds its state the same way from its own copy of the graph.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

import graph
from app import repository
from app.analysis import Analysis, Read, run_cancellable
from app.graph_records import stored_day
from app.portfolio_changes import (
    DeliveryFacts,
    DependencyFacts,
    InitiativeFacts,
    PortfolioState,
    Propagated,
)


async def state_now(read: Read, analysis: Analysis) -> PortfolioState:
    """The portfolio as it is, with every initiative's latest status."""
    rows = await read(repository.state_rows)
    return await state_from(read, analysis, rows, period_opens=None)


async def state_of_round(read: Read, analysis: Analysis, period_opens: date) -> PortfolioState:
    """The portfolio as the round that opened on ``period_opens`` knew it."""
    known = await analysis.as_known_in(read, period_opens)
    return await state_from(read, known.analysis, known.rows, period_opens=period_opens)


def state_of_baseline(row: Any) -> PortfolioState:
    """The state a baseline froze."""
    return PortfolioState.from_json(row.state)


async def state_from(
    read: Read,
    analysis: Analysis,
    rows: repository.StateRows,
    *,
    period_opens: date | None,
) -> PortfolioState:
    """The state of ``rows`` with ``analysis`` (built from the same rows) and the statuses
    reported up to ``period_opens`` (all of them when None)."""
    statuses = await analysis.statuses(read, period_opens)
    propagation = await analysis.propagation(read, period_opens, include_risk_level=False)
    slack = await analysis.slack()
    try:
        schedule = await analysis.schedule()
        chain = (await analysis.critical_set()).chain
        finish = schedule.finish
    except graph.DependencyCycle:
        chain, finish = (), None

    return await run_cancellable(
        lambda: state_of(
            rows,
            statuses=statuses,
            propagation=propagation,
            late={pair: item.slack_days for pair, item in slack.items() if item.is_late},
            finish=finish,
            chain=tuple(chain),
        )
    )


def state_of(
    rows: repository.StateRows,
    *,
    statuses: Mapping[str, graph.StatusSnapshot],
    propagation: Mapping[str, graph.PropagatedRisk],
    late: Mapping[tuple[str, str], int],
    finish: date | None,
    chain: tuple[str, ...],
) -> PortfolioState:
    """The state of ``rows`` with the analysis results computed on them (pure).

    A scenario builds its state here from its own rows, statuses and analysis.
    """
    initiatives = {}
    for code, _, segment, phase, start, end, forecast in rows.initiatives:
        status = statuses.get(code)
        initiatives[code] = InitiativeFacts(
            code=code,
            segment=None if segment is None else str(segment),
            phase=str(phase),
            status=status.status.value if status is not None and status.status else None,
            risk_level=(
                status.risk_level.value
                if status is not None and status.risk_level is not None
                else None
            ),
            planned_start=stored_day(start),
            planned_end=stored_day(end),
            forecast_end=stored_day(forecast),
        )
    return PortfolioState(
        initiatives=initiatives,
        deliveries={
            code: DeliveryFacts(code, initiative, stored_day(baseline), stored_day(forecast))
            for code, initiative, baseline, forecast in rows.deliveries
        },
        dependencies={
            (supplier, dependant): DependencyFacts(
                supplier, dependant, str(criticality), stored_day(needed_by)
            )
            for supplier, dependant, criticality, _, _, needed_by, _ in rows.dependencies
        },
        propagation={
            code: Propagated(risk.level.value, find=_sources_of(risk))
            for code, risk in propagation.items()
        },
        late=dict(late),
        finish=finish,
        chain=chain,
    )


def _sources_of(risk: graph.PropagatedRisk) -> Callable[[], tuple[str, ...]]:
    """How to find ``risk``'s sources when they are asked for (see ``Propagated``)."""
    return lambda: risk.sources
