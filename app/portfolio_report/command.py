"""The ``portfolio report`` command."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from datetime import date
from pathlib import Path

from app.database import create_engine
from app.portfolio_report.data import PortfolioReport, gather_report
from app.portfolio_report.render import PdfUnavailable, render_html, render_pdf
from app.settings import Settings


def run_report(arguments: argparse.Namespace, settings: Settings) -> int:
    """Write the report of a period as HTML or PDF."""

    async def gather() -> PortfolioReport | None:
        engine = create_engine(settings)
        try:
            return await gather_report(engine, period_code=arguments.period, today=date.today())
        finally:
            await engine.dispose()

    report = asyncio.run(gather())
    if report is None:
        what = repr(arguments.period) if arguments.period else "(no period exists)"
        print(f"portfolio report: there is no reporting period {what}", file=sys.stderr)  # noqa: T201
        return 2
    html = render_html(report)
    target = Path(arguments.output or f"portefoljerapport-{report.period.code}.{arguments.format}")
    if arguments.format == "pdf":
        logging.getLogger("weasyprint").setLevel(logging.WARNING)  # it narrates every step
        try:
            target.write_bytes(render_pdf(html))
        except PdfUnavailable as error:
            print(f"portfolio report: {error}", file=sys.stderr)  # noqa: T201
            return 3
    elif arguments.output == "-":
        sys.stdout.write(html)
        return 0
    else:
        target.write_text(html, encoding="utf-8")
    print(f"wrote {target}", file=sys.stderr)  # noqa: T201
    return 0
