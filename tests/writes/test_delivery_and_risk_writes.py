"""Delivery and risk writes, called directly: upserts by code and who may move a baseline."""

from __future__ import annotations

from datetime import date
from typing import Any

from app import delivery_and_risk_writes
from app.domain import DeliveryStatus, TrafficLight
from app.validation import Invalid
from tests.writes.conftest import Portfolio


def _delivery(**overrides: Any) -> dict[str, Any]:
    return {
        "initiative": "PLL",
        "code": "PLL-NY",
        "name": "Pilot i Bergen",
        "baseline_date": date(2026, 9, 1),
        "status": DeliveryStatus.PLANNED,
        **overrides,
    }


def _upsert(portfolio: Portfolio, viewer: Any, values: dict[str, Any]) -> Any:
    return portfolio.write(
        lambda connection: delivery_and_risk_writes.upsert_delivery(
            connection, viewer=viewer, values=values
        )
    )


async def test_the_same_code_replaces_the_delivery_instead_of_adding_one(
    portfolio: Portfolio,
) -> None:
    first = await _upsert(portfolio, portfolio.hdir, _delivery())
    second = await _upsert(
        portfolio, portfolio.hdir, _delivery(forecast_date=date(2026, 10, 1), name="Pilot")
    )

    assert second.id == first.id
    assert (second.name, second.forecast_date) == ("Pilot", date(2026, 10, 1))


async def test_only_the_office_moves_a_baseline(portfolio: Portfolio) -> None:
    await _upsert(portfolio, portfolio.hdir, _delivery())
    later = _delivery(baseline_date=date(2026, 12, 1))

    refusal = await _upsert(portfolio, portfolio.hdir, later)
    moved = await _upsert(portfolio, portfolio.office, later)

    assert isinstance(refusal, Invalid)
    assert [(p.field, p.text.code) for p in refusal.problems] == [
        ("baselineDate", "baseline_office_only")
    ]
    assert moved.baseline_date == date(2026, 12, 1)


async def test_a_delivered_date_needs_the_status_delivered(portfolio: Portfolio) -> None:
    refusal = await _upsert(portfolio, portfolio.hdir, _delivery(delivered_date=date(2026, 3, 1)))

    assert isinstance(refusal, Invalid)
    assert [(p.field, p.text.code) for p in refusal.problems] == [
        ("deliveredDate", "delivered_date_when_delivered")
    ]


async def test_a_code_of_another_initiatives_delivery_is_refused(portfolio: Portfolio) -> None:
    await _upsert(portfolio, portfolio.office, _delivery(initiative="KJ-PLO", code="KJ-NY"))

    refusal = await _upsert(portfolio, portfolio.office, _delivery(code="KJ-NY"))

    assert isinstance(refusal, Invalid)
    [problem] = refusal.problems
    assert (problem.field, problem.text.code) == ("code", "item_of_other_initiative")
    assert problem.text.params["what"].code == "noun.delivery"


async def test_a_yellow_or_red_risk_needs_a_mitigation(portfolio: Portfolio) -> None:
    values = {
        "initiative": "PLL",
        "code": "PLL-RNY",
        "title": "Forsinket EPJ-tilpasning",
        "probability": 4,
        "consequence": 4,
        "level": TrafficLight.RED,
    }

    refusal = await portfolio.write(
        lambda connection: delivery_and_risk_writes.upsert_risk(
            connection, viewer=portfolio.hdir, values=values
        )
    )

    assert isinstance(refusal, Invalid)
    assert [(p.field, p.text.code) for p in refusal.problems] == [
        ("mitigation", "required_when_risk_level")
    ]
