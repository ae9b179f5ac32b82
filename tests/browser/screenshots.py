"""Regenerate the documentation's dashboard pictures: ``python -m tests.browser.screenshots [DIR]``.

Seeds the demo portfolio into a temporary SQLite database, serves it, and photographs the
dashboard with Debian's Chromium exactly as the browser test does, and the reporting form
with a refused answer (default ``docs/``).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from app.cli import seed_database
from app.migrate import migrate
from app.settings import Settings
from tests.browser.support import (
    VIEWPORT,
    launch_chromium,
    running_service,
    take_reporting_screenshot,
    take_screenshots,
)

DOCS = Path(__file__).resolve().parents[2] / "docs"


def reporter_token(database_url: str, *, organisation: str) -> str:
    """A REPORTER token of ``organisation`` in the scratch database."""
    from app.auth import create_token
    from app.database import create_sync_engine
    from app.domain import Role

    engine = create_sync_engine(Settings(database_url=database_url))
    try:
        with engine.begin() as connection:
            _, token = create_token(
                connection, role=Role.REPORTER, organisation_code=organisation, name="Helse Nord"
            )
    finally:
        engine.dispose()
    return token


def main(argv: list[str]) -> int:
    from playwright.sync_api import sync_playwright

    directory = Path(argv[0]) if argv else DOCS
    with tempfile.TemporaryDirectory() as scratch:
        database_url = f"sqlite:///{Path(scratch) / 'portfolio.db'}"
        migrate(Settings(database_url=database_url))
        seed_database(Settings(database_url=database_url))
        with running_service(database_url) as base_url, sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            context = browser.new_context(viewport=VIEWPORT, locale="nb-NO")
            pictures = take_screenshots(context.new_page(), base_url, directory)
            token = reporter_token(database_url, organisation="HN")
            pictures.append(
                take_reporting_screenshot(context.new_page(), base_url, token, directory)
            )
            context.close()
            browser.close()
    for picture in pictures:
        sys.stdout.write(f"{picture}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
