"""Who the caller is and what it may do: the ``viewer`` query."""

from __future__ import annotations

import strawberry

from app import repository
from app.domain import Role
from schema.context import Info
from schema.reference_types import Organisation


@strawberry.type(description="Who the caller is and what it may do.")
class Viewer:
    role: Role | None = strawberry.field(description="Null for anonymous callers.")
    name: str = strawberry.field(description="Name of the token; `anonymous` without one.")
    can_write: bool = strawberry.field(description="May call mutations (within its organisation).")
    can_read_economics: bool = strawberry.field(
        description="May read investment, operating cost and benefits."
    )
    can_read_audit: bool = strawberry.field(
        description="May read the audit log (portfolio office)."
    )
    organisation_code: strawberry.Private[str | None]

    @strawberry.field(description="The organisation a REPORTER writes for.")
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
            can_write=viewer.can_write,
            can_read_economics=viewer.can_read_economics,
            can_read_audit=viewer.is_admin,
            organisation_code=viewer.organisation_code,
        )
