"""The typed errors every union result shares, each implementing the `Error` interface."""

from __future__ import annotations

import strawberry


@strawberry.interface(description="An expected failure returned as a value; nothing was written.")
class Error:
    message: str = strawberry.field(description="What went wrong, for a person to read.")


@strawberry.type(description="One problem with the input.")
class Problem:
    field: str = strawberry.field(description="The input field it is about, e.g. `statusReason`.")
    message: str = strawberry.field(description="What is wrong, in English.")


@strawberry.type(description="The input breaks one or more rules; every problem is listed.")
class ValidationError(Error):
    problems: list[Problem] = strawberry.field(description="Every problem with the input.")


@strawberry.type(description="A code names nothing that exists.")
class NotFoundError(Error):
    code: str = strawberry.field(description="The code that names nothing.")
    field: str = strawberry.field(
        default="code", description="The input field or argument holding the unknown code."
    )


@strawberry.type(description="The caller may not do this.")
class PermissionDeniedError(Error):
    pass


@strawberry.type(description="The object changed since it was read (optimistic concurrency).")
class ConflictError(Error):
    current_version: int = strawberry.field(description="The version stored now.")


@strawberry.type(
    description="The dependencies form a cycle: in the loaded data, or closed by the change asked."
)
class DependencyCycleError(Error):
    cycle: list[str] = strawberry.field(
        description="The cycle as a closed path of codes: the first is repeated at the end."
    )
