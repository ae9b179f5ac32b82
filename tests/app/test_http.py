"""HTTP through the ASGI app: GraphQL over GET and POST, GraphiQL, health and readiness."""

from __future__ import annotations

import time
from pathlib import Path
from unittest.mock import ANY

from starlette.testclient import TestClient

from app.main import create_app
from app.settings import Settings
from app.web.graphql_view import PortfolioGraphQL
from schema.build import export_sdl

ROOT = Path(__file__).resolve().parents[2]


def test_query_over_get_follows_graphql_over_http(client: TestClient) -> None:
    response = client.get(
        "/graphql",
        params={"query": "{ currentPeriod { code } }"},
        headers={"Accept": "application/json"},
    )

    assert response.status_code == 200
    assert response.json() == {
        "data": {"currentPeriod": {"code": "2026-2"}},
        "extensions": {"cost": ANY},
    }


def test_query_over_post_takes_variables_and_operation_name(client: TestClient) -> None:
    response = client.post(
        "/graphql",
        json={
            "query": (
                "query A($c: String!) { initiative(code: $c) { code } } "
                "query B { labels { value } }"
            ),
            "variables": {"c": "FKJ"},
            "operationName": "A",
        },
    )

    assert response.status_code == 200
    assert response.json() == {"data": {"initiative": {"code": "FKJ"}}, "extensions": {"cost": ANY}}


def test_browser_gets_graphiql(client: TestClient) -> None:
    response = client.get("/graphql", headers={"Accept": "text/html"})

    assert response.status_code == 200
    assert "graphiql" in response.text.lower()


def test_graphiql_can_be_switched_off(seeded_database_url: str) -> None:
    settings = Settings(database_url=seeded_database_url, graphiql=False)
    with TestClient(create_app(settings)) as client:
        response = client.get("/graphql", headers={"Accept": "text/html"})

    assert response.status_code == 404


def test_healthz_answers_without_the_database(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}


def test_readyz_checks_the_database(client: TestClient) -> None:
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json()["database"] == "reachable"


def unreachable_settings(tmp_path: Path) -> Settings:
    # A directory that does not exist cannot hold a SQLite file: connecting fails at once.
    return Settings(
        database_url=f"sqlite:///{tmp_path / 'missing' / 'nowhere.db'}", database_timeout_seconds=2
    )


def test_readyz_fails_when_the_database_is_unreachable(tmp_path: Path) -> None:
    with TestClient(create_app(unreachable_settings(tmp_path))) as client:
        response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unreachable"}


def test_postgres_that_does_not_answer_fails_readiness_quickly() -> None:
    settings = Settings(
        database_url="postgresql://postgres@127.0.0.1:1/none", database_timeout_seconds=1
    )
    started = time.monotonic()
    with TestClient(create_app(settings)) as client:
        response = client.get("/readyz")

    assert response.status_code == 503
    assert time.monotonic() - started < 10


def test_queries_on_an_unreachable_database_get_a_clear_error(tmp_path: Path) -> None:
    with TestClient(create_app(unreachable_settings(tmp_path))) as client:
        body = client.post("/graphql", json={"query": "{ currentPeriod { code } }"}).json()

    (error,) = body["errors"]
    assert error["extensions"]["code"] == "DATABASE_UNAVAILABLE"
    assert "unavailable" in error["message"]
    assert "Traceback" not in str(body)


def test_committed_sdl_matches_the_schema() -> None:
    committed = (ROOT / "schema.graphql").read_text(encoding="utf-8")

    assert committed == export_sdl(), "run `portfolio export-schema` and commit schema.graphql"


def test_a_token_check_on_an_unreachable_database_answers_503(tmp_path: Path) -> None:
    with TestClient(create_app(unreachable_settings(tmp_path))) as client:
        response = client.post(
            "/graphql",
            json={"query": "{ currentPeriod { code } }"},
            headers={"Authorization": "Bearer some-token"},
        )

    assert response.status_code == 503
    assert response.json()["errors"][0]["extensions"]["code"] == "DATABASE_UNAVAILABLE"


def test_answers_are_utf8_json_with_letters_as_they_are(client: TestClient) -> None:
    response = client.post("/graphql", json={"query": '{ organisation(code: "HSO") { name } }'})

    assert response.headers["content-type"].startswith("application/")
    assert "Helse Sør-Øst RHF".encode() in response.content  # not Helse S\\u00f8r
    assert response.json()["data"]["organisation"]["name"] == "Helse Sør-Øst RHF"


def test_an_answer_orjson_refuses_is_written_escaped_instead() -> None:
    view = PortfolioGraphQL.__new__(PortfolioGraphQL)  # encoding needs no service

    body = view.encode_json({"errors": [{"message": "no initiative 'P\ud800'"}]})

    assert body == b'{"errors":[{"message":"no initiative \'P\\ud800\'"}]}'
