"""The dashboard and the reporting form: HTML pages, scripts and stylesheets that talk only
to /graphql."""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, Response

DASHBOARD_DIRECTORY = Path(__file__).parent
STATIC_DIRECTORY = DASHBOARD_DIRECTORY / "static"
PAGE = DASHBOARD_DIRECTORY / "index.html"
REPORTING_PAGE = DASHBOARD_DIRECTORY / "reporting.html"


async def dashboard_page(_request: Request) -> Response:
    """The dashboard's HTML page."""
    return FileResponse(PAGE, media_type="text/html; charset=utf-8")


async def reporting_page(_request: Request) -> Response:
    """The owners' reporting form and the round's progress (``/dashboard/rapportering``)."""
    return FileResponse(REPORTING_PAGE, media_type="text/html; charset=utf-8")
