"""Portfolio states to compare: now, as a round knew it, or as a baseline froze it.

Each state is the portfolio's facts (``repository.state_rows`` or, for a round,
``state_rows_as_of``) with the analysis computed on them (``Analysis`` of the current
version, or ``Analysis.as_known_in`` for a round). :func:`state_from` is the one builder;
a scenario builds its state the same way from its own copy of the graph.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

import graph
from app import repository
from app.analysis import Analysis, Read, ScenarioEvaluation, run_cancellable
from app.graph_records import stored_day
from app.portfolio_changes import (
    DeliveryFacts,
    DependencyFacts,
    InitiativeFacts,
    PortfolioState,
    Propagated,
)


async def state_now(
    read: Read,
    analysis: Analysis,
    *,
    period_opens: date | None = None,
    include_risk_level: bool = False,
) -> PortfolioState:
    """The portfolio as it is, with every initiative's latest status (up to the round
    that opened on ``period_opens``, when given)."""
    rows = await read(repository.state_rows)
    return await state_from(
        read, analysis, rows, period_opens=period_opens, include_risk_level=include_risk_level
    )


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
    include_risk_level: bool = False,
) -> PortfolioState:
    """The state of ``rows`` with ``analysis`` (built from the same rows) and the statuses
    reported up to ``period_opens`` (all of them when None); propagation from red status,
    and from red risk too with ``include_risk_level``."""
    statuses = await analysis.statuses(read, period_opens)
    propagation = await analysis.propagation(
        read, period_opens, include_risk_level=include_risk_level
    )
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


def state_of_scenario(now: PortfolioState, evaluation: ScenarioEvaluation) -> PortfolioState:
    """The portfolio as a scenario has it: ``now`` (the state it was evaluated against,
    same period and propagation rule) with the facts the scenario sets and the analysis
    of its copy (pure)."""
    facts = evaluation.facts
    initiatives = dict(now.initiatives)
    for code, snapshot in facts.statuses.items():
        initiatives[code] = dataclasses.replace(
            initiatives[code],
            status=snapshot.status.value if snapshot.status is not None else None,
            risk_level=snapshot.risk_level.value if snapshot.risk_level is not None else None,
        )
    for code, record in facts.initiatives.items():
        initiatives[code] = dataclasses.replace(
            initiatives[code],
            planned_start=record.planned_start,
            planned_end=record.planned_end,
            forecast_end=record.forecast_end,
        )
    dependencies = dict(now.dependencies)
    for (supplier, dependant), attributes in facts.dependencies.items():
        if attributes is None:
            dependencies.pop((supplier, dependant), None)
            continue
        criticality = attributes.get("criticality", "MEDIUM")
        needed_by = attributes.get("needed_by")
        dependencies[supplier, dependant] = DependencyFacts(
            supplier,
            dependant,
            str(getattr(criticality, "value", criticality)),
            needed_by if isinstance(needed_by, date) else None,
        )
    schedule, critical = evaluation.schedule, evaluation.critical
    return dataclasses.replace(
        now,
        initiatives=initiatives,
        dependencies=dependencies,
        propagation={
            risk.code: Propagated(risk.level.value, find=_sources_of(risk))
            for risk in evaluation.propagation.flagged
        },
        late={pair: slack.slack_days for pair, slack in evaluation.late},
        finish=schedule.finish if schedule is not None else None,
        chain=tuple(critical.chain) if critical is not None else (),
    )


def _sources_of(risk: graph.PropagatedRisk) -> Callable[[], tuple[str, ...]]:
    """How to find ``risk``'s sources when they are asked for (see ``Propagated``)."""
    return lambda: risk.sources
