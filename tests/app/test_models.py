"""The database itself refuses data that breaks the model's rules."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa

from app import models
from app.database import create_sync_engine
from app.settings import Settings

IntegrityFailure = (sa.exc.IntegrityError, sa.exc.StatementError)


@pytest.fixture
def engine(empty_database_url: str) -> Iterator[sa.Engine]:
    engine = create_sync_engine(Settings(database_url=empty_database_url))
    yield engine
    engine.dispose()


def insert(connection: sa.Connection, model: type[Any], **values: Any) -> int:
    table = models.table_of(model)
    result = connection.execute(table.insert().values(**values))
    key = result.inserted_primary_key
    return int(key[0]) if key and key[0] is not None else 0


def base_rows(connection: sa.Connection) -> dict[str, int]:
    """An owner, a goal, a solution, two initiatives and a period."""
    owner = insert(
        connection, models.Organisation, code="HDIR", name="Helsedir", kind="DIRECTORATE"
    )
    insert(connection, models.StrategicGoal, number=1, name="Mål 1")
    solution = insert(
        connection,
        models.Solution,
        code="KJ",
        name="Kjernejournal",
        category="NATIONAL_EHEALTH_SOLUTION",
        operator_id=owner,
        legally_mandated=True,
    )
    first, second = (
        insert(connection, models.Initiative, **initiative_values(code, owner))
        for code in ("A", "B")
    )
    period = insert(
        connection,
        models.ReportingPeriod,
        code="2026-1",
        name="januar 2026",
        opens=date(2026, 1, 5),
        deadline=date(2026, 1, 23),
        closed=False,
    )
    return {"owner": owner, "solution": solution, "a": first, "b": second, "period": period}


def initiative_values(code: str, owner: int, **overrides: Any) -> dict[str, Any]:
    return {
        "code": code,
        "name": f"Tiltak {code}",
        "kind": "PROJECT",
        "owner_id": owner,
        "segment": "COORDINATE",
        "phase": "EXECUTION",
        "state": "ACTIVE",
        "illustrative_fields": [],
        "published_facts": [],
        "version": 1,
        "created_at": models.utcnow(),
        "updated_at": models.utcnow(),
        **overrides,
    }


def report_values(ids: dict[str, int], revision: int) -> dict[str, Any]:
    return {
        "initiative_id": ids["a"],
        "period_id": ids["period"],
        "revision": revision,
        "segment": "COORDINATE",
        "phase": "EXECUTION",
        "status": "GREEN",
        "submitted_by": "test",
        "submitted_at": models.utcnow(),
        "illustrative": False,
    }


def test_initiative_codes_are_unique(engine: sa.Engine) -> None:
    with engine.connect() as connection:
        ids = base_rows(connection)
        with pytest.raises(sa.exc.IntegrityError):
            insert(connection, models.Initiative, **initiative_values("A", ids["owner"]))


def test_initiative_owner_must_exist(engine: sa.Engine) -> None:
    with engine.connect() as connection:
        base_rows(connection)
        with pytest.raises(sa.exc.IntegrityError):
            insert(connection, models.Initiative, **initiative_values("C", 9999))


def test_enum_columns_refuse_unknown_values(engine: sa.Engine) -> None:
    with engine.connect() as connection:
        ids = base_rows(connection)
        raw = sa.text("UPDATE initiative SET segment = 'NOPE' WHERE id = :id").bindparams(
            id=ids["a"]
        )
        with pytest.raises(sa.exc.IntegrityError):
            connection.execute(raw)


def test_planned_end_cannot_precede_planned_start(engine: sa.Engine) -> None:
    with engine.connect() as connection:
        ids = base_rows(connection)
        values = initiative_values(
            "C", ids["owner"], planned_start=date(2026, 1, 1), planned_end=date(2025, 1, 1)
        )
        with pytest.raises(sa.exc.IntegrityError):
            insert(connection, models.Initiative, **values)


def test_admitted_initiative_needs_a_segment(engine: sa.Engine) -> None:
    with engine.connect() as connection:
        ids = base_rows(connection)
        with pytest.raises(sa.exc.IntegrityError):
            insert(
                connection,
                models.Initiative,
                **initiative_values("C", ids["owner"], segment=None, state="ACTIVE"),
            )


def test_proposed_initiative_may_lack_a_segment(engine: sa.Engine) -> None:
    with engine.connect() as connection:
        ids = base_rows(connection)
        values = initiative_values("C", ids["owner"], segment=None, state="PROPOSED")
        assert insert(connection, models.Initiative, **values) > 0


def test_one_report_per_initiative_period_and_revision(engine: sa.Engine) -> None:
    with engine.connect() as connection:
        ids = base_rows(connection)
        insert(connection, models.StatusReport, **report_values(ids, revision=1))
        insert(connection, models.StatusReport, **report_values(ids, revision=2))
        with pytest.raises(sa.exc.IntegrityError):
            insert(connection, models.StatusReport, **report_values(ids, revision=2))


def test_dependency_needs_exactly_one_supplier(engine: sa.Engine) -> None:
    with engine.connect() as connection:
        ids = base_rows(connection)
        both = {
            "dependant_id": ids["a"],
            "supplier_initiative_id": ids["b"],
            "supplier_solution_id": ids["solution"],
            "criticality": "HIGH",
            "type": "FINISH_TO_START",
            "lag_days": 0,
        }
        with pytest.raises(sa.exc.IntegrityError):
            insert(connection, models.Dependency, **both)


def test_dependency_on_itself_is_refused(engine: sa.Engine) -> None:
    with engine.connect() as connection:
        ids = base_rows(connection)
        with pytest.raises(sa.exc.IntegrityError):
            insert(
                connection,
                models.Dependency,
                dependant_id=ids["a"],
                supplier_initiative_id=ids["a"],
                criticality="HIGH",
                type="FINISH_TO_START",
                lag_days=0,
            )


def test_duplicate_dependency_is_refused(engine: sa.Engine) -> None:
    with engine.connect() as connection:
        ids = base_rows(connection)
        values = {
            "dependant_id": ids["a"],
            "supplier_solution_id": ids["solution"],
            "criticality": "HIGH",
            "type": "FINISH_TO_START",
            "lag_days": 0,
        }
        insert(connection, models.Dependency, **values)
        with pytest.raises(sa.exc.IntegrityError):
            insert(connection, models.Dependency, **values)


def test_risk_probability_is_between_one_and_five(engine: sa.Engine) -> None:
    with engine.connect() as connection:
        ids = base_rows(connection)
        with pytest.raises(sa.exc.IntegrityError):
            insert(
                connection,
                models.Risk,
                code="A-R1",
                initiative_id=ids["a"],
                title="Risiko",
                probability=6,
                consequence=3,
                level="RED",
                status="OPEN",
            )


def test_report_money_cannot_be_negative(engine: sa.Engine) -> None:
    with engine.connect() as connection:
        ids = base_rows(connection)
        with pytest.raises(sa.exc.IntegrityError):
            insert(
                connection,
                models.StatusReport,
                **report_values(ids, revision=1) | {"investment_nok": -1},
            )


def test_data_version_has_a_single_row(engine: sa.Engine) -> None:
    with engine.connect() as connection:
        insert(connection, models.DataVersion, id=1, version=1)
        with pytest.raises(sa.exc.IntegrityError):
            insert(connection, models.DataVersion, id=2, version=1)
