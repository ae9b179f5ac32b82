"""The portfolio report (porteføljerapport): data, SVG charts, HTML and PDF rendering.

Its page handler is in the HTTP layer (``app.web.report``).
"""

from __future__ import annotations

from app.portfolio_report.data import PortfolioReport, gather_report
from app.portfolio_report.render import PdfUnavailable, render_html, render_pdf

__all__ = [
    "PdfUnavailable",
    "PortfolioReport",
    "gather_report",
    "render_html",
    "render_pdf",
]
