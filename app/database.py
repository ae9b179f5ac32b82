"""Database engines and sessions for SQLite (default, WAL) and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

from app.settings import Settings


def is_sqlite(url: str) -> bool:
    """Whether a database URL points at SQLite."""
    return make_url(url).get_backend_name() == "sqlite"


def sync_url(url: str) -> str:
    """The URL with a synchronous driver, for migrations and tools."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return parsed.set(drivername="sqlite").render_as_string(hide_password=False)
    return parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)


def async_url(url: str) -> str:
    """The URL with an asyncio driver, for the service."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return parsed.set(drivername="sqlite+aiosqlite").render_as_string(hide_password=False)
    return parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)


def _sqlite_pragmas(busy_timeout_ms: int) -> Any:
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        # WAL lets readers run beside the one writer; the busy timeout makes a second
        # writer wait instead of failing with "database is locked".
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return on_connect


def _connect_args(settings: Settings) -> dict[str, Any]:
    if is_sqlite(settings.database_url):
        return {"timeout": settings.sqlite_busy_timeout_ms / 1000}
    timeout_ms = int(settings.database_timeout_seconds * 1000)
    return {
        "connect_timeout": max(1, int(settings.database_timeout_seconds)),
        "options": f"-c statement_timeout={timeout_ms * 6}",
    }


def create_engine(settings: Settings) -> AsyncEngine:
    """The service's asyncio engine, with pragmas and timeouts for the backend in use."""
    engine = create_async_engine(
        async_url(settings.database_url),
        connect_args=_connect_args(settings),
        pool_pre_ping=not is_sqlite(settings.database_url),
        **(
            {}
            if is_sqlite(settings.database_url)
            else {"pool_size": 10, "max_overflow": 10, "pool_timeout": 10}
        ),
    )
    if is_sqlite(settings.database_url):
        sa.event.listen(
            engine.sync_engine, "connect", _sqlite_pragmas(settings.sqlite_busy_timeout_ms)
        )
    return engine


def create_sync_engine(settings: Settings) -> sa.Engine:
    """A synchronous engine, used by migrations and the command line."""
    engine = sa.create_engine(sync_url(settings.database_url), connect_args=_connect_args(settings))
    if is_sqlite(settings.database_url):
        sa.event.listen(engine, "connect", _sqlite_pragmas(settings.sqlite_busy_timeout_ms))
    return engine


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded rows usable after commit."""
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)


@asynccontextmanager
async def open_session(engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    """One session, closed on exit."""
    async with session_factory(engine)() as session:
        yield session
