"""A real OpenID Provider, and the service trusting it, on a private copy of the demo."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from app.main import create_app
from tests.conftest import Databases, copy_database, settings_for
from tests.oidc.provider import AUDIENCE, RunningProvider, signing_key_set, start_provider


@pytest.fixture(scope="session")
def provider_directory(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("identity-provider")


@pytest.fixture(scope="module")
def identity_provider(provider_directory: Path) -> Iterator[RunningProvider]:
    """The provider every bearer test asks for tokens (signing with key ``first``)."""
    running = start_provider(provider_directory, signing_key_set("first"))
    yield running
    running.stop()


@dataclass(frozen=True)
class SignedIn:
    """The service trusting the provider, and the database it runs on."""

    http: TestClient
    database_url: str
    provider: RunningProvider


@pytest.fixture
def signed_in(
    databases: Databases, seed_template_url: str, identity_provider: RunningProvider
) -> Iterator[SignedIn]:
    url = copy_database(databases, seed_template_url, "oidc")
    settings = settings_for(
        url,
        oidc_issuer=identity_provider.issuer,
        oidc_audience=AUDIENCE,
        oidc_role_claim="portfolio_role",
    )
    with TestClient(create_app(settings)) as http:
        yield SignedIn(http=http, database_url=url, provider=identity_provider)
