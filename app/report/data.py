"""Everything the portfolio report shows, gathered from the API's own building blocks.

The figures come from the same repository and reporting functions as ``portfolioSummary``
and from the shared :class:`~app.analysis.Analysis` (propagation, critical path, key
initiatives), so the report and the API never disagree.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

import graph
from app import reporting, repository
from app.analysis import AnalysisCache
from app.domain import LABELS, Segment, TrafficLight
from app.repository import Row

TREND_PERIODS = 6
KEY_INITIATIVES = 10
NOT_REPORTED = "NONE"
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
        return found


def _period(row: Row) -> Period:
    return Period(row.code, row.name, row.opens, row.deadline, bool(row.closed))


def _counts(label: str, values: Sequence[str | None]) -> LevelCounts:
    counter = Counter(value or NOT_REPORTED for value in values)
    return LevelCounts(label, counter["GREEN"], counter["YELLOW"], counter["RED"], counter["NONE"])


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
    previous = periods[position + 1] if position + 1 < len(periods) else None
    period_codes = {row.id: row.code for row in periods}

    initiatives = await read(reporting.admitted_initiatives)
    latest = await read(reporting.latest_reports, period_opens=period.opens)
    reported = await read(reporting.initiatives_reported_in, period_id=period.id)
    deliveries = await read(reporting.open_deliveries)
    supporting, sdg_links = await read(reporting.goal_links)
    goals = await read(repository.list_strategic_goals)
    sdgs = await read(repository.list_sustainable_development_goals)

    names = {row.code: row.name for row in initiatives}
    admitted = {row.id: row for row in initiatives}
    status_of = {key: _value(getattr(latest.get(key), "status", None)) for key in admitted}
    risk_of = {key: _value(getattr(latest.get(key), "risk_level", None)) for key in admitted}
    segment_labels = LABELS[Segment]

    def by_segment(values: dict[int, str | None]) -> tuple[LevelCounts, ...]:
        return tuple(
            _counts(
                segment_labels[segment.value],
                [values[key] for key, row in admitted.items() if row.segment == segment],
            )
            for segment in Segment
        )

    trend = []
    for row in reversed(periods[position : position + TREND_PERIODS]):
        reports = (
            latest
            if row.id == period.id
            else await read(reporting.latest_reports, period_opens=row.opens)
        )
        trend.append(
            (
                _period(row),
                _counts(
                    row.name,
                    [_value(getattr(reports.get(key), "status", None)) for key in admitted],
                ),
            )
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
        for row in reporting.missing_reports(initiatives, reported)
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
        for row in reporting.slipped_deliveries(deliveries)
    )

    analysis = await cache.get(read)
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
        schedule = analysis.schedule()
        critical_set = analysis.critical_set()
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
    key_lines = tuple(
        KeyLine(
            rank=rank,
            code=key.code,
            name=names.get(key.code, key.code),
            transitive_dependants=key.transitive_dependants,
            betweenness=key.betweenness,
        )
        for rank, key in enumerate(analysis.ranked_initiatives(KEY_INITIATIVES), start=1)
    )

    main_counts = Counter(row.main_goal_number for row in initiatives)
    supporting_counts = Counter(
        link.goal_number for link in supporting if link.initiative_id in admitted
    )
    sdg_counts = Counter(link.sdg_number for link in sdg_links if link.initiative_id in admitted)
    return PortfolioReport(
        period=_period(period),
        previous_period=_period(previous) if previous is not None else None,
        generated_on=today,
        initiative_count=len(initiatives),
        reported_count=len(reported & admitted.keys()),
        status=_counts("Status", list(status_of.values())),
        risk=_counts("Risiko", list(risk_of.values())),
        status_by_segment=by_segment(status_of),
        risk_by_segment=by_segment(risk_of),
        trend=tuple(trend),
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
            GoalLine(row.number, row.name, main_counts[row.number], supporting_counts[row.number])
            for row in goals
        ),
        sdgs=tuple(SdgLine(row.number, row.name, sdg_counts[row.number]) for row in sdgs),
        illustrative_initiatives=sum(1 for row in initiatives if row.illustrative_fields),
        illustrative_reports=sum(
            1 for key in admitted if key in latest and latest[key].illustrative
        ),
    )
