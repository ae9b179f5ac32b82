"""Schemathesis in GraphQL mode: thousands of generated operations, never a server error.

Every root field of ``Query`` and ``Mutation`` is one schemathesis operation and one test
here; hypothesis generates documents with arguments and selections for it — valid ones
(``POSITIVE_EXAMPLES``) and ones that break the schema's types (``NEGATIVE_EXAMPLES``),
derandomised so CI sees the same cases every run. The caller holds an ADMIN token so
mutations get past the access check into validation and the database. A generated
document may well be refused (depth, unknown code, bad cursor, wrong type): what must
never happen is a 5xx or a masked ``INTERNAL_SERVER_ERROR``.

Schemathesis's own pytest integration (``schemathesis.pytest.from_fixture``) does not run
under pytest 9, so the strategies are driven with ``hypothesis.given`` directly.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import graphql
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.graphql import from_asgi
from schemathesis.python.asgi import shutdown_lifespans

from app.main import create_app
from app.settings import Settings
from tests.conftest import Databases, copy_database, make_token

POSITIVE_EXAMPLES = 40
NEGATIVE_EXAMPLES = 10

SDL = graphql.build_schema((Path(__file__).parents[2] / "schema.graphql").read_text())
OPERATIONS = [
    (root.name, field)
    for root in (SDL.query_type, SDL.mutation_type)
    if root is not None
    for field in root.fields
]


@pytest.fixture(scope="module")
def fuzz_database_url(databases: Databases, seed_template_url: str) -> str:
    return copy_database(databases, seed_template_url, "fuzz")


@pytest.fixture(scope="module")
def admin_headers(fuzz_database_url: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {make_token(fuzz_database_url, 'ADMIN')}"}


@pytest.fixture(scope="module")
def graphql_schema(fuzz_database_url: str) -> Iterator[Any]:
    """The service's schema as schemathesis loads it: by introspection over ASGI."""
    app = create_app(Settings(database_url=fuzz_database_url, debug=False))
    yield from_asgi("/graphql", app)
    shutdown_lifespans()


def unexpected_errors(body: Any) -> list[Any]:
    """The errors a client must never see: masked failures of our own code."""
    if not isinstance(body, dict):
        return [body]
    return [
        error
        for error in body.get("errors") or []
        if (error.get("extensions") or {}).get("code") == "INTERNAL_SERVER_ERROR"
    ]


def fuzz(operation: Any, headers: dict[str, str]) -> None:
    cases = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    )

    @settings(
        max_examples=POSITIVE_EXAMPLES + NEGATIVE_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=cases)
    def run(case: Any) -> None:
        response = case.call(headers=headers)

        assert response.status_code < 500, (case.body, response.text)
        assert unexpected_errors(response.json()) == [], case.body

    run()


@pytest.mark.parametrize(("root", "field"), OPERATIONS, ids=[f"{r}.{f}" for r, f in OPERATIONS])
def test_generated_operation_never_fails_on_the_server(
    graphql_schema: Any, admin_headers: dict[str, str], root: str, field: str
) -> None:
    fuzz(graphql_schema[root][field], admin_headers)
