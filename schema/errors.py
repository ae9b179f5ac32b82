"""Errors the client caused: reported as GraphQL errors naming the argument, never masked."""

from __future__ import annotations

from graphql import GraphQLError


class UserInputError(GraphQLError):
    """A bad argument: the message says what is wrong and ``extensions`` names the field."""

    def __init__(self, message: str, *, argument: str) -> None:
        super().__init__(message, extensions={"code": "BAD_USER_INPUT", "argument": argument})


class DatabaseUnavailableError(GraphQLError):
    """The database could not be reached in time; the request can be retried."""

    def __init__(self) -> None:
        super().__init__(
            "The portfolio database is unavailable right now; please try again shortly.",
            extensions={"code": "DATABASE_UNAVAILABLE"},
        )


class RateLimitedError(GraphQLError):
    """The caller's budget of query points cannot carry this document yet."""

    def __init__(self, *, cost: int, remaining: int, retry_after_seconds: int) -> None:
        super().__init__(
            f"This query costs {cost:,} points and {remaining:,} are left of your budget; "
            f"try again in {retry_after_seconds} seconds.",
            extensions={
                "code": "RATE_LIMITED",
                "cost": cost,
                "remaining": remaining,
                "retryAfterSeconds": retry_after_seconds,
            },
        )
