"""Reporting rounds and council decisions, called directly: the office's own writes."""

from __future__ import annotations

from datetime import date
from typing import Any

from app import council_writes, round_writes
from app.domain import Council, DecisionKind, LifecycleState, Segment
from app.validation import Denied, Invalid
from tests.writes.conftest import Portfolio

SEPTEMBER = {
    "code": "2026-3",
    "name": "september 2026",
    "opens": date(2026, 8, 24),
    "deadline": date(2026, 9, 11),
}


def _open(portfolio: Portfolio, viewer: Any, values: dict[str, Any]) -> Any:
    return portfolio.write(
        lambda connection: round_writes.open_reporting_period(
            connection, viewer=viewer, values=values
        )
    )


def _close(portfolio: Portfolio, viewer: Any, code: str) -> Any:
    return portfolio.write(
        lambda connection: round_writes.close_reporting_period(connection, viewer=viewer, code=code)
    )


def _decide(portfolio: Portfolio, viewer: Any, **values: Any) -> Any:
    decision = {
        "council": Council.NUIT,
        "meeting_date": date(2026, 5, 6),
        "initiative": "PLL",
        "summary": "NUIT ber om en ny gevinstplan.",
        "kind": DecisionKind.DECISION,
        **values,
    }
    return portfolio.write(
        lambda connection: council_writes.record_council_decision(
            connection, viewer=viewer, values=decision
        )
    )


async def test_the_office_opens_a_round_once(portfolio: Portfolio) -> None:
    opened = await _open(portfolio, portfolio.office, SEPTEMBER)
    again = await _open(portfolio, portfolio.office, SEPTEMBER)

    assert (opened.code, opened.closed) == ("2026-3", False)
    assert isinstance(again, Invalid)
    assert [(p.field, p.text.code) for p in again.problems] == [("code", "period_exists")]


async def test_a_round_whose_deadline_is_before_it_opens_is_refused(portfolio: Portfolio) -> None:
    refusal = await _open(portfolio, portfolio.office, {**SEPTEMBER, "deadline": date(2026, 8, 1)})

    assert isinstance(refusal, Invalid)
    assert [(p.field, p.text.code) for p in refusal.problems] == [("deadline", "before")]
    assert refusal.problems[0].text.params == {"first": "opens", "date": "2026-08-24"}


async def test_a_reporter_may_not_open_or_close_a_round(portfolio: Portfolio) -> None:
    opened = await _open(portfolio, portfolio.hdir, SEPTEMBER)
    closed = await _close(portfolio, portfolio.hdir, "2026-2")

    assert isinstance(opened, Denied)
    assert isinstance(closed, Denied)
    assert opened.text.params["action"].code == "action.open_periods"
    assert closed.text.params["action"].code == "action.close_periods"


async def test_a_round_is_closed_once(portfolio: Portfolio) -> None:
    closed = await _close(portfolio, portfolio.office, "2026-2")
    again = await _close(portfolio, portfolio.office, "2026-2")

    assert closed.closed is True
    assert isinstance(again, Invalid)
    assert [(p.field, p.text.code) for p in again.problems] == [("code", "period_already_closed")]


async def test_a_reprioritisation_moves_the_initiative_at_once(portfolio: Portfolio) -> None:
    decision = await _decide(
        portfolio,
        portfolio.office,
        kind=DecisionKind.REPRIORITISATION,
        new_segment=Segment.CO_GOVERN,
    )

    assert (decision.initiative_code, decision.new_segment) == ("PLL", Segment.CO_GOVERN)


async def test_a_decision_cannot_move_an_initiative_out_of_the_admitted_states(
    portfolio: Portfolio,
) -> None:
    refusal = await _decide(portfolio, portfolio.office, new_state=LifecycleState.DECLINED)

    assert isinstance(refusal, Invalid)
    assert [(p.field, p.text.code) for p in refusal.problems] == [
        ("newState", "new_state_admitted_only")
    ]


async def test_only_the_office_records_council_decisions(portfolio: Portfolio) -> None:
    refusal = await _decide(portfolio, portfolio.hdir)

    assert isinstance(refusal, Denied)
    assert refusal.text.params["action"].code == "action.record_decisions"
