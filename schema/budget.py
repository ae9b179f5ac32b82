"""The caller's budget of query points, as GitHub's ``rateLimit`` shows it."""

from __future__ import annotations

from datetime import datetime

import strawberry

from schema.context import Info


@strawberry.type(description="What the caller's budget of query points holds after this query.")
class RateLimit:
    limit: int = strawberry.field(description="Points the budget holds when full.")
    cost: int = strawberry.field(description="Points this query took.")
    remaining: int = strawberry.field(description="Points left after this query.")
    reset_at: datetime = strawberry.field(
        description="When the budget is full again, if nothing more is spent."
    )


@strawberry.type
class BudgetQuery:
    @strawberry.field(
        description="The caller's budget of query points (per token, else per client address); "
        "null when the service runs without budgets."
    )
    def rate_limit(self, info: Info) -> RateLimit | None:
        budget = info.context.budget
        if budget is None:
            return None
        return RateLimit(
            limit=budget.limit,
            cost=budget.cost,
            remaining=budget.remaining,
            reset_at=budget.reset_at,
        )
