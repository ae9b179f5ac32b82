"""Everything the portfolio report shows, gathered from the API's own building blocks.

The round's figures (periods, latest reports, status and risk counts, missing reports,
slipped deliveries, goal and SDG coverage) come from :func:`app.summary.round_summary`, the
one computation ``portfolioSummary`` also renders, and the analysis from the shared
:class:`~app.analysis.Analysis` (propagation, critical set, key initiatives), so the report
and the API never disagree.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

import graph
from app import repository, summary
from app.analysis import AnalysisCache
from app.domain import LABELS, Segment, TrafficLight
from app.portfolio_report.changes import RoundChanges, gather_changes
from app.repository import Row

KEY_INITIATIVES = 10
NOT_REPORTED = summary.NOT_REPORTED
LEVELS = ("GREEN", "YELLOW", "RED", NOT_REPORTED)


@dataclass(frozen=True, slots=True)
class Period:
    code: str
    name: str
    opens: date
    deadline: date
    closed: bool


@dataclass(frozen=True, slots=True)
class LevelCounts:
    """How many initiatives have each traffic light (``none``: no report or no risk given)."""

    label: str
    green: int
    yellow: int
    red: int
    none: int

    @property
    def total(self) -> int:
        return self.green + self.yellow + self.red + self.none


@dataclass(frozen=True, slots=True)
class SlipPoint:
    """Delivery forecasts that moved later in a round, since the round before."""

    period: Period
    slipped: int
    """How many deliveries' forecasts moved later."""
    total_days: int
    median_days: float | None
    """None when no forecast moved later."""


@dataclass(frozen=True, slots=True)
class Flagged:
    """A red or yellow initiative and what its latest report says about it."""

    code: str
    name: str
    owner: str
    segment: str
    status: str
    risk_level: str | None
    reason: str | None
    main_risk_areas: str | None
    reported_in: str
    stale: bool
    illustrative: bool


@dataclass(frozen=True, slots=True)
class Missing:
    code: str
    name: str
    owner: str
    state: str
    last_reported_in: str | None


@dataclass(frozen=True, slots=True)
class SlippedDelivery:
    code: str
    name: str
    initiative_code: str
    baseline: date
    forecast: date
    days: int
    status: str


@dataclass(frozen=True, slots=True)
class Propagated:
    """An initiative reached by red status (or red risk) upstream of it."""

    code: str
    name: str
    own_status: str | None
    level: str
    sources: tuple[str, ...]
    paths: tuple[tuple[str, ...], ...]


@dataclass(frozen=True, slots=True)
class Reach:
    source: str
    name: str
    red: int
    yellow: int


@dataclass(frozen=True, slots=True)
class CriticalActivity:
    code: str
    name: str
    earliest_start: date
    earliest_finish: date


@dataclass(frozen=True, slots=True)
class KeyLine:
    rank: int
    code: str
    name: str
    transitive_dependants: int
    betweenness: float


@dataclass(frozen=True, slots=True)
class GoalLine:
    number: int
    name: str
    main: int
    supporting: int


@dataclass(frozen=True, slots=True)
class SdgLine:
    number: int
    name: str
    initiatives: int


@dataclass(frozen=True, slots=True)
class PortfolioReport:
    """The porteføljerapport of one reporting round, ready to render."""

    period: Period
    previous_period: Period | None
    generated_on: date
    initiative_count: int
    reported_count: int
    status: LevelCounts
    risk: LevelCounts
    status_by_segment: tuple[LevelCounts, ...]
    risk_by_segment: tuple[LevelCounts, ...]
    trend: tuple[tuple[Period, LevelCounts], ...]
    """Status counts of every round up to this one, oldest first."""
    slip_trend: tuple[SlipPoint, ...]
    """Forecast slips of every round after the first, up to this one, oldest first."""
    flagged: tuple[Flagged, ...]
    missing: tuple[Missing, ...]
    slipped: tuple[SlippedDelivery, ...]
    propagated_from_status: tuple[Propagated, ...]
    propagated_with_risk: tuple[Propagated, ...]
    reach: tuple[Reach, ...]
    critical: tuple[CriticalActivity, ...]
    critical_chains: tuple[tuple[str, ...], ...]
    critical_chains_truncated: bool
    portfolio_finish: date | None
    cycle: tuple[str, ...] | None
    key_initiatives: tuple[KeyLine, ...]
    goals: tuple[GoalLine, ...]
    sdgs: tuple[SdgLine, ...]
    illustrative_initiatives: int
    illustrative_reports: int
    changes: RoundChanges | None = None
    """Endringer siden forrige runde; None for the first round."""
    all_names: dict[str, str] = field(default_factory=dict)
    """Names of every admitted initiative, by code."""

    @property
    def red_count(self) -> int:
        return self.status.red

    @property
    def names(self) -> dict[str, str]:
        """Names of every initiative the report mentions, by code."""
        found = {item.code: item.name for item in self.flagged}
        found.update({item.code: item.name for item in self.propagated_from_status})
        found.update({item.code: item.name for item in self.propagated_with_risk})
        found.update({item.source: item.name for item in self.reach})
        found.update(self.all_names)
        return found


def _period(row: Row) -> Period:
    return Period(row.code, row.name, row.opens, row.deadline, bool(row.closed))


def _counts(label: str, values: Sequence[str | None]) -> LevelCounts:
    counter = Counter(value or NOT_REPORTED for value in values)
    return LevelCounts(label, counter["GREEN"], counter["YELLOW"], counter["RED"], counter["NONE"])


def _level_counts(label: str, counted: Sequence[summary.Count]) -> LevelCounts:
    """The summary's traffic-light counts in the report's shape."""
    by_key = {count.key: count.count for count in counted}
    return LevelCounts(
        label, by_key["GREEN"], by_key["YELLOW"], by_key["RED"], by_key.get(NOT_REPORTED, 0)
    )


def _value(value: Any) -> str | None:
    return None if value is None else str(value)


def _propagated(
    results: dict[str, graph.PropagatedRisk],
    names: dict[str, str],
    statuses: dict[str, str | None],
) -> tuple[Propagated, ...]:
    ordered = sorted(results.values(), key=lambda risk: (-risk.level.severity, risk.code))
    return tuple(
        Propagated(
            code=risk.code,
            name=names.get(risk.code, risk.code),
            own_status=statuses.get(risk.code),
            level=risk.level.value,
            sources=risk.sources,
            paths=risk.paths,
        )
        for risk in ordered
    )


def _status_trend(
    rounds: Sequence[Row], counted: Sequence[Row], admitted_count: int
) -> tuple[tuple[Period, LevelCounts], ...]:
    """Each round's status counts (oldest first); the admitted initiatives without a
    report up to a round count as not reported."""
    by_round: dict[str, Counter[str]] = {row.code: Counter() for row in rounds}
    for row in counted:
        by_round[row.round][str(row.status)] += row.initiatives
    points = []
    for row in rounds:
        found = by_round[row.code]
        green, yellow, red = found["GREEN"], found["YELLOW"], found["RED"]
        points.append(
            (
                _period(row),
                LevelCounts(row.name, green, yellow, red, admitted_count - green - yellow - red),
            )
        )
    return tuple(points)


def _slip_trend(rounds: Sequence[Row], slips: Sequence[Row]) -> tuple[SlipPoint, ...]:
    """Per round after the first (oldest first): the forecasts later than the round before.

    ``slips`` are those of ``forecast_slips_per_round``, as
    ``portfolioChanges(from: previous, to: round)`` lists them with positive ``days``.
    """
    days: dict[str, list[int]] = {row.code: [] for row in rounds}
    for row in slips:
        days[row.round].append((row.after - row.before).days)
    points = []
    for row in rounds[1:]:
        found = sorted(days[row.code])
        points.append(
            SlipPoint(
                period=_period(row),
                slipped=len(found),
                total_days=sum(found),
                median_days=statistics.median(found) if found else None,
            )
        )
    return tuple(points)


class _Reader:
    """The ``read`` callable the analysis expects, on one connection."""

    def __init__(self, connection: AsyncConnection) -> None:
        self.connection = connection

    async def __call__(self, query: Any, *args: Any, **kwargs: Any) -> Any:
        return await query(self.connection, *args, **kwargs)


async def gather_report(
    engine: AsyncEngine,
    *,
    period_code: str | None,
    today: date,
    analysis_cache: AnalysisCache | None = None,
) -> PortfolioReport | None:
    """The report of ``period_code`` (default: the current period); None if there is none."""
    async with engine.connect() as connection:
        return await _gather(
            _Reader(connection), period_code, today, analysis_cache or AnalysisCache()
        )


async def _gather(
    read: _Reader, period_code: str | None, today: date, cache: AnalysisCache
) -> PortfolioReport | None:
    periods = list(await read(repository.list_reporting_periods))  # newest first
    if period_code is None:
        period = repository.pick_current_period(periods, today=today)
    else:
        period = next((row for row in periods if row.code == period_code), None)
    if period is None:
        return None
    position = [row.id for row in periods].index(period.id)
    period_codes = {row.id: row.code for row in periods}
    found = await summary.round_summary(read, period=period, periods=periods)
    initiatives, latest = found.initiatives, found.latest

    names = {row.code: row.name for row in initiatives}
    admitted = {row.id: row for row in initiatives}
    status_of = {key: _value(value) for key, value in found.status_of.items()}
    risk_of = {key: _value(value) for key, value in found.risk_of.items()}
    segment_labels = LABELS[Segment]

    def by_segment(values: dict[int, str | None]) -> tuple[LevelCounts, ...]:
        return tuple(
            _counts(
                segment_labels[segment.value],
                [values[key] for key, row in admitted.items() if row.segment == segment],
            )
            for segment in Segment
        )

    admitted_count = len(admitted)
    trend = _status_trend(
        list(reversed(periods[position:])),
        await read(repository.status_counts_per_round, period_opens=period.opens),
        admitted_count,
    )
    slip_trend = _slip_trend(
        list(reversed(periods[position:])),
        await read(repository.forecast_slips_per_round, period_opens=period.opens),
    )

    flagged = []
    for key, row in admitted.items():
        report = latest.get(key)
        if report is None or report.status not in {TrafficLight.RED, TrafficLight.YELLOW}:
            continue
        flagged.append(
            Flagged(
                code=row.code,
                name=row.name,
                owner=row.owner_name,
                segment=segment_labels.get(str(row.segment), ""),
                status=str(report.status),
                risk_level=_value(report.risk_level),
                reason=report.status_reason,
                main_risk_areas=report.main_risk_areas,
                reported_in=period_codes[report.period_id],
                stale=report.period_id != period.id,
                illustrative=bool(report.illustrative),
            )
        )
    flagged.sort(key=lambda item: (item.status != "RED", item.code))

    missing = tuple(
        Missing(
            code=row.code,
            name=row.name,
            owner=row.owner_name,
            state=str(row.state),
            last_reported_in=(period_codes[latest[row.id].period_id] if row.id in latest else None),
        )
        for row in found.missing_reports
    )
    initiative_codes = {row.id: row.code for row in initiatives}
    slipped = tuple(
        SlippedDelivery(
            code=row.code,
            name=row.name,
            initiative_code=initiative_codes[row.initiative_id],
            baseline=row.baseline_date,
            forecast=row.forecast_date,
            days=(row.forecast_date - row.baseline_date).days,
            status=str(row.status),
        )
        for row in found.slipped_deliveries
    )

    current_analysis = await cache.get(read)
    current = repository.pick_current_period(periods, today=today)
    is_current = current is not None and current.id == period.id
    # An earlier round's report reads the portfolio as that round knew it, as the API's
    # `period` arguments do.
    analysis = (
        current_analysis
        if is_current
        else (await current_analysis.as_known_in(read, period.opens)).analysis
    )
    changes = await gather_changes(
        read,
        current_analysis,
        period=period,
        previous=found.previous_period,
        current=is_current,
    )
    own_status = {row.code: status_of[row.id] for row in initiatives}
    from_status = await analysis.propagation(read, period.opens, include_risk_level=False)
    with_risk = await analysis.propagation(read, period.opens, include_risk_level=True)
    added_by_risk = {
        code: risk
        for code, risk in with_risk.items()
        if code not in from_status
        or (from_status[code].level, from_status[code].sources) != (risk.level, risk.sources)
    }
    reach = await analysis.source_reach(read, period.opens, include_risk_level=True)
    try:
        schedule = await analysis.schedule()
        critical_set = await analysis.critical_set()
        cycle = None
    except graph.DependencyCycle as error:
        schedule, critical_set, cycle = None, graph.CriticalSet((), ()), tuple(error.cycle)
    critical = tuple(
        sorted(
            (
                CriticalActivity(
                    code=code,
                    name=names.get(code, code),
                    earliest_start=schedule.items[code].earliest_start,
                    earliest_finish=schedule.items[code].earliest_finish,
                )
                for code in critical_set.critical
                if schedule is not None
            ),
            key=lambda item: (item.earliest_start, item.code),
        )
    )
    ranked = await analysis.ranked_initiatives(KEY_INITIATIVES)
    key_lines = tuple(
        KeyLine(
            rank=rank,
            code=key.code,
            name=names.get(key.code, key.code),
            transitive_dependants=key.transitive_dependants,
            betweenness=key.betweenness,
        )
        for rank, key in enumerate(ranked, start=1)
    )

    return PortfolioReport(
        period=_period(period),
        previous_period=(
            _period(found.previous_period) if found.previous_period is not None else None
        ),
        generated_on=today,
        initiative_count=found.initiative_count,
        reported_count=found.reported_count,
        status=_level_counts("Status", found.by_status),
        risk=_level_counts("Risiko", found.by_risk),
        status_by_segment=by_segment(status_of),
        risk_by_segment=by_segment(risk_of),
        trend=trend,
        slip_trend=slip_trend,
        flagged=tuple(flagged),
        missing=missing,
        slipped=slipped,
        propagated_from_status=_propagated(from_status, names, own_status),
        propagated_with_risk=_propagated(added_by_risk, names, own_status),
        reach=tuple(
            Reach(item.source, names.get(item.source, item.source), item.red, item.yellow)
            for item in reach
        ),
        critical=critical,
        critical_chains=critical_set.chains,
        critical_chains_truncated=critical_set.chains_truncated,
        portfolio_finish=schedule.finish if schedule is not None else None,
        cycle=cycle,
        key_initiatives=key_lines,
        goals=tuple(
            GoalLine(
                item.goal.number, item.goal.name, item.main_goal_count, item.supporting_goal_count
            )
            for item in found.goal_coverage
        ),
        sdgs=tuple(
            SdgLine(item.goal.number, item.goal.name, item.initiative_count)
            for item in found.sdg_coverage
        ),
        illustrative_initiatives=sum(1 for row in initiatives if row.illustrative_fields),
        illustrative_reports=sum(
            1 for key in admitted if key in latest and latest[key].illustrative
        ),
        changes=changes,
        all_names=names,
    )
