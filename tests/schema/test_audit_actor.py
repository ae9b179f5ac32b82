"""The audit log names who wrote: a stable subject and a display name, and filters by them."""

from __future__ import annotations

from typing import Any

from app.auth import create_token
from app.database import create_sync_engine
from app.domain import Role
from app.settings import Settings
from tests.conftest import Callers, TokenClient

RENAME = """
mutation Rename($code: String!, $expectedVersion: Int!, $name: String!) {
  updateInitiative(code: $code, expectedVersion: $expectedVersion, input: {name: $name}) {
    __typename
  }
}
"""

AUDIT = """
query Audit($actor: String) {
  auditEvents(first: 50, actor: $actor) {
    __typename
    ... on AuditEventConnection { nodes { actor actorSubject actorName action entityCode } }
  }
}
"""


def _named_token(callers: Callers, name: str) -> tuple[int, TokenClient]:
    engine = create_sync_engine(Settings(database_url=callers.database_url))
    try:
        with engine.begin() as connection:
            token_id, token = create_token(
                connection, role=Role.ADMIN, organisation_code=None, name=name
            )
    finally:
        engine.dispose()
    return token_id, TokenClient(callers.http, token)


def _audit(client: TokenClient, actor: str | None) -> list[dict[str, Any]]:
    result = client.data(AUDIT, {"actor": actor})["auditEvents"]
    assert result["__typename"] == "AuditEventConnection"
    nodes: list[dict[str, Any]] = result["nodes"]
    return nodes


def test_every_audit_event_names_the_token_by_subject_and_name(callers: Callers) -> None:
    token_id, kari = _named_token(callers, "Kari Nordmann")

    renamed = kari.data(RENAME, {"code": "HAP-PROG", "expectedVersion": 1, "name": "HAP 2"})

    assert renamed["updateInitiative"]["__typename"] == "InitiativePayload"
    newest = _audit(kari, None)[0]
    assert newest == {
        "actor": f"Kari Nordmann (token {token_id})",
        "actorSubject": f"token:{token_id}",
        "actorName": "Kari Nordmann",
        "action": "initiative.update",
        "entityCode": "HAP-PROG",
    }


def test_audit_events_filter_by_the_actors_subject_or_name(callers: Callers) -> None:
    kari_id, kari = _named_token(callers, "Kari Nordmann")
    _, ola = _named_token(callers, "Ola Nordmann")
    kari.data(RENAME, {"code": "HAP-PROG", "expectedVersion": 1, "name": "HAP 2"})
    ola.data(RENAME, {"code": "HAP-PROG", "expectedVersion": 2, "name": "HAP 3"})
    kari.data(RENAME, {"code": "HAP-PROG", "expectedVersion": 3, "name": "HAP 4"})

    by_subject = _audit(ola, f"token:{kari_id}")
    by_name = _audit(ola, "Ola Nordmann")

    assert [event["actorName"] for event in by_subject] == ["Kari Nordmann", "Kari Nordmann"]
    assert [event["actorName"] for event in by_name] == ["Ola Nordmann"]
    assert _audit(ola, "Nobody") == []
