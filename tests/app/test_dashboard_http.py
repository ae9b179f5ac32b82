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


def test_reporting_page_is_served_as_html(client: TestClient) -> None:
    response = client.get("/dashboard/rapportering")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert '<script type="module" src="/dashboard/static/reporting.js">' in response.text


def test_reporting_sign_in_form_never_sends_the_key_in_a_url() -> None:
    text = (DASHBOARD_DIRECTORY / "reporting.html").read_text(encoding="utf-8")

    sign_in = re.search(r"<form[^>]*signin-form[^>]*>", text)
    assert sign_in is not None
    assert 'method="post"' in sign_in.group(0)


@pytest.mark.parametrize(
    ("path", "media_type"),
    [
        ("dashboard.js", "text/javascript"),
        ("dashboard.css", "text/css"),
        ("common.js", "text/javascript"),
        ("graph.js", "text/javascript"),
        ("comparison.js", "text/javascript"),
        ("reporting.js", "text/javascript"),
        ("reporting.css", "text/css"),
    ],
)
def test_dashboard_assets_are_served(client: TestClient, path: str, media_type: str) -> None:
    response = client.get(f"/dashboard/static/{path}")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media_type)


@pytest.mark.parametrize(
    "path",
    [
        "index.html",
        "reporting.html",
        "static/dashboard.js",
        "static/dashboard.css",
        "static/common.js",
        "static/graph.js",
        "static/comparison.js",
        "static/reporting.js",
        "static/reporting.css",
    ],
)
def test_dashboard_files_load_nothing_from_other_hosts(path: str) -> None:
    text = (DASHBOARD_DIRECTORY / path).read_text(encoding="utf-8")

    # The SVG namespace is an identifier, not a request.
    text = text.replace('"http://www.w3.org/2000/svg"', '""')
    assert not EXTERNAL_URL.search(text)
