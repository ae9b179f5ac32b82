"""Browser sign-in with the identity provider: ``/auth/login``, ``/auth/callback``,
``/auth/logout``, and the cross-site checks for cookie-authenticated POSTs to /graphql.

The authorization code flow with PKCE; the session lives on the server
(``app.browser_sessions``) and the browser holds its secret in an HttpOnly, Secure,
SameSite=Lax cookie. The cookie speaks for the browser only on this service's pages:
a cookie-authenticated POST must be JSON (or carry ``X-Portfolio-Request``), which a
cross-site form cannot send without a CORS preflight, and its ``Origin``, when the browser
sends one, must be this service's own.
"""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response

from app.browser_sessions import (
    PendingSignIn,
    complete_sign_in,
    end_session,
    pending_sign_in,
    start_sign_in,
)
from app.messages import Message, accepted_language, message, speaking
from app.oidc import BearerTokenRejected, IssuerUnavailable, OidcProvider
from app.settings import Settings

logger = logging.getLogger("portfolio")

SESSION_COOKIE = "portfolio_session"
REQUEST_HEADER = "x-portfolio-request"
"""A header a cross-site form cannot send: scripts of other sites need a CORS preflight."""
DEFAULT_RETURN = "/dashboard"


def safe_return_to(value: str | None) -> str:
    """A path on this service to return to after sign-in or sign-out, never another site."""
    if not value or not value.startswith("/") or value.startswith(("//", "/\\")):
        return DEFAULT_RETURN
    return value


def own_origin(request: Request, settings: Settings) -> str:
    """This service's origin as browsers see it: ``PORTFOLIO_PUBLIC_URL``'s, else the request's."""
    if settings.public_url:
        parts = urlsplit(settings.public_url)
        return f"{parts.scheme}://{parts.netloc}"
    return f"{request.url.scheme}://{request.url.netloc}"


def cross_site_refusal(request: Request, settings: Settings) -> Message | None:
    """Why a cookie-authenticated POST may have come from another site, or None."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/json" and REQUEST_HEADER not in request.headers:
        return message("sign_in.cross_site_content_type", header=REQUEST_HEADER)
    origin = request.headers.get("origin")
    if origin is not None and origin != own_origin(request, settings):
        return message("sign_in.cross_site_origin", origin=origin)
    return None


def session_secret(request: Any) -> str | None:
    """The session secret a request's cookie carries, if any."""
    secret = request.cookies.get(SESSION_COOKIE)
    return secret if isinstance(secret, str) and secret else None


CLAIMS_KEPT = ("sub", "name", "preferred_username", "email", "iss")
"""The ID token's claims a session keeps, beside the organisation and role claims."""


class BrowserSignIn:
    """The three endpoints of browser sign-in, for one provider and one client."""

    def __init__(self, settings: Settings, provider: OidcProvider | None) -> None:
        self.settings = settings
        self.provider = provider

    @property
    def available(self) -> bool:
        return self.provider is not None and self.settings.oidc_client_id is not None

    async def login(self, request: Request) -> Response:
        """Start a sign-in: remember its state, send the browser to the provider."""
        with speaking(accepted_language(request.headers.get("accept-language"))):
            if self.provider is None or self.settings.oidc_client_id is None:
                return _page(message("sign_in.not_configured"), 404)
            pending = PendingSignIn.new(safe_return_to(request.query_params.get("return_to")))
            try:
                url = await self.provider.authorization_url(
                    client_id=self.settings.oidc_client_id,
                    redirect_uri=self._redirect_uri(request),
                    scope=self.settings.oidc_scopes,
                    state=pending.state,
                    nonce=pending.nonce,
                    code_challenge=pending.code_challenge,
                )
            except IssuerUnavailable:
                return _page(message("oidc.issuer_unavailable"), 503)
            async with _engine(request).connect() as connection:
                secret = await start_sign_in(connection, pending)
            response = RedirectResponse(url, status_code=303)
            self._set_cookie(response, secret, max_age=timedelta(minutes=10))
            return response

    async def callback(self, request: Request) -> Response:
        """The provider sends the browser back: redeem the code, start the session."""
        with speaking(accepted_language(request.headers.get("accept-language"))):
            if self.provider is None or self.settings.oidc_client_id is None:
                return _page(message("sign_in.not_configured"), 404)
            secret = session_secret(request)
            engine = _engine(request)
            pending = None
            if secret is not None:
                async with engine.connect() as connection:
                    pending = await pending_sign_in(connection, secret=secret)
            state = request.query_params.get("state", "")
            if (
                secret is None
                or pending is None
                or not secrets.compare_digest(state, pending.state)
            ):
                return _page(message("sign_in.expired"), 400)
            code = request.query_params.get("code")
            if code is None:
                logger.info(
                    "sign-in refused by the provider: %s", request.query_params.get("error")
                )
                return _page(message("sign_in.refused"), 401)
            try:
                signed_in = await self.provider.sign_in(
                    client_id=self.settings.oidc_client_id,
                    client_secret=self.settings.oidc_client_secret,
                    code=code,
                    redirect_uri=self._redirect_uri(request),
                    code_verifier=pending.code_verifier,
                    nonce=pending.nonce,
                )
            except BearerTokenRejected as error:
                logger.info("sign-in refused: %s", error)
                return _page(message("sign_in.refused"), 401)
            except IssuerUnavailable:
                return _page(message("oidc.issuer_unavailable"), 503)
            claims = signed_in.claims
            kept = [*CLAIMS_KEPT, self.settings.oidc_org_claim]
            if self.settings.oidc_role_claim:
                kept.append(self.settings.oidc_role_claim)
            lifetime = timedelta(hours=self.settings.session_hours)
            async with engine.connect() as connection:
                fresh = await complete_sign_in(
                    connection,
                    secret=secret,
                    claims={name: claims[name] for name in kept if name in claims},
                    lifetime=lifetime,
                    id_token=signed_in.id_token,
                )
            response = RedirectResponse(pending.return_to, status_code=303)
            self._set_cookie(response, fresh, max_age=lifetime)
            return response

    async def logout(self, request: Request) -> Response:
        """Sign out: forget the session here, drop the cookie (POST, from this site), and
        send the browser to the provider to end its session there too."""
        with speaking(accepted_language(request.headers.get("accept-language"))):
            origin = request.headers.get("origin")
            if origin is not None and origin != own_origin(request, self.settings):
                return _page(message("sign_in.cross_site_origin", origin=origin), 403)
            secret = session_secret(request)
            id_token = None
            if secret is not None:
                async with _engine(request).connect() as connection:
                    id_token = await end_session(connection, secret=secret)
            # From the query string: the form's body is never parsed.
            return_to = safe_return_to(request.query_params.get("return_to"))
            target = None
            if self.provider is not None and self.settings.oidc_client_id and id_token:
                target = await self.provider.sign_out_url(
                    client_id=self.settings.oidc_client_id,
                    id_token=id_token,
                    post_logout_redirect_uri=own_origin(request, self.settings) + return_to,
                )
            response = RedirectResponse(target or return_to, status_code=303)
            response.delete_cookie(SESSION_COOKIE, path="/", secure=True, httponly=True)
            return response

    async def status(self, _request: Request) -> Response:
        """Whether browser sign-in is offered here (the reporting form shows its button)."""
        return JSONResponse({"signInAvailable": self.available})

    def _redirect_uri(self, request: Request) -> str:
        if self.settings.public_url:
            return self.settings.public_url.rstrip("/") + "/auth/callback"
        return str(request.url_for("auth_callback"))

    @staticmethod
    def _set_cookie(response: Response, secret: str, *, max_age: timedelta) -> None:
        response.set_cookie(
            SESSION_COOKIE,
            secret,
            max_age=int(max_age.total_seconds()),
            path="/",
            secure=True,
            httponly=True,
            samesite="lax",
        )


def _engine(request: Request) -> AsyncEngine:
    engine: AsyncEngine = request.app.state.engine
    return engine


def _page(text: Message, status_code: int) -> Response:
    return PlainTextResponse(text.render(), status_code=status_code)
