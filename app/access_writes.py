"""Writes of access: the roles the portfolio office gives callers signed in with the
identity provider (``grantRole``). Run inside ``run_write``, like ``app.writes``."""

from __future__ import annotations

import re

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from app.auth import Viewer
from app.domain import Role
from app.messages import message
from app.models import utcnow
from app.repository import Row
from app.tables import role_grant_table
from app.validation import MAX_NAME, Problems
from app.writes import audit, require_office

ORG_NUMBER = re.compile(r"^\d{9}$")


async def grant_role(
    connection: AsyncConnection,
    *,
    viewer: Viewer,
    subject: str | None,
    org_number: str | None,
    role: Role,
) -> Row:
    """Give ``role`` to one signed-in subject, or to everyone of one organisation number;
    a second grant to the same replaces the first."""
    require_office(viewer, message("action.grant_roles"))
    problems = Problems()
    if (subject is None) == (org_number is None):
        problems.add("subject", "grant.subject_or_org_number")
    if subject is not None:
        problems.text("subject", subject, max_length=MAX_NAME, required=True)
    if org_number is not None and not ORG_NUMBER.match(org_number):
        problems.add("orgNumber", "grant.org_number_digits")
    problems.check()
    match = (
        role_grant_table.c.subject == subject
        if subject is not None
        else role_grant_table.c.org_number == org_number
    )
    before = (await connection.execute(sa.select(role_grant_table).where(match))).first()
    values = {"role": role, "granted_by": viewer.actor[:MAX_NAME], "granted_at": utcnow()}
    if before is None:
        await connection.execute(
            role_grant_table.insert().values(subject=subject, org_number=org_number, **values)
        )
    else:
        await connection.execute(role_grant_table.update().where(match).values(**values))
    row = (await connection.execute(sa.select(role_grant_table).where(match))).one()
    await audit(
        viewer=viewer,
        action="role.grant",
        entity_type="RoleGrant",
        entity_code=(subject or org_number or "")[:80],
        before=before,
        after=row,
    )
    return row
