"""Status-report writes, called directly: the segment rules, revisions, closed rounds, events."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

from app import status_report_writes
from app.domain import TrafficLight
from app.events import StatusReportSubmitted, broadcaster, delivers_locally, postgres_relay
from app.validation import Denied, Invalid
from tests.writes.conftest import Portfolio

IN_THE_ROUND = date(2026, 3, 20)  # 2026-2 (april 2026) is open from 2026-03-16


def _report(**overrides: Any) -> dict[str, Any]:
    # KJ-PLO, owned by HDIR, is in the COORDINATE segment.
    return {
        "initiative": "KJ-PLO",
        "period": "2026-2",
        "status": TrafficLight.GREEN,
        "risk_level": TrafficLight.GREEN,
        "main_risk_areas": "Innføring i kommunene.",
        "dependencies_confirmed": True,
        **overrides,
    }


def _submit(portfolio: Portfolio, viewer: Any, values: dict[str, Any]) -> Any:
    return portfolio.write(
        lambda connection: status_report_writes.submit_status_report(
            connection, viewer=viewer, today=IN_THE_ROUND, values=values
        )
    )


async def test_each_missing_field_of_the_segment_rules_is_a_problem_naming_its_input_field(
    portfolio: Portfolio,
) -> None:
    values = _report(status=TrafficLight.RED, risk_level=TrafficLight.RED, main_risk_areas=None)

    refusal = await _submit(portfolio, portfolio.hdir, values)

    assert isinstance(refusal, Invalid)
    assert [(p.field, p.text.code) for p in refusal.problems] == [
        ("statusReason", "required_when_status"),
        ("mainRiskAreas", "required_for_segment"),
        ("plannedMitigations", "required_when_risk"),
        ("implementedMitigations", "required_when_risk"),
    ]


async def test_a_resubmission_adds_a_revision_and_keeps_the_first(portfolio: Portfolio) -> None:
    first = await _submit(portfolio, portfolio.hdir, _report())
    second = await _submit(
        portfolio, portfolio.hdir, _report(status=TrafficLight.YELLOW, status_reason="Forsinket.")
    )

    assert second.report.revision == first.report.revision + 1
    assert second.report.period_code == first.report.period_code == "2026-2"
    assert second.previous_status == TrafficLight.GREEN


async def test_a_closed_round_is_read_only(portfolio: Portfolio) -> None:
    refusal = await _submit(portfolio, portfolio.hdir, _report(period="2026-1"))

    assert isinstance(refusal, Invalid)
    assert [(p.field, p.text.code) for p in refusal.problems] == [("period", "period_closed")]
    assert refusal.problems[0].text.params == {"name": "januar 2026"}


async def test_a_reporter_of_another_organisation_cannot_report_and_writes_nothing(
    portfolio: Portfolio,
) -> None:
    audits = await portfolio.audits()

    refusal = await _submit(portfolio, portfolio.nhn, _report())

    assert isinstance(refusal, Denied)
    assert await portfolio.audits() == audits


async def test_the_report_is_published_only_once_it_has_committed(portfolio: Portfolio) -> None:
    # On PostgreSQL events reach subscribers through the relay, as in the service.
    relay = (
        None
        if delivers_locally(portfolio.engine)
        else postgres_relay(portfolio.engine, broadcaster)
    )
    heard: list[object] = []
    async with broadcaster.subscribe() as events:
        if relay is not None:
            await relay.start()
            await asyncio.wait_for(relay.listening.wait(), timeout=10)
        try:
            await _submit(portfolio, portfolio.hdir, _report(status=TrafficLight.RED))  # refused
            await _submit(portfolio, portfolio.hdir, _report())
            heard.append(await asyncio.wait_for(events.get(), timeout=10))
            await asyncio.sleep(0.2)  # time for a second event, which must not come
            while not events.empty():
                heard.append(events.get_nowait())
        finally:
            if relay is not None:
                await relay.stop()

    assert [
        (event.initiative_code, event.status)
        for event in heard
        if isinstance(event, StatusReportSubmitted)
    ] == [("KJ-PLO", TrafficLight.GREEN)]
    assert len(heard) == 1
