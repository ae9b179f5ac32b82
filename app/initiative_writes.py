"""Writes of initiatives: an owner's proposal, the office's admission or decline, creation
and update. Each runs inside :func:`app.writes.run_write`'s transaction and refuses by
raising (guards, ``Problems.check``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from app import models, repository
from app.auth import EVERYTHING, Viewer
from app.dependency_writes import development_cycle
from app.domain import ADMITTED_STATES, LifecycleState, Segment
from app.messages import message
from app.repository import Row
from app.tables import (
    developed_table,
    goal_table,
    initiative_sdg_table,
    initiative_table,
    sdg_table,
    solution_table,
    supporting_goal_table,
)
from app.validation import (
    MAX_NAME,
    MAX_TEXT,
    Denied,
    Problems,
    entry_criteria_problems,
)
from app.writes import (
    audit,
    initiative_by_code,
    owned_initiative,
    refuse,
    require_office,
    require_version,
    require_writer,
    visible_initiative,
)

OFFICE_ONLY_FIELDS = {"segment": "segment", "state": "state", "owner": "owner"}


# --- lookups ---------------------------------------------------------------------------------


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
            problems.add("code", "code_taken", code=repr(values["code"]))
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
            problems.add(name, "required")
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
        problems.add("mainGoal", "no_strategic_goal", number=values["main_goal"])
    for index, number in enumerate(values.get("supporting_goals") or ()):
        if number not in goals:
            problems.add(f"supportingGoals[{index}]", "no_strategic_goal", number=number)
    sdgs = await _numbers(connection, sdg_table)
    for index, number in enumerate(values.get("sdgs") or ()):
        if number not in sdgs:
            problems.add(f"sdgs[{index}]", "no_sdg", number=number)
    developed = values.get("developed_solutions") or ()
    if developed:
        known = await repository.solutions_by_codes(connection, list(set(developed)))
        for index, code in enumerate(developed):
            if code not in known:
                problems.add(
                    f"developedSolutions[{index}]", "no_national_solution", code=repr(code)
                )


def _initiative_columns(values: Mapping[str, Any]) -> dict[str, Any]:
    renamed = {
        "main_goal": "main_goal_number",
    }
    skip = {"supporting_goals", "sdgs", "developed_solutions", "owner"}
    return {renamed.get(key, key): value for key, value in values.items() if key not in skip}


async def replace_goals(
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


async def _developed_codes(connection: AsyncConnection, initiative_id: int) -> list[str]:
    found = await repository.developed_solutions_for(
        connection, [initiative_id], visibility=EVERYTHING
    )
    return [row.code for row in found.get(initiative_id, [])]


async def replace_developed_solutions(
    connection: AsyncConnection, viewer: Viewer, initiative: Row, values: Mapping[str, Any]
) -> None:
    """Make ``developed_solutions`` (when given) the set the initiative develops.

    Refuses a set that would close a cycle; the caller's transaction then rolls back.
    """
    if "developed_solutions" not in values:
        return
    codes = sorted(set(values["developed_solutions"] or ()))
    await connection.execute(
        developed_table.delete().where(developed_table.c.initiative_id == initiative.id)
    )
    cycle = await development_cycle(
        connection, viewer=viewer, initiative=initiative.code, solutions=codes
    )
    if cycle is not None:
        refuse(cycle)
    solutions = await repository.solutions_by_codes(connection, codes)
    for code in codes:
        await connection.execute(
            developed_table.insert().values(
                initiative_id=initiative.id, solution_id=solutions[code].id
            )
        )


async def _insert_initiative(
    connection: AsyncConnection,
    *,
    viewer: Viewer,
    values: Mapping[str, Any],
    state: LifecycleState,
    action: str,
) -> Row:
    require_writer(viewer)
    problems = Problems()
    owner_code = values.get("owner") or viewer.organisation_code
    owner = None
    if owner_code is None:
        problems.add("owner", "required")
    else:
        owner = await _organisation(connection, owner_code)
        if owner is None:
            problems.add("owner", "no_organisation", code=repr(owner_code))
    if state is LifecycleState.ACTIVE and values.get("segment") is None:
        problems.add("segment", "segment_required_when_admitted")
    await _check_initiative(connection, problems, values, current=None)
    if owner is not None and not viewer.may_write_for(owner.id):
        refuse(
            Denied(message("propose_for_own_organisation", organisation=viewer.organisation_code))
        )
    problems.check()
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
    await replace_goals(connection, initiative_id, values)
    row = await initiative_by_code(connection, values["code"], visibility=EVERYTHING)
    assert row is not None
    await replace_developed_solutions(connection, viewer, row, values)
    await audit(
        viewer=viewer,
        action=action,
        entity_type="Initiative",
        entity_code=row.code,
        before=None,
        after={
            **row._mapping,
            "supporting_goals": values.get("supporting_goals"),
            "sdgs": values.get("sdgs"),
            "developed_solutions": sorted(set(values.get("developed_solutions") or ())),
        },
    )
    return row


async def propose_initiative(
    connection: AsyncConnection, *, viewer: Viewer, values: Mapping[str, Any]
) -> Row:
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
) -> Row:
    """The portfolio office registers an initiative, admitted (ACTIVE) at once."""
    require_office(viewer, message("action.create_admitted"))
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
) -> Row:
    admitting = admit_into is not None
    require_office(
        viewer, message("action.admit_proposals" if admitting else "action.decline_proposals")
    )
    current = await visible_initiative(connection, viewer, code, field="code")
    require_version(current, expected_version)
    problems = Problems()
    if current.state != LifecycleState.PROPOSED:
        problems.add(
            "code",
            "only_proposed_admitted" if admitting else "only_proposed_declined",
            code=code,
            state=current.state,
        )
    flags = entry_criteria_problems(
        digitalisation_essential=current.digitalisation_essential,
        coordination_or_strategy=current.coordination_or_strategy,
    )
    if (admit_into is None or flags) and not (reason and reason.strip()):
        problems.add(
            "reason",
            "reason_to_decline" if admit_into is None else "reason_to_admit_failing",
        )
    else:
        problems.text("reason", reason, max_length=MAX_TEXT)
    problems.check()
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
    row = await initiative_by_code(connection, code, visibility=EVERYTHING)
    await audit(
        viewer=viewer,
        action="initiative.admit" if admitting else "initiative.decline",
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
) -> Row:
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
) -> Row:
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
) -> Row:
    """Change the given fields if the initiative is still at ``expected_version``."""
    current = await owned_initiative(connection, viewer, code, field="code")
    office_fields = sorted(OFFICE_ONLY_FIELDS[key] for key in changes if key in OFFICE_ONLY_FIELDS)
    if office_fields:
        require_office(viewer, message("action.change_fields", fields=", ".join(office_fields)))
    require_version(current, expected_version)
    problems = Problems()
    if not changes:
        problems.add("input", "no_change")
    await _check_initiative(connection, problems, changes, current=current)
    values = dict(changes)
    if "owner" in changes:
        owner = await _organisation(connection, changes["owner"] or "")
        if owner is None:
            problems.add("owner", "no_organisation", code=repr(changes["owner"]))
        else:
            values["owner_id"] = owner.id
    state = changes.get("state", current.state)
    if "state" in changes and state not in ADMITTED_STATES:
        problems.add("state", "state_admitted_only")
    if "state" in changes and current.state not in ADMITTED_STATES:
        problems.add("state", "admit_or_decline_first", code=code, state=current.state)
    if "segment" in changes and changes["segment"] is None and current.state in ADMITTED_STATES:
        problems.add("segment", "segment_stays")
    problems.check()
    columns = _initiative_columns(values)
    updated = await connection.execute(
        initiative_table.update()
        .where(initiative_table.c.id == current.id, initiative_table.c.version == expected_version)
        .values(**columns, version=initiative_table.c.version + 1, updated_at=models.utcnow())
    )
    if updated.rowcount != 1:  # cannot happen while writes are serialised; kept as a guard
        raise RuntimeError(f"{code} changed during the update")
    await replace_goals(connection, current.id, values)
    before: Row | Mapping[str, Any] = current
    if "developed_solutions" in values:
        developed = await _developed_codes(connection, current.id)
        before = {**current._mapping, "developed_solutions": developed}
    row = await initiative_by_code(connection, code, visibility=EVERYTHING)
    assert row is not None
    await replace_developed_solutions(connection, viewer, row, values)
    after = {
        **row._mapping,
        **{key: values[key] for key in ("supporting_goals", "sdgs") if key in values},
    }
    if "developed_solutions" in values:
        after["developed_solutions"] = sorted(set(values["developed_solutions"] or ()))
    await audit(
        viewer=viewer,
        action="initiative.update",
        entity_type="Initiative",
        entity_code=code,
        before=before,
        after=after,
    )
    return row
