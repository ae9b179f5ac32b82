"""Errors the client caused: reported as GraphQL errors naming the argument, never masked.

Their messages come from the catalogue (``app.messages``) in the request's language;
``extensions.code`` and the other extensions never change with it.
"""

from __future__ import annotations

from graphql import GraphQLError

from app.messages import Message, message


class UserInputError(GraphQLError):
    """A bad argument: the message says what is wrong and ``extensions`` names the argument.

    ``text`` is its catalogue message, said in the request's language.
    """

    def __init__(self, text: Message, *, argument: str) -> None:
        self.text = text
        super().__init__(text.render(), extensions={"code": "BAD_USER_INPUT", "argument": argument})


def out_of_range(argument: str, value: int, low: int, high: int) -> UserInputError:
    """The refusal of ``argument``'s ``value`` outside ``low``–``high``."""
    return UserInputError(
        message("input.out_of_range", argument=argument, low=low, high=high, value=value),
        argument=argument,
    )


class DatabaseUnavailableError(GraphQLError):
    """The database could not be reached in time; the request can be retried."""

    def __init__(self) -> None:
        self.text = message("database_unavailable")
        super().__init__(self.text.render(), extensions={"code": "DATABASE_UNAVAILABLE"})


class RateLimitedError(GraphQLError):
    """The caller's budget of query points cannot carry this document yet."""

    def __init__(self, *, cost: int, remaining: int, retry_after_seconds: int) -> None:
        self.text = message(
            "rate_limited", cost=cost, remaining=remaining, seconds=retry_after_seconds
        )
        super().__init__(
            self.text.render(),
            extensions={
                "code": "RATE_LIMITED",
                "cost": cost,
                "remaining": remaining,
                "retryAfterSeconds": retry_after_seconds,
            },
        )
