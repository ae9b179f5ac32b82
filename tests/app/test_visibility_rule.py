"""The visibility rule at the SQL layer: every read of initiatives applies it in its statement.

The GraphQL matrix (``tests/security/test_visibility.py``) shows what callers see; these
tests show where that comes from — the repository's reads, whatever their caller.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from collections.abc import AsyncIterator, Callable
from types import ModuleType
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from app import repository, tables
from app.auth import ADMITTED_ONLY, EVERYTHING, Viewer, Visibility
from app.database import create_engine
from app.domain import Role
from app.repository.history import admitted_developments
from app.settings import Settings
from tests.conftest import Callers

PROPOSE = """
mutation($input: ProposeInitiativeInput!) { proposeInitiative(input: $input) { __typename } }
"""
ADD_DEPENDENCY = """
mutation($input: AddDependencyInput!) { addDependency(input: $input) { __typename } }
"""
UPSERT_DELIVERY = """
mutation($input: UpsertDeliveryInput!) { upsertDelivery(input: $input) { __typename } }
"""

# Reads that answer for the whole portfolio and count admitted initiatives only, the same
# for every caller: the analysis graph (now and as a round knew it), the round summary,
# the report's trend charts and the reminders' round.
ADMITTED_FOR_EVERYONE = {
    repository.graph_rows,
    repository.latest_statuses,
    repository.admitted_initiatives,
    repository.latest_reports,
    repository.initiatives_reported_in,
    repository.open_deliveries,
    repository.goal_links,
    repository.unreminded_missing_reports,
    repository.state_rows,
    repository.state_rows_as_of,
    repository.status_counts_per_round,
    repository.forecast_slips_per_round,
    admitted_developments,
}
INITIATIVE_TABLES = (
    "initiative_table",
    "delivery_table",
    "risk_table",
    "report_table",
    "dependency_table",
    "developed_table",
    "supporting_goal_table",
    "initiative_sdg_table",
    "decision_table",
    "_dependency_select",
    "_decision_select",
    "latest_reports_subquery",
)


def _repository_modules() -> list[ModuleType]:
    return [
        importlib.import_module(f"{repository.__name__}.{info.name}")
        for info in pkgutil.iter_modules(repository.__path__)
    ]


def _reads_of_initiatives() -> list[Callable[..., Any]]:
    found = []
    for module in _repository_modules():
        for _, function in inspect.getmembers(module, inspect.iscoroutinefunction):
            if function.__module__ != module.__name__ or function in ADMITTED_FOR_EVERYONE:
                continue
            source = inspect.getsource(function)
            # Whole names: ``webhook_delivery_table`` is not ``delivery_table``.
            if any(re.search(rf"\b{name}\b", source) for name in INITIATIVE_TABLES):
                found.append(function)
    return found


@pytest.mark.parametrize("read", _reads_of_initiatives(), ids=lambda read: read.__qualname__)
def test_every_read_of_initiatives_takes_the_readers_visibility(read: Callable[..., Any]) -> None:
    parameter = inspect.signature(read).parameters.get("visibility")

    assert parameter is not None
    assert parameter.kind is inspect.Parameter.KEYWORD_ONLY
    assert parameter.default is inspect.Parameter.empty  # no reader forgets to say


@pytest.mark.parametrize(
    ("viewer", "expected"),
    [
        (Viewer(), ADMITTED_ONLY),
        (Viewer(role=Role.READER), ADMITTED_ONLY),
        (
            Viewer(role=Role.REPORTER, organisation_id=7),
            Visibility(hidden_of_owners=frozenset({7})),
        ),
        (Viewer(role=Role.ADMIN), EVERYTHING),
    ],
)
def test_a_viewer_sees_hidden_initiatives_by_role_and_organisation(
    viewer: Viewer, expected: Visibility
) -> None:
    assert viewer.visibility == expected


@pytest.fixture
async def proposal(callers: Callers) -> AsyncIterator[tuple[AsyncConnection, dict[str, int]]]:
    """A proposal of HDIR's, HID-P, with a delivery, depending on PLL and on KJ."""
    owner = callers.as_role("REPORTER", "HDIR")
    owner.data(PROPOSE, {"input": {
        "code": "HID-P", "name": "Skjult", "owner": "HDIR",
        "digitalisationEssential": True, "coordinationOrStrategy": True,
    }})  # fmt: skip
    for supplier in ("PLL", "KJ"):
        owner.data(ADD_DEPENDENCY, {"input": {"dependant": "HID-P", "supplier": supplier}})
    owner.data(UPSERT_DELIVERY, {"input": {
        "initiative": "HID-P", "code": "HID-P-L1", "name": "Skjult leveranse",
    }})  # fmt: skip
    engine = create_engine(Settings(database_url=callers.database_url))
    try:
        async with engine.connect() as connection:
            table = tables.initiative_table
            ids = {
                row.code: row.id
                for row in await connection.execute(
                    sa.select(table.c.code, table.c.id).where(table.c.code.in_(["HID-P", "PLL"]))
                )
            }
            organisation = tables.organisation_table
            ids["HDIR"] = int(
                await connection.scalar(
                    sa.select(organisation.c.id).where(organisation.c.code == "HDIR")
                )
                or 0
            )
            ids["KJ"] = (await repository.solutions_by_codes(connection, ["KJ"]))["KJ"].id
            yield connection, ids
    finally:
        await engine.dispose()


async def test_the_predicate_admits_hidden_rows_only_for_everything_and_their_owner(
    proposal: tuple[AsyncConnection, dict[str, int]],
) -> None:
    connection, ids = proposal
    owner = Visibility(hidden_of_owners=frozenset({ids["HDIR"]}))
    other = Visibility(hidden_of_owners=frozenset({ids["HDIR"] + 1000}))

    seen = {
        name: await repository.initiatives_by_codes(connection, ["HID-P"], visibility=visibility)
        for name, visibility in [
            ("admitted only", ADMITTED_ONLY),
            ("other owner", other),
            ("owner", owner),
            ("everything", EVERYTHING),
        ]
    }

    assert {name for name, rows in seen.items() if rows} == {"owner", "everything"}


async def test_reads_hanging_off_a_hidden_initiative_leave_it_out(
    proposal: tuple[AsyncConnection, dict[str, int]],
) -> None:
    connection, ids = proposal
    hidden, pll, kj = ids["HID-P"], ids["PLL"], ids["KJ"]

    async def reads(visibility: Visibility) -> list[Any]:
        return [
            await repository.initiatives_by_ids(connection, [hidden], visibility=visibility),
            await repository.deliveries_for(connection, [hidden], visibility=visibility),
            await repository.delivery_by_code(connection, "HID-P-L1", visibility=visibility),
            await repository.dependencies_of(connection, [hidden], visibility=visibility),
            [
                row
                for row in (
                    await repository.dependants_of_initiatives(
                        connection, [pll], visibility=visibility
                    )
                ).get(pll, [])
                if row.dependant_code == "HID-P"
            ],
            [
                row
                for row in (
                    await repository.dependants_of_solutions(
                        connection, [kj], visibility=visibility
                    )
                ).get(kj, [])
                if row.dependant_code == "HID-P"
            ],
        ]

    assert all(await reads(EVERYTHING))
    assert not any(await reads(ADMITTED_ONLY))


async def test_the_visibility_adds_no_statement(
    proposal: tuple[AsyncConnection, dict[str, int]],
) -> None:
    connection, ids = proposal
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    sync_engine = connection.engine.sync_engine
    sa.event.listen(sync_engine, "before_cursor_execute", count)
    try:
        for visibility in (ADMITTED_ONLY, EVERYTHING):
            await repository.dependants_of_initiatives(
                connection, [ids["PLL"]], visibility=visibility
            )
    finally:
        sa.event.remove(sync_engine, "before_cursor_execute", count)

    assert len(statements) == 2
