"""Resolvers of an initiative's status fields, read from its status reports.

``status``, ``riskLevel`` and ``reportIsStale`` come from the latest report up to the
period asked for, carried forward; ``statusTrend`` walks the rounds. Each is named beside
its field in ``schema/types.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, TypeVar

import strawberry

from app.repository import Row
from schema.arguments import PeriodArgument
from schema.context import Info
from schema.enums import TrafficLight
from schema.errors import out_of_range
from schema.loaders import MaybeAwaitable, ReportStatus, resolve_loaded
from schema.records import InitiativeRecord
from schema.reference_types import ReportingPeriod, StatusTrendPoint

T = TypeVar("T")

MAX_TREND_PERIODS = 40


def from_report_status(
    info: Info, initiative_id: int, period: str | None, build: Callable[[ReportStatus], T]
) -> MaybeAwaitable[T]:
    """``build`` of the initiative's status lookup for the period, at once when loaded."""
    loader = info.context.loaders.report_status_by_initiative(period)
    return resolve_loaded(loader, initiative_id, build)


def _status(found: ReportStatus) -> TrafficLight | None:
    return found.report.status if found.report is not None else None


def _risk_level(found: ReportStatus) -> TrafficLight | None:
    return found.report.risk_level if found.report is not None else None


def _is_stale(found: ReportStatus) -> bool:
    return found.is_stale


def status(
    root: InitiativeRecord, info: Info, period: PeriodArgument = None
) -> MaybeAwaitable[TrafficLight | None]:
    return from_report_status(info, root.db_id, period, _status)


def risk_level(
    root: InitiativeRecord, info: Info, period: PeriodArgument = None
) -> MaybeAwaitable[TrafficLight | None]:
    return from_report_status(info, root.db_id, period, _risk_level)


def report_is_stale(
    root: InitiativeRecord, info: Info, period: PeriodArgument = None
) -> MaybeAwaitable[bool]:
    return from_report_status(info, root.db_id, period, _is_stale)


def latest_revision_per_period(rows: list[Row]) -> list[Row]:
    """The newest revision in each period (rows arrive newest revision first per period)."""
    latest: dict[int, Row] = {}
    for row in rows:
        latest.setdefault(row.period_id, row)
    return list(latest.values())


async def status_trend(
    root: InitiativeRecord,
    info: Info,
    periods: Annotated[
        int, strawberry.argument(description=f"How many periods (1–{MAX_TREND_PERIODS}).")
    ] = 4,
) -> list[StatusTrendPoint]:
    if not 1 <= periods <= MAX_TREND_PERIODS:
        raise out_of_range("periods", periods, 1, MAX_TREND_PERIODS)
    current = await info.context.current_period()
    if current is None:
        return []
    chosen = [row for row in await info.context.periods() if row.opens <= current.opens]
    chosen = list(reversed(chosen[:periods]))
    opens_by_id = {row.id: row.opens for row in await info.context.periods()}
    # Newest period first, newest revision first: the first match is the latest word.
    reports = await info.context.loaders.reports_by_initiative.load(root.db_id)
    points = []
    for period in chosen:
        latest = next((row for row in reports if opens_by_id[row.period_id] <= period.opens), None)
        points.append(
            StatusTrendPoint(
                period=ReportingPeriod.from_row(period),
                status=latest.status if latest is not None else None,
                risk_level=latest.risk_level if latest is not None else None,
                reported=latest is not None and latest.period_id == period.id,
            )
        )
    return points
