"""Every page works without internet: the service serves all its pages need, itself."""

from __future__ import annotations

import base64
import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from starlette.testclient import TestClient

from app.main import create_app
from tests.conftest import settings_for

ORIGIN = "http://testserver"
PAGES = ["/", "/graphql", "/dashboard", "/dashboard/rapportering", "/reports/2026-2"]

ANY_URL = re.compile(r"https?://[^\s\"'`()<>\\]+")
# XML namespace names identify a vocabulary (SVG, XHTML, MathML, XLink); browsers never
# fetch them, and scripts that build SVG or MathML elements must name them.
XML_NAMESPACES = (
    "http://www.w3.org/2000/svg",
    "http://www.w3.org/1999/xhtml",
    "http://www.w3.org/1999/xlink",
    "http://www.w3.org/1998/Math/MathML",
    "http://www.w3.org/XML/1998/namespace",
)
# The vendored GraphiQL, React and explorer bundles quote documentation links in their error
# messages and comments (spec.graphql.org, reactjs.org/docs/error-decoder, codemirror.net/
# LICENSE, …): text for a developer, never fetched. They are checked where a URL would load
# something instead; the browser test blocks every outside host on top.
VENDORED = "/static/graphiql/"
LOADING_AN_OUTSIDE_URL = re.compile(
    r"""(?:
        \b(?:src|href|action|poster|srcset)\s*[=:]\s*["']?
      | url\(\s*["']?
      | @import\s+(?:url\()?\s*["']?
      | \b(?:fetch|importScripts|import|EventSource|WebSocket|Worker)\s*\(\s*["'`]
      | \bfrom\s*["']
      | sourceMappingURL=
    )(?P<url>https?://[^\s"'`()<>\\]+)""",
    re.VERBOSE | re.IGNORECASE,
)
# Links (<a href>) a person could follow, never loaded by the page. The vendored bundles are
# kept byte for byte as published (their integrity is pinned), so they stay in the text; the
# browser test checks which ones the rendered GraphiQL shows.
VENDORED_LINKS = {
    "https://codemirror.net/5/doc/manual.html#keymaps": "the short-keys dialog, on request",
    "https://github.com/graphql/graphiql": "GraphiQL's logo; start.js puts ours instead",
    "https://www.onegraph.com": "the explorer's attribution; start.js switches it off",
    "https://github.com/OneGraph/graphiql-explorer": "the same attribution",
}


class _References(HTMLParser):
    """The URLs an HTML page loads or links to."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[tuple[str, str]] = []  # (attribute, URL)
        self.integrity: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value for name, value in attrs if value is not None}
        for name in ("src", "href"):
            if name in values:
                self.urls.append((f"{tag}.{name}", values[name]))
                if "integrity" in values:
                    self.integrity[values[name]] = values["integrity"]


def _references(html: str) -> _References:
    parser = _References()
    parser.feed(html)
    return parser


def _served_text(client: TestClient) -> dict[str, str]:
    """Every page and every local script and stylesheet they load, by path."""
    found: dict[str, str] = {}
    queue = list(PAGES)
    while queue:
        path = queue.pop()
        if path in found:
            continue
        response = client.get(path, headers={"Accept": "text/html"})
        assert response.status_code == 200, path
        found[path] = response.text
        kind = response.headers["content-type"]
        if "html" in kind:
            targets = [url for _, url in _references(response.text).urls]
        elif "javascript" in kind:
            targets = re.findall(r"""\bimport\s[^"']*["']([^"']+)["']""", response.text)
        elif "css" in kind:
            targets = re.findall(r"""url\(\s*["']?([^"')]+)""", response.text)
        else:
            targets = []
        for target in targets:
            absolute = urljoin(ORIGIN + path, target)
            parts = urlsplit(absolute)
            local = parts.scheme in {"http", "https"} and parts.netloc == "testserver"
            if local and (parts.path.endswith((".js", ".css", ".html")) or parts.path in PAGES):
                queue.append(parts.path)
    return found


def test_no_served_page_script_or_stylesheet_references_an_outside_host(
    client: TestClient,
) -> None:
    # Given every page, and everything they load, as served
    served = _served_text(client)
    assert any(path.startswith(VENDORED) for path in served)  # GraphiQL's bundles are in

    # Then our own files name no outside URL, and the vendored ones load none
    outside: dict[str, list[str]] = {}
    for path, text in served.items():
        if path.startswith(VENDORED):
            hits = [
                match["url"]
                for match in LOADING_AN_OUTSIDE_URL.finditer(text)
                if match["url"] not in VENDORED_LINKS
            ]
        else:
            hits = [
                url
                for url in ANY_URL.findall(text)
                if not url.startswith((ORIGIN, *XML_NAMESPACES))
            ]
        if hits:
            outside[path] = hits
    assert outside == {}


def test_graphiql_page_loads_its_scripts_and_styles_from_the_service(client: TestClient) -> None:
    page = client.get("/graphql", headers={"Accept": "text/html"})

    references = _references(page.text)
    loaded = [url for attribute, url in references.urls if attribute != "a.href"]
    assert loaded
    for url in loaded:
        if url.startswith("data:"):
            continue
        assert url.startswith("/static/graphiql/"), url
        assert client.get(url).status_code == 200, url


def test_graphiql_assets_match_their_pinned_integrity(client: TestClient) -> None:
    page = client.get("/graphql", headers={"Accept": "text/html"})

    integrity = _references(page.text).integrity
    assert len(integrity) == 6  # React, ReactDOM, GraphiQL js + css, explorer js + css
    for url, expected in integrity.items():
        digest = hashlib.sha384(client.get(url).content).digest()
        assert f"sha384-{base64.b64encode(digest).decode()}" == expected, url


def test_graphiql_assets_ship_with_their_licences(client: TestClient) -> None:
    for package in ("react@18.2.0", "react-dom@18.2.0", "graphiql@3.8.3", "plugin-explorer@1.0.2"):
        licence = client.get(f"/static/graphiql/{package}/LICENSE")

        assert licence.status_code == 200, package
        assert "MIT License" in licence.text


def test_landing_page_links_graphiql_dashboard_reporting_report_and_docs(
    client: TestClient,
) -> None:
    response = client.get("/")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    links = [url for attribute, url in _references(response.text).urls if attribute == "a.href"]
    assert links == [
        "/graphql",
        "/dashboard",
        "/dashboard/rapportering",
        "/reports/2026-2",
        "/schema.graphql",
    ]
    for link in links:
        assert client.get(link, headers={"Accept": "text/html"}).status_code == 200, link


def test_schema_document_is_the_sdl_introspection_shows(client: TestClient) -> None:
    response = client.get("/schema.graphql")

    assert response.status_code == 200
    assert "type Query" in response.text
    assert '"""' in response.text  # with descriptions


def test_without_graphiql_or_introspection_the_landing_page_links_neither(
    seeded_database_url: str,
) -> None:
    settings = settings_for(seeded_database_url, graphiql=False, introspection=False)
    with TestClient(create_app(settings)) as client:
        landing = client.get("/")
        asset = client.get("/static/graphiql/graphiql@3.8.3/graphiql.min.js")
        schema = client.get("/schema.graphql")

    links = [url for attribute, url in _references(landing.text).urls if attribute == "a.href"]
    assert links == ["/dashboard", "/dashboard/rapportering", "/reports/2026-2"]
    assert asset.status_code == 404
    assert schema.status_code == 404


def test_landing_page_answers_without_the_database(tmp_path: Path) -> None:
    settings = settings_for(f"sqlite:///{tmp_path / 'missing' / 'portfolio.db'}")
    with TestClient(create_app(settings)) as client:
        response = client.get("/")

    links = [url for attribute, url in _references(response.text).urls if attribute == "a.href"]
    assert response.status_code == 200
    assert links == ["/graphql", "/dashboard", "/dashboard/rapportering", "/schema.graphql"]
