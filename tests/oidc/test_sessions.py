"""Browser sessions: the cookie's flags, the sign-in's start and its checks, sign-out, and
the cross-site checks on cookie-authenticated POSTs to /graphql."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from starlette.testclient import TestClient

from app.browser_sessions import PendingSignIn, complete_sign_in, start_sign_in
from app.database import create_engine
from app.main import create_app
from app.settings import Settings
from app.web.sign_in import SESSION_COOKIE, safe_return_to
from tests.conftest import Databases, copy_database, settings_for
from tests.oidc.provider import AUDIENCE, ORG_CLAIM, RunningProvider
from tests.schema.writes import scalar

VIEWER = "query { viewer { name subject role authenticatedBy organisation { code } } }"
ORIGIN = "https://testserver"


@dataclass(frozen=True)
class Browserish:
    http: TestClient
    settings: Settings


@pytest.fixture
def service(
    databases: Databases, seed_template_url: str, identity_provider: RunningProvider
) -> Iterator[Browserish]:
    url = copy_database(databases, seed_template_url, "sessions")
    settings = settings_for(
        url,
        oidc_issuer=identity_provider.issuer,
        oidc_audience=AUDIENCE,
        oidc_client_id="portfolio-web",
        oidc_client_secret="portfolio-web-secret",
    )
    with TestClient(create_app(settings), base_url=ORIGIN) as http:
        yield Browserish(http=http, settings=settings)


def _signed_in_secret(settings: Settings, claims: dict[str, Any]) -> str:
    """A session as the callback leaves it, made without the browser round trip."""

    async def make() -> str:
        engine = create_engine(settings)
        try:
            async with engine.connect() as connection:
                started = await start_sign_in(connection, PendingSignIn.new("/dashboard"))
                return await complete_sign_in(
                    connection, secret=started, claims=claims, lifetime=timedelta(hours=1)
                )
        finally:
            await engine.dispose()

    return asyncio.run(make())


KARI = {"sub": "kari", "name": "Kari Nordmann", ORG_CLAIM: "983544622"}


def _post(service: Browserish, secret: str | None, **headers: str) -> Any:
    if secret is not None:
        service.http.cookies.set(SESSION_COOKIE, secret, domain="testserver.local")
    return service.http.post(
        "/graphql",
        content=f'{{"query": "{VIEWER}"}}',
        headers={"Content-Type": "application/json", "Origin": ORIGIN} | headers,
    )


def test_a_session_cookie_names_the_signed_in_person(service: Browserish) -> None:
    secret = _signed_in_secret(service.settings, KARI)

    answer = _post(service, secret)

    assert answer.status_code == 200
    assert answer.json()["data"]["viewer"] == {
        "name": "Kari Nordmann",
        "subject": "kari",
        "role": "READER",
        "authenticatedBy": "OIDC",
        "organisation": {"code": "HDIR"},
    }


def test_a_cookie_authenticated_post_that_is_not_json_is_refused(service: Browserish) -> None:
    secret = _signed_in_secret(service.settings, KARI)

    refused = _post(service, secret, **{"Content-Type": "text/plain"})

    assert refused.status_code == 403
    assert refused.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_a_cookie_authenticated_post_from_another_origin_is_refused(
    service: Browserish,
) -> None:
    secret = _signed_in_secret(service.settings, KARI)

    refused = _post(service, secret, Origin="https://evil.example")

    assert refused.status_code == 403
    assert "https://evil.example" in refused.json()["errors"][0]["message"]


def test_an_unknown_session_reads_as_anonymous(service: Browserish) -> None:
    answer = _post(service, "no-such-session")

    assert answer.status_code == 200
    assert answer.json()["data"]["viewer"]["role"] is None


def test_a_bearer_token_beside_the_cookie_speaks_instead(service: Browserish) -> None:
    secret = _signed_in_secret(service.settings, KARI)

    answer = _post(service, secret, Authorization="Bearer made-up")

    assert answer.status_code == 401


def test_login_sends_the_browser_to_the_provider_with_pkce_and_a_secure_cookie(
    service: Browserish, identity_provider: RunningProvider
) -> None:
    started = service.http.get(
        "/auth/login", params={"return_to": "/dashboard/rapportering"}, follow_redirects=False
    )

    assert started.status_code == 303
    target = urlsplit(started.headers["location"])
    query = {name: values[0] for name, values in parse_qs(target.query).items()}
    assert f"{target.scheme}://{target.netloc}" == identity_provider.issuer
    assert query["response_type"] == "code"
    assert query["client_id"] == "portfolio-web"
    assert query["redirect_uri"] == f"{ORIGIN}/auth/callback"
    assert query["code_challenge_method"] == "S256"
    assert len(query["code_challenge"]) == 43
    assert query["state"]
    assert query["nonce"]
    cookie = started.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    for flag in ("HttpOnly", "Secure", "SameSite=lax", "Path=/"):
        assert flag.lower() in cookie.lower()


def test_a_callback_with_another_state_starts_no_session(service: Browserish) -> None:
    service.http.get("/auth/login", follow_redirects=False)

    answer = service.http.get(
        "/auth/callback", params={"code": "x", "state": "forged"}, follow_redirects=False
    )

    assert answer.status_code == 400
    assert (
        scalar(
            service.settings.database_url,
            "SELECT count(*) FROM browser_session WHERE claims IS NOT NULL",
        )
        == 0
    )


def test_sign_out_ends_the_session_and_drops_the_cookie(service: Browserish) -> None:
    secret = _signed_in_secret(service.settings, KARI)
    service.http.cookies.set(SESSION_COOKIE, secret, domain="testserver.local")

    out = service.http.post(
        "/auth/logout",
        params={"return_to": "/dashboard/rapportering"},
        headers={"Origin": ORIGIN},
        follow_redirects=False,
    )

    assert out.status_code == 303
    assert out.headers["location"] == "/dashboard/rapportering"
    assert f'{SESSION_COOKIE}=""' in out.headers["set-cookie"]
    service.http.cookies.set(SESSION_COOKIE, secret, domain="testserver.local")
    assert _post(service, None).json()["data"]["viewer"]["role"] is None


def test_without_a_client_id_there_is_no_browser_sign_in(
    databases: Databases, seed_template_url: str
) -> None:
    url = copy_database(databases, seed_template_url, "no-sign-in")
    with TestClient(create_app(settings_for(url)), base_url=ORIGIN) as http:
        assert http.get("/auth/login", follow_redirects=False).status_code == 404
        assert http.get("/auth/session").json() == {"signInAvailable": False}


@pytest.mark.parametrize(
    ("asked", "returned"),
    [
        ("/dashboard/rapportering", "/dashboard/rapportering"),
        ("//evil.example/x", "/dashboard"),
        ("/\\evil.example", "/dashboard"),
        ("https://evil.example", "/dashboard"),
        (None, "/dashboard"),
    ],
)
def test_sign_in_returns_only_to_this_service(asked: str | None, returned: str) -> None:
    assert safe_return_to(asked) == returned
