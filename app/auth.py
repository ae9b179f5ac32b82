"""Bearer tokens and what each caller may do.

A token is a random ``secrets.token_urlsafe`` string shown once at creation; only its
SHA-256 is stored, so a copy of the database reveals no usable token.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from app.domain import AuthenticationMethod, Role
from app.tables import organisation_table, role_grant_table, token_table

TOKEN_BYTES = 32
DEFAULT_TOKEN_LIFETIME = timedelta(days=365)
LAST_USED_RESOLUTION = timedelta(minutes=1)
"""``last_used_at`` moves only when the stored time is older than this: one write a minute."""
_DURATION = re.compile(r"^\s*(\d+)\s*([dhw])\s*$")
_DURATION_UNITS = {"h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1)}


class TokenError(ValueError):
    """A token could not be created or revoked (unknown organisation, missing one, no such id)."""


@dataclass(frozen=True, slots=True)
class Viewer:
    """The caller of a request: anonymous, the holder of an API token, or a person or
    system signed in with the identity provider."""

    role: Role | None = None
    organisation_id: int | None = None
    organisation_code: str | None = None
    name: str = "anonymous"
    token_id: int | None = None
    subject: str | None = None
    """Who the caller is, stably: ``token:<id>`` for an API token, the provider's ``sub``."""
    authenticated_by: AuthenticationMethod | None = None

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

    @property
    def actor_subject(self) -> str:
        """The caller's stable identity in the audit log (its name when it has no subject:
        the importer, a command)."""
        return self.subject or self.name

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


def _aware(moment: datetime | None) -> datetime | None:
    """A stored timestamp as UTC (SQLite gives them back without their zone)."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def parse_lifetime(text: str) -> timedelta:
    """``90d``, ``12h`` or ``2w`` as a duration; anything else raises ``TokenError``."""
    found = _DURATION.match(text)
    if found is None or int(found.group(1)) == 0:
        raise TokenError(
            f"--expires-in takes a positive number of days, hours or weeks (90d, 12h, 2w), "
            f"not {text!r}."
        )
    return int(found.group(1)) * _DURATION_UNITS[found.group(2)]


async def viewer_for_token(
    connection: AsyncConnection, *, token: str, now: datetime | None = None
) -> Viewer | None:
    """The viewer a live token stands for, or None when it is unknown, revoked or expired.

    A token used for the first time in a minute records the moment (committed at once,
    before the request reads anything else).
    """
    now = now or datetime.now(UTC)
    result = await connection.execute(
        sa.select(token_table, organisation_table.c.code.label("organisation_code"))
        .outerjoin(organisation_table, organisation_table.c.id == token_table.c.organisation_id)
        .where(token_table.c.token_hash == hash_token(token), token_table.c.revoked_at.is_(None))
    )
    row = result.first()
    if row is None:
        return None
    expires_at = _aware(row.expires_at)
    if expires_at is not None and expires_at <= now:
        return None
    last_used_at = _aware(row.last_used_at)
    if last_used_at is None or now - last_used_at >= LAST_USED_RESOLUTION:
        await connection.execute(
            token_table.update().where(token_table.c.id == row.id).values(last_used_at=now)
        )
        await connection.commit()
    return Viewer(
        role=Role(row.role),
        organisation_id=row.organisation_id,
        organisation_code=row.organisation_code,
        name=row.name,
        token_id=row.id,
        subject=f"token:{row.id}",
        authenticated_by=AuthenticationMethod.API_TOKEN,
    )


NAME_CLAIMS = ("name", "preferred_username", "client_name", "client_id", "azp")
"""Where a signed-in caller's display name is read from, first found wins (else ``sub``)."""


def _claim_text(claims: Mapping[str, Any], name: str | None) -> str | None:
    """A claim as one text: a string, or the first string of a list (HelseID may send both)."""
    if name is None:
        return None
    value = claims.get(name)
    if isinstance(value, list):
        value = next((item for item in value if isinstance(item, str)), None)
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    return value.strip() if isinstance(value, str) and value.strip() else None


async def viewer_for_claims(
    connection: AsyncConnection,
    *,
    claims: Mapping[str, Any],
    org_claim: str,
    role_claim: str | None,
) -> Viewer:
    """The viewer a verified token of the identity provider stands for.

    Organisation: the one whose ``org_number`` the organisation-number claim holds (none
    when unknown). Role, first found: the office's grant to the subject; the role claim
    (when one is configured); the office's grant to the organisation number; else READER.
    A REPORTER needs a known organisation, else it reads as READER.
    """
    subject = str(claims["sub"])
    org_number = _claim_text(claims, org_claim)
    organisation = None
    if org_number is not None:
        organisation = (
            await connection.execute(
                sa.select(organisation_table.c.id, organisation_table.c.code).where(
                    organisation_table.c.org_number == org_number
                )
            )
        ).first()
    matches = [role_grant_table.c.subject == subject]
    if org_number is not None:
        matches.append(role_grant_table.c.org_number == org_number)
    grants = {
        (row.subject, row.org_number): Role(row.role)
        for row in await connection.execute(sa.select(role_grant_table).where(sa.or_(*matches)))
    }
    claimed = _claim_text(claims, role_claim)
    role = (
        grants.get((subject, None))
        or (Role(claimed.upper()) if claimed and claimed.upper() in Role.__members__ else None)
        or grants.get((None, org_number))
        or Role.READER
    )
    if role is Role.REPORTER and organisation is None:
        role = Role.READER
    name = next((text for claim in NAME_CLAIMS if (text := _claim_text(claims, claim))), subject)
    return Viewer(
        role=role,
        organisation_id=organisation.id if organisation is not None else None,
        organisation_code=organisation.code if organisation is not None else None,
        name=name,
        subject=subject,
        authenticated_by=AuthenticationMethod.OIDC,
    )


def create_token(
    connection: sa.Connection,
    *,
    role: Role,
    organisation_code: str | None,
    name: str | None,
    lifetime: timedelta = DEFAULT_TOKEN_LIFETIME,
) -> tuple[int, str]:
    """Store a new token, live for ``lifetime``, and return its id and the secret (which
    is never stored)."""
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
    created_at = datetime.now(UTC)
    label = name or f"{role.value.lower()}{'-' + organisation_code if organisation_code else ''}"
    token_id = connection.scalar(
        token_table.insert()
        .values(
            name=label,
            role=role,
            organisation_id=organisation_id,
            token_hash=hash_token(token),
            created_at=created_at,
            expires_at=created_at + lifetime,
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


@dataclass(frozen=True, slots=True)
class TokenListing:
    """What ``portfolio token list`` shows of a token (never its secret)."""

    id: int
    name: str
    role: Role
    organisation_code: str | None
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None

    def state(self, now: datetime) -> str:
        """``revoked``, ``expired`` or ``live``."""
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= now:
            return "expired"
        return "live"


def list_tokens(connection: sa.Connection) -> Sequence[TokenListing]:
    """Every token, oldest first."""
    rows = connection.execute(
        sa.select(token_table, organisation_table.c.code.label("organisation_code"))
        .outerjoin(organisation_table, organisation_table.c.id == token_table.c.organisation_id)
        .order_by(token_table.c.id)
    )
    return [
        TokenListing(
            id=row.id,
            name=row.name,
            role=Role(row.role),
            organisation_code=row.organisation_code,
            created_at=_aware(row.created_at) or row.created_at,
            expires_at=_aware(row.expires_at),
            last_used_at=_aware(row.last_used_at),
            revoked_at=_aware(row.revoked_at),
        )
        for row in rows
    ]
