"""All SQL of the write API.

Every write runs in one transaction opened by :func:`run_write`, which first moves the
data version: that statement takes the write lock (SQLite) or the version row's lock
(PostgreSQL), so writes are serialised and each one sees the data as its predecessor
left it — cycle checks and version checks read inside the same transaction. A write
returns its result or a refusal (``app.validation``); a refusal rolls everything back.
Functions take the connection first and keyword-only options.
"""

from __future__ import annotations

import asyncio
import contextlib
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

import graph
from app import models, repository
from app.auth import Viewer
from app.domain import ADMITTED_STATES, LifecycleState, Segment
from app.repository import Row
from app.validation import (
    MAX_NAME,
    MAX_TEXT,
    REFUSALS,
    Conflict,
    Cycle,
    Denied,
    NotFound,
    Problems,
    Refusal,
    entry_criteria_flags,
)

T = TypeVar("T")

initiative_table = repository.initiative_table
organisation_table = repository.organisation_table
solution_table = repository.solution_table
dependency_table = repository.dependency_table
delivery_table = repository.delivery_table
risk_table = repository.risk_table
period_table = repository.period_table
report_table = repository.report_table
goal_table = repository.goal_table
sdg_table = repository.sdg_table
supporting_goal_table = repository.supporting_goal_table
initiative_sdg_table = repository.initiative_sdg_table
developed_table = repository.developed_table
version_table = repository.version_table
audit_table = models.table_of(models.AuditEvent)
meeting_table = models.table_of(models.CouncilMeeting)
decision_table = models.table_of(models.CouncilDecision)

REPORTING_STATES = frozenset({LifecycleState.ACTIVE, LifecycleState.PAUSED})
OFFICE_ONLY_FIELDS = {"segment": "segment", "state": "state", "owner": "owner"}


# --- transaction, version, audit ---------------------------------------------------------


_sqlite_write_locks: weakref.WeakKeyDictionary[
    AsyncEngine, tuple[asyncio.AbstractEventLoop, asyncio.Lock]
] = weakref.WeakKeyDictionary()


@contextlib.asynccontextmanager
async def _one_writer_at_a_time(engine: AsyncEngine) -> AsyncIterator[None]:
    """On SQLite, queue this process's writers in order before they reach the file lock.

    SQLite's busy handler polls with growing sleeps, so under a burst of writers some wait
    past the busy timeout and fail with "database is locked" while others get through.
    Waiting here, first come first served, leaves the busy timeout for other processes.
    PostgreSQL needs none of this: the version row's lock queues writers fairly.
    """
    if engine.dialect.name != "sqlite":
        yield
        return
    loop = asyncio.get_running_loop()
    known = _sqlite_write_locks.get(engine)
    if known is None or known[0] is not loop:
        known = (loop, asyncio.Lock())
        _sqlite_write_locks[engine] = known
    async with known[1]:
        yield


async def run_write(
    engine: AsyncEngine, work: Callable[[AsyncConnection], Awaitable[T | Refusal]]
) -> T | Refusal:
    """Run ``work`` in one transaction that also bumps the data version; refusals roll back."""
    async with (
        _one_writer_at_a_time(engine),
        engine.connect() as connection,
        connection.begin() as transaction,
    ):
        # First statement is a write, so SQLite takes its lock now (waiting for the busy
        # timeout) instead of failing later when a read snapshot turns out stale.
        await bump_data_version(connection)
        outcome = await work(connection)
        if isinstance(outcome, REFUSALS):
            await transaction.rollback()
        return outcome


async def bump_data_version(connection: AsyncConnection) -> None:
    """Move the data version on by one (creating the row on first use)."""
    updated = await connection.execute(
        version_table.update()
        .where(version_table.c.id == 1)
        .values(version=version_table.c.version + 1)
    )
    if updated.rowcount == 0:
        try:
            async with connection.begin_nested():
                await connection.execute(version_table.insert().values(id=1, version=1))
        except sa.exc.IntegrityError:
            # A concurrent first write created the row; wait for its lock and move on.
            await connection.execute(
                version_table.update()
                .where(version_table.c.id == 1)
                .values(version=version_table.c.version + 1)
            )


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == int(value) else float(value)
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def snapshot(row: Row | Mapping[str, Any] | None) -> dict[str, Any] | None:
    """A row as JSON-ready values, for the audit log."""
    if row is None:
        return None
    mapping = row._mapping if isinstance(row, sa.Row) else row
    return {key: _plain(value) for key, value in mapping.items()}


async def audit(
    connection: AsyncConnection,
    *,
    viewer: Viewer,
    action: str,
    entity_type: str,
    entity_code: str,
    before: Row | Mapping[str, Any] | None,
    after: Row | Mapping[str, Any] | None,
) -> None:
    """Record who changed what, with the state before and after."""
    await connection.execute(
        audit_table.insert().values(
            at=models.utcnow(),
            actor=viewer.actor[:MAX_NAME],
            action=action,
            entity_type=entity_type,
            entity_code=entity_code,
            before=snapshot(before),
            after=snapshot(after),
        )
    )


# --- lookups -------------------------------------------------------------------------------


async def _initiative(connection: AsyncConnection, code: str) -> Row | None:
    return (await repository.initiatives_by_codes(connection, [code])).get(code)


async def _organisation(connection: AsyncConnection, code: str) -> Row | None:
    return (await repository.organisations_by_codes(connection, [code])).get(code)


async def _numbers(connection: AsyncConnection, table: sa.Table) -> set[int]:
    return set((await connection.execute(sa.select(table.c.number))).scalars())


async def _code_taken(connection: AsyncConnection, code: str) -> bool:
    """Codes are unique across initiatives and solutions: the graph keys nodes by code."""
    for table in (initiative_table, solution_table):
        if await connection.scalar(sa.select(table.c.id).where(table.c.code == code)):
            return True
    return False


def _writer_refusal(viewer: Viewer) -> Denied | None:
    if not viewer.is_authenticated:
        return Denied("Sign in with an API token to make changes.")
    if not viewer.can_write:
        return Denied("A READER token can read but not change the portfolio.")
    return None


def _office_refusal(viewer: Viewer, doing: str) -> Denied | None:
    if not viewer.is_admin:
        return Denied(f"Only the portfolio office (ADMIN) can {doing}.")
    return None


def _owner_refusal(viewer: Viewer, initiative: Row) -> Denied | None:
    refusal = _writer_refusal(viewer)
    if refusal is not None:
        return refusal
    if not viewer.may_write_for(initiative.owner_id):
        return Denied(
            f"{initiative.code} belongs to another organisation; a REPORTER token of "
            f"{viewer.organisation_code} can change only its own organisation's initiatives."
        )
    return None


def _version_conflict(row: Row, expected_version: int | None) -> Conflict | None:
    if expected_version is not None and expected_version != row.version:
        return Conflict(
            current_version=row.version,
            message=(
                f"{row.code} is at version {row.version}, not {expected_version}: someone "
                "changed it since you read it. Read it again and reapply your change."
            ),
        )
    return None


# --- initiatives: intake, creation, update ---------------------------------------------------


async def _check_initiative(
    connection: AsyncConnection,
    problems: Problems,
    values: Mapping[str, Any],
    *,
    current: Row | None,
) -> None:
    """Check the initiative fields present in ``values`` (all of them when creating)."""
    if "code" in values:
        problems.code("code", values["code"])
        if values["code"] and await _code_taken(connection, values["code"]):
            problems.add(
                "code", f"{values['code']!r} is already used by an initiative or solution."
            )
    if "name" in values:
        problems.text("name", values["name"], max_length=MAX_NAME, required=True)
    for key, name, limit in (
        ("purpose", "purpose", MAX_TEXT),
        ("contact_person", "contactPerson", MAX_NAME),
        ("entry_criteria_note", "entryCriteriaNote", MAX_TEXT),
    ):
        if key in values:
            problems.text(name, values[key], max_length=limit)
    for key, name in (("kind", "kind"), ("phase", "phase")):
        if key in values and values[key] is None:
            problems.add(name, "is required.")
    dates = {
        key: values.get(key, getattr(current, key, None))
        for key in ("planned_start", "planned_end", "forecast_end")
    }
    for key, name in (
        ("planned_start", "plannedStart"),
        ("planned_end", "plannedEnd"),
        ("forecast_end", "forecastEnd"),
    ):
        if key in values:
            problems.date_in_range(name, values[key])
    problems.order(("plannedStart", dates["planned_start"]), ("plannedEnd", dates["planned_end"]))
    problems.order(("plannedStart", dates["planned_start"]), ("forecastEnd", dates["forecast_end"]))
    goals = await _numbers(connection, goal_table)
    if values.get("main_goal") is not None and values["main_goal"] not in goals:
        problems.add("mainGoal", f"there is no strategic goal {values['main_goal']}.")
    for index, number in enumerate(values.get("supporting_goals") or ()):
        if number not in goals:
            problems.add(f"supportingGoals[{index}]", f"there is no strategic goal {number}.")
    sdgs = await _numbers(connection, sdg_table)
    for index, number in enumerate(values.get("sdgs") or ()):
        if number not in sdgs:
            problems.add(f"sdgs[{index}]", f"goal {number} is not one the portfolio names.")


def _initiative_columns(values: Mapping[str, Any]) -> dict[str, Any]:
    renamed = {
        "main_goal": "main_goal_number",
    }
    skip = {"supporting_goals", "sdgs", "owner"}
    return {renamed.get(key, key): value for key, value in values.items() if key not in skip}


async def _replace_goals(
    connection: AsyncConnection, initiative_id: int, values: Mapping[str, Any]
) -> None:
    if "supporting_goals" in values:
        await connection.execute(
            supporting_goal_table.delete().where(
                supporting_goal_table.c.initiative_id == initiative_id
            )
        )
        for number in sorted(set(values["supporting_goals"] or ())):
            await connection.execute(
                supporting_goal_table.insert().values(
                    initiative_id=initiative_id, goal_number=number
                )
            )
    if "sdgs" in values:
        await connection.execute(
            initiative_sdg_table.delete().where(
                initiative_sdg_table.c.initiative_id == initiative_id
            )
        )
        for number in sorted(set(values["sdgs"] or ())):
            await connection.execute(
                initiative_sdg_table.insert().values(initiative_id=initiative_id, sdg_number=number)
            )


async def _insert_initiative(
    connection: AsyncConnection,
    *,
    viewer: Viewer,
    values: Mapping[str, Any],
    state: LifecycleState,
    action: str,
) -> Row | Refusal:
    refusal = _writer_refusal(viewer)
    if refusal is not None:
        return refusal
    problems = Problems()
    owner_code = values.get("owner") or viewer.organisation_code
    owner = None
    if owner_code is None:
        problems.add("owner", "is required.")
    else:
        owner = await _organisation(connection, owner_code)
        if owner is None:
            problems.add("owner", f"there is no organisation {owner_code!r}.")
    if state is LifecycleState.ACTIVE and values.get("segment") is None:
        problems.add("segment", "is required for an admitted initiative.")
    await _check_initiative(connection, problems, values, current=None)
    if owner is not None and not viewer.may_write_for(owner.id):
        return Denied(
            f"A REPORTER token of {viewer.organisation_code} can propose initiatives only for "
            "its own organisation."
        )
    if problems:
        return problems.refusal()
    assert owner is not None  # no problems means the owner was found
    now = models.utcnow()
    columns = _initiative_columns(values)
    columns.update(owner_id=owner.id, state=state, version=1, created_at=now, updated_at=now)
    if state is LifecycleState.ACTIVE:
        columns.update(decided_by=viewer.actor, decided_at=now)
    initiative_id = await connection.scalar(
        initiative_table.insert().values(**columns).returning(initiative_table.c.id)
    )
    assert initiative_id is not None
    await _replace_goals(connection, initiative_id, values)
    row = await _initiative(connection, values["code"])
    assert row is not None
    await audit(
        connection,
        viewer=viewer,
        action=action,
        entity_type="Initiative",
        entity_code=row.code,
        before=None,
        after={
            **row._mapping,
            "supporting_goals": values.get("supporting_goals"),
            "sdgs": values.get("sdgs"),
        },
    )
    return row


async def propose_initiative(
    connection: AsyncConnection, *, viewer: Viewer, values: Mapping[str, Any]
) -> Row | Refusal:
    """An owner's proposal (innmelding): stored as PROPOSED for the office to decide."""
    return await _insert_initiative(
        connection,
        viewer=viewer,
        values={**values, "segment": None},
        state=LifecycleState.PROPOSED,
        action="initiative.propose",
    )


async def create_initiative(
    connection: AsyncConnection, *, viewer: Viewer, values: Mapping[str, Any]
) -> Row | Refusal:
    """The portfolio office registers an initiative, admitted (ACTIVE) at once."""
    refusal = _writer_refusal(viewer) or _office_refusal(viewer, "create admitted initiatives")
    if refusal is not None:
        return refusal
    return await _insert_initiative(
        connection,
        viewer=viewer,
        values=values,
        state=LifecycleState.ACTIVE,
        action="initiative.create",
    )


async def _decide(
    connection: AsyncConnection,
    *,
    viewer: Viewer,
    code: str,
    expected_version: int | None,
    reason: str | None,
    admit_into: Segment | None,
) -> Row | Refusal:
    verb = "admit" if admit_into is not None else "decline"
    refusal = _writer_refusal(viewer) or _office_refusal(viewer, f"{verb} proposals")
    if refusal is not None:
        return refusal
    current = await _initiative(connection, code)
    if current is None:
        return NotFound("code", code, "initiative")
    conflict = _version_conflict(current, expected_version)
    if conflict is not None:
        return conflict
    problems = Problems()
    if current.state != LifecycleState.PROPOSED:
        problems.add(
            "code", f"{code} is {current.state}; only a PROPOSED initiative can be {verb}d."
        )
    flags = entry_criteria_flags(
        digitalisation_essential=current.digitalisation_essential,
        coordination_or_strategy=current.coordination_or_strategy,
    )
    if (admit_into is None or flags) and not (reason and reason.strip()):
        problems.add(
            "reason",
            "is required to decline a proposal."
            if admit_into is None
            else "is required to admit a proposal that fails the entry criteria.",
        )
    else:
        problems.text("reason", reason, max_length=MAX_TEXT)
    if problems:
        return problems.refusal()
    now = models.utcnow()
    await connection.execute(
        initiative_table.update()
        .where(initiative_table.c.id == current.id)
        .values(
            state=LifecycleState.ACTIVE if admit_into is not None else LifecycleState.DECLINED,
            segment=admit_into,
            decided_by=viewer.actor,
            decided_at=now,
            decision_reason=reason,
            version=initiative_table.c.version + 1,
            updated_at=now,
        )
    )
    row = await _initiative(connection, code)
    await audit(
        connection,
        viewer=viewer,
        action=f"initiative.{verb}",
        entity_type="Initiative",
        entity_code=code,
        before=current,
        after=row,
    )
    assert row is not None
    return row


async def admit_initiative(
    connection: AsyncConnection,
    *,
    viewer: Viewer,
    code: str,
    segment: Segment,
    reason: str | None,
    expected_version: int | None,
) -> Row | Refusal:
    """Admit a proposal into a segment (state ACTIVE), recording who, when and why."""
    return await _decide(
        connection,
        viewer=viewer,
        code=code,
        expected_version=expected_version,
        reason=reason,
        admit_into=segment,
    )


async def decline_initiative(
    connection: AsyncConnection,
    *,
    viewer: Viewer,
    code: str,
    reason: str | None,
    expected_version: int | None,
) -> Row | Refusal:
    """Decline a proposal with a reason (state DECLINED)."""
    return await _decide(
        connection,
        viewer=viewer,
        code=code,
        expected_version=expected_version,
        reason=reason,
        admit_into=None,
    )


async def update_initiative(
    connection: AsyncConnection,
    *,
    viewer: Viewer,
    code: str,
    expected_version: int,
    changes: Mapping[str, Any],
) -> Row | Refusal:
    """Change the given fields if the initiative is still at ``expected_version``."""
    current = await _initiative(connection, code)
    if current is None:
        return NotFound("code", code, "initiative")
    refusal = _owner_refusal(viewer, current)
    if refusal is not None:
        return refusal
    office_fields = sorted(OFFICE_ONLY_FIELDS[key] for key in changes if key in OFFICE_ONLY_FIELDS)
    if office_fields and not viewer.is_admin:
        return Denied(f"Only the portfolio office (ADMIN) can change {', '.join(office_fields)}.")
    conflict = _version_conflict(current, expected_version)
    if conflict is not None:
        return conflict
    problems = Problems()
    if not changes:
        problems.add("input", "names no field to change.")
    await _check_initiative(connection, problems, changes, current=current)
    values = dict(changes)
    if "owner" in changes:
        owner = await _organisation(connection, changes["owner"] or "")
        if owner is None:
            problems.add("owner", f"there is no organisation {changes['owner']!r}.")
        else:
            values["owner_id"] = owner.id
    state = changes.get("state", current.state)
    if "state" in changes and state not in ADMITTED_STATES:
        problems.add("state", "must be ACTIVE, PAUSED, COMPLETED or CANCELLED; use admit/decline.")
    if "state" in changes and current.state not in ADMITTED_STATES:
        problems.add("state", f"{code} is {current.state}; admit or decline it first.")
    if "segment" in changes and changes["segment"] is None and current.state in ADMITTED_STATES:
        problems.add("segment", "an admitted initiative must have a segment.")
    if problems:
        return problems.refusal()
    columns = _initiative_columns(values)
    updated = await connection.execute(
        initiative_table.update()
        .where(initiative_table.c.id == current.id, initiative_table.c.version == expected_version)
        .values(**columns, version=initiative_table.c.version + 1, updated_at=models.utcnow())
    )
    if updated.rowcount != 1:  # cannot happen while writes are serialised; kept as a guard
        raise RuntimeError(f"{code} changed during the update")
    await _replace_goals(connection, current.id, values)
    row = await _initiative(connection, code)
    await audit(
        connection,
        viewer=viewer,
        action="initiative.update",
        entity_type="Initiative",
        entity_code=code,
        before=current,
        after={
            **row._mapping,
            **{key: values[key] for key in ("supporting_goals", "sdgs") if key in values},
        }
        if row is not None
        else None,
    )
    assert row is not None
    return row


# --- dependencies ----------------------------------------------------------------------------


async def _current_graph(connection: AsyncConnection) -> Any:
    """The dependency graph as stored now (read in the caller's transaction)."""
    initiatives = (
        await connection.execute(sa.select(initiative_table.c.code, initiative_table.c.name))
    ).all()
    solutions = (
        await connection.execute(
            sa.select(solution_table.c.code, solution_table.c.name, solution_table.c.category)
        )
    ).all()
    supplier_initiative = initiative_table.alias("supplier_initiative")
    dependant = initiative_table.alias("dependant")
    edges = (
        await connection.execute(
            sa.select(
                sa.func.coalesce(supplier_initiative.c.code, solution_table.c.code).label(
                    "supplier"
                ),
                dependant.c.code.label("dependant"),
                dependency_table.c.criticality,
            )
            .join(dependant, dependant.c.id == dependency_table.c.dependant_id)
            .outerjoin(
                supplier_initiative,
                supplier_initiative.c.id == dependency_table.c.supplier_initiative_id,
            )
            .outerjoin(
                solution_table, solution_table.c.id == dependency_table.c.supplier_solution_id
            )
        )
    ).all()
    developments = (
        await connection.execute(
            sa.select(
                initiative_table.c.code.label("initiative"), solution_table.c.code.label("solution")
            )
            .join(developed_table, developed_table.c.initiative_id == initiative_table.c.id)
            .join(solution_table, solution_table.c.id == developed_table.c.solution_id)
        )
    ).all()
    return graph.build_dependency_graph(
        initiatives=[
            graph.InitiativeNode(row.code, row.name, None, None, None) for row in initiatives
        ],
        solutions=[graph.SolutionNode(row.code, row.name, str(row.category)) for row in solutions],
        dependencies=[
            graph.DependencyEdge(
                row.supplier, row.dependant, graph.Criticality(str(row.criticality))
            )
            for row in edges
        ],
        developments=[graph.Development(row.initiative, row.solution) for row in developments],
    )


@dataclass(frozen=True, slots=True)
class Supplier:
    code: str
    initiative_id: int | None
    solution_id: int | None


async def _supplier(connection: AsyncConnection, code: str) -> Supplier | None:
    initiative = await _initiative(connection, code)
    if initiative is not None:
        return Supplier(code, initiative.id, None)
    solution = (await repository.solutions_by_codes(connection, [code])).get(code)
    return Supplier(code, None, solution.id) if solution is not None else None


async def _existing_dependency(
    connection: AsyncConnection, dependant_id: int, supplier: Supplier
) -> Row | None:
    condition = (
        dependency_table.c.supplier_initiative_id == supplier.initiative_id
        if supplier.initiative_id is not None
        else dependency_table.c.supplier_solution_id == supplier.solution_id
    )
    result = await connection.execute(
        sa.select(dependency_table.c.id).where(
            dependency_table.c.dependant_id == dependant_id, condition
        )
    )
    found = result.first()
    if found is None:
        return None
    return await repository.dependency_by_id(connection, found.id)


async def add_dependency(
    connection: AsyncConnection, *, viewer: Viewer, values: Mapping[str, Any]
) -> Row | Refusal:
    """The dependant starts to depend on the supplier; self, duplicates and cycles are refused."""
    dependant = await _initiative(connection, values["dependant"])
    if dependant is None:
        return NotFound("dependant", values["dependant"], "initiative")
    refusal = _owner_refusal(viewer, dependant)
    if refusal is not None:
        return refusal
    supplier = await _supplier(connection, values["supplier"])
    if supplier is None:
        return NotFound("supplier", values["supplier"], "initiative or solution")
    problems = Problems()
    problems.between("lagDays", values.get("lag_days"), -3650, 3650)
    problems.date_in_range("neededBy", values.get("needed_by"))
    problems.text("description", values.get("description"), max_length=MAX_TEXT)
    if supplier.initiative_id == dependant.id:
        problems.add("supplier", "an initiative cannot depend on itself.")
    elif await _existing_dependency(connection, dependant.id, supplier) is not None:
        problems.add(
            "supplier",
            f"{dependant.code} already depends on {supplier.code}; change or remove that "
            "dependency instead.",
        )
    delivery_id = None
    if values.get("supplier_delivery") is not None:
        delivery = await repository.delivery_by_code(connection, values["supplier_delivery"])
        if delivery is None:
            problems.add(
                "supplierDelivery", f"there is no delivery {values['supplier_delivery']!r}."
            )
        elif delivery.initiative_id != supplier.initiative_id:
            problems.add("supplierDelivery", f"is not a delivery of {supplier.code}.")
        else:
            delivery_id = delivery.id
    if problems:
        return problems.refusal()
    cycle = graph.would_create_cycle(
        await _current_graph(connection), supplier=supplier.code, dependant=dependant.code
    )
    if cycle is not None:
        return Cycle(tuple(cycle))
    dependency_id = await connection.scalar(
        dependency_table.insert()
        .values(
            dependant_id=dependant.id,
            supplier_initiative_id=supplier.initiative_id,
            supplier_solution_id=supplier.solution_id,
            supplier_delivery_id=delivery_id,
            criticality=values["criticality"],
            type=values["type"],
            lag_days=values.get("lag_days") or 0,
            needed_by=values.get("needed_by"),
            description=values.get("description"),
        )
        .returning(dependency_table.c.id)
    )
    assert dependency_id is not None
    row = await repository.dependency_by_id(connection, dependency_id)
    await audit(
        connection,
        viewer=viewer,
        action="dependency.add",
        entity_type="Dependency",
        entity_code=f"{dependant.code}<-{supplier.code}",
        before=None,
        after=row,
    )
    assert row is not None
    return row


async def remove_dependency(
    connection: AsyncConnection, *, viewer: Viewer, dependant_code: str, supplier_code: str
) -> Row | Refusal:
    """Remove the dependant's dependency on the supplier; returns the removed row."""
    dependant = await _initiative(connection, dependant_code)
    if dependant is None:
        return NotFound("dependant", dependant_code, "initiative")
    refusal = _owner_refusal(viewer, dependant)
    if refusal is not None:
        return refusal
    supplier = await _supplier(connection, supplier_code)
    existing = (
        await _existing_dependency(connection, dependant.id, supplier)
        if supplier is not None
        else None
    )
    if existing is None:
        return NotFound("supplier", supplier_code, f"dependency of {dependant_code} on")
    await connection.execute(dependency_table.delete().where(dependency_table.c.id == existing.id))
    await audit(
        connection,
        viewer=viewer,
        action="dependency.remove",
        entity_type="Dependency",
        entity_code=f"{dependant_code}<-{supplier_code}",
        before=existing,
        after=None,
    )
    return existing
