"""Writes of scenarios: create, update (name, changes) and delete.

Scenarios never touch the portfolio: they are saved bundles of changes that the analysis
evaluates on a copy of the graph (``app.analysis.Analysis.scenario``). ADMIN tokens
manage every scenario; a REPORTER token creates scenarios for its organisation and
changes or deletes only those. A scenario's changes may name any admitted initiative
(a REPORTER's too, since nothing real moves) but never a proposal, which only some
readers may see. Like ``app.writes``, every function runs inside ``run_write``'s
transaction and refuses by raising.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

import graph
from app import models, repository
from app.auth import ADMITTED_ONLY, Viewer
from app.dependency_writes import current_graph
from app.events import ScenarioChanged
from app.messages import message
from app.repository import Row
from app.scenarios import (
    ADD_DEPENDENCY,
    MAX_CHANGES,
    REMOVE_DEPENDENCY,
    SET_DATES,
    SLIP,
    stored_change,
)
from app.tables import scenario_table
from app.validation import (
    MAX_NAME,
    MAX_SLIP_DAYS,
    Conflict,
    Cycle,
    Denied,
    NotFound,
    Problems,
)
from app.writes import audit, record_event, refuse, require_writer

ScenarioChanges = Sequence[tuple[str, Mapping[str, Any]]]
"""The changes as the API gives them: each its kind and its values, in order."""


async def create_scenario(
    connection: AsyncConnection, *, viewer: Viewer, values: Mapping[str, Any]
) -> Row:
    """Save a new scenario for the caller's organisation (none for the portfolio office)."""
    require_writer(viewer)
    problems = Problems()
    problems.code("code", values.get("code"))
    problems.text("name", values.get("name"), max_length=MAX_NAME, required=True)
    if await repository.scenario_by_code(connection, values["code"]) is not None:
        problems.add("code", "scenario.exists", code=repr(values["code"]))
    changes = await _checked_changes(connection, values["changes"], problems)
    problems.check()
    await _refuse_cycles(connection, changes)
    now = models.utcnow()
    await connection.execute(
        scenario_table.insert().values(
            code=values["code"],
            name=values["name"],
            changes=changes,
            owner_id=None if viewer.is_admin else viewer.organisation_id,
            created_by=viewer.actor[:MAX_NAME],
            created_at=now,
            updated_at=now,
            version=1,
        )
    )
    row = await repository.scenario_by_code(connection, values["code"])
    assert row is not None
    await audit(
        viewer=viewer,
        action="scenario.create",
        entity_type="Scenario",
        entity_code=row.code,
        before=None,
        after=row,
    )
    # Stored so the analysis knows this write left the graph as it was.
    await record_event(
        ScenarioChanged(scenario_code=row.code, action="create", actor=viewer.actor[:MAX_NAME])
    )
    return row


async def update_scenario(
    connection: AsyncConnection,
    *,
    viewer: Viewer,
    code: str,
    values: Mapping[str, Any],
    expected_version: int | None,
) -> Row:
    """Rename a scenario or replace its changes; a field left out keeps its value."""
    before = await _own_scenario(connection, viewer, code)
    if expected_version is not None and expected_version != before.version:
        refuse(
            Conflict(
                current_version=before.version,
                text=message(
                    "scenario.stale_version",
                    code=before.code,
                    current=before.version,
                    expected=expected_version,
                ),
            )
        )
    problems = Problems()
    if "name" in values:
        problems.text("name", values["name"], max_length=MAX_NAME, required=True)
    changes = before.changes
    if values.get("changes") is not None:
        changes = await _checked_changes(connection, values["changes"], problems)
    problems.check()
    await _refuse_cycles(connection, changes)
    await connection.execute(
        scenario_table.update()
        .where(scenario_table.c.id == before.id)
        .values(
            name=values.get("name") or before.name,
            changes=changes,
            updated_at=models.utcnow(),
            version=scenario_table.c.version + 1,
        )
    )
    row = await repository.scenario_by_code(connection, code)
    assert row is not None
    await audit(
        viewer=viewer,
        action="scenario.update",
        entity_type="Scenario",
        entity_code=code,
        before=before,
        after=row,
    )
    # Stored so the analysis knows this write left the graph as it was.
    await record_event(
        ScenarioChanged(scenario_code=code, action="update", actor=viewer.actor[:MAX_NAME])
    )
    return row


async def delete_scenario(connection: AsyncConnection, *, viewer: Viewer, code: str) -> Row:
    """Delete a scenario; answers the row as it was."""
    before = await _own_scenario(connection, viewer, code)
    await connection.execute(scenario_table.delete().where(scenario_table.c.id == before.id))
    await audit(
        viewer=viewer,
        action="scenario.delete",
        entity_type="Scenario",
        entity_code=code,
        before=before,
        after=None,
    )
    # Stored so the analysis knows this write left the graph as it was.
    await record_event(
        ScenarioChanged(scenario_code=code, action="delete", actor=viewer.actor[:MAX_NAME])
    )
    return before


async def _own_scenario(connection: AsyncConnection, viewer: Viewer, code: str) -> Row:
    """The scenario ``code`` names, which the caller may change."""
    require_writer(viewer)
    row = await repository.scenario_by_code(connection, code)
    if row is None:
        refuse(NotFound("code", code, message("noun.scenario")))
    if not viewer.is_admin and row.owner_id != viewer.organisation_id:
        refuse(
            Denied(
                message(
                    "scenario.other_organisation",
                    code=row.code,
                    organisation=viewer.organisation_code,
                )
            )
        )
    return row


async def _checked_changes(
    connection: AsyncConnection, changes: ScenarioChanges, problems: Problems
) -> list[dict[str, Any]]:
    """The changes as stored, with every problem of theirs added to ``problems``."""
    if len(changes) > MAX_CHANGES:
        problems.add("changes", "scenario.too_many_changes", count=len(changes), limit=MAX_CHANGES)
        return []
    initiative_codes = {
        values[key]
        for kind, values in changes
        for key in ("code", "dependant", "supplier")
        if key in values
    }
    initiatives = await repository.initiatives_by_codes(
        connection, sorted(initiative_codes), visibility=ADMITTED_ONLY
    )
    solutions = await repository.solutions_by_codes(connection, sorted(initiative_codes))
    for index, (kind, values) in enumerate(changes):
        field = f"changes[{index}].{kind}"
        if kind in (ADD_DEPENDENCY, REMOVE_DEPENDENCY):
            if values["dependant"] not in initiatives:
                problems.add(
                    f"{field}.dependant", "scenario.no_initiative", code=repr(values["dependant"])
                )
            supplier = values["supplier"]
            if supplier not in initiatives and supplier not in solutions:
                problems.add(f"{field}.supplier", "scenario.no_supplier", code=repr(supplier))
            if supplier == values["dependant"]:
                problems.add(f"{field}.supplier", "self_dependency")
        elif values["code"] not in initiatives:
            problems.add(f"{field}.code", "scenario.no_initiative", code=repr(values["code"]))
        if kind == SLIP:
            problems.between(f"{field}.days", values["days"], -MAX_SLIP_DAYS, MAX_SLIP_DAYS)
        elif kind == SET_DATES:
            problems.date_in_range(f"{field}.plannedStart", values["planned_start"])
            problems.date_in_range(f"{field}.plannedEnd", values["planned_end"])
            problems.order(
                (f"{field}.plannedStart", values["planned_start"]),
                (f"{field}.plannedEnd", values["planned_end"]),
            )
        elif kind == ADD_DEPENDENCY:
            problems.between(f"{field}.lagDays", values["lag_days"], -3650, 3650)
            problems.date_in_range(f"{field}.neededBy", values.get("needed_by"))
    return [stored_change(kind, values) for kind, values in changes]


async def _refuse_cycles(connection: AsyncConnection, changes: Sequence[Mapping[str, Any]]) -> None:
    """Refuse the changes when the dependencies they add would close a cycle now."""
    dependency_graph = await current_graph(connection)
    for index, change in enumerate(changes):
        if change["kind"] not in (ADD_DEPENDENCY, REMOVE_DEPENDENCY):
            continue
        try:
            graph.apply_dependency_changes(
                dependency_graph,
                [graph.AddDependency(change["supplier"], change["dependant"])]
                if change["kind"] == ADD_DEPENDENCY
                else [graph.RemoveDependency(change["supplier"], change["dependant"])],
            )
        except graph.DependencyCycle as cycle:
            refuse(
                Cycle(
                    await _admitted_path(connection, cycle.cycle),
                    subject=message("cycle.scenario_change", index=index),
                )
            )


async def _admitted_path(connection: AsyncConnection, path: Sequence[str]) -> tuple[str, ...]:
    """A cycle's codes, with proposals (which not every reader may see) left unnamed."""
    admitted = await repository.initiatives_by_codes(connection, path, visibility=ADMITTED_ONLY)
    solutions = await repository.solutions_by_codes(connection, path)
    return tuple(code if code in admitted or code in solutions else "…" for code in path)
