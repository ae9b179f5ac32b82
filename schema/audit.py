"""The audit log: one event per write, read by the portfolio office (``auditEvents``)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry.scalars import JSON

from app import repository
from app.messages import message
from app.repository import Row
from schema.bounds import AUDIT_PAGE
from schema.context import Info
from schema.error_types import PermissionDeniedError
from schema.errors import UserInputError, out_of_range
from schema.reference_types import aware
from schema.relay import PageInfo, decode_cursor, encode_cursor, to_global_id


@strawberry.type(description="One write, as the audit log keeps it.")
class AuditEvent:
    at: datetime = strawberry.field(description="When the write was committed.")
    actor: str = strawberry.field(
        description="Who wrote, as one text: the display name, with `(token <id>)` for an "
        "API token."
    )
    actor_subject: str = strawberry.field(
        description="Who wrote, stably: `token:<id>` for an API token, the identity "
        "provider's subject (`sub`) for a signed-in caller."
    )
    actor_name: str = strawberry.field(
        description="Who wrote, as shown to people: the token's name or the person's name."
    )
    action: str = strawberry.field(description="What was done, e.g. `submitStatusReport`.")
    entity_type: str = strawberry.field(description="Kind of object written, e.g. `Initiative`.")
    entity_code: str = strawberry.field(description="Code of the object written.")
    before: JSON | None = strawberry.field(
        description="The object's values before the write (null when created)."
    )
    after: JSON | None = strawberry.field(
        description="The object's values after the write (null when removed)."
    )
    db_id: strawberry.Private[int]

    @strawberry.field(description="Global id.")
    def id(self) -> strawberry.ID:
        return to_global_id("AuditEvent", str(self.db_id))

    @classmethod
    def from_row(cls, row: Row) -> AuditEvent:
        return cls(
            at=aware(row.at),
            actor=row.actor,
            actor_subject=row.actor_subject or row.actor,
            actor_name=row.actor_name or row.actor,
            action=row.action,
            entity_type=row.entity_type,
            entity_code=row.entity_code,
            before=row.before,
            after=row.after,
            db_id=row.id,
        )


@strawberry.type(description="One audit event of a page, with its cursor.")
class AuditEventEdge:
    cursor: str = strawberry.field(description="Opaque position of this event, for `after`.")
    node: AuditEvent = strawberry.field(description="The audit event.")


@strawberry.type(description="A page of audit events, newest first.")
class AuditEventConnection:
    edges: list[AuditEventEdge] = strawberry.field(
        description="The audit events of this page with their cursors."
    )
    page_info: PageInfo = strawberry.field(description="Where this page lies in the whole log.")

    @strawberry.field(description="The audit events of this page.")
    def nodes(self) -> list[AuditEvent]:
        return [edge.node for edge in self.edges]


AuditEventsResult = Annotated[
    AuditEventConnection | PermissionDeniedError,
    strawberry.union(
        "AuditEventsResult",
        description="A page of the audit log, or a refusal for callers other than the office.",
    ),
]


@strawberry.type
class AuditQuery:
    @strawberry.field(description="The audit log, newest first (portfolio office only).")
    async def audit_events(
        self,
        info: Info,
        first: Annotated[
            int,
            strawberry.argument(
                description=(
                    f"Page size (default {AUDIT_PAGE.default}, at most {AUDIT_PAGE.maximum})."
                )
            ),
        ] = AUDIT_PAGE.default,
        after: Annotated[
            str | None, strawberry.argument(description="Cursor of the last edge seen.")
        ] = None,
        entity_code: Annotated[
            str | None, strawberry.argument(description="Only events about this code.")
        ] = None,
        actor: Annotated[
            str | None,
            strawberry.argument(
                description="Only the writes of this caller, named by `actorSubject` or "
                "`actorName`."
            ),
        ] = None,
    ) -> AuditEventsResult:
        if not info.context.viewer.is_admin:
            return PermissionDeniedError(
                message=message("office_only", action=message("action.read_audit_log")).render()
            )
        if not 1 <= first <= AUDIT_PAGE.maximum:
            raise out_of_range("first", first, 1, AUDIT_PAGE.maximum)
        before_id = None
        if after is not None:
            key = decode_cursor(after)
            if not key.isdigit():
                raise UserInputError(
                    message("input.bad_cursor", cursor=repr(after)), argument="after"
                )
            before_id = int(key)
        rows = await info.context.read(
            repository.page_audit_events,
            entity_code=entity_code,
            actor=actor,
            before_id=before_id,
            limit=first + 1,
        )
        edges = [
            AuditEventEdge(cursor=encode_cursor(str(row.id)), node=AuditEvent.from_row(row))
            for row in rows[:first]
        ]
        return AuditEventConnection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=len(rows) > first,
                has_previous_page=after is not None,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
        )
