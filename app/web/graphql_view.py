"""The GraphQL view: strawberry's ASGI app with our per-request context, response cache
and token checks, over HTTP and WebSocket."""

from __future__ import annotations

import json
import logging
import re
from typing import Any

import orjson
from cross_web import HTTPException
from graphql import GraphQLError
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLHTTPResponse
from strawberry.types import ExecutionResult
from strawberry.types.unset import UNSET, UnsetType

from app.analysis import AnalysisCache
from app.auth import ANONYMOUS, Viewer, bearer_token, viewer_for_claims, viewer_for_token
from app.browser_sessions import session_claims
from app.budget import CallerBudgets
from app.messages import (
    ENGLISH,
    Message,
    accepted_language,
    current_language,
    message,
    speaking,
)
from app.oidc import BearerTokenRejected, IssuerUnavailable, OidcProvider, looks_like_jwt
from app.settings import Settings
from app.web.graphiql import graphiql_html
from app.web.graphql_http import (
    CredentialsRefused,
    GraphQLOverHTTP,
    graphql_operation,
    preferred_media_type,
)
from app.web.graphql_ws import (
    WEBSOCKET_FORBIDDEN,
    WEBSOCKET_TRY_AGAIN_LATER,
    HandshakeRefused,
    PortfolioWebSocketAdapter,
)
from app.web.response_cache import ResponseCache, cache_key, etag_matches, is_read_only
from app.web.sign_in import cross_site_refusal, session_secret
from schema.build import build_schema
from schema.context import Context
from schema.errors import DatabaseUnavailableError

logger = logging.getLogger("portfolio")

CONTEXT_STATE_KEY = "portfolio_context"


NO_ACK_PAYLOAD: UnsetType = UNSET
"""``connection_ack`` goes out without a payload."""


_LIMIT_REFUSALS: tuple[tuple[re.Pattern[str], str, tuple[str, ...]], ...] = (
    (
        re.compile(r"^'(.*)' exceeds maximum operation depth of (\d+)$"),
        "limit.depth",
        ("operation", "limit"),
    ),
    (re.compile(r"^(\d+) aliases found\. Allowed: (\d+)$"), "limit.aliases", ("count", "limit")),
    (
        re.compile(r"^Syntax Error: Document contains more than (\d+) tokens\. Parsing aborted\.$"),
        "limit.tokens",
        ("limit",),
    ),
)
"""The query limits' refusals, which strawberry's limiters give no code: by their wording."""


def _said_by_code(error: GraphQLError) -> Message | None:
    """The catalogue message of an error raised without one, from its code or its wording."""
    extensions = error.extensions or {}
    code = extensions.get("code")
    if code == "QUERY_TOO_COMPLEX" and isinstance(extensions.get("cost"), dict):
        cost = extensions["cost"]
        return message(
            "query_too_complex",
            points=cost["requested"],
            limit=cost["limit"],
            nodes=cost["nodeCount"],
            node_limit=cost["nodeLimit"],
        )
    if code == "INTERNAL_SERVER_ERROR" and "correlationId" in extensions:
        return message("unexpected_error", reference=extensions["correlationId"])
    if code == "BAD_USER_INPUT" and "argument" in extensions:
        return message("bad_argument", argument=extensions["argument"])
    if code is None:
        for pattern, text_code, names in _LIMIT_REFUSALS:
            found = pattern.match(error.message)
            if found is not None:
                return message(text_code, **dict(zip(names, found.groups(), strict=True)))
    return None


def localised(error: GraphQLError) -> GraphQLError:
    """``error`` said from the catalogue by its ``extensions.code`` (or, for the query
    limits, its wording), in the request's language.

    Errors of our own that hold a message (``text``) were rendered in the request's
    language when they were raised. The others may be shared between requests (validation
    results are cached), so the localised error is a copy; the code never changes.
    """
    if getattr(error.original_error, "text", None) is not None or getattr(error, "text", None):
        return error
    text = _said_by_code(error)
    if text is None:
        return error
    return GraphQLError(
        text.render(),
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=error.original_error,
        extensions=error.extensions,
    )


INVALID_TOKEN_CHALLENGE = 'Bearer realm="portfolio", error="invalid_token"'
"""RFC 6750's answer to a bearer JWT that fails a check."""


async def _viewer_named_by(
    context: Context, authorization: str | None, provider: OidcProvider | None
) -> Viewer | None:
    """The caller an ``Authorization`` value names: anonymous without a bearer token, None
    for an unknown, expired or revoked API token.

    A JWT goes to the identity provider's check when one is configured; a JWT that fails it
    raises ``CredentialsRefused`` (401, ``invalid_token``), and a provider that cannot be
    reached raises it as 503 — API tokens never wait for the provider. Raises
    ``DatabaseUnavailableError``.
    """
    token = bearer_token(authorization)
    if token is None:
        return ANONYMOUS
    if provider is None or not looks_like_jwt(token):
        return await context.read(viewer_for_token, token=token)
    try:
        claims = await provider.verify(token)
    except BearerTokenRejected as error:
        logger.debug("bearer JWT refused: %s", error)
        raise CredentialsRefused(
            401,
            message("oidc.invalid_token").render(),
            code="UNAUTHENTICATED",
            challenge=INVALID_TOKEN_CHALLENGE,
        ) from error
    except IssuerUnavailable as error:
        raise CredentialsRefused(
            503, message("oidc.issuer_unavailable").render(), code="IDENTITY_PROVIDER_UNAVAILABLE"
        ) from error
    settings = context.settings
    return await context.read(
        viewer_for_claims,
        claims=claims,
        org_claim=settings.oidc_org_claim,
        role_claim=settings.oidc_role_claim,
    )


class PortfolioGraphQL(GraphQLOverHTTP, GraphQL[Context, None]):
    """Strawberry's ASGI view with our per-request context, closed after every request."""

    websocket_adapter_class = PortfolioWebSocketAdapter

    def __init__(self, *, settings: Settings, engine_holder: dict[str, AsyncEngine]) -> None:
        super().__init__(
            build_schema(settings),
            graphql_ide="graphiql" if settings.graphiql else None,
        )
        self.settings = settings
        self.engine_holder = engine_holder
        self.identity_provider: OidcProvider | None = None  # set by create_app
        self.analysis_cache = AnalysisCache()
        self.budgets: CallerBudgets | None = None  # made at startup, with the engine
        self.execution_timeout_seconds = settings.execution_timeout_seconds
        self.response_cache = (
            ResponseCache(max_bytes=settings.response_cache_megabytes * 1024 * 1024)
            if settings.response_cache_megabytes > 0
            else None
        )

    async def run(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        """Answer in the language the request accepts (``Accept-Language``, English by
        default): every message rendered while it runs speaks it."""
        with speaking(accepted_language(request.headers.get("accept-language"))):
            return await self._run(request, *args, **kwargs)

    async def _run(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        """Serve repeated read-only requests from the response cache (with ETag / 304)."""
        if isinstance(request, WebSocket):
            try:
                return await super().run(request, *args, **kwargs)
            except HandshakeRefused:
                return request
        key = await self._cache_key(request) if self.response_cache is not None else None
        if key is None or self.response_cache is None:
            return await super().run(request, *args, **kwargs)
        headers = {
            "Cache-Control": "private, no-cache",
            "Vary": "Accept, Accept-Language, Authorization, Cookie",
        }
        cached = self.response_cache.get(key)
        if cached is not None:
            headers["ETag"] = cached.etag
            if etag_matches(request.headers.get("if-none-match"), cached.etag):
                return Response(status_code=304, headers=headers)
            return Response(cached.body, media_type=cached.media_type, headers=headers)
        response = await super().run(request, *args, **kwargs)
        if (
            response.status_code == 200
            and not getattr(request.state, "graphql_had_errors", True)
            and isinstance(response.body, bytes)
        ):
            media_type = response.headers.get("content-type", "application/json")
            entry = self.response_cache.put(key, response.body, media_type)
            response.headers.update(headers | {"ETag": entry.etag})
        return response

    async def _cache_key(self, request: Any) -> str | None:
        """The cache key of a read-only GraphQL request, or None when it is not cacheable."""
        if not isinstance(request, Request) or request.scope["type"] != "http":
            return None
        operation = await graphql_operation(request)
        if operation is None or not is_read_only(operation.query, operation.operation_name):
            return None
        media_type = preferred_media_type(request.headers.get("accept"))
        try:
            viewer = await self._viewer(request)
            # Read on the request's own connection and kept for the analysis: one read.
            version = await self._context(request).data_version()
        except (HTTPException, DatabaseUnavailableError):
            return None  # the normal path answers with the right error
        return cache_key(
            data_version=version,
            query=operation.query,
            variables=operation.variables,
            operation_name=operation.operation_name,
            caller=f"{viewer.role}:{viewer.organisation_code}",
            # The language is part of the representation, as the media type is.
            media_type=f"{media_type or ''}; lang={current_language()}",
        )

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        """Errors raised where no message code reached them, said in the request's language."""
        if result.errors and current_language() != ENGLISH:
            result.errors = [localised(error) for error in result.errors]
        return await super().process_result(request, result)

    def encode_json(self, data: object) -> bytes:
        """The response body as UTF-8 JSON, by orjson: several times the speed of the
        standard library on a large answer. What orjson refuses (a lone surrogate echoed
        in an error message) the standard library writes, escaped."""
        try:
            return orjson.dumps(data)
        except TypeError:  # orjson.JSONEncodeError
            return json.dumps(data, separators=(",", ":")).encode()

    async def render_graphql_ide(self, _request: Request) -> Response:
        """Our GraphiQL page: its scripts and styles come from this service, not a CDN."""
        return HTMLResponse(graphiql_html())

    async def get_context(self, request: Any, response: Any) -> Context:
        context = self._context(request)
        context.response = response
        if isinstance(request, WebSocket):
            context.viewer = await self._websocket_viewer(request)
        else:
            context.viewer = await self._viewer(request)
        return context

    async def _websocket_viewer(self, websocket: WebSocket) -> Viewer:
        """The caller the handshake's ``Authorization`` header names.

        Strawberry asks for the context after accepting the socket, so a refused caller is
        answered with a close frame here, not with the HTTP status a request would get.
        """
        context = self._context(websocket)
        try:
            return await self._viewer(websocket)
        except HTTPException as error:
            code, reason = (
                WEBSOCKET_FORBIDDEN if error.status_code == 401 else WEBSOCKET_TRY_AGAIN_LATER
            )
            logger.debug("websocket handshake refused: %s", error.reason)
            # Done with the database before the client hears it: a client that goes away
            # at once must not interrupt the connection's rollback.
            await context.release()
            await websocket.close(code=code, reason=reason)
            raise HandshakeRefused from error
        finally:
            # A socket may idle for long before its first event: it holds no connection.
            await context.release()

    def _context(self, request: Any) -> Context:
        """The request's context, made on first use: the cache key, the token check and
        execution share its one connection."""
        context = getattr(request.state, CONTEXT_STATE_KEY, None)
        if isinstance(context, Context):
            return context
        context = Context(
            engine=self.engine_holder["engine"],
            settings=self.settings,
            analysis_cache=self.analysis_cache,
            budgets=self.budgets,
            request=request,
        )
        setattr(request.state, CONTEXT_STATE_KEY, context)
        return context

    async def _viewer(self, request: Any) -> Viewer:
        """The caller named by the request's bearer token, else by its browser session
        cookie (HTTP only); anonymous without either."""
        known = getattr(request.state, "viewer", None)
        if isinstance(known, Viewer):
            return known
        authorization = request.headers.get("authorization")
        try:
            if authorization is None and not isinstance(request, WebSocket):
                viewer: Viewer | None = await self._session_viewer(request)
            else:
                viewer = await _viewer_named_by(
                    self._context(request), authorization, self.identity_provider
                )
        except DatabaseUnavailableError as error:
            raise HTTPException(503, error.message) from error
        if viewer is None:
            raise HTTPException(401, message("unknown_token").render())
        request.state.viewer = viewer
        return viewer

    async def _session_viewer(self, request: Request) -> Viewer:
        """The person a browser session cookie names; anonymous for no, an expired or an
        unknown session. A cookie-authenticated POST must come from this service's pages.

        WebSockets never take the cookie: a page of another site could open one with it.
        """
        secret = session_secret(request)
        if secret is None or self.identity_provider is None:
            return ANONYMOUS
        if request.method == "POST":
            refusal = cross_site_refusal(request, self.settings)
            if refusal is not None:
                raise CredentialsRefused(403, refusal.render(), code="FORBIDDEN")
        context = self._context(request)
        claims = await context.read(session_claims, secret=secret)
        if claims is None:
            return ANONYMOUS
        return await context.read(
            viewer_for_claims,
            claims=claims,
            org_claim=self.settings.oidc_org_claim,
            role_claim=self.settings.oidc_role_claim,
        )

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        """Take the token from ``connection_init`` when the handshake carried none.

        Browsers cannot set headers on a WebSocket, so GraphQL WebSocket clients send
        ``{"Authorization": "Bearer …"}`` as the ``connection_init`` payload. An unknown or
        revoked token closes the connection (4403) instead of carrying on anonymously.
        """
        params = context.connection_params if isinstance(context.connection_params, dict) else {}
        authorization = params.get("Authorization", params.get("authorization"))
        if not isinstance(authorization, str):
            return NO_ACK_PAYLOAD
        try:
            viewer = await _viewer_named_by(context, authorization, self.identity_provider)
        except DatabaseUnavailableError as error:
            raise ConnectionRejectionError({"message": error.message}) from error
        except CredentialsRefused as error:
            raise ConnectionRejectionError({"message": error.reason}) from error
        finally:
            # Before strawberry answers: neither an idle socket nor a refused one keeps it.
            await context.release()
        if viewer is None:
            raise ConnectionRejectionError({"message": message("unknown_token").render()})
        if viewer.is_authenticated:
            context.viewer = viewer
        return NO_ACK_PAYLOAD

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            context = scope.get("state", {}).get(CONTEXT_STATE_KEY)
            if isinstance(context, Context):
                await context.close()
