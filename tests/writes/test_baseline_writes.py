"""Baseline writes, called directly: the office's, with a code of their own, never stale."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from app import baseline_writes
from app.auth import Viewer
from app.portfolio_changes import PortfolioState
from app.repository import Row
from app.tables import baseline_table, version_table
from app.validation import Conflict, Denied, Invalid, NotFound, Refusal
from tests.writes.conftest import Portfolio

EMPTY = PortfolioState({}, {}, {}, {}, {}, None, ())
TODAY = date(2026, 4, 20)


async def _version(portfolio: Portfolio) -> int:
    return int(await portfolio.scalar(sa.select(version_table.c.version)))


async def _create(portfolio: Portfolio, viewer: Viewer, code: str, version: int) -> Row | Refusal:
    return await portfolio.write(
        lambda connection: baseline_writes.create_baseline(
            connection,
            viewer=viewer,
            code=code,
            name="Vedtatt plan",
            state=EMPTY,
            version=version,
            today=TODAY,
        )
    )


async def test_the_office_freezes_a_state_with_its_version_and_round(portfolio: Portfolio) -> None:
    version = await _version(portfolio)

    row = await _create(portfolio, portfolio.office, "PLAN-1", version)

    assert isinstance(row, sa.Row)
    stored = await portfolio.scalar(
        sa.select(baseline_table.c.version).where(baseline_table.c.code == "PLAN-1")
    )
    assert stored == version
    assert PortfolioState.from_json(row.state) == EMPTY


async def test_a_state_worked_out_before_another_write_is_refused_as_stale(
    portfolio: Portfolio,
) -> None:
    stale = await _version(portfolio) - 1

    refusal = await _create(portfolio, portfolio.office, "PLAN-1", stale)

    assert isinstance(refusal, Conflict)
    assert refusal.text.code == "baseline_moved_on"


async def test_only_the_office_makes_baselines(portfolio: Portfolio) -> None:
    refusal = await _create(portfolio, portfolio.hdir, "PLAN-1", await _version(portfolio))

    assert isinstance(refusal, Denied)


async def test_a_baseline_code_must_be_a_code_and_not_a_rounds(portfolio: Portfolio) -> None:
    bad = await _create(
        portfolio, portfolio.office, "plan med mellomrom", await _version(portfolio)
    )
    round_code = await _create(portfolio, portfolio.office, "2026-2", await _version(portfolio))

    assert isinstance(bad, Invalid)
    assert [(p.field, p.text.code) for p in bad.problems] == [("code", "code_characters")]
    assert isinstance(round_code, Invalid)
    assert [(p.field, p.text.code) for p in round_code.problems] == [
        ("code", "baseline_code_taken")
    ]


async def test_deleting_an_unknown_baseline_names_the_code(portfolio: Portfolio) -> None:
    refusal = await portfolio.write(
        lambda connection: baseline_writes.delete_baseline(
            connection, viewer=portfolio.office, code="NONE"
        )
    )

    assert isinstance(refusal, NotFound)
    assert (refusal.field, refusal.code) == ("code", "NONE")
