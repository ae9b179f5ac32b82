"""Bearer tokens and what each caller may do.

A token is a random ``secrets.token_urlsafe`` string shown once at creation; only its
SHA-256 is stored, so a copy of the database reveals no usable token.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from app.domain import Role
from app.tables import organisation_table, token_table

TOKEN_BYTES = 32


class TokenError(ValueError):
    """A token could not be created or revoked (unknown organisation, missing one, no such id)."""


@dataclass(frozen=True, slots=True)
class Viewer:
    """The caller of a request: anonymous, or the holder of a token with a role."""

    role: Role | None = None
    organisation_id: int | None = None
    organisation_code: str | None = None
    name: str = "anonymous"
    token_id: int | None = None

    @property
    def is_authenticated(self) -> bool:
        return self.role is not None

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    @property
    def can_write(self) -> bool:
        return self.role in {Role.ADMIN, Role.REPORTER}

    @property
    def can_read_economics(self) -> bool:
        return self.role is not None

    @property
    def actor(self) -> str:
        """How the caller is named in the audit log and on reports."""
        if self.token_id is None:
            return self.name
        return f"{self.name} (token {self.token_id})"

    def may_write_for(self, owner_id: int) -> bool:
        """Whether the caller may change an initiative owned by ``owner_id``."""
        if self.role is Role.ADMIN:
            return True
        return self.role is Role.REPORTER and self.organisation_id == owner_id

    @property
    def visibility(self) -> Visibility:
        """Which hidden (PROPOSED or DECLINED) initiatives the caller may see."""
        if self.role is Role.ADMIN:
            return EVERYTHING
        if self.role is Role.REPORTER and self.organisation_id is not None:
            return Visibility(hidden_of_owners=frozenset({self.organisation_id}))
        return ADMITTED_ONLY


@dataclass(frozen=True, slots=True)
class Visibility:
    """Which initiatives that are not admitted (PROPOSED, DECLINED) a reader may see.

    Admitted initiatives are visible to everyone. A hidden one, and everything hanging off
    it, exists only for ADMIN tokens (``all_hidden``) and for REPORTER tokens of its owner
    (``hidden_of_owners``). ``app.repository.visible_initiatives`` turns this value into
    the one SQL predicate every read of initiatives applies.
    """

    all_hidden: bool = False
    hidden_of_owners: frozenset[int] = frozenset()


EVERYTHING = Visibility(all_hidden=True)
"""Every initiative: the portfolio office, and writes that need the stored row."""
ADMITTED_ONLY = Visibility()
"""Admitted initiatives only: anonymous callers and READER tokens."""

ANONYMOUS = Viewer()


def hash_token(token: str) -> str:
    """The stored form of a token: its SHA-256 in hex."""
    # surrogatepass: a client can send a lone surrogate, which names no token either.
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def bearer_token(authorization: str | None) -> str | None:
    """The token of an ``Authorization: Bearer …`` header, or None when there is none."""
    if not authorization:
        return None
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


async def viewer_for_token(connection: AsyncConnection, *, token: str) -> Viewer | None:
    """The viewer a live token stands for, or None when it is unknown or revoked."""
    result = await connection.execute(
        sa.select(token_table, organisation_table.c.code.label("organisation_code"))
        .outerjoin(organisation_table, organisation_table.c.id == token_table.c.organisation_id)
        .where(token_table.c.token_hash == hash_token(token), token_table.c.revoked_at.is_(None))
    )
    row = result.first()
    if row is None:
        return None
    return Viewer(
        role=Role(row.role),
        organisation_id=row.organisation_id,
        organisation_code=row.organisation_code,
        name=row.name,
        token_id=row.id,
    )


def create_token(
    connection: sa.Connection, *, role: Role, organisation_code: str | None, name: str | None
) -> tuple[int, str]:
    """Store a new token and return its id and the secret (which is never stored)."""
    organisation_id = None
    if organisation_code is not None:
        organisation_id = connection.scalar(
            sa.select(organisation_table.c.id).where(organisation_table.c.code == organisation_code)
        )
        if organisation_id is None:
            raise TokenError(f"There is no organisation {organisation_code!r}.")
    if role is Role.REPORTER and organisation_id is None:
        raise TokenError("A REPORTER token needs the organisation it reports for (--org).")
    token = secrets.token_urlsafe(TOKEN_BYTES)
    label = name or f"{role.value.lower()}{'-' + organisation_code if organisation_code else ''}"
    token_id = connection.scalar(
        token_table.insert()
        .values(
            name=label,
            role=role,
            organisation_id=organisation_id,
            token_hash=hash_token(token),
            created_at=datetime.now(UTC),
        )
        .returning(token_table.c.id)
    )
    assert token_id is not None  # the insert returns the new id
    return int(token_id), token


def revoke_token(connection: sa.Connection, *, token_id: int) -> None:
    """Revoke a token at once; revoking twice keeps the first time."""
    exists = connection.scalar(sa.select(token_table.c.id).where(token_table.c.id == token_id))
    if exists is None:
        raise TokenError(f"There is no token {token_id}.")
    connection.execute(
        token_table.update()
        .where(token_table.c.id == token_id, token_table.c.revoked_at.is_(None))
        .values(revoked_at=datetime.now(UTC))
    )
