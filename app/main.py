"""The ASGI application factory."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import sqlalchemy as sa
from cross_web import HTTPException
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.types import Receive, Scope, Send
from strawberry.asgi import GraphQL

from app.analysis import AnalysisCache
from app.auth import ANONYMOUS, Viewer, bearer_token, viewer_for_token
from app.database import create_engine
from app.graphql_http import GraphQLOverHTTP
from app.limits import BodySizeLimit
from app.settings import Settings
from schema.build import build_schema
from schema.context import Context

logger = logging.getLogger("portfolio")

CONTEXT_STATE_KEY = "portfolio_context"


class PortfolioGraphQL(GraphQLOverHTTP, GraphQL[Context, None]):
    """Strawberry's ASGI view with our per-request context, closed after every request."""

    def __init__(self, *, settings: Settings, engine_holder: dict[str, AsyncEngine]) -> None:
        super().__init__(
            build_schema(settings),
            graphql_ide="graphiql" if settings.graphiql else None,
        )
        self.settings = settings
        self.engine_holder = engine_holder
        self.analysis_cache = AnalysisCache()
        self.execution_timeout_seconds = settings.execution_timeout_seconds

    async def get_context(self, request: Any, response: Any) -> Context:
        context = Context(
            engine=self.engine_holder["engine"],
            settings=self.settings,
            analysis_cache=self.analysis_cache,
            request=request,
            response=response,
            viewer=await self._viewer(request),
        )
        request.state.portfolio_context = context
        return context

    async def _viewer(self, request: Any) -> Viewer:
        """The caller named by the request's bearer token; anonymous without one."""
        token = bearer_token(request.headers.get("authorization"))
        if token is None:
            return ANONYMOUS
        async with self.engine_holder["engine"].connect() as connection:
            viewer = await viewer_for_token(connection, token=token)
        if viewer is None:
            raise HTTPException(401, "The API token is unknown or has been revoked.")
        return viewer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            context = scope.get("state", {}).get(CONTEXT_STATE_KEY)
            if isinstance(context, Context):
                await context.close()


def create_app(settings: Settings | None = None, *, engine: AsyncEngine | None = None) -> Starlette:
    """Build the service; pass an engine to share one (tests), else one is made at startup."""
    settings = settings or Settings.from_env()
    engine_holder: dict[str, AsyncEngine] = {}

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        owns_engine = engine is None
        engine_holder["engine"] = engine if engine is not None else create_engine(settings)
        _app.state.engine = engine_holder["engine"]
        try:
            yield
        finally:
            if owns_engine:
                await engine_holder["engine"].dispose()

    async def healthz(_request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def readyz(_request: Request) -> Response:
        try:
            async with engine_holder["engine"].connect() as connection:
                await connection.execute(sa.text("SELECT 1"))
        except (sa.exc.SQLAlchemyError, OSError, TimeoutError) as error:
            logger.warning("readiness check failed: %s", type(error).__name__)
            return JSONResponse(
                {"status": "unavailable", "database": "unreachable"}, status_code=503
            )
        return JSONResponse({"status": "ok", "database": "reachable"})

    async def root(_request: Request) -> Response:
        return RedirectResponse("/graphql")

    graphql_app = PortfolioGraphQL(settings=settings, engine_holder=engine_holder)
    app = Starlette(
        debug=settings.debug,
        routes=[
            Route("/", root),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/graphql", graphql_app),
            WebSocketRoute("/graphql", graphql_app),
        ],
        lifespan=lifespan,
        middleware=[Middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)],
    )
    app.state.settings = settings
    app.state.analysis_cache = graphql_app.analysis_cache
    return app
