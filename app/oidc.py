"""Bearer JWTs of an OpenID Provider (HelseID, ID-porten, Entra ID): discovery, keys, checks.

The provider is found from ``PORTFOLIO_OIDC_ISSUER`` through its discovery document
(``/.well-known/openid-configuration``) on first use, never at startup, so a provider
that is down delays no start and troubles no caller with an API token. Its signing keys
(JWKS) are kept and fetched again when a token names a key id they lack — the provider
has rotated its keys — at most once per ``UNKNOWN_KEY_PAUSE_SECONDS``, so tokens with
made-up key ids cannot make the service hammer the provider. Signatures, claims and
key handling are joserfc's; nothing here parses or checks a signature by hand.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import ipaddress
import json
import logging
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from joserfc.jws import extract_compact

from app.settings import Settings

logger = logging.getLogger("portfolio")

ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512")
"""Signature algorithms accepted: the asymmetric ones providers use (never HS* or none)."""
KEYS_MAX_AGE_SECONDS = 3600.0
"""Keys older than this are fetched again on next use, even without an unknown key id."""
UNKNOWN_KEY_PAUSE_SECONDS = 30.0
"""The least time between two fetches of the keys caused by unknown key ids."""
FETCH_TIMEOUT_SECONDS = 5.0
LOOPBACK_HOSTS = frozenset({"localhost"})


class BearerTokenRejected(Exception):
    """The bearer JWT is not one this service accepts (signature, issuer, audience, time)."""


class IssuerUnavailable(Exception):
    """The provider's discovery document or keys could not be fetched."""


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine (``localhost``, 127.0.0.0/8, ::1)."""
    if host.lower() in LOOPBACK_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_issuer_url(issuer: str) -> None:
    """Refuse an issuer that is not https, unless it is http on loopback (tests, development).

    Raises ``ValueError`` at startup, before anyone relies on it.
    """
    parts = urlsplit(issuer)
    if parts.scheme == "https" and parts.hostname:
        return
    if parts.scheme == "http" and parts.hostname and is_loopback(parts.hostname):
        return
    raise ValueError(
        f"PORTFOLIO_OIDC_ISSUER must be an https URL (http only on loopback), not {issuer!r}"
    )


def looks_like_jwt(token: str) -> bool:
    """Whether a bearer token is a JWS in compact form (API tokens never hold a dot)."""
    parts = token.split(".")
    if len(parts) != 3:
        return False
    try:
        header = json.loads(base64.urlsafe_b64decode(parts[0] + "=" * (-len(parts[0]) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return False
    return isinstance(header, dict) and "alg" in header


@dataclass(frozen=True, slots=True)
class SignedIn:
    """A completed sign-in: the verified ID token and its claims."""

    claims: dict[str, Any]
    id_token: str


@dataclass(frozen=True, slots=True)
class ProviderMetadata:
    """What the discovery document says about the provider (the parts this service uses)."""

    issuer: str
    jwks_uri: str
    authorization_endpoint: str | None = None
    token_endpoint: str | None = None
    end_session_endpoint: str | None = None


class OidcProvider:
    """One OpenID Provider: its metadata and keys, fetched lazily, and the token check."""

    def __init__(
        self,
        *,
        issuer: str,
        audience: str,
        clock_skew_seconds: int = 60,
        clock: Callable[[], float] = time.time,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        check_issuer_url(issuer)
        self.issuer = issuer
        self.audience = audience
        self.clock_skew_seconds = clock_skew_seconds
        self.clock = clock
        self._transport = transport
        self._metadata: ProviderMetadata | None = None
        self._keys: KeySet | None = None
        self._keys_fetched_at = float("-inf")
        self._unknown_key_fetch_at = float("-inf")
        self._lock = asyncio.Lock()

    async def metadata(self) -> ProviderMetadata:
        """The discovery document, fetched once. Raises ``IssuerUnavailable``."""
        if self._metadata is None:
            async with self._lock:
                if self._metadata is None:
                    self._metadata = await self._discover()
        return self._metadata

    async def verify(self, token: str, *, audience: str | None = None) -> dict[str, Any]:
        """The claims of a bearer JWT this service accepts (for ``audience``: this
        service's API unless told, the browser client's id for an ID token).

        Raises ``BearerTokenRejected`` for any token that fails a check, and
        ``IssuerUnavailable`` when the provider's metadata or keys cannot be fetched.
        """
        try:
            header = extract_compact(token.encode("ascii")).headers()
        except (JoseError, ValueError, UnicodeError) as error:
            raise BearerTokenRejected("not a compact JWS") from error
        if header.get("alg") not in ALGORITHMS:
            raise BearerTokenRejected(f"algorithm {header.get('alg')!r} is not accepted")
        keys = await self._key_set(key_id=header.get("kid"))
        try:
            decoded = jwt.decode(token, keys, algorithms=list(ALGORITHMS))
        except JoseError as error:
            raise BearerTokenRejected(f"signature: {error.error}") from error
        registry = jwt.JWTClaimsRegistry(
            now=lambda: int(self.clock()),
            leeway=self.clock_skew_seconds,
            iss={"essential": True, "value": self.issuer},
            aud={"essential": True, "value": audience or self.audience},
            exp={"essential": True},
            sub={"essential": True},
        )
        try:
            registry.validate(decoded.claims)
        except JoseError as error:
            raise BearerTokenRejected(f"claims: {error.error} {error.description}") from error
        return dict(decoded.claims)

    async def authorization_url(
        self,
        *,
        client_id: str,
        redirect_uri: str,
        scope: str,
        state: str,
        nonce: str,
        code_challenge: str,
    ) -> str:
        """Where to send a browser to sign in: the authorization code flow with PKCE."""
        metadata = await self.metadata()
        if metadata.authorization_endpoint is None:
            raise IssuerUnavailable("the discovery document names no authorization_endpoint")
        query = urlencode(
            {
                "response_type": "code",
                "client_id": client_id,
                "redirect_uri": redirect_uri,
                "scope": scope,
                "state": state,
                "nonce": nonce,
                "code_challenge": code_challenge,
                "code_challenge_method": "S256",
            }
        )
        separator = "&" if "?" in metadata.authorization_endpoint else "?"
        return f"{metadata.authorization_endpoint}{separator}{query}"

    async def sign_in(
        self,
        *,
        client_id: str,
        client_secret: str | None,
        code: str,
        redirect_uri: str,
        code_verifier: str,
        nonce: str,
    ) -> SignedIn:
        """Redeem an authorization code and return the verified ID token with its claims.

        Raises ``BearerTokenRejected`` when the provider refuses the code or its ID token
        fails a check (signature, issuer, audience, expiry, nonce), ``IssuerUnavailable``
        when it cannot be reached.
        """
        metadata = await self.metadata()
        if metadata.token_endpoint is None:
            raise IssuerUnavailable("the discovery document names no token_endpoint")
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "code_verifier": code_verifier,
            "client_id": client_id,
        }
        # A confidential client authenticates with HTTP Basic; a public one by PKCE alone.
        auth = (
            httpx.BasicAuth(client_id, client_secret) if client_secret else httpx.USE_CLIENT_DEFAULT
        )
        try:
            async with httpx.AsyncClient(
                timeout=FETCH_TIMEOUT_SECONDS, follow_redirects=False, transport=self._transport
            ) as client:
                response = await client.post(metadata.token_endpoint, data=form, auth=auth)
        except httpx.HTTPError as error:
            raise IssuerUnavailable(str(error)) from error
        if response.status_code >= 500:
            raise IssuerUnavailable(f"the token endpoint answered {response.status_code}")
        try:
            answer = response.json()
        except ValueError as error:
            raise BearerTokenRejected("the token endpoint answered no JSON") from error
        if response.status_code != 200 or not isinstance(answer.get("id_token"), str):
            raise BearerTokenRejected(f"the code was refused: {answer.get('error')!r}")
        claims = await self.verify(answer["id_token"], audience=client_id)
        if not secrets.compare_digest(str(claims.get("nonce", "")), nonce):
            raise BearerTokenRejected("the ID token's nonce is not the one sent")
        return SignedIn(claims=claims, id_token=answer["id_token"])

    async def sign_out_url(
        self, *, client_id: str, id_token: str | None, post_logout_redirect_uri: str
    ) -> str | None:
        """Where to send a browser to end its session at the provider too (OpenID Connect
        RP-Initiated Logout), or None when the provider offers no ``end_session_endpoint``."""
        try:
            metadata = await self.metadata()
        except IssuerUnavailable:
            return None
        if metadata.end_session_endpoint is None:
            return None
        parameters = {"client_id": client_id, "post_logout_redirect_uri": post_logout_redirect_uri}
        if id_token is not None:
            parameters["id_token_hint"] = id_token
        separator = "&" if "?" in metadata.end_session_endpoint else "?"
        return f"{metadata.end_session_endpoint}{separator}{urlencode(parameters)}"

    async def _key_set(self, *, key_id: object) -> KeySet:
        """The provider's keys, fetched again when they are old or lack ``key_id``."""
        async with self._lock:
            now = self.clock()
            if self._keys is None or now - self._keys_fetched_at > KEYS_MAX_AGE_SECONDS:
                await self._fetch_keys(now)
            elif (
                isinstance(key_id, str)
                and not self._knows(key_id)
                and now - self._unknown_key_fetch_at >= UNKNOWN_KEY_PAUSE_SECONDS
            ):
                self._unknown_key_fetch_at = now
                await self._fetch_keys(now)
            assert self._keys is not None
            if isinstance(key_id, str) and not self._knows(key_id):
                raise BearerTokenRejected(f"the provider publishes no key {key_id!r}")
            return self._keys

    def _knows(self, key_id: str) -> bool:
        return self._keys is not None and any(key.kid == key_id for key in self._keys.keys)

    async def _fetch_keys(self, now: float) -> None:
        if self._metadata is None:
            self._metadata = await self._discover()
        document = await self._get_json(self._metadata.jwks_uri)
        try:
            self._keys = KeySet.import_key_set(document)  # type: ignore[arg-type]
        except (JoseError, ValueError, KeyError, TypeError) as error:
            raise IssuerUnavailable(f"unreadable keys: {error}") from error
        self._keys_fetched_at = now
        logger.info("fetched %d signing keys of %s", len(self._keys.keys), self.issuer)

    async def _discover(self) -> ProviderMetadata:
        document = await self._get_json(
            self.issuer.rstrip("/") + "/.well-known/openid-configuration"
        )
        if document.get("issuer") != self.issuer or not isinstance(document.get("jwks_uri"), str):
            # OpenID Connect Discovery 1.0, section 4.3: the issuers must be identical.
            raise IssuerUnavailable(
                f"the discovery document names issuer {document.get('issuer')!r}"
            )
        return ProviderMetadata(
            issuer=document["issuer"],
            jwks_uri=document["jwks_uri"],
            authorization_endpoint=document.get("authorization_endpoint"),
            token_endpoint=document.get("token_endpoint"),
            end_session_endpoint=document.get("end_session_endpoint"),
        )

    async def _get_json(self, url: str) -> Mapping[str, Any]:
        try:
            async with httpx.AsyncClient(
                timeout=FETCH_TIMEOUT_SECONDS, follow_redirects=False, transport=self._transport
            ) as client:
                response = await client.get(url, headers={"Accept": "application/json"})
                response.raise_for_status()
                document = response.json()
        except (httpx.HTTPError, ValueError) as error:
            logger.warning("identity provider unavailable: %s", type(error).__name__)
            raise IssuerUnavailable(str(error)) from error
        if not isinstance(document, dict):
            raise IssuerUnavailable(f"{url} did not answer a JSON object")
        return document


def provider_for(settings: Settings) -> OidcProvider | None:
    """The provider the settings name, or None when sign-in with one is off."""
    if settings.oidc_issuer is None:
        return None
    if not settings.oidc_audience:
        raise ValueError("PORTFOLIO_OIDC_AUDIENCE is required with PORTFOLIO_OIDC_ISSUER")
    return OidcProvider(
        issuer=settings.oidc_issuer,
        audience=settings.oidc_audience,
        clock_skew_seconds=settings.oidc_clock_skew_seconds,
    )
