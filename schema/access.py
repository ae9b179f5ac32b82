"""Access the portfolio office manages: ``grantRole`` for callers signed in with the
identity provider."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from app import access_writes
from app.repository import Row
from schema.context import Info
from schema.enums import Role
from schema.error_types import PermissionDeniedError, ValidationError
from schema.payloads import Result, mutate
from schema.reference_types import aware


@strawberry.type(description="A role the portfolio office gives signed-in callers.")
class RoleGrant:
    subject: str | None = strawberry.field(
        description="The identity provider's `sub` the grant is for; null for a grant to an "
        "organisation."
    )
    org_number: str | None = strawberry.field(
        description="The organisation number whose signed-in callers the grant is for; null "
        "for a grant to one subject."
    )
    role: Role = strawberry.field(description="The role given.")
    granted_by: str = strawberry.field(description="Who gave it.")
    granted_at: datetime = strawberry.field(description="When it was given.")

    @classmethod
    def from_row(cls, row: Row) -> RoleGrant:
        return cls(
            subject=row.subject,
            org_number=row.org_number,
            role=Role(row.role),
            granted_by=row.granted_by,
            granted_at=aware(row.granted_at),
        )


@strawberry.type(description="The grant as stored.")
class RoleGrantPayload:
    grant: RoleGrant = strawberry.field(description="The grant as stored.")


RoleGrantResult = Annotated[
    RoleGrantPayload | ValidationError | PermissionDeniedError,
    strawberry.union(
        "RoleGrantResult", description="The grant as stored, or why the write was refused."
    ),
]


@strawberry.input(description="Whom to give a role: one subject, or one organisation number.")
class GrantRoleInput:
    subject: str | None = strawberry.field(
        default=None,
        description="The identity provider's `sub` of one person or system (as "
        "`viewer.subject` shows it).",
    )
    org_number: str | None = strawberry.field(
        default=None,
        description="An organisation number (nine digits): everyone signed in with it.",
    )
    role: Role = strawberry.field(description="The role to give.")


@strawberry.type
class AccessMutation:
    @strawberry.mutation(
        description=(
            "Give a role to callers signed in with the identity provider: one subject, or "
            "everyone of one organisation number; a later grant to the same replaces it "
            "(portfolio office). A grant to the subject wins over the role claim, which wins "
            "over a grant to the organisation number; without any the caller is a READER."
        ),
        graphql_type=RoleGrantResult,
    )
    async def grant_role(
        self,
        info: Info,
        input: Annotated[GrantRoleInput, strawberry.argument(description="Whom, and what role.")],
    ) -> Result[RoleGrantPayload]:
        viewer = info.context.viewer
        return await mutate(
            info,
            lambda connection: access_writes.grant_role(
                connection,
                viewer=viewer,
                subject=input.subject,
                org_number=input.org_number,
                role=input.role,
            ),
            lambda row: RoleGrantPayload(grant=RoleGrant.from_row(row)),
        )
