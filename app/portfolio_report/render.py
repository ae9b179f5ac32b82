"""Render the portfolio report as HTML (Jinja2, autoescaped) and, optionally, as PDF."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from app.domain import LABELS, DeliveryStatus
from app.portfolio_report import charts
from app.portfolio_report.data import PortfolioReport

TEMPLATES = Path(__file__).parent / "templates"
MONTHS = (
    "januar",
    "februar",
    "mars",
    "april",
    "mai",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "desember",
)
LEVEL_LABELS = {"GREEN": "Grønn", "YELLOW": "Gul", "RED": "Rød"}
PDF_INSTALL_HINT = (
    "PDF needs WeasyPrint and the Pango libraries: "
    "pip install -e '.[pdf]' (and on Debian/Ubuntu: "
    "apt-get install libpango-1.0-0 libpangoft2-1.0-0). "
    "Use --format html for print-ready HTML without them."
)


class PdfUnavailable(RuntimeError):
    """WeasyPrint (or the system libraries it needs) is not installed."""


def norwegian_date(value: date | None) -> str:
    """``10. april 2026``; an empty string for no date."""
    if value is None:
        return ""
    return f"{value.day}. {MONTHS[value.month - 1]} {value.year}"


def level_label(value: str | None) -> str:
    return LEVEL_LABELS.get(value or "", "Ikke rapportert")


def _environment() -> Environment:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "j2"], default_for_string=True, default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["dato"] = norwegian_date
    environment.filters["niva"] = level_label
    environment.filters["levering"] = lambda value: LABELS[DeliveryStatus].get(value, value)
    environment.filters["tall"] = lambda value: f"{value:,}".replace(",", "\u00a0")
    environment.filters["dager"] = charts.days_text
    return environment


def render_html(report: PortfolioReport) -> str:
    """The report as one self-contained HTML page (inline CSS and SVG)."""
    template = _environment().get_template("report.html.j2")
    chart_markup = {
        "status_by_segment": charts.segment_bars(
            report.status_by_segment,
            title="Status per segment",
            none_label="Ikke rapportert",
            prefix="status-segment",
        ),
        "risk_by_segment": charts.segment_bars(
            report.risk_by_segment,
            title="Risiko per segment",
            none_label="Ikke oppgitt",
            prefix="risk-segment",
        ),
        "trend": charts.trend_columns(
            report.trend, title="Status per rapporteringsrunde", prefix="status-trend"
        ),
        "slip_trend": charts.slip_columns(
            report.slip_trend,
            title="Leveranser med senere prognose enn runden før, per rapporteringsrunde",
        ),
    }
    return template.render(
        report=report,
        # The charts escape every text they draw (app.portfolio_report.charts).
        charts={key: Markup(value) for key, value in chart_markup.items()},
        names=report.names,
    )


def render_pdf(html: str) -> bytes:
    """The HTML report printed to PDF with WeasyPrint; :class:`PdfUnavailable` without it."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as error:  # OSError: Pango missing
        raise PdfUnavailable(PDF_INSTALL_HINT) from error
    pdf: bytes = HTML(string=html, base_url=str(TEMPLATES)).write_pdf()
    return pdf
