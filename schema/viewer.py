"""Who the caller is and what it may do: the ``viewer`` query."""

from __future__ import annotations

import strawberry

from app import repository
from app.domain import AuthenticationMethod, Role
from schema.context import Info
from schema.reference_types import Organisation


@strawberry.type(description="Who the caller is and what it may do.")
class Viewer:
    role: Role | None = strawberry.field(description="Null for anonymous callers.")
    name: str = strawberry.field(
        description="The token's name, or the signed-in person's or system's name; "
        "`anonymous` without either."
    )
    subject: str | None = strawberry.field(
        description="Who the caller is, stably: `token:<id>` for an API token, the identity "
        "provider's `sub` for a signed-in caller; null for anonymous callers. Audit events "
        "name their writer by it (`AuditEvent.actorSubject`)."
    )
    authenticated_by: AuthenticationMethod | None = strawberry.field(
        description="How the caller proved who it is; null for anonymous callers."
    )
    can_write: bool = strawberry.field(description="May call mutations (within its organisation).")
    can_read_economics: bool = strawberry.field(
        description="May read investment, operating cost and benefits."
    )
    can_read_audit: bool = strawberry.field(
        description="May read the audit log (portfolio office)."
    )
    organisation_code: strawberry.Private[str | None]

    @strawberry.field(
        description="The caller's organisation: the one a REPORTER writes for; for a "
        "signed-in caller, the one its organisation-number claim names (null when unknown)."
    )
    async def organisation(self, info: Info) -> Organisation | None:
        if self.organisation_code is None:
            return None
        rows = await info.context.read(repository.organisations_by_codes, [self.organisation_code])
        row = rows.get(self.organisation_code)
        return Organisation.from_row(row) if row is not None else None


@strawberry.type
class ViewerQuery:
    @strawberry.field(description="Who the caller is and what it may do.")
    def viewer(self, info: Info) -> Viewer:
        viewer = info.context.viewer
        return Viewer(
            role=viewer.role,
            name=viewer.name,
            subject=viewer.subject,
            authenticated_by=viewer.authenticated_by,
            can_write=viewer.can_write,
            can_read_economics=viewer.can_read_economics,
            can_read_audit=viewer.is_admin,
            organisation_code=viewer.organisation_code,
        )
