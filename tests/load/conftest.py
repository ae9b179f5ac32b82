"""Fixtures of the load tests: a private copy of the demo portfolio and its tokens."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.conftest import Databases, copy_database, make_token


@dataclass(frozen=True)
class LoadDatabase:
    url: str
    admin_token: str
    reporter_tokens: dict[str, str]


# The organisations that own the writers' initiatives get a REPORTER token each.
REPORTING_ORGANISATIONS = ("HDIR", "NHN", "FHI", "DSA", "KS")


def new_load_database(databases: Databases, seed_template_url: str) -> LoadDatabase:
    url = copy_database(databases, seed_template_url, "load")
    reporters = {}
    for organisation in REPORTING_ORGANISATIONS:
        try:
            reporters[organisation] = make_token(url, "REPORTER", organisation)
        except ValueError:
            continue  # not an organisation of the demo portfolio
    return LoadDatabase(url=url, admin_token=make_token(url, "ADMIN"), reporter_tokens=reporters)


@pytest.fixture
def load_database(databases: Databases, seed_template_url: str) -> LoadDatabase:
    """A private copy of the demo portfolio with an ADMIN and REPORTER tokens."""
    return new_load_database(databases, seed_template_url)
