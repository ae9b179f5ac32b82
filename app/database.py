"""Database engines and sessions for SQLite (default, WAL) and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

from app import search_text
from app.settings import Settings

URL_FORMS = "sqlite:///PATH or postgresql://USER@HOST:PORT/DATABASE"
# "postgres://" is what many hosting platforms hand out for PostgreSQL.
SUPPORTED_BACKENDS = frozenset({"sqlite", "postgresql", "postgres"})
DRIVER_MISSING = (
    "the PostgreSQL driver (psycopg) is not installed; install it with: "
    'pip install -e ".[postgres]"'
)


class DatabaseSetupError(Exception):
    """A database the service cannot use as configured; the message is one line saying why."""


def parse_database_url(url: str) -> URL:
    """The parsed URL; raises ``DatabaseSetupError`` for text that is not a URL of SQLite or
    PostgreSQL."""
    try:
        parsed = make_url(url)
    except sa.exc.ArgumentError:
        # The text is not echoed: it may hold a password.
        raise DatabaseSetupError(
            f"PORTFOLIO_DATABASE_URL is not a database URL; use {URL_FORMS}"
        ) from None
    backend = parsed.get_backend_name()
    if backend not in SUPPORTED_BACKENDS:
        raise DatabaseSetupError(
            f"PORTFOLIO_DATABASE_URL names {backend!r}, which is not supported; "
            f"use SQLite or PostgreSQL: {URL_FORMS}"
        )
    return parsed


def is_sqlite(url: str) -> bool:
    """Whether a database URL points at SQLite."""
    return parse_database_url(url).get_backend_name() == "sqlite"


def sync_url(url: str) -> str:
    """The URL with a synchronous driver, for migrations and tools."""
    parsed = parse_database_url(url)
    if parsed.get_backend_name() == "sqlite":
        return parsed.set(drivername="sqlite").render_as_string(hide_password=False)
    return parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)


def async_url(url: str) -> str:
    """The URL with an asyncio driver, for the service."""
    parsed = parse_database_url(url)
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
        # The full-text search index's triggers stem Norwegian text through it.
        dbapi_connection.create_function(
            "search_stems", 1, search_text.index_text, deterministic=True
        )

    return on_connect


def _connect_args(settings: Settings) -> dict[str, Any]:
    if is_sqlite(settings.database_url):
        return {"timeout": settings.sqlite_busy_timeout_ms / 1000}
    timeout_ms = int(settings.database_timeout_seconds * 1000)
    return {
        "connect_timeout": max(1, int(settings.database_timeout_seconds)),
        "options": f"-c statement_timeout={timeout_ms * 6}",
    }


def _is_driver(missing: ImportError) -> bool:
    return (missing.name or "").partition(".")[0] == "psycopg" or "psycopg" in str(missing)


def create_engine(settings: Settings) -> AsyncEngine:
    """The service's asyncio engine, with pragmas and timeouts for the backend in use."""
    try:
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
    except ImportError as missing:
        if _is_driver(missing):
            raise DatabaseSetupError(DRIVER_MISSING) from missing
        raise
    if is_sqlite(settings.database_url):
        sa.event.listen(
            engine.sync_engine, "connect", _sqlite_pragmas(settings.sqlite_busy_timeout_ms)
        )
    return engine


def create_sync_engine(settings: Settings) -> sa.Engine:
    """A synchronous engine, used by migrations and the command line."""
    try:
        engine = sa.create_engine(
            sync_url(settings.database_url), connect_args=_connect_args(settings)
        )
    except ImportError as missing:
        if _is_driver(missing):
            raise DatabaseSetupError(DRIVER_MISSING) from missing
        raise
    if is_sqlite(settings.database_url):
        sa.event.listen(engine, "connect", _sqlite_pragmas(settings.sqlite_busy_timeout_ms))
    return engine


def connection_problem(url: str, error: sa.exc.OperationalError) -> str | None:
    """One line on why the database at ``url`` cannot be reached or opened, or None when
    ``error`` is about something else."""
    parsed = parse_database_url(url)
    reason = str(error.orig).strip().splitlines()[0] if error.orig is not None else str(error)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database in {"", ":memory:"} or database.startswith("file:"):
            return None
        folder = Path(database).expanduser().resolve().parent
        if not folder.is_dir():
            return (
                f"the folder {folder} for the SQLite database does not exist; create it, or "
                "point PORTFOLIO_DATABASE_URL at a file in an existing folder"
            )
        if "unable to open database file" in reason:
            return f"cannot open the SQLite database {database}: {reason}"
        return None
    if not reason.startswith(("connection failed", "connection to server", "failed to resolve")):
        return None
    # psycopg: 'connection failed: connection to server at "h", port 1 failed: <why>'
    why = reason.rpartition("failed: ")[2] if "failed: " in reason else reason
    why = why.removeprefix("FATAL:").strip()
    where = f"{parsed.host or 'localhost'}:{parsed.port or 5432}"
    return f"cannot connect to PostgreSQL at {where}: {why}"


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded rows usable after commit."""
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)


@asynccontextmanager
async def open_session(engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    """One session, closed on exit."""
    async with session_factory(engine)() as session:
        yield session
