"""The dashboard's files are served by the app and reference nothing outside it."""

from __future__ import annotations

import re

import pytest
from starlette.testclient import TestClient

from app.web.dashboard import DASHBOARD_DIRECTORY

EXTERNAL_URL = re.compile(r"""["'(]\s*(?:https?:)?//""")


def test_dashboard_page_is_served_as_html(client: TestClient) -> None:
    response = client.get("/dashboard")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert '<script type="module" src="/dashboard/static/dashboard.js">' in response.text


@pytest.mark.parametrize(
    ("path", "media_type"),
    [("dashboard.js", "text/javascript"), ("dashboard.css", "text/css")],
)
def test_dashboard_assets_are_served(client: TestClient, path: str, media_type: str) -> None:
    response = client.get(f"/dashboard/static/{path}")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media_type)


@pytest.mark.parametrize("path", ["index.html", "static/dashboard.js", "static/dashboard.css"])
def test_dashboard_files_load_nothing_from_other_hosts(path: str) -> None:
    text = (DASHBOARD_DIRECTORY / path).read_text(encoding="utf-8")

    # The SVG namespace is an identifier, not a request.
    text = text.replace('"http://www.w3.org/2000/svg"', '""')
    assert not EXTERNAL_URL.search(text)
