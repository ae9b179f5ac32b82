"""GraphiQL from the service's own files: React, GraphiQL and its explorer, pinned."""

from __future__ import annotations

from functools import cache
from pathlib import Path

WEB_DIRECTORY = Path(__file__).parent
STATIC_DIRECTORY = WEB_DIRECTORY / "static"
GRAPHIQL_ASSETS = STATIC_DIRECTORY / "graphiql"
GRAPHIQL_PAGE = WEB_DIRECTORY / "graphiql.html"


@cache
def graphiql_html() -> str:
    """GraphiQL's HTML page; every script and stylesheet it names is under ``/static/``."""
    return GRAPHIQL_PAGE.read_text(encoding="utf-8")
