"""What the seed's rounds knew: each initiative's reports and ``history`` entries."""

from __future__ import annotations

from datetime import date

import pytest

from seeds.history import UnknownPeriod, history_rows
from seeds.loader import load_seed_portfolio
from seeds.portfolio import PortfolioData

PERIODS = [("2025-1", 1), ("2025-2", 2), ("2026-1", 3)]


def _spec(**values: object) -> dict[str, object]:
    return {
        "code": "A",
        "phase": "EXECUTION",
        "planned_start": date(2025, 1, 1),
        "planned_end": date(2027, 1, 1),
        "forecast_end": date(2027, 6, 30),
        "deliveries": [{"code": "A-D1", "forecast": date(2026, 9, 1), "status": "DELAYED"}],
        **values,
    }


def _rows(spec: dict[str, object]) -> object:
    return history_rows([spec], initiatives={"A": 10}, deliveries={"A-D1": 20}, periods=PERIODS)


def test_an_initiative_without_history_is_known_as_it_is_in_every_round() -> None:
    rows = _rows(_spec())

    assert [(row["period_id"], row["illustrative"]) for row in rows.initiatives] == [(None, False)]
    assert [row["forecast_date"] for row in rows.deliveries] == [date(2026, 9, 1)]


def test_the_earliest_entry_holds_before_it_and_todays_values_from_the_latest_round() -> None:
    spec = _spec(
        reports=[{"period": "2025-2", "forecast_end": date(2027, 1, 1)}],
        history=[{"period": "2025-1", "deliveries": {"A-D1": {"forecast": date(2026, 3, 1)}}}],
    )

    rows = _rows(spec)

    assert [
        (row["period_id"], row["forecast_date"], row["illustrative"]) for row in rows.deliveries
    ] == [(None, date(2026, 3, 1), True), (2, date(2026, 9, 1), False)]
    assert [
        (row["period_id"], row["forecast_end"], row["illustrative"]) for row in rows.initiatives
    ] == [
        (None, date(2027, 6, 30), False),
        (2, date(2027, 1, 1), True),
        (3, date(2027, 6, 30), False),
    ]


def test_a_dependency_added_or_removed_in_a_round_is_recorded_in_that_round() -> None:
    spec = _spec(
        dependencies=[{"supplier": "B", "since": "2025-2"}],
        removed_dependencies=[{"supplier": "C", "until": "2026-1"}],
    )

    rows = _rows(spec)

    assert [
        (row["supplier_code"], row["period_id"], row["present"]) for row in rows.dependencies
    ] == [("B", 2, True), ("C", None, True), ("C", 3, False)]


def test_a_history_entry_of_an_unknown_round_is_refused() -> None:
    with pytest.raises(UnknownPeriod, match="1999-1"):
        _rows(_spec(history=[{"period": "1999-1", "forecast_end": date(2027, 1, 1)}]))


def test_every_initiative_with_an_invented_history_says_so() -> None:
    portfolio: PortfolioData = load_seed_portfolio()
    periods = [(row["code"], number) for number, row in enumerate(portfolio.reporting_periods)]
    for spec in portfolio.initiatives:
        deliveries = {item["code"]: 0 for item in spec.get("deliveries") or ()}
        rows = history_rows(
            [spec], initiatives={spec["code"]: 0}, deliveries=deliveries, periods=periods
        )
        invented = any(
            row["illustrative"]
            for part in (rows.initiatives, rows.deliveries, rows.dependencies)
            for row in part
        )
        assert invented is ("history" in spec["illustrative"]), spec["code"]
