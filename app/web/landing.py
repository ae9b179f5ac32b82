"""``/``: what the service is, and links to GraphiQL, the dashboard, the reporting form, the
report and the docs."""

from __future__ import annotations

import logging
from datetime import date
from html import escape
from urllib.parse import quote

import sqlalchemy as sa
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from app import repository
from app.settings import Settings

logger = logging.getLogger("portfolio")

PAGE = """<!doctype html>
<html lang="nb">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Nasjonal e-helseportefølje – avhengigheter</title>
  <link rel="icon" href="data:,">
  <style>
    body {{ font: 16px/1.5 system-ui, sans-serif; color: #1a1a1a; margin: 0 auto;
           max-width: 46rem; padding: 2rem 1rem; }}
    h1 {{ font-size: 1.6rem; margin: 0 0 .5rem; }}
    ul {{ padding: 0; list-style: none; }}
    li {{ margin: 0 0 1rem; }}
    a {{ color: #0b4f8a; font-weight: 600; }}
    a:focus-visible {{ outline: 3px solid #0b4f8a; outline-offset: 2px; }}
    .note {{ color: #444; }}
  </style>
</head>
<body>
  <main data-testid="landing">
    <h1>Nasjonal e-helseportefølje</h1>
    <p>Porteføljens tiltak, de nasjonale e-helseløsningene og grunnmuren under dem – og
       avhengighetene mellom dem – som en GraphQL-tjeneste.</p>
    <ul>
{links}
    </ul>
    <p class="note">Alt på disse sidene kommer fra denne tjenesten; de virker uten
       internett, også i Helsenettet.</p>
  </main>
</body>
</html>
"""


def _link(href: str, label: str, text: str, test_id: str) -> str:
    return (
        f'      <li><a href="{escape(href)}" data-testid="{test_id}">{escape(label)}</a>'
        f" – {escape(text)}</li>"
    )


async def _current_period(request: Request) -> tuple[str, str] | None:
    """The code and name of the current reporting round, or None without one (or a database)."""
    try:
        async with request.app.state.engine.connect() as connection:
            periods = await repository.list_reporting_periods(connection)
    except (sa.exc.SQLAlchemyError, OSError, TimeoutError) as error:
        logger.warning("landing page without the current round: %s", type(error).__name__)
        return None
    period = repository.pick_current_period(periods, today=date.today())
    return None if period is None else (period.code, period.name)


async def landing_page(request: Request) -> Response:
    """The landing page; links only to pages this service serves and has switched on."""
    settings: Settings = request.app.state.settings
    links = []
    if settings.graphiql:
        links.append(
            _link("/graphql", "GraphiQL", "skriv og kjør spørringer mot API-et", "link-graphiql")
        )
    links.append(
        _link(
            "/dashboard",
            "Porteføljeoversikt",
            "tiltak, status og avhengighetsgraf",
            "link-dashboard",
        )
    )
    links.append(
        _link(
            "/dashboard/rapportering",
            "Statusrapportering",
            "tiltakseierne rapporterer runden; porteføljekontoret ser hvem som mangler",
            "link-reporting",
        )
    )
    current = await _current_period(request)
    if current is not None:
        code, name = current
        links.append(
            _link(
                f"/reports/{quote(code)}",
                f"Porteføljerapport {name}",
                "rapporten for inneværende runde",
                "link-report",
            )
        )
    if settings.introspection:
        links.append(
            _link(
                "/schema.graphql",
                "API-dokumentasjon",
                "skjemaet med beskrivelser (SDL); også i GraphiQLs Docs-panel",
                "link-docs",
            )
        )
    return HTMLResponse(PAGE.format(links="\n".join(links)), headers={"Cache-Control": "no-cache"})
