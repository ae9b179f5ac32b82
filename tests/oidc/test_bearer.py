"""Bearer JWTs of a real OpenID Provider (oidc-provider): accepted when signature, issuer,
audience and expiry check out; refused with ``WWW-Authenticate: Bearer
error="invalid_token"`` otherwise. Callers with API tokens, and anonymous ones, never
notice the provider."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from app.main import create_app
from app.oidc import OidcProvider
from tests.conftest import Databases, copy_database, make_token, settings_for
from tests.oidc.conftest import SignedIn
from tests.oidc.provider import (
    AUDIENCE,
    free_port,
    signing_key_set,
    start_provider,
)

VIEWER = """
query Viewer {
  viewer { name subject role authenticatedBy canWrite organisation { code orgNumber } }
}
"""

WHO = "query Who { viewer { subject authenticatedBy } }"

GRANT = """
mutation Grant($input: GrantRoleInput!) {
  grantRole(input: $input) {
    __typename
    ... on RoleGrantPayload { grant { subject orgNumber role } }
    ... on ValidationError { problems { field message } }
  }
}
"""

RENAME = """
mutation Rename($code: String!, $name: String!) {
  updateInitiative(code: $code, expectedVersion: 1, input: {name: $name}) { __typename }
}
"""

AUDIT = """
query Audit($actor: String) {
  auditEvents(first: 10, actor: $actor) {
    ... on AuditEventConnection { nodes { actorSubject actorName action entityCode } }
  }
}
"""


def _ask(http: TestClient, token: str | None, query: str = VIEWER, **variables: Any) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return http.post("/graphql", json={"query": query, "variables": variables}, headers=headers)


def _viewer(http: TestClient, token: str | None) -> dict[str, Any]:
    response = _ask(http, token)
    assert response.status_code == 200, response.text
    viewer: dict[str, Any] = response.json()["data"]["viewer"]
    return viewer


def _assert_invalid_token(response: httpx.Response) -> None:
    assert response.status_code == 401
    challenge = response.headers["www-authenticate"]
    assert challenge.startswith("Bearer ")
    assert 'error="invalid_token"' in challenge
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def _admin(signed_in: SignedIn) -> str:
    return make_token(signed_in.database_url, "ADMIN")


def test_a_valid_token_of_a_known_organisation_reads_as_reader_of_it(
    signed_in: SignedIn,
) -> None:
    token = signed_in.provider.client_token("hdir-system")

    assert _viewer(signed_in.http, token) == {
        "name": "hdir-system",
        "subject": "hdir-system",
        "role": "READER",
        "authenticatedBy": "OIDC",
        "canWrite": False,
        "organisation": {"code": "HDIR", "orgNumber": "983544622"},
    }


def test_an_unknown_organisation_reads_as_reader_without_organisation(
    signed_in: SignedIn,
) -> None:
    viewer = _viewer(signed_in.http, signed_in.provider.client_token("unknown-org-system"))

    assert viewer["role"] == "READER"
    assert viewer["organisation"] is None


def test_the_role_claim_gives_the_role(signed_in: SignedIn) -> None:
    viewer = _viewer(signed_in.http, signed_in.provider.client_token("office-system"))

    assert viewer["role"] == "ADMIN"


def test_the_office_grants_a_role_to_an_organisation_number(signed_in: SignedIn) -> None:
    admin = _admin(signed_in)
    token = signed_in.provider.client_token("nhn-system")
    assert _viewer(signed_in.http, token)["role"] == "READER"

    granted = _ask(
        signed_in.http, admin, GRANT, input={"orgNumber": "994598759", "role": "REPORTER"}
    ).json()["data"]["grantRole"]

    assert granted == {
        "__typename": "RoleGrantPayload",
        "grant": {"subject": None, "orgNumber": "994598759", "role": "REPORTER"},
    }
    viewer = _viewer(signed_in.http, token)
    assert viewer["role"] == "REPORTER"
    assert viewer["organisation"]["code"] == "NHN"


def test_a_grant_to_the_subject_wins_over_the_role_claim(signed_in: SignedIn) -> None:
    admin = _admin(signed_in)
    _ask(signed_in.http, admin, GRANT, input={"subject": "office-system", "role": "READER"})

    viewer = _viewer(signed_in.http, signed_in.provider.client_token("office-system"))

    assert viewer["role"] == "READER"


def test_a_reporter_grant_without_a_known_organisation_reads_as_reader(
    signed_in: SignedIn,
) -> None:
    admin = _admin(signed_in)
    _ask(signed_in.http, admin, GRANT, input={"subject": "unknown-org-system", "role": "REPORTER"})

    viewer = _viewer(signed_in.http, signed_in.provider.client_token("unknown-org-system"))

    assert viewer["role"] == "READER"


@pytest.mark.parametrize(
    ("grant", "field"),
    [
        ({"role": "ADMIN"}, "subject"),
        ({"subject": "x", "orgNumber": "994598759", "role": "ADMIN"}, "subject"),
        ({"orgNumber": "99459875", "role": "ADMIN"}, "orgNumber"),
    ],
)
def test_grant_role_names_the_field_it_cannot_take(
    signed_in: SignedIn, grant: dict[str, str], field: str
) -> None:
    refused = _ask(signed_in.http, _admin(signed_in), GRANT, input=grant).json()["data"]

    assert refused["grantRole"]["__typename"] == "ValidationError"
    assert [problem["field"] for problem in refused["grantRole"]["problems"]] == [field]


def test_only_the_office_grants_roles(signed_in: SignedIn) -> None:
    token = signed_in.provider.client_token("hdir-system")

    refused = _ask(signed_in.http, token, GRANT, input={"subject": "hdir-system", "role": "ADMIN"})

    assert refused.json()["data"]["grantRole"]["__typename"] == "PermissionDeniedError"


def test_a_signed_in_writer_is_named_in_the_audit_by_subject(signed_in: SignedIn) -> None:
    admin = _admin(signed_in)
    _ask(signed_in.http, admin, GRANT, input={"orgNumber": "983544622", "role": "REPORTER"})
    token = signed_in.provider.client_token("hdir-system")

    renamed = _ask(signed_in.http, token, RENAME, code="PLL", name="Pasientens legemiddelliste")

    assert renamed.json()["data"]["updateInitiative"]["__typename"] == "InitiativePayload"
    events = _ask(signed_in.http, admin, AUDIT, actor="hdir-system").json()["data"]
    assert events["auditEvents"]["nodes"] == [
        {
            "actorSubject": "hdir-system",
            "actorName": "hdir-system",
            "action": "initiative.update",
            "entityCode": "PLL",
        }
    ]


def test_an_expired_token_is_refused(signed_in: SignedIn, monkeypatch: pytest.MonkeyPatch) -> None:
    token = signed_in.provider.client_token("hdir-system")  # lives 600 seconds
    provider: OidcProvider = signed_in.http.app.state.identity_provider  # type: ignore[attr-defined]
    assert _viewer(signed_in.http, token)["authenticatedBy"] == "OIDC"

    monkeypatch.setattr(provider, "clock", lambda: time.time() + 600 + 120)

    _assert_invalid_token(_ask(signed_in.http, token))


def test_a_token_for_another_audience_is_refused(signed_in: SignedIn) -> None:
    token = signed_in.provider.client_token("hdir-system", resource="https://other.test/api")

    _assert_invalid_token(_ask(signed_in.http, token))


def test_a_token_of_another_issuer_with_the_same_keys_is_refused(
    signed_in: SignedIn, provider_directory: Path
) -> None:
    keys_of_the_trusted = signed_in.provider.arguments[
        signed_in.provider.arguments.index("--keys") + 1
    ]
    impostor = start_provider(provider_directory, _read_keys(keys_of_the_trusted))
    try:
        token = impostor.client_token("hdir-system")
    finally:
        impostor.stop()

    _assert_invalid_token(_ask(signed_in.http, token))


def test_a_token_with_a_tampered_signature_is_refused(signed_in: SignedIn) -> None:
    header, payload, signature = signed_in.provider.client_token("hdir-system").split(".")
    flipped = ("A" if signature[10] != "A" else "B").join((signature[:10], signature[11:]))

    _assert_invalid_token(_ask(signed_in.http, f"{header}.{payload}.{flipped}"))


def test_a_token_with_a_tampered_payload_is_refused(signed_in: SignedIn) -> None:
    header, _, signature = signed_in.provider.client_token("hdir-system").split(".")
    _, payload, _ = signed_in.provider.client_token("office-system").split(".")

    _assert_invalid_token(_ask(signed_in.http, f"{header}.{payload}.{signature}"))


def test_api_tokens_and_anonymous_callers_read_as_before(signed_in: SignedIn) -> None:
    reader = make_token(signed_in.database_url, "READER")

    assert _viewer(signed_in.http, reader)["authenticatedBy"] == "API_TOKEN"
    assert _viewer(signed_in.http, None)["role"] is None
    assert _ask(signed_in.http, "made-up").status_code == 401


def test_after_key_rotation_the_new_key_is_fetched_and_the_old_one_refused(
    databases: Databases, seed_template_url: str, provider_directory: Path
) -> None:
    port = free_port()
    before = start_provider(provider_directory, signing_key_set("old"), port=port)
    url = copy_database(databases, seed_template_url, "rotation")
    settings = settings_for(url, oidc_issuer=before.issuer, oidc_audience=AUDIENCE)
    with TestClient(create_app(settings)) as http:
        try:
            old_token = before.client_token("hdir-system")
            assert _viewer(http, old_token)["subject"] == "hdir-system"  # keys now cached
        finally:
            before.stop()
        after = start_provider(provider_directory, signing_key_set("new"), port=port)
        try:
            new_token = after.client_token("nhn-system")

            assert _viewer(http, new_token)["subject"] == "nhn-system"
            _assert_invalid_token(_ask(http, old_token))
        finally:
            after.stop()


def test_an_unreachable_issuer_answers_503_to_bearer_jwts_only(
    databases: Databases, seed_template_url: str, identity_provider: Any
) -> None:
    token = identity_provider.client_token("hdir-system")
    url = copy_database(databases, seed_template_url, "no-issuer")
    nowhere = f"http://127.0.0.1:{free_port()}"
    settings = settings_for(url, oidc_issuer=nowhere, oidc_audience=AUDIENCE)

    with TestClient(create_app(settings)) as http:  # starts without asking the issuer
        refused = _ask(http, token)
        reader = make_token(url, "READER")

        assert refused.status_code == 503
        assert refused.json()["errors"][0]["extensions"]["code"] == (
            "IDENTITY_PROVIDER_UNAVAILABLE"
        )
        assert _viewer(http, reader)["role"] == "READER"
        assert _viewer(http, None)["role"] is None


@pytest.mark.parametrize(
    "issuer", ["http://login.example.no", "ftp://127.0.0.1", "https://", "http://10.0.0.1"]
)
def test_an_issuer_must_be_https_or_loopback_http(issuer: str) -> None:
    with pytest.raises(ValueError, match="PORTFOLIO_OIDC_ISSUER"):
        create_app(settings_for("sqlite://", oidc_issuer=issuer, oidc_audience=AUDIENCE))


def _read_keys(path: str) -> dict[str, Any]:
    import json

    keys: dict[str, Any] = json.loads(Path(path).read_text())
    return keys


def test_the_refusal_of_a_token_speaks_bokmal(signed_in: SignedIn) -> None:
    token = signed_in.provider.client_token("hdir-system", resource="https://other.test/api")

    refused = signed_in.http.post(
        "/graphql",
        json={"query": VIEWER},
        headers={"Authorization": f"Bearer {token}", "Accept-Language": "nb"},
    )

    assert refused.status_code == 401
    assert refused.json()["errors"][0]["message"].startswith("Tilgangstokenet er ikke gyldig")


def test_a_websocket_takes_the_providers_token_in_connection_init(signed_in: SignedIn) -> None:
    token = signed_in.provider.client_token("hdir-system")

    with signed_in.http.websocket_connect(
        "/graphql", subprotocols=["graphql-transport-ws"]
    ) as socket:
        socket.send_json(
            {"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}}
        )
        assert socket.receive_json()["type"] == "connection_ack"
        socket.send_json({"id": "1", "type": "subscribe", "payload": {"query": WHO}})
        answer = socket.receive_json()
        assert socket.receive_json() == {"id": "1", "type": "complete"}

    assert answer["payload"]["data"]["viewer"]["subject"] == "hdir-system"


def test_a_websocket_with_a_forged_token_is_closed(signed_in: SignedIn) -> None:
    header, payload, _ = signed_in.provider.client_token("hdir-system").split(".")

    with signed_in.http.websocket_connect(
        "/graphql", subprotocols=["graphql-transport-ws"]
    ) as socket:
        socket.send_json(
            {
                "type": "connection_init",
                "payload": {"Authorization": f"Bearer {header}.{payload}.x"},
            }
        )
        closed = socket.receive()

    assert closed["type"] == "websocket.close"
    assert closed["code"] == 4403
