"""All SQL of the reporting-round writes: deliveries, risks, status reports, periods, councils.

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
from app.domain import ADMITTED_STATES, DeliveryStatus, Segment, TrafficLight
from app.events import StatusReportSubmitted, broadcaster
from app.reporting import decision_by_id
from app.repository import Row
from app.tables import (
    decision_table,
    delivery_table,
    initiative_table,
    meeting_table,
    period_table,
    report_table,
    risk_table,
)
from app.validation import (
    MAX_NAME,
    MAX_TEXT,
    Invalid,
    NotFound,
    Problem,
    Problems,
    check_report_rules,
)
from app.writes import (
    REPORTING_STATES,
    after_commit,
    audit,
    initiative_by_code,
    owned_initiative,
    refuse,
    require_office,
    visible_initiative,
)

# --- deliveries and risks --------------------------------------------------------------------


async def _owned_item(
    connection: AsyncConnection,
    *,
    viewer: Viewer,
    table: Any,
    initiative_code: str,
    code: str,
    what: str,
) -> tuple[Row, Row | None]:
    """The initiative (checked for ownership) and the existing item with ``code``, if any."""
    initiative = await owned_initiative(connection, viewer, initiative_code, field="initiative")
    existing = (await connection.execute(sa.select(table).where(table.c.code == code))).first()
    if existing is not None and existing.initiative_id != initiative.id:
        refuse(Invalid((Problem("code", f"{code!r} is already a {what} of another initiative."),)))
    return initiative, existing


async def _upsert(
    connection: AsyncConnection,
    *,
    viewer: Viewer,
    table: Any,
    entity_type: str,
    existing: Row | None,
    columns: dict[str, Any],
) -> Row:
    if existing is None:
        await connection.execute(table.insert().values(**columns))
    else:
        await connection.execute(table.update().where(table.c.id == existing.id).values(**columns))
    row = (
        await connection.execute(sa.select(table).where(table.c.code == columns["code"]))
    ).first()
    assert row is not None
    await audit(
        viewer=viewer,
        action=f"{entity_type.lower()}.{'update' if existing is not None else 'create'}",
        entity_type=entity_type,
        entity_code=row.code,
        before=existing,
        after=row,
    )
    return row


async def upsert_delivery(
    connection: AsyncConnection, *, viewer: Viewer, values: Mapping[str, Any]
) -> Row:
    """Create a delivery or replace the one with its code; only the office moves baselines."""
    initiative, existing = await _owned_item(
        connection,
        viewer=viewer,
        table=delivery_table,
        initiative_code=values["initiative"],
        code=values["code"],
        what="delivery",
    )
    problems = Problems()
    problems.code("code", values["code"])
    problems.text("name", values.get("name"), max_length=MAX_NAME, required=True)
    problems.text("description", values.get("description"), max_length=MAX_TEXT)
    for key, name in (
        ("baseline_date", "baselineDate"),
        ("forecast_date", "forecastDate"),
        ("delivered_date", "deliveredDate"),
    ):
        problems.date_in_range(name, values.get(key))
    if values.get("delivered_date") is not None and values["status"] != DeliveryStatus.DELIVERED:
        problems.add("deliveredDate", "may be given only when the status is DELIVERED.")
    if (
        existing is not None
        and existing.baseline_date is not None
        and values.get("baseline_date") != existing.baseline_date
        and not viewer.is_admin
    ):
        problems.add(
            "baselineDate",
            "only the portfolio office can move a baseline; report the new date as forecastDate.",
        )
    problems.check()
    columns = {
        key: values.get(key)
        for key in (
            "code",
            "name",
            "description",
            "baseline_date",
            "forecast_date",
            "delivered_date",
            "status",
        )
    }
    columns["initiative_id"] = initiative.id
    return await _upsert(
        connection,
        viewer=viewer,
        table=delivery_table,
        entity_type="Delivery",
        existing=existing,
        columns=columns,
    )


async def upsert_risk(
    connection: AsyncConnection, *, viewer: Viewer, values: Mapping[str, Any]
) -> Row:
    """Create a risk, or replace the one with the same code."""
    initiative, existing = await _owned_item(
        connection,
        viewer=viewer,
        table=risk_table,
        initiative_code=values["initiative"],
        code=values["code"],
        what="risk",
    )
    problems = Problems()
    problems.code("code", values["code"])
    problems.text("title", values.get("title"), max_length=MAX_NAME, required=True)
    problems.text("description", values.get("description"), max_length=MAX_TEXT)
    problems.text("mitigation", values.get("mitigation"), max_length=MAX_TEXT)
    problems.between("probability", values.get("probability"), 1, 5)
    problems.between("consequence", values.get("consequence"), 1, 5)
    if values["level"] in {TrafficLight.YELLOW, TrafficLight.RED} and not values.get("mitigation"):
        problems.add("mitigation", f"is required when the risk level is {values['level']}.")
    problems.check()
    columns = {
        key: values.get(key)
        for key in (
            "code",
            "title",
            "description",
            "probability",
            "consequence",
            "level",
            "mitigation",
            "status",
        )
    }
    columns["initiative_id"] = initiative.id
    return await _upsert(
        connection,
        viewer=viewer,
        table=risk_table,
        entity_type="Risk",
        existing=existing,
        columns=columns,
    )


# --- status reports ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SubmittedReport:
    """A stored report revision, its initiative, and the status it carried forward from."""

    report: Row
    initiative: Row
    previous_status: TrafficLight | None


REPORT_TEXTS = (
    ("status_reason", "statusReason"),
    ("main_risk_areas", "mainRiskAreas"),
    ("planned_mitigations", "plannedMitigations"),
    ("implemented_mitigations", "implementedMitigations"),
    ("benefits", "benefits"),
    ("benefit_prerequisites", "benefitPrerequisites"),
)


async def _reporting_period(connection: AsyncConnection, *, code: str | None, today: date) -> Row:
    if code is not None:
        period = await repository.period_by_code(connection, code)
        if period is None:
            refuse(NotFound("period", code, "reporting period"))
        return period
    periods = await repository.list_reporting_periods(connection)
    current = repository.pick_current_period(periods, today=today)
    if current is None:
        refuse(Invalid((Problem("period", "is required: no reporting period exists."),)))
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
            "initiative",
            f"{initiative.code} is {initiative.state}; only ACTIVE or PAUSED initiatives report.",
        )
    if period.closed:
        problems.add("period", f"«{period.name}» is closed; its reports are read-only.")
    elif period.opens > today:
        problems.add("period", f"«{period.name}» opens on {period.opens.isoformat()}.")
    for key, name in REPORT_TEXTS:
        problems.text(name, values.get(key), max_length=MAX_TEXT)
    problems.money("investmentNok", values.get("investment_nok"))
    problems.money("annualOperatingCostNok", values.get("annual_operating_cost_nok"))
    problems.date_in_range("forecastEnd", values.get("forecast_end"))
    problems.order(
        ("plannedStart", initiative.planned_start), ("forecastEnd", values.get("forecast_end"))
    )
    segment = Segment(initiative.segment) if initiative.segment is not None else Segment.OBSERVE
    check_report_rules(
        problems,
        segment=segment,
        status=TrafficLight(values["status"]),
        values={key: values.get(key) for key in _RULE_KEYS},
    )
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
    after_commit(lambda: _publish(submitted))
    return submitted


def _publish(submitted: SubmittedReport) -> None:
    """Tell this process's subscribers about a committed report."""
    report, initiative = submitted.report, submitted.initiative
    broadcaster.publish(
        StatusReportSubmitted(
            report_id=report.id,
            initiative_id=initiative.id,
            initiative_code=initiative.code,
            owner_id=initiative.owner_id,
            period_code=report.period_code,
            revision=report.revision,
            status=TrafficLight(report.status),
            previous_status=submitted.previous_status,
        )
    )


_RULE_KEYS = (
    "status_reason",
    "risk_level",
    "main_risk_areas",
    "planned_mitigations",
    "implemented_mitigations",
    "investment_nok",
    "annual_operating_cost_nok",
    "benefits",
    "benefit_prerequisites",
)


def _whole(value: float | None) -> int | None:
    return None if value is None else int(value)


# --- reporting periods ------------------------------------------------------------------------


async def open_reporting_period(
    connection: AsyncConnection, *, viewer: Viewer, values: Mapping[str, Any]
) -> Row:
    """Open a reporting round: a new period with its opening day and deadline."""
    require_office(viewer, "open reporting periods")
    problems = Problems()
    problems.code("code", values["code"])
    problems.text("name", values.get("name"), max_length=MAX_NAME, required=True)
    problems.date_in_range("opens", values["opens"])
    problems.date_in_range("deadline", values["deadline"])
    problems.order(("opens", values["opens"]), ("deadline", values["deadline"]))
    if await repository.period_by_code(connection, values["code"]) is not None:
        problems.add("code", f"a reporting period {values['code']!r} already exists.")
    problems.check()
    await connection.execute(
        period_table.insert().values(
            code=values["code"],
            name=values["name"],
            opens=values["opens"],
            deadline=values["deadline"],
            closed=False,
        )
    )
    row = await repository.period_by_code(connection, values["code"])
    assert row is not None
    await audit(
        viewer=viewer,
        action="reporting_period.open",
        entity_type="ReportingPeriod",
        entity_code=row.code,
        before=None,
        after=row,
    )
    return row


async def close_reporting_period(connection: AsyncConnection, *, viewer: Viewer, code: str) -> Row:
    """Close a period: its reports become read-only."""
    require_office(viewer, "close reporting periods")
    current = await repository.period_by_code(connection, code)
    if current is None:
        refuse(NotFound("code", code, "reporting period"))
    if current.closed:
        refuse(Invalid((Problem("code", f"«{current.name}» is already closed."),)))
    await connection.execute(
        period_table.update().where(period_table.c.id == current.id).values(closed=True)
    )
    row = await repository.period_by_code(connection, code)
    assert row is not None
    await audit(
        viewer=viewer,
        action="reporting_period.close",
        entity_type="ReportingPeriod",
        entity_code=code,
        before=current,
        after=row,
    )
    return row


# --- council decisions ------------------------------------------------------------------------


async def record_council_decision(
    connection: AsyncConnection, *, viewer: Viewer, values: Mapping[str, Any]
) -> Row:
    """Record a council's decision on an initiative; a new segment or state is applied."""
    require_office(viewer, "record council decisions")
    initiative = await visible_initiative(
        connection, viewer, values["initiative"], field="initiative"
    )
    problems = Problems()
    problems.date_in_range("meetingDate", values["meeting_date"])
    problems.text("meetingTitle", values.get("meeting_title"), max_length=MAX_NAME)
    problems.text("summary", values.get("summary"), max_length=MAX_TEXT, required=True)
    new_state = values.get("new_state")
    if new_state is not None and new_state not in ADMITTED_STATES:
        problems.add("newState", "must be ACTIVE, PAUSED, COMPLETED or CANCELLED.")
    admitted = initiative.state in ADMITTED_STATES or new_state in ADMITTED_STATES
    if values.get("new_segment") is not None and not admitted:
        problems.add("newSegment", f"{initiative.code} is not admitted; admit it first.")
    if new_state is not None and initiative.state not in ADMITTED_STATES:
        problems.add("newState", f"{initiative.code} is {initiative.state}; admit it first.")
    problems.check()
    meeting_id = await _meeting(connection, viewer=viewer, values=values)
    decision_id = await connection.scalar(
        decision_table.insert()
        .values(
            meeting_id=meeting_id,
            initiative_id=initiative.id,
            kind=values["kind"],
            summary=values["summary"],
            new_segment=values.get("new_segment"),
            new_state=new_state,
            recorded_by=viewer.actor[:MAX_NAME],
            recorded_at=models.utcnow(),
        )
        .returning(decision_table.c.id)
    )
    assert decision_id is not None
    changes = {
        key: values[key]
        for key, column in (("new_segment", "segment"), ("new_state", "state"))
        if values.get(key) is not None and values[key] != getattr(initiative, column)
    }
    if changes:
        await connection.execute(
            initiative_table.update()
            .where(initiative_table.c.id == initiative.id)
            .values(
                **{
                    "segment" if key == "new_segment" else "state": value
                    for key, value in changes.items()
                },
                version=initiative_table.c.version + 1,
                updated_at=models.utcnow(),
            )
        )
        await audit(
            viewer=viewer,
            action="initiative.council_decision",
            entity_type="Initiative",
            entity_code=initiative.code,
            before=initiative,
            after=await initiative_by_code(connection, initiative.code, visibility=EVERYTHING),
        )
    row = await decision_by_id(connection, decision_id, visibility=EVERYTHING)
    assert row is not None
    await audit(
        viewer=viewer,
        action="council_decision.record",
        entity_type="CouncilDecision",
        entity_code=f"{row.meeting_code}/{initiative.code}",
        before=None,
        after=row,
    )
    return row


async def _meeting(
    connection: AsyncConnection, *, viewer: Viewer, values: Mapping[str, Any]
) -> int:
    """The meeting of the council on that day, created on first mention."""
    council, held_on = values["council"], values["meeting_date"]
    existing = await connection.scalar(
        sa.select(meeting_table.c.id).where(
            meeting_table.c.council == council, meeting_table.c.held_on == held_on
        )
    )
    if existing is not None:
        if values.get("meeting_title"):
            await connection.execute(
                meeting_table.update()
                .where(meeting_table.c.id == existing)
                .values(title=values["meeting_title"])
            )
        return int(existing)
    code = f"{council}-{held_on.isoformat()}"
    meeting_id = await connection.scalar(
        meeting_table.insert()
        .values(code=code, council=council, held_on=held_on, title=values.get("meeting_title"))
        .returning(meeting_table.c.id)
    )
    assert meeting_id is not None
    await audit(
        viewer=viewer,
        action="council_meeting.record",
        entity_type="CouncilMeeting",
        entity_code=code,
        before=None,
        after={
            "code": code,
            "council": council,
            "held_on": held_on,
            "title": values.get("meeting_title"),
        },
    )
    return int(meeting_id)
