"""Browser sessions of people signed in with the identity provider, kept on the server.

The browser holds a random secret in an HttpOnly cookie; the database keeps its SHA-256
(like API tokens), so a copy of the database opens no session. A sign-in first stores
its pending state (OAuth ``state``, OpenID ``nonce``, PKCE verifier, where to return);
the callback completes it under a new secret, so a secret seen before sign-in is worth
nothing after it.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from app.auth import hash_token
from app.tables import browser_session_table

SECRET_BYTES = 32
SIGN_IN_TIMEOUT = timedelta(minutes=10)
"""How long a started sign-in may take at the provider."""


@dataclass(frozen=True, slots=True)
class PendingSignIn:
    """What a sign-in under way must remember until the provider sends the browser back."""

    state: str
    nonce: str
    code_verifier: str
    return_to: str

    @property
    def code_challenge(self) -> str:
        """The PKCE S256 challenge of the verifier (RFC 7636, section 4.2)."""
        digest = hashlib.sha256(self.code_verifier.encode("ascii")).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")

    @classmethod
    def new(cls, return_to: str) -> PendingSignIn:
        return cls(
            state=secrets.token_urlsafe(32),
            nonce=secrets.token_urlsafe(32),
            code_verifier=secrets.token_urlsafe(64),
            return_to=return_to,
        )


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


async def start_sign_in(connection: AsyncConnection, pending: PendingSignIn) -> str:
    """Store a sign-in under way; return the secret for the browser's cookie."""
    secret = secrets.token_urlsafe(SECRET_BYTES)
    now = _now()
    await connection.execute(
        browser_session_table.insert().values(
            secret_hash=hash_token(secret),
            pending={
                "state": pending.state,
                "nonce": pending.nonce,
                "code_verifier": pending.code_verifier,
                "return_to": pending.return_to,
            },
            created_at=now,
            expires_at=now + SIGN_IN_TIMEOUT,
        )
    )
    # Old rows go with new ones: expired sessions and abandoned sign-ins.
    await connection.execute(
        browser_session_table.delete().where(browser_session_table.c.expires_at < now)
    )
    await connection.commit()
    return secret


async def pending_sign_in(connection: AsyncConnection, *, secret: str) -> PendingSignIn | None:
    """The sign-in under way for a cookie's secret, unless it is unknown or too old."""
    row = await _live_row(connection, secret)
    if row is None or row.pending is None:
        return None
    return PendingSignIn(**row.pending)


async def complete_sign_in(
    connection: AsyncConnection,
    *,
    secret: str,
    claims: Mapping[str, Any],
    lifetime: timedelta,
    id_token: str | None = None,
) -> str:
    """Turn a sign-in under way into a session holding ``claims``; return its new secret."""
    fresh = secrets.token_urlsafe(SECRET_BYTES)
    now = _now()
    await connection.execute(
        browser_session_table.update()
        .where(browser_session_table.c.secret_hash == hash_token(secret))
        .values(
            secret_hash=hash_token(fresh),
            pending=None,
            claims=dict(claims),
            id_token=id_token,
            created_at=now,
            expires_at=now + lifetime,
        )
    )
    await connection.commit()
    return fresh


async def session_claims(connection: AsyncConnection, *, secret: str) -> Mapping[str, Any] | None:
    """The claims of a signed-in browser's session, or None (unknown, expired, pending)."""
    row = await _live_row(connection, secret)
    if row is None or row.claims is None:
        return None
    claims: Mapping[str, Any] = row.claims
    return claims


async def end_session(connection: AsyncConnection, *, secret: str) -> str | None:
    """Forget a session (or a sign-in under way) at once; return its ID token, if any, for
    the provider's sign-out."""
    row = await _live_row(connection, secret)
    await connection.execute(
        browser_session_table.delete().where(
            browser_session_table.c.secret_hash == hash_token(secret)
        )
    )
    await connection.commit()
    return row.id_token if row is not None else None


async def _live_row(connection: AsyncConnection, secret: str) -> Any:
    row = (
        await connection.execute(
            sa.select(browser_session_table).where(
                browser_session_table.c.secret_hash == hash_token(secret)
            )
        )
    ).first()
    if row is None or _aware(row.expires_at) <= _now():
        return None
    return row
