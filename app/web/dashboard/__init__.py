"""The dashboard: one HTML page, one script and one stylesheet that talk only to /graphql."""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, Response

DASHBOARD_DIRECTORY = Path(__file__).parent
STATIC_DIRECTORY = DASHBOARD_DIRECTORY / "static"
PAGE = DASHBOARD_DIRECTORY / "index.html"


async def dashboard_page(_request: Request) -> Response:
    """The dashboard's HTML page."""
    return FileResponse(PAGE, media_type="text/html; charset=utf-8")
