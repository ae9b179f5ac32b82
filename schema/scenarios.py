"""Scenarios: the ``scenarios`` and ``scenario`` queries and the mutations that save them.

Every signed-in caller may read and evaluate scenarios; anonymous callers see none.
ADMIN tokens manage every scenario; a REPORTER token saves scenarios for its
organisation and changes or deletes only those (``app.scenario_writes``).
"""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from app import repository, scenario_writes
from app.messages import message
from app.repository import Row
from schema.bounds import Bound, check_first
from schema.context import Info
from schema.error_types import (
    ConflictError,
    DependencyCycleError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from schema.mutation_inputs import values_of
from schema.payloads import Result, invalid, mutate
from schema.scenario_types import (
    CHANGE_FIELDS,
    CreateScenarioInput,
    Scenario,
    ScenarioChangeInput,
    UpdateScenarioInput,
)

SCENARIO_LIST = Bound(default=50, maximum=200)
"""``scenarios``: saved by hand, so a page holds them all in practice."""

ScenarioCode = Annotated[str, strawberry.argument(description="Code of the scenario.")]


@strawberry.type(description="The scenario as stored (as it was, after a deletion).")
class ScenarioPayload:
    scenario: Scenario = strawberry.field(description="The scenario.")


ScenarioResult = Annotated[
    ScenarioPayload
    | ValidationError
    | NotFoundError
    | PermissionDeniedError
    | ConflictError
    | DependencyCycleError,
    strawberry.union(
        "ScenarioResult", description="The scenario as stored, or why the write was refused."
    ),
]


@strawberry.type
class ScenarioQuery:
    """The saved scenarios (mixed into ``Query``)."""

    @strawberry.field(description="Saved scenarios by code; none for anonymous callers.")
    async def scenarios(
        self,
        info: Info,
        first: Annotated[
            int,
            strawberry.argument(
                description=(
                    f"How many items to return (default {SCENARIO_LIST.default},"
                    f" at most {SCENARIO_LIST.maximum})."
                )
            ),
        ] = SCENARIO_LIST.default,
    ) -> list[Scenario]:
        check_first(first, SCENARIO_LIST)
        if not info.context.viewer.is_authenticated:
            return []
        rows = await info.context.read(repository.list_scenarios, limit=first)
        return [Scenario.from_row(row) for row in rows]

    @strawberry.field(description="How many scenarios are saved (0 for anonymous callers).")
    async def scenario_count(self, info: Info) -> int:
        if not info.context.viewer.is_authenticated:
            return 0
        count: int = await info.context.read(repository.count_scenarios)
        return count

    @strawberry.field(description="The scenario with `code`; null when none (or anonymous).")
    async def scenario(self, info: Info, code: ScenarioCode) -> Scenario | None:
        if not info.context.viewer.is_authenticated:
            return None
        row = await info.context.read(repository.scenario_by_code, code)
        return Scenario.from_row(row) if row is not None else None


def _changes(
    inputs: list[ScenarioChangeInput],
) -> list[tuple[str, dict[str, Any]]] | ValidationError:
    """Each change's kind and values; a change that gives not exactly one kind is refused.

    ``@oneOf`` refuses such a change in the document already; this holds for every way
    a change can arrive.
    """
    changes = []
    kinds = ", ".join(CHANGE_FIELDS.values())  # the kinds are the fields' GraphQL names
    for index, change in enumerate(inputs):
        given = [
            (field, value)
            for field in CHANGE_FIELDS
            if (value := getattr(change, field)) is not None and value is not strawberry.UNSET
        ]
        if len(given) != 1:
            text = message("scenario.one_kind", kinds=kinds).render()
            return invalid(f"changes[{index}]", text)
        field, value = given[0]
        changes.append((CHANGE_FIELDS[field], values_of(value)))
    return changes


def _payload(row: Row) -> ScenarioPayload:
    return ScenarioPayload(scenario=Scenario.from_row(row))


@strawberry.type
class ScenarioMutation:
    """Saving scenarios (mixed into ``Mutation``)."""

    @strawberry.mutation(
        description="Save a scenario (ADMIN, or REPORTER for its organisation).",
        graphql_type=ScenarioResult,
    )
    async def create_scenario(
        self,
        info: Info,
        input: Annotated[CreateScenarioInput, strawberry.argument(description="The scenario.")],
    ) -> Result[ScenarioPayload]:
        changes = _changes(input.changes)
        if isinstance(changes, ValidationError):
            return changes
        viewer = info.context.viewer
        values = {"code": input.code, "name": input.name, "changes": changes}
        return await mutate(
            info,
            lambda connection: scenario_writes.create_scenario(
                connection, viewer=viewer, values=values
            ),
            _payload,
        )

    @strawberry.mutation(
        description="Rename a scenario or replace its changes (its owner, or ADMIN).",
        graphql_type=ScenarioResult,
    )
    async def update_scenario(
        self,
        info: Info,
        code: ScenarioCode,
        input: Annotated[UpdateScenarioInput, strawberry.argument(description="What to change.")],
        expected_version: Annotated[
            int | None,
            strawberry.argument(
                description=(
                    "The `version` last read; when it has moved on the answer is ConflictError."
                )
            ),
        ] = None,
    ) -> Result[ScenarioPayload]:
        values: dict[str, Any] = {}
        if input.name is not strawberry.UNSET:
            values["name"] = input.name
        if input.changes is not strawberry.UNSET and input.changes is not None:
            changes = _changes(input.changes)
            if isinstance(changes, ValidationError):
                return changes
            values["changes"] = changes
        viewer = info.context.viewer
        return await mutate(
            info,
            lambda connection: scenario_writes.update_scenario(
                connection,
                viewer=viewer,
                code=code,
                values=values,
                expected_version=expected_version,
            ),
            _payload,
        )

    @strawberry.mutation(
        description="Delete a scenario (its owner, or ADMIN); answers it as it was.",
        graphql_type=ScenarioResult,
    )
    async def delete_scenario(self, info: Info, code: ScenarioCode) -> Result[ScenarioPayload]:
        viewer = info.context.viewer
        return await mutate(
            info,
            lambda connection: scenario_writes.delete_scenario(
                connection, viewer=viewer, code=code
            ),
            _payload,
        )
