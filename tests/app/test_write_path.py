"""The write path itself: run_write's transaction, version and audit, and the guards."""

from __future__ import annotations

from collections.abc import AsyncIterator
from types import SimpleNamespace
from typing import Any, cast

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from app import tables, writes
from app.auth import Viewer
from app.database import create_engine
from app.domain import Role
from app.messages import message
from app.settings import Settings
from app.validation import Conflict, Denied, Invalid, Problems, Refused

OFFICE = Viewer(role=Role.ADMIN, name="office")
READER = Viewer(role=Role.READER, name="reader")
REPORTER = Viewer(role=Role.REPORTER, organisation_id=1, organisation_code="HDIR", name="r")


@pytest.fixture
async def engine(empty_database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(Settings(database_url=empty_database_url))
    try:
        yield engine
    finally:
        await engine.dispose()


async def _version_and_audits(engine: AsyncEngine) -> tuple[int, int]:
    async with engine.connect() as connection:
        version = await connection.scalar(sa.text("SELECT version FROM data_version"))
        audits = await connection.scalar(sa.select(sa.func.count()).select_from(tables.audit_table))
    return int(version or 0), int(audits or 0)


async def _audited_write(_connection: AsyncConnection) -> str:
    # The work is handed its connection, but audit records into the running write by itself.
    await writes.audit(
        viewer=OFFICE,
        action="test.write",
        entity_type="Test",
        entity_code="T1",
        before=None,
        after={"code": "T1"},
    )
    return "written"


async def test_run_write_commits_the_work_with_its_version_bump_and_audit(
    engine: AsyncEngine,
) -> None:
    outcome = await writes.run_write(engine, _audited_write)

    assert outcome == "written"
    assert await _version_and_audits(engine) == (1, 1)


async def test_run_write_returns_a_raised_refusal_and_rolls_everything_back(
    engine: AsyncEngine,
) -> None:
    await writes.run_write(engine, _audited_write)

    async def refused_after_auditing(connection: AsyncConnection) -> str:
        await _audited_write(connection)
        writes.refuse(Denied(message("sign_in_to_write")))

    outcome = await writes.run_write(engine, refused_after_auditing)

    assert outcome == Denied(message("sign_in_to_write"))
    assert await _version_and_audits(engine) == (1, 1)


def test_problems_check_refuses_with_every_problem_found() -> None:
    problems = Problems()
    problems.add("name", "required")

    with pytest.raises(Refused) as raised:
        problems.check()

    assert isinstance(raised.value.refusal, Invalid)
    assert raised.value.refusal.message == "name: is required."


async def test_audit_outside_a_write_is_an_error() -> None:
    with pytest.raises(RuntimeError, match="run_write"):
        await _audited_write(cast(AsyncConnection, None))


@pytest.mark.parametrize(
    ("viewer", "expected"),
    [
        (Viewer(), "Sign in with an API token to make changes."),
        (READER, "A READER token can read but not change the portfolio."),
        (REPORTER, "Only the portfolio office (ADMIN) can open reporting periods."),
    ],
)
def test_require_office_refuses_everyone_but_the_office(viewer: Viewer, expected: str) -> None:
    with pytest.raises(Refused) as raised:
        writes.require_office(viewer, message("action.open_periods"))

    assert isinstance(raised.value.refusal, Denied)
    assert raised.value.refusal.message == expected


def test_require_office_lets_the_office_through() -> None:
    writes.require_office(OFFICE, message("action.open_periods"))


def test_require_owner_refuses_a_reporter_of_another_organisation() -> None:
    initiative: Any = SimpleNamespace(code="I-1", owner_id=2)

    with pytest.raises(Refused) as raised:
        writes.require_owner(REPORTER, initiative)

    assert isinstance(raised.value.refusal, Denied)
    assert raised.value.refusal.message.startswith("I-1 belongs to another organisation")


def test_require_version_refuses_a_stale_version_with_the_current_one() -> None:
    row: Any = SimpleNamespace(code="I-1", version=3)

    writes.require_version(row, None)
    writes.require_version(row, 3)
    with pytest.raises(Refused) as raised:
        writes.require_version(row, 2)

    assert isinstance(raised.value.refusal, Conflict)
    assert raised.value.refusal.current_version == 3


async def test_after_commit_runs_only_once_the_write_has_committed(engine: AsyncEngine) -> None:
    calls: list[str] = []

    async def committed(_connection: AsyncConnection) -> None:
        writes.after_commit(lambda: calls.append("committed"))

    async def refused(_connection: AsyncConnection) -> None:
        writes.after_commit(lambda: calls.append("refused"))
        writes.refuse(Denied(message("sign_in_to_write")))

    await writes.run_write(engine, refused)
    await writes.run_write(engine, committed)

    assert calls == ["committed"]
