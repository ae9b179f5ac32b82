"""``portfolioChanges`` and baselines: compare two moments of the portfolio, freeze one.

A moment is a reporting round (the portfolio as that round knew it, from the history
tables), a baseline (frozen by ``createBaseline``) or now. Both sides are built as
``app.portfolio_state`` states and compared by ``app.portfolio_changes.compare``.
"""

from __future__ import annotations

from typing import Annotated

import strawberry

from app import baseline_writes, repository
from app.analysis import run_cancellable
from app.messages import message
from app.portfolio_changes import PortfolioState, compare
from app.portfolio_state import state_now, state_of_baseline, state_of_round
from schema.bounds import check_first
from schema.changes_types import (
    BASELINE_LIST,
    Baseline,
    BaselinePayload,
    DeleteBaselinePayload,
    FirstBaseline,
    PortfolioChanges,
)
from schema.context import Info
from schema.error_types import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from schema.errors import UserInputError
from schema.payloads import Result, mutate

BaselineResult = Annotated[
    BaselinePayload | ValidationError | PermissionDeniedError | ConflictError,
    strawberry.union("BaselineResult", description="The baseline as stored, or why not."),
]
DeleteBaselineResult = Annotated[
    DeleteBaselinePayload | NotFoundError | PermissionDeniedError,
    strawberry.union("DeleteBaselineResult", description="The deleted baseline, or why not."),
]


@strawberry.input(description="A baseline to make of the portfolio as it is.")
class CreateBaselineInput:
    code: str = strawberry.field(
        description="Stable key (letters, digits, `.`, `-`, `_`), not a round's code."
    )
    name: str = strawberry.field(description="What the baseline is for.")


async def portfolio_state(info: Info, code: str | None, *, argument: str) -> PortfolioState:
    """The state a round or baseline code names, or now; worked out once per request."""

    async def compute() -> PortfolioState:
        analysis = await info.context.analysis()
        read = info.context.read
        if code is None:
            return await state_now(read, analysis)
        for period in await info.context.periods():
            if period.code == code:
                return await state_of_round(read, analysis, period.opens)
        row = await read(repository.baseline_by_code, code)
        if row is not None:
            return await run_cancellable(state_of_baseline, row)
        raise UserInputError(
            message("input.no_round_or_baseline", code=repr(code)), argument=argument
        )

    return await info.context.remember(("portfolio_state", code), compute)


@strawberry.type
class ChangesQuery:
    """``portfolioChanges`` and ``baselines`` (mixed into ``Query``)."""

    @strawberry.field(
        description=(
            "What changed from one reporting round or baseline to another, or to now:"
            " statuses, risks, segments, phases, initiatives, delivery forecasts,"
            " dependencies, propagated red status, late dependencies and the critical path."
        )
    )
    async def portfolio_changes(
        self,
        info: Info,
        from_code: Annotated[
            str,
            strawberry.argument(name="from", description="A round code or a baseline code."),
        ],
        to_code: Annotated[
            str | None,
            strawberry.argument(
                name="to", description="A round code or a baseline code; default: now."
            ),
        ] = None,
    ) -> PortfolioChanges:
        before = await portfolio_state(info, from_code, argument="from")
        after = await portfolio_state(info, to_code, argument="to")
        result = await run_cancellable(compare, before, after)
        return PortfolioChanges(from_code=from_code, to_code=to_code, result=result)

    @strawberry.field(description="The baselines, newest first.")
    async def baselines(
        self, info: Info, first: FirstBaseline = BASELINE_LIST.default
    ) -> list[Baseline]:
        check_first(first, BASELINE_LIST)
        rows = await info.context.read(repository.list_baselines, limit=first)
        return [Baseline.from_row(row) for row in rows]


@strawberry.type
class BaselineMutation:
    """Baseline mutations (mixed into ``Mutation``)."""

    @strawberry.mutation(
        description=(
            "Freeze the portfolio as it is, with its analysis, as a baseline (the office)."
        ),
        graphql_type=BaselineResult,
    )
    async def create_baseline(
        self,
        info: Info,
        input: Annotated[CreateBaselineInput, strawberry.argument(description="The baseline.")],
    ) -> Result[BaselinePayload]:
        viewer = info.context.viewer
        analysis = await info.context.analysis()
        # Only the office may make one: nobody else makes the service work out a state.
        state = await portfolio_state(info, None, argument="input") if viewer.is_admin else None
        return await mutate(
            info,
            lambda connection: baseline_writes.create_baseline(
                connection,
                viewer=viewer,
                code=input.code,
                name=input.name,
                state=state,
                version=analysis.version,
                today=info.context.today,
            ),
            lambda row: BaselinePayload(baseline=Baseline.from_row(row)),
        )

    @strawberry.mutation(
        description="Delete a baseline (the office).", graphql_type=DeleteBaselineResult
    )
    async def delete_baseline(
        self,
        info: Info,
        code: Annotated[str, strawberry.argument(description="Code of the baseline.")],
    ) -> Result[DeleteBaselinePayload]:
        viewer = info.context.viewer
        return await mutate(
            info,
            lambda connection: baseline_writes.delete_baseline(
                connection, viewer=viewer, code=code
            ),
            lambda row: DeleteBaselinePayload(code=row.code),
        )
