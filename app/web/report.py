"""The report page: the portfolio report of a period, served as HTML."""

from __future__ import annotations

from datetime import date

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from app.portfolio_report import gather_report, render_html


async def report_page(request: Request) -> Response:
    """``GET /reports/{period}``: the report of a period as HTML; 404 JSON for an unknown one."""
    code = request.path_params["period"]
    report = await gather_report(
        request.app.state.engine,
        period_code=code,
        today=date.today(),
        analysis_cache=request.app.state.analysis_cache,
    )
    if report is None:
        return JSONResponse(
            {"error": "not_found", "message": f"There is no reporting period {code!r}."},
            status_code=404,
        )
    return HTMLResponse(render_html(report), headers={"Cache-Control": "no-cache"})
