"""The ASGI application factory."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles

from app.budget import caller_budgets
from app.collector import tuned_for_large_heaps
from app.database import create_engine
from app.event_derivation import EventDeriver
from app.events import broadcaster, delivers_locally, postgres_relay
from app.oidc import provider_for
from app.reminders import daily_time, remind_daily
from app.settings import Settings
from app.web.dashboard import STATIC_DIRECTORY, dashboard_page, reporting_page
from app.web.graphiql import GRAPHIQL_ASSETS
from app.web.graphql_view import PortfolioGraphQL
from app.web.landing import landing_page
from app.web.limits import BodySizeLimit
from app.web.report import report_page
from app.web.sign_in import BrowserSignIn
from app.webhook_dispatch import WebhookDispatcher

logger = logging.getLogger("portfolio")


def own_engine_for(engine: AsyncEngine, settings: Settings) -> AsyncEngine:
    """An engine of its own on ``engine``'s database, for background work: its connections
    never wait in the requests' pool (an in-memory database can only be shared)."""
    if engine.url.database in (None, "", ":memory:"):
        return engine
    url = engine.url.render_as_string(hide_password=False)
    return create_engine(dataclasses.replace(settings, database_url=url))


def create_app(settings: Settings | None = None, *, engine: AsyncEngine | None = None) -> Starlette:
    """Build the service; pass an engine to share one (tests), else one is made at startup."""
    settings = settings or Settings.from_env()
    if settings.remind_daily_at is not None:
        daily_time(settings.remind_daily_at)  # a mistyped hour fails at start, not at night
    engine_holder: dict[str, AsyncEngine] = {}

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        owns_engine = engine is None
        engine_holder["engine"] = engine if engine is not None else create_engine(settings)
        _app.state.engine = engine_holder["engine"]
        graphql_app.budgets = caller_budgets(settings, engine_holder["engine"])
        relay = None
        if not delivers_locally(engine_holder["engine"]):
            relay = postgres_relay(engine_holder["engine"], broadcaster)
            await relay.start()
        deriver = EventDeriver(engine_holder["engine"], graphql_app.analysis_cache)
        await deriver.start()
        _app.state.event_deriver = deriver
        dispatcher, dispatcher_engine = None, None
        if settings.webhook_dispatch:
            dispatcher_engine = own_engine_for(engine_holder["engine"], settings)
            dispatcher = WebhookDispatcher(dispatcher_engine, settings, wake_on=broadcaster)
            await dispatcher.start()
        reminders = (
            asyncio.create_task(
                remind_daily(engine_holder["engine"], settings), name="daily-reminders"
            )
            if settings.remind_daily_at is not None
            else None
        )
        try:
            with tuned_for_large_heaps():
                yield
        finally:
            await deriver.stop()
            if dispatcher is not None:
                await dispatcher.stop()
            if dispatcher_engine is not None and dispatcher_engine is not engine_holder["engine"]:
                await dispatcher_engine.dispose()
            if reminders is not None:
                reminders.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await reminders
            if relay is not None:
                await relay.stop()
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

    async def schema_document(_request: Request) -> Response:
        return PlainTextResponse(graphql_app.schema.as_str() + "\n")

    graphql_app = PortfolioGraphQL(settings=settings, engine_holder=engine_holder)
    # Checks the settings now; the provider itself is asked nothing before first use.
    graphql_app.identity_provider = provider_for(settings)
    sign_in = BrowserSignIn(settings, graphql_app.identity_provider)
    optional_routes: list[Route | Mount] = []
    if settings.graphiql:
        optional_routes.append(
            Mount("/static/graphiql", StaticFiles(directory=GRAPHIQL_ASSETS), name="graphiql")
        )
    if settings.introspection:
        # The same schema introspection shows, as text: the docs a dashboard builder reads.
        optional_routes.append(Route("/schema.graphql", schema_document))
    app = Starlette(
        debug=settings.debug,
        routes=[
            Route("/", landing_page),
            *optional_routes,
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/dashboard", dashboard_page),
            Route("/dashboard/rapportering", reporting_page),
            Mount("/dashboard/static", StaticFiles(directory=STATIC_DIRECTORY), name="dashboard"),
            Route("/reports/{period}", report_page),
            Route("/auth/login", sign_in.login, methods=["GET"]),
            Route("/auth/callback", sign_in.callback, methods=["GET"], name="auth_callback"),
            Route("/auth/logout", sign_in.logout, methods=["POST"]),
            Route("/auth/session", sign_in.status, methods=["GET"]),
            Route("/graphql", graphql_app),
            WebSocketRoute("/graphql", graphql_app),
        ],
        lifespan=lifespan,
        middleware=[Middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)],
    )
    app.state.settings = settings
    app.state.analysis_cache = graphql_app.analysis_cache
    app.state.response_cache = graphql_app.response_cache
    app.state.identity_provider = graphql_app.identity_provider
    return app
