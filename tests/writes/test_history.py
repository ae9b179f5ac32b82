"""History, written by the writes themselves: every change leaves its round's row.

The seed's rounds are 2025-1, 2025-2, 2026-1 and 2026-2; today is past all of them, so
a write now belongs to 2026-2, and what 2025-1 or 2026-1 knew stays as it was.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa

from app import delivery_and_risk_writes, dependency_writes, repository
from app.domain import Criticality, DeliveryStatus, DependencyType
from app.tables import delivery_history_table, dependency_history_table
from app.validation import Denied
from tests.writes.conftest import Portfolio

APRIL_2025 = date(2025, 3, 17)  # when 2025-1 opened
JANUARY_2026 = date(2026, 1, 5)  # 2026-1
APRIL_2026 = date(2026, 3, 16)  # 2026-2, the current round


async def _as_of(portfolio: Portfolio, opens: date) -> repository.StateRows:
    async with portfolio.engine.connect() as connection:
        return await repository.state_rows_as_of(connection, period_opens=opens)


async def _now(portfolio: Portfolio) -> repository.StateRows:
    async with portfolio.engine.connect() as connection:
        return await repository.state_rows(connection)


def _pairs(rows: repository.StateRows) -> set[tuple[str, str]]:
    return {(row[0], row[1]) for row in rows.dependencies}


def _forecasts(rows: repository.StateRows) -> dict[str, Any]:
    return {row[0]: str(row[3]) for row in rows.deliveries}


def _plain(rows: repository.StateRows) -> tuple[Any, ...]:
    return tuple(
        sorted(tuple(str(value) for value in row) for row in part)
        for part in (rows.initiatives, rows.deliveries, rows.dependencies)
    )


async def test_the_current_round_knows_exactly_what_the_portfolio_holds_now(
    portfolio: Portfolio,
) -> None:
    assert _plain(await _as_of(portfolio, APRIL_2026)) == _plain(await _now(portfolio))


async def test_an_earlier_round_knows_the_seed_forecasts_of_its_time(
    portfolio: Portfolio,
) -> None:
    april_2025 = await _as_of(portfolio, APRIL_2025)
    now = await _now(portfolio)

    assert _forecasts(april_2025)["HP-D3"] == "2026-06-30"
    assert _forecasts(now)["HP-D3"] == "2027-03-31"
    assert ("PDS", "BILDEDELING") not in _pairs(april_2025)  # added in 2025-2
    assert ("DATADELING", "DIGPAT") in _pairs(april_2025)  # removed in 2026-1
    assert ("DATADELING", "DIGPAT") not in _pairs(now)


async def test_the_seed_marks_the_invented_history_as_illustrative(portfolio: Portfolio) -> None:
    illustrative = sa.select(sa.func.count()).where(delivery_history_table.c.illustrative)
    invented = await portfolio.scalar(illustrative.select_from(delivery_history_table))
    unchanged = await portfolio.scalar(
        sa.select(sa.func.count())
        .select_from(delivery_history_table)
        .where(delivery_history_table.c.illustrative.is_(False))
        .where(delivery_history_table.c.period_id.is_not(None))
    )

    assert invented > 0
    assert unchanged > 0  # the latest round's rows repeat today's values, not invented


async def test_a_new_dependency_belongs_to_the_current_round_only(portfolio: Portfolio) -> None:
    await portfolio.written(
        lambda connection: dependency_writes.add_dependency(
            connection,
            viewer=portfolio.hdir,
            values={
                "dependant": "KJ-PLO",
                "supplier": "PERSONVERN",
                "criticality": Criticality.HIGH,
                "type": DependencyType.FINISH_TO_START,
                "lag_days": 0,
            },
        )
    )

    assert ("PERSONVERN", "KJ-PLO") in _pairs(await _as_of(portfolio, APRIL_2026))
    assert ("PERSONVERN", "KJ-PLO") not in _pairs(await _as_of(portfolio, JANUARY_2026))


async def test_a_removed_dependency_is_gone_now_and_kept_by_the_rounds_before(
    portfolio: Portfolio,
) -> None:
    await portfolio.written(
        lambda connection: dependency_writes.remove_dependency(
            connection, viewer=portfolio.office, dependant_code="HP", supplier_code="PLL"
        )
    )

    assert ("PLL", "HP") not in _pairs(await _as_of(portfolio, APRIL_2026))
    assert ("PLL", "HP") in _pairs(await _as_of(portfolio, JANUARY_2026))
    removed = await portfolio.scalar(
        sa.select(dependency_history_table.c.criticality)
        .where(dependency_history_table.c.dependant_code == "HP")
        .where(dependency_history_table.c.supplier_code == "PLL")
        .where(dependency_history_table.c.present.is_(False))
    )
    assert removed == Criticality.HIGH


async def test_a_moved_forecast_is_history_for_the_next_comparison(portfolio: Portfolio) -> None:
    await portfolio.written(
        lambda connection: delivery_and_risk_writes.upsert_delivery(
            connection,
            viewer=portfolio.hdir,
            values={
                "initiative": "PLL",
                "code": "PLL-D4",
                "name": "Utprøving",
                "baseline_date": date(2026, 9, 30),
                "forecast_date": date(2027, 1, 31),
                "status": DeliveryStatus.DELAYED,
            },
        )
    )

    assert _forecasts(await _as_of(portfolio, APRIL_2026))["PLL-D4"] == "2027-01-31"
    assert _forecasts(await _as_of(portfolio, JANUARY_2026))["PLL-D4"] == "2026-09-30"


async def test_a_refused_write_leaves_no_history(portfolio: Portfolio) -> None:
    rows_before = await portfolio.scalar(
        sa.select(sa.func.count()).select_from(dependency_history_table)
    )

    refusal = await portfolio.write(
        lambda connection: dependency_writes.remove_dependency(
            connection, viewer=portfolio.nhn, dependant_code="HP", supplier_code="PLL"
        )
    )

    assert isinstance(refusal, Denied)
    assert (
        await portfolio.scalar(sa.select(sa.func.count()).select_from(dependency_history_table))
        == rows_before
    )
