"""The search index follows every write, and its migration indexes what was already there."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from starlette.testclient import TestClient

from app import repository
from app.auth import EVERYTHING
from app.cli import seed_database
from app.database import create_engine, create_sync_engine, is_sqlite
from app.main import create_app
from app.migrate import alembic_config, migrate
from app.settings import Settings
from tests.conftest import Callers, Databases, GraphQLClient, settings_for
from tests.schema.writes import COORDINATE_REPORT, SUBMIT, UPDATE, UPSERT_DELIVERY, UPSERT_RISK

SEARCH = """
query($text: String!) { search(text: $text, first: 100) { nodes { initiative { code } field } } }
"""


def _hits(client: GraphQLClient, text: str) -> set[tuple[str, str]]:
    nodes = client.data(SEARCH, {"text": text})["search"]["nodes"]
    return {(node["initiative"]["code"], node["field"]) for node in nodes}


def _ok(client: GraphQLClient, document: str, variables: dict[str, Any]) -> None:
    (payload,) = client.data(document, variables).values()
    assert not payload["__typename"].endswith("Error"), payload


def _execute(database_url: str, statement: str) -> None:
    engine = create_sync_engine(Settings(database_url=database_url))
    try:
        with engine.begin() as connection:
            connection.execute(sa.text(statement))
    finally:
        engine.dispose()


def test_an_updated_purpose_is_found_by_its_new_words_only(callers: Callers) -> None:
    admin = callers.admin
    purpose = "Kvantesikker kryptering av reseptene."

    _ok(admin, UPDATE, {"code": "PLL", "expectedVersion": 1, "input": {"purpose": purpose}})

    assert _hits(callers.anonymous, "kvantesikker") == {("PLL", "PURPOSE")}
    assert ("PLL", "PURPOSE") not in _hits(callers.anonymous, "feilmedisinering")


def test_a_new_delivery_and_risk_are_found_and_a_changed_one_loses_its_old_words(
    callers: Callers,
) -> None:
    admin = callers.admin
    delivery = {"initiative": "PPS", "code": "PPS-L9", "name": "Tannhelsesvar på Helsenorge"}
    risk = {
        "initiative": "PPS", "code": "PPS-R9", "title": "Leverandørkonkurs",
        "description": "Underleverandøren av tannhelsesvar kan gå konkurs.",
        "probability": 2, "consequence": 2, "level": "GREEN",
    }  # fmt: skip

    _ok(admin, UPSERT_DELIVERY, {"input": delivery})
    _ok(admin, UPSERT_RISK, {"input": risk})
    assert _hits(callers.anonymous, "tannhelsesvar") == {("PPS", "DELIVERY"), ("PPS", "RISK")}

    _ok(admin, UPSERT_DELIVERY, {"input": delivery | {"name": "Kjeveortopedi på Helsenorge"}})
    assert _hits(callers.anonymous, "tannhelsesvar") == {("PPS", "RISK")}
    assert _hits(callers.anonymous, "kjeveortopedi") == {("PPS", "DELIVERY")}


def test_a_submitted_reports_reason_and_risk_areas_are_found(callers: Callers) -> None:
    report = COORDINATE_REPORT | {
        "status": "YELLOW",
        "statusReason": "Anbudskonkurransen ble avlyst.",
        "mainRiskAreas": "Innføring i kommunene og anskaffelsesjuss.",
    }

    _ok(callers.admin, SUBMIT, {"input": report})

    assert _hits(callers.anonymous, "anbudskonkurransen") == {("KJ-PLO", "STATUS_REASON")}
    assert _hits(callers.anonymous, "anskaffelsesjuss") == {("KJ-PLO", "RISK_AREAS")}


def test_a_removed_row_leaves_the_index(callers: Callers) -> None:
    assert ("BILDEDELING", "DELIVERY") in _hits(callers.anonymous, "bildedeling")

    _execute(
        callers.database_url,
        "DELETE FROM delivery WHERE initiative_id = "
        "(SELECT id FROM initiative WHERE code = 'BILDEDELING')",
    )
    _execute(callers.database_url, "UPDATE data_version SET version = version + 1")  # no cache

    assert ("BILDEDELING", "DELIVERY") not in _hits(callers.anonymous, "bildedeling")


def _revision_before_search() -> str:
    """The revision the full-text search migration follows (whatever its number)."""
    from alembic.script import ScriptDirectory

    from app.migrate import alembic_config

    scripts = ScriptDirectory.from_config(alembic_config("sqlite://"))
    (script,) = [s for s in scripts.walk_revisions() if "full_text_search" in s.path]
    assert isinstance(script.down_revision, str)
    return script.down_revision


def test_the_migration_indexes_a_portfolio_stored_before_it(databases: Databases) -> None:
    url = databases.create("search_before")
    seed_database(Settings(database_url=url))
    # Back to before search with the portfolio kept: every later migration is undone too.
    engine = create_sync_engine(Settings(database_url=url))
    with engine.begin() as connection:
        config = alembic_config(url)
        config.attributes["connection"] = connection
        command.downgrade(config, _revision_before_search())
    engine.dispose()
    assert not _has_search_objects(url)

    migrate(Settings(database_url=url))

    with TestClient(create_app(settings_for(url))) as http:
        assert _hits(GraphQLClient(http), "radiologisvar") == {("PPS", "PURPOSE")}


def _has_search_objects(database_url: str) -> bool:
    engine = create_sync_engine(Settings(database_url=database_url))
    try:
        with engine.connect() as connection:
            if is_sqlite(database_url):
                found = "SELECT count(*) FROM sqlite_master WHERE name LIKE 'search_index%'"
            else:
                found = "SELECT count(*) FROM pg_indexes WHERE indexname LIKE 'ix_search_%'"
            return bool(connection.scalar(sa.text(found)))
    finally:
        engine.dispose()


@pytest.mark.postgresql_only
async def test_postgresql_answers_the_search_from_the_gin_indexes(seeded_database_url: str) -> None:
    settings = Settings(database_url=seeded_database_url)
    statements: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        statements.append((statement, parameters))

    engine = create_engine(settings)
    sa.event.listen(engine.sync_engine, "before_cursor_execute", capture)
    async with engine.connect() as connection:
        await repository.search(
            connection, "radiologisvar", visibility=EVERYTHING, offset=0, limit=10
        )
    await engine.dispose()
    (statement, parameters), *_ = [item for item in statements if "ts_rank" in item[0]]

    sync = create_sync_engine(settings)
    try:
        with sync.connect() as connection:
            connection.exec_driver_sql("SET enable_seqscan = off")
            plan = "\n".join(
                row[0] for row in connection.exec_driver_sql(f"EXPLAIN {statement}", parameters)
            )
    finally:
        sync.dispose()
    # Every searched text is read through its index: no expression escaped its GIN index.
    for index in (
        "ix_search_initiative_name", "ix_search_initiative_purpose",
        "ix_search_status_report_reason", "ix_search_status_report_risk_areas",
        "ix_search_risk", "ix_search_delivery",
    ):  # fmt: skip
        assert index in plan
