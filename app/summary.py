"""The round summary: one computation that ``portfolioSummary`` and the report both render.

Given a reporting period it works out the neighbouring periods, every admitted
initiative's latest report (carried forward) now and in the previous period, the status,
risk, segment, phase and owner counts, status changes, missing reports, deliveries due
and slipped, and the coverage of the strategy goals and SDGs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from app import repository
from app.domain import LABELS, TRAFFIC_LIGHT_ORDER, Phase, Segment, TrafficLight
from app.repository import Row

Read = Callable[..., Awaitable[Any]]

NOT_REPORTED = "NONE"
NOT_REPORTED_LABEL = "Ikke rapportert"
# When no later period is planned, "due before the next period" looks this far ahead.
DEFAULT_ROUND_DAYS = 120


@dataclass(frozen=True, slots=True)
class Count:
    """How many initiatives have one value (``NONE``: no report, or no risk given)."""

    key: str
    label: str
    count: int


@dataclass(frozen=True, slots=True)
class StatusChange:
    initiative: Row
    previous_status: TrafficLight | None
    status: TrafficLight | None


@dataclass(frozen=True, slots=True)
class GoalCoverage:
    goal: Row
    main_goal_count: int
    supporting_goal_count: int


@dataclass(frozen=True, slots=True)
class SdgCoverage:
    goal: Row
    initiative_count: int


@dataclass(frozen=True, slots=True)
class RoundSummary:
    """The state of the portfolio in one reporting round; rows as the repository reads them."""

    period: Row
    previous_period: Row | None
    next_period: Row | None
    initiatives: Sequence[Row]  # admitted, by code, with owner_code and owner_name
    latest: dict[int, Row]  # each initiative's latest report up to the period, by id
    reported: set[int]  # initiatives with a report in the period itself
    status_of: dict[int, TrafficLight | None]
    risk_of: dict[int, TrafficLight | None]
    by_status: tuple[Count, ...]
    by_risk: tuple[Count, ...]
    by_segment: tuple[Count, ...]
    by_phase: tuple[Count, ...]
    by_owner: tuple[Count, ...]
    missing_reports: tuple[Row, ...]
    improved: tuple[StatusChange, ...]
    worsened: tuple[StatusChange, ...]
    newly_red: tuple[StatusChange, ...]
    deliveries: Sequence[Row]  # of admitted initiatives, by due date
    deliveries_due_before: date
    deliveries_due: tuple[Row, ...]
    slipped_deliveries: tuple[Row, ...]
    goal_coverage: tuple[GoalCoverage, ...]
    sdg_coverage: tuple[SdgCoverage, ...]

    @property
    def initiative_count(self) -> int:
        return len(self.initiatives)

    @property
    def reported_count(self) -> int:
        """Admitted initiatives with a report in the period itself."""
        return sum(1 for row in self.initiatives if row.id in self.reported)


def counts(values: Sequence[str | None], labels: dict[str, str], *, keys: list[str]) -> list[Count]:
    """Counts of ``values`` (None as ``NONE``): every key in ``keys``, then others found."""
    counter = Counter(value or NOT_REPORTED for value in values)
    ordered = [*keys, *(key for key in sorted(counter) if key not in keys)]
    return [
        Count(key=key, label=labels.get(key, NOT_REPORTED_LABEL), count=counter[key])
        for key in ordered
        if counter[key] or key in keys
    ]


def _level(value: TrafficLight | None) -> int:
    return -1 if value is None else TRAFFIC_LIGHT_ORDER[TrafficLight(value)]


def _status(report: Row | None) -> TrafficLight | None:
    return None if report is None or report.status is None else TrafficLight(report.status)


def _risk(report: Row | None) -> TrafficLight | None:
    return None if report is None or report.risk_level is None else TrafficLight(report.risk_level)


async def round_summary(read: Read, *, period: Row, periods: Sequence[Row]) -> RoundSummary:
    """The summary of ``period``; ``periods`` are every reporting period, newest first."""
    position = [row.id for row in periods].index(period.id)
    previous = periods[position + 1] if position + 1 < len(periods) else None
    following = periods[position - 1] if position > 0 else None
    initiatives = await read(repository.admitted_initiatives)
    latest = await read(repository.latest_reports, period_opens=period.opens)
    before = (
        await read(repository.latest_reports, period_opens=previous.opens)
        if previous is not None
        else {}
    )
    reported = await read(repository.initiatives_reported_in, period_id=period.id)
    deliveries = await read(repository.open_deliveries)
    supporting, sdg_links = await read(repository.goal_links)
    goals = await read(repository.list_strategic_goals)
    sdgs = await read(repository.list_sustainable_development_goals)

    admitted = {row.id: row for row in initiatives}
    status_of = {key: _status(latest.get(key)) for key in admitted}
    risk_of = {key: _risk(latest.get(key)) for key in admitted}
    improved, worsened, newly_red = [], [], []
    for key, row in admitted.items():
        then, now = _status(before.get(key)), status_of[key]
        change = StatusChange(initiative=row, previous_status=then, status=now)
        if now is not None and then is not None and _level(now) < _level(then):
            improved.append(change)
        if now is not None and then is not None and _level(now) > _level(then):
            worsened.append(change)
        if now == TrafficLight.RED and then != TrafficLight.RED:
            newly_red.append(change)
    horizon = (
        following.opens
        if following is not None
        else period.deadline + timedelta(days=DEFAULT_ROUND_DAYS)
    )
    due = tuple(
        row
        for row in deliveries
        if row.status not in {"DELIVERED", "CANCELLED"}
        and (row.forecast_date or row.baseline_date) is not None
        and (row.forecast_date or row.baseline_date) < horizon
    )
    supporting_counts = Counter(
        link.goal_number for link in supporting if link.initiative_id in admitted
    )
    main_counts = Counter(row.main_goal_number for row in initiatives)
    sdg_counts = Counter(link.sdg_number for link in sdg_links if link.initiative_id in admitted)
    owners = {row.owner_code: row.owner_name for row in initiatives}
    traffic_labels = LABELS[TrafficLight]
    return RoundSummary(
        period=period,
        previous_period=previous,
        next_period=following,
        initiatives=initiatives,
        latest=latest,
        reported=reported,
        status_of=status_of,
        risk_of=risk_of,
        by_status=tuple(counts(list(status_of.values()), traffic_labels, keys=list(TrafficLight))),
        by_risk=tuple(counts(list(risk_of.values()), traffic_labels, keys=list(TrafficLight))),
        by_segment=tuple(
            counts([row.segment for row in initiatives], LABELS[Segment], keys=list(Segment))
        ),
        by_phase=tuple(counts([row.phase for row in initiatives], LABELS[Phase], keys=list(Phase))),
        by_owner=tuple(counts([row.owner_code for row in initiatives], owners, keys=[])),
        missing_reports=tuple(repository.missing_reports(initiatives, reported)),
        improved=tuple(improved),
        worsened=tuple(worsened),
        newly_red=tuple(newly_red),
        deliveries=deliveries,
        deliveries_due_before=horizon,
        deliveries_due=due,
        slipped_deliveries=tuple(repository.slipped_deliveries(deliveries)),
        goal_coverage=tuple(
            GoalCoverage(goal, main_counts[goal.number], supporting_counts[goal.number])
            for goal in goals
        ),
        sdg_coverage=tuple(SdgCoverage(row, sdg_counts[row.number]) for row in sdgs),
    )
