"""Writes of status reports: a revision in an open round, after the segment rules hold.

Like ``app.writes``, every function runs inside the transaction of ``run_write``; it returns
its result or refuses by raising (guards, ``Problems.check``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from app import models, repository
from app.auth import EVERYTHING, Viewer
from app.domain import Segment, TrafficLight
from app.events import StatusReportSubmitted
from app.messages import message
from app.repository import Row
from app.tables import (
    initiative_table,
    report_table,
)
from app.validation import (
    MAX_NAME,
    MAX_TEXT,
    REPORT_RULE_KEYS,
    NotFound,
    Problems,
    check_report_rules,
    invalid,
)
from app.writes import (
    REPORTING_STATES,
    audit,
    initiative_by_code,
    owned_initiative,
    record_event,
    refuse,
)


@dataclass(frozen=True, slots=True)
class SubmittedReport:
    """A stored report revision, its initiative, and the status it carried forward from."""

    report: Row
    initiative: Row
    previous_status: TrafficLight | None


INPUT_FIELDS = {
    "status_reason": "statusReason",
    "risk_level": "riskLevel",
    "main_risk_areas": "mainRiskAreas",
    "planned_mitigations": "plannedMitigations",
    "implemented_mitigations": "implementedMitigations",
    "investment_nok": "investmentNok",
    "annual_operating_cost_nok": "annualOperatingCostNok",
    "benefits": "benefits",
    "benefit_prerequisites": "benefitPrerequisites",
    "dependencies_confirmed": "dependenciesConfirmed",
}
"""The input field of ``submitStatusReport`` that holds each report value."""

REPORT_TEXTS = tuple(
    (key, INPUT_FIELDS[key])
    for key in (
        "status_reason",
        "main_risk_areas",
        "planned_mitigations",
        "implemented_mitigations",
        "benefits",
        "benefit_prerequisites",
    )
)


async def _reporting_period(connection: AsyncConnection, *, code: str | None, today: date) -> Row:
    if code is not None:
        period = await repository.period_by_code(connection, code)
        if period is None:
            refuse(NotFound("period", code, message("noun.reporting_period")))
        return period
    periods = await repository.list_reporting_periods(connection)
    current = repository.pick_current_period(periods, today=today)
    if current is None:
        refuse(invalid("period", "no_period_exists"))
    return current


async def submit_status_report(
    connection: AsyncConnection, *, viewer: Viewer, today: date, values: Mapping[str, Any]
) -> SubmittedReport:
    """Store a report revision in an open period, after the segment rules hold."""
    initiative = await owned_initiative(
        connection, viewer, values["initiative"], field="initiative"
    )
    period = await _reporting_period(connection, code=values.get("period"), today=today)
    problems = Problems()
    if initiative.state not in REPORTING_STATES:
        problems.add(
            "initiative", "initiative_not_reporting", code=initiative.code, state=initiative.state
        )
    if period.closed:
        problems.add("period", "period_closed", name=period.name)
    elif period.opens > today:
        problems.add("period", "period_not_open", name=period.name, opens=period.opens.isoformat())
    for key, name in REPORT_TEXTS:
        problems.text(name, values.get(key), max_length=MAX_TEXT)
    problems.money("investmentNok", values.get("investment_nok"))
    problems.money("annualOperatingCostNok", values.get("annual_operating_cost_nok"))
    problems.date_in_range("forecastEnd", values.get("forecast_end"))
    problems.order(
        ("plannedStart", initiative.planned_start), ("forecastEnd", values.get("forecast_end"))
    )
    segment = Segment(initiative.segment) if initiative.segment is not None else Segment.OBSERVE
    rules = Problems()
    check_report_rules(
        rules,
        segment=segment,
        status=TrafficLight(values["status"]),
        values={key: values.get(key) for key in REPORT_RULE_KEYS},
    )
    problems.merge(rules, fields=INPUT_FIELDS)
    problems.check()
    previous = (
        await repository.latest_reports_for(
            connection, [initiative.id], period_opens=period.opens, visibility=EVERYTHING
        )
    ).get(initiative.id)
    revision = await connection.scalar(
        sa.select(sa.func.coalesce(sa.func.max(report_table.c.revision), 0)).where(
            report_table.c.initiative_id == initiative.id, report_table.c.period_id == period.id
        )
    )
    phase = values.get("phase") or initiative.phase
    report_id = await connection.scalar(
        report_table.insert()
        .values(
            initiative_id=initiative.id,
            period_id=period.id,
            revision=int(revision or 0) + 1,
            segment=segment,
            phase=phase,
            status=values["status"],
            risk_level=values.get("risk_level"),
            forecast_end=values.get("forecast_end"),
            investment_nok=_whole(values.get("investment_nok")),
            annual_operating_cost_nok=_whole(values.get("annual_operating_cost_nok")),
            dependencies_confirmed=values.get("dependencies_confirmed"),
            submitted_by=viewer.actor[:MAX_NAME],
            submitted_at=models.utcnow(),
            illustrative=False,
            **{key: values.get(key) for key, _ in REPORT_TEXTS},
        )
        .returning(report_table.c.id)
    )
    assert report_id is not None
    report = await repository.report_by_id(connection, report_id, visibility=EVERYTHING)
    assert report is not None
    await audit(
        viewer=viewer,
        action="status_report.submit",
        entity_type="StatusReport",
        entity_code=f"{initiative.code}@{period.code}#{report.revision}",
        before=None,
        after=report,
    )
    changes: dict[str, Any] = {}
    if phase != initiative.phase:
        changes["phase"] = phase
    if values.get("forecast_end") is not None and values["forecast_end"] != initiative.forecast_end:
        changes["forecast_end"] = values["forecast_end"]
    updated = initiative
    if changes:
        # The report is the owner's latest word on phase and forecast; the initiative follows.
        await connection.execute(
            initiative_table.update()
            .where(initiative_table.c.id == initiative.id)
            .values(**changes, version=initiative_table.c.version + 1, updated_at=models.utcnow())
        )
        updated = (
            await initiative_by_code(connection, initiative.code, visibility=EVERYTHING)
            or initiative
        )
        await audit(
            viewer=viewer,
            action="initiative.update",
            entity_type="Initiative",
            entity_code=initiative.code,
            before=initiative,
            after=updated,
        )
    submitted = SubmittedReport(
        report=report,
        initiative=updated,
        previous_status=TrafficLight(previous.status) if previous is not None else None,
    )
    await record_event(_submitted_event(submitted, dates_changed="forecast_end" in changes))
    return submitted


def _submitted_event(submitted: SubmittedReport, *, dates_changed: bool) -> StatusReportSubmitted:
    report, initiative = submitted.report, submitted.initiative
    return StatusReportSubmitted(
        report_id=report.id,
        initiative_id=initiative.id,
        initiative_code=initiative.code,
        owner_id=initiative.owner_id,
        period_code=report.period_code,
        revision=report.revision,
        status=TrafficLight(report.status),
        previous_status=submitted.previous_status,
        dates_changed=dates_changed,
    )


def _whole(value: float | None) -> int | None:
    return None if value is None else int(value)
