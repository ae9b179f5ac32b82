"""Hypothesis against every mutation's input: garbage in, a typed answer out, nothing half-written.

The inputs are generated from the committed SDL, so a new mutation or input field is fuzzed
without touching this file: strings are random text, codes that exist, SQL-looking text,
very long text and NUL characters; numbers are huge, negative or zero; dates are valid,
far out of range or not dates at all; enums are sometimes values that do not exist; and
now and then a value has the wrong type altogether. Every answer must be the mutation's
payload, one of its typed errors, or a GraphQL error refusing the input — never a 5xx, never
a masked ``INTERNAL_SERVER_ERROR`` — and a refused write must leave every table and the
data version exactly as they were.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import graphql
import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from app.database import create_sync_engine
from app.main import create_app
from app.settings import Settings
from tests.conftest import Databases, copy_database, make_token
from tests.database_state import data_version, row_counts

EXAMPLES_PER_MUTATION = 60

SDL = graphql.build_schema((Path(__file__).parents[2] / "schema.graphql").read_text())
assert SDL.mutation_type is not None
MUTATIONS = sorted(SDL.mutation_type.fields)

KNOWN_CODES = ["PLL", "KJ-PLO", "HP", "KJ", "HELSENORGE", "HELSEID", "HDIR", "NHN", "2026-2"]
HOSTILE_TEXT = [
    "",
    " ",
    "' OR 1=1 --",
    "'; DROP TABLE initiative; --",
    "%",
    "_",
    "\\",
    "\x00",
    "PLL\x00",
    "ÆØÅ æøå ✓ 🙂",
    "\u202egnp.exe",
    "x" * 301,
    "y" * 10_001,
]
BAD_DATES = ["2026-02-30", "2026-13-01", "0000-01-01", "10000-01-01", "not a date", "", "2026-1-1"]
BAD_ENUM_VALUES = ["", "green", "PURPLE", "RED ", "🙂"]
WRONG_TYPES = st.sampled_from([42, -1, 3.5, True, [], {}, ["PLL"], {"code": "PLL"}, None])

text = st.one_of(st.text(max_size=40), st.sampled_from(KNOWN_CODES), st.sampled_from(HOSTILE_TEXT))
ints = st.one_of(
    st.integers(-(2**31), 2**31 - 1),
    st.sampled_from([0, -1, 1, 2, 3, 5, 6, 17, 2**31 - 1, -(2**31)]),
    st.integers(2**31, 2**63),
)
floats = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0, -1, 0.5, 1e12, 1e13, 1e300, 2**53 + 1]),
)
dates = st.one_of(st.dates().map(lambda day: day.isoformat()), st.sampled_from(BAD_DATES))
global_ids = st.one_of(
    text, st.sampled_from(["RGVwZW5kZW5jeTpQTEw8LUtK", "SW5pdGlhdGl2ZTpQTEw=", "!!!", "===="])
)


def strategy_for(type_: graphql.GraphQLInputType) -> st.SearchStrategy[Any]:
    """Values for an input type: mostly of the type, sometimes hostile, now and then wrong."""
    nullable = not isinstance(type_, graphql.GraphQLNonNull)
    named = type_.of_type if isinstance(type_, graphql.GraphQLNonNull) else type_
    if isinstance(named, graphql.GraphQLList):
        values: st.SearchStrategy[Any] = st.lists(strategy_for(named.of_type), max_size=4)
    elif isinstance(named, graphql.GraphQLEnumType):
        values = st.one_of(st.sampled_from(sorted(named.values)), st.sampled_from(BAD_ENUM_VALUES))
    elif isinstance(named, graphql.GraphQLInputObjectType):
        values = input_object(named)
    else:
        values = {
            "String": text,
            "Int": ints,
            "Float": floats,
            "Boolean": st.booleans(),
            "Date": dates,
            "ID": global_ids,
        }[named.name]
    choices = [values, values, values, WRONG_TYPES]
    if nullable:
        choices.append(st.none())
    return st.one_of(choices)


def input_object(type_: graphql.GraphQLInputObjectType) -> st.SearchStrategy[dict[str, Any]]:
    required = {
        name: strategy_for(field.type)
        for name, field in type_.fields.items()
        if isinstance(field.type, graphql.GraphQLNonNull)
    }
    optional = {
        name: strategy_for(field.type)
        for name, field in type_.fields.items()
        if not isinstance(field.type, graphql.GraphQLNonNull)
    }
    return st.fixed_dictionaries(required, optional=optional)


def document(name: str) -> str:
    """The mutation with every argument as a variable, selecting the union's type and errors."""
    field = SDL.mutation_type.fields[name]  # type: ignore[union-attr]
    declared = ", ".join(f"${arg}: {field.args[arg].type}" for arg in field.args)
    passed = ", ".join(f"{arg}: ${arg}" for arg in field.args)
    return (
        f"mutation Fuzz({declared}) {{ {name}({passed}) "
        "{ __typename ... on Error { message } } }"
    )


def arguments(name: str) -> st.SearchStrategy[dict[str, Any]]:
    field = SDL.mutation_type.fields[name]  # type: ignore[union-attr]
    return st.fixed_dictionaries({arg: strategy_for(field.args[arg].type) for arg in field.args})


def result_types(name: str) -> set[str]:
    union = graphql.get_named_type(SDL.mutation_type.fields[name].type)  # type: ignore[union-attr]
    assert isinstance(union, graphql.GraphQLUnionType)
    return {member.name for member in union.types}


@pytest.fixture(scope="module")
def database_url(databases: Databases, seed_template_url: str) -> str:
    return copy_database(databases, seed_template_url, "mutfuzz")


@pytest.fixture(scope="module")
def admin(database_url: str) -> Iterator[TestClient]:
    """The service with an ADMIN token, so every input reaches validation and the database."""
    token = make_token(database_url, "ADMIN")
    app = create_app(Settings(database_url=database_url, debug=False))
    with TestClient(app, headers={"Authorization": f"Bearer {token}"}) as client:
        yield client


@pytest.fixture(scope="module")
def inspector(database_url: str) -> Iterator[sa.Engine]:
    engine = create_sync_engine(Settings(database_url=database_url))
    yield engine
    engine.dispose()


def state(engine: sa.Engine) -> tuple[int, dict[str, int]]:
    with engine.connect() as connection:
        return data_version(connection), row_counts(connection)


@pytest.mark.parametrize("name", MUTATIONS)
def test_mutation_answers_garbage_with_a_typed_result_and_writes_nothing_when_refused(
    admin: TestClient, inspector: sa.Engine, name: str
) -> None:
    query, allowed = document(name), result_types(name)

    @settings(
        max_examples=EXAMPLES_PER_MUTATION,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(variables=arguments(name))
    def run(variables: dict[str, Any]) -> None:
        before = state(inspector)

        response = admin.post("/graphql", json={"query": query, "variables": variables})

        assert response.status_code == 200, response.text
        body = response.json()
        codes = [(error.get("extensions") or {}).get("code") for error in body.get("errors", [])]
        assert "INTERNAL_SERVER_ERROR" not in codes, body
        result = (body.get("data") or {}).get(name)
        if result is not None:
            assert result["__typename"] in allowed
        if result is None or not result["__typename"].endswith("Payload"):
            assert state(inspector) == before, (variables, body)

    run()
