"""PROPOSED and DECLINED initiatives exist only for ADMIN and their owner's REPORTER tokens.

One portfolio holds a proposal (HID-P, owner HDIR) with a delivery, a risk, a status
report, a council decision, a developed solution and dependencies in both directions,
and a declined proposal (HID-D) an admitted initiative depends on. Every entry point is
asked by every kind of caller: ADMIN and HDIR's REPORTER see the hidden rows; anonymous
callers, READER tokens and a REPORTER of another organisation do not — not even counted,
and a write naming one is refused exactly as for an unknown code.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import sqlalchemy as sa
from starlette.testclient import TestClient

from app import models
from app.database import create_sync_engine
from app.main import create_app
from app.settings import Settings
from tests.conftest import Callers, Databases, TokenClient, copy_database, make_token

ROLES = ("ANONYMOUS", "READER", "OWNER_REPORTER", "OTHER_REPORTER", "ADMIN")
SEEING = frozenset({"OWNER_REPORTER", "ADMIN"})
HIDDEN = ("HID-P", "HID-D")
HIDDEN_NAMES = ("Skjult forslag", "Avslått forslag")

RESULT = "__typename ... on Error { message } ... on NotFoundError { field code }"

PROPOSE = f"""
mutation($input: ProposeInitiativeInput!) {{ proposeInitiative(input: $input) {{ {RESULT} }} }}
"""
DECLINE = f"""
mutation($code: String!) {{ declineInitiative(code: $code, reason: "Utenfor.") {{ {RESULT} }} }}
"""
ADD_DEPENDENCY = f"""
mutation($input: AddDependencyInput!) {{ addDependency(input: $input) {{ {RESULT} }} }}
"""
UPSERT_DELIVERY = f"""
mutation($input: UpsertDeliveryInput!) {{ upsertDelivery(input: $input) {{ {RESULT} }} }}
"""
UPSERT_RISK = f"""
mutation($input: UpsertRiskInput!) {{ upsertRisk(input: $input) {{ {RESULT} }} }}
"""
RECORD_DECISION = f"""
mutation($input: RecordCouncilDecisionInput!) {{
  recordCouncilDecision(input: $input) {{ {RESULT} }}
}}
"""


def global_id(type_name: str, key: str) -> str:
    return base64.b64encode(f"{type_name}:{key}".encode()).decode()


@dataclass(frozen=True)
class Portfolio:
    """The service, a client per role and the id of the hidden status report."""

    clients: dict[str, TokenClient]
    report_id: int


def _ok(client: TokenClient, document: str, variables: dict[str, Any]) -> None:
    body = client.execute(document, variables)
    assert "errors" not in body, body
    (payload,) = body["data"].values()
    assert not payload["__typename"].endswith("Error"), payload


def _store_directly(database_url: str) -> int:
    """What the API cannot write for a proposal: a developed solution and a status report."""
    initiatives = models.table_of(models.Initiative)
    solutions = models.table_of(models.Solution)
    developed = models.table_of(models.DevelopedSolution)
    reports = models.table_of(models.StatusReport)
    engine = create_sync_engine(Settings(database_url=database_url))
    try:
        with engine.begin() as connection:
            proposal = connection.scalar(
                sa.select(initiatives.c.id).where(initiatives.c.code == "HID-P")
            )
            solution = connection.scalar(
                sa.select(solutions.c.id).where(solutions.c.code == "ERESEPT")
            )
            connection.execute(
                developed.insert().values(initiative_id=proposal, solution_id=solution)
            )
            template = connection.execute(sa.select(reports).limit(1)).one()._asdict()
            template.pop("id")
            template.update(initiative_id=proposal, status_reason="Skjult rapport")
            report_id = connection.scalar(
                reports.insert().values(**template).returning(reports.c.id)
            )
    finally:
        engine.dispose()
    assert report_id is not None
    return int(report_id)


@pytest.fixture(scope="module")
def portfolio(databases: Databases, seed_template_url: str) -> Iterator[Portfolio]:
    url = copy_database(databases, seed_template_url, "visibility")
    with TestClient(create_app(Settings(database_url=url, debug=False))) as http:
        clients = {
            "ANONYMOUS": TokenClient(http, None),
            "READER": TokenClient(http, make_token(url, "READER")),
            "OWNER_REPORTER": TokenClient(http, make_token(url, "REPORTER", "HDIR")),
            "OTHER_REPORTER": TokenClient(http, make_token(url, "REPORTER", "NHN")),
            "ADMIN": TokenClient(http, make_token(url, "ADMIN")),
        }
        owner, admin = clients["OWNER_REPORTER"], clients["ADMIN"]
        for code, name in zip(HIDDEN, HIDDEN_NAMES, strict=True):
            _ok(owner, PROPOSE, {"input": {
                "code": code, "name": name, "purpose": "Hemmelig formål", "owner": "HDIR",
                "digitalisationEssential": True, "coordinationOrStrategy": True,
            }})  # fmt: skip
        _ok(admin, DECLINE, {"code": "HID-D"})
        for dependant, supplier in (("HID-P", "PLL"), ("HID-P", "KJ"), ("PLL", "HID-D")):
            _ok(owner, ADD_DEPENDENCY, {"input": {
                "dependant": dependant, "supplier": supplier, "criticality": "HIGH",
            }})  # fmt: skip
        _ok(owner, UPSERT_DELIVERY, {"input": {
            "initiative": "HID-P", "code": "HID-P-L1", "name": "Skjult leveranse",
        }})  # fmt: skip
        _ok(owner, UPSERT_RISK, {"input": {
            "initiative": "HID-P", "code": "HID-P-R1", "title": "Skjult risiko",
            "probability": 2, "consequence": 2, "level": "GREEN",
        }})  # fmt: skip
        _ok(admin, RECORD_DECISION, {"input": {
            "council": "NUFA", "meetingDate": "2026-06-17", "meetingTitle": "Skjult møte",
            "initiative": "HID-P", "summary": "Forslaget drøftes videre.",
        }})  # fmt: skip
        yield Portfolio(clients=clients, report_id=_store_directly(url))


def _data(client: TokenClient, document: str, variables: dict[str, Any] | None = None) -> Any:
    body = client.execute(document, variables)
    assert "errors" not in body, body["errors"]
    return body["data"]


# --- entry points: each answers whether the caller got to see a hidden initiative ------------

Probe = Callable[[TokenClient, Portfolio], bool]

INITIATIVE = "query($code: String!) { initiative(code: $code) { code name purpose } }"
NODE = """
query($id: ID!) {
  node(id: $id) {
    __typename
    ... on Initiative { code name }
    ... on Delivery { code name }
    ... on Risk { code title }
    ... on StatusReport { statusReason }
    ... on Dependency { dependantCode supplierCode }
  }
}
"""
LIST = """
query($filter: InitiativeFilter) {
  initiatives(filter: $filter) { totalCount nodes { code name } }
}
"""


def _listed(client: TokenClient, filter: dict[str, Any]) -> bool:
    page = _data(client, LIST, {"filter": filter})["initiatives"]
    codes = {node["code"] for node in page["nodes"]}
    # Nothing admitted matches these filters: the count is the hidden rows or nothing.
    assert page["totalCount"] == len(codes)
    return bool(codes & set(HIDDEN))


def _node(client: TokenClient, type_name: str, key: str) -> bool:
    return _data(client, NODE, {"id": global_id(type_name, key)})["node"] is not None


def _initiative(client: TokenClient, _: Portfolio) -> bool:
    found = [_data(client, INITIATIVE, {"code": code})["initiative"] for code in HIDDEN]
    assert (found[0] is None) == (found[1] is None)  # both or neither
    return found[0] is not None


def _initiative_dependants(client: TokenClient, _: Portfolio) -> bool:
    data = _data(client, '{ initiative(code: "PLL") { dependants { dependant { code name } } } }')
    return "HID-P" in {item["dependant"]["code"] for item in data["initiative"]["dependants"]}


def _initiative_dependencies(client: TokenClient, _: Portfolio) -> bool:
    data = _data(
        client,
        '{ initiative(code: "PLL") { dependencies { supplierCode'
        " supplier { __typename ... on Initiative { code name } } } } }",
    )
    return "HID-D" in {item["supplierCode"] for item in data["initiative"]["dependencies"]}


def _solution_dependants(client: TokenClient, _: Portfolio) -> bool:
    data = _data(client, '{ solution(code: "KJ") { dependants { dependantCode } } }')
    return "HID-P" in {item["dependantCode"] for item in data["solution"]["dependants"]}


def _solution_developers(client: TokenClient, _: Portfolio) -> bool:
    data = _data(client, '{ solution(code: "ERESEPT") { developedBy { code name } } }')
    return "HID-P" in {item["code"] for item in data["solution"]["developedBy"]}


def _council_meetings(client: TokenClient, _: Portfolio) -> bool:
    data = _data(client, "{ councilMeetings { code title decisions { initiativeCode summary } } }")
    decided = {d["initiativeCode"] for m in data["councilMeetings"] for d in m["decisions"]}
    titles = {meeting["title"] for meeting in data["councilMeetings"]}
    assert ("HID-P" in decided) == ("Skjult møte" in titles)  # the meeting goes with it
    return "HID-P" in decided


def _audit_events(client: TokenClient, _: Portfolio) -> bool:
    data = _data(
        client,
        '{ auditEvents(entityCode: "HID-P") { __typename'
        " ... on AuditEventConnection { nodes { entityCode } } } }",
    )
    return bool(data["auditEvents"].get("nodes"))


def _dependency_graph(client: TokenClient, _: Portfolio) -> bool:
    data = _data(
        client,
        "{ dependencyGraph { nodes { code } export(format: MERMAID) }"
        ' rooted: dependencyGraph(root: "HID-P") { nodes { code } } }',
    )
    codes = {node["code"] for node in data["dependencyGraph"]["nodes"]}
    exported = data["dependencyGraph"]["export"]
    return bool(codes & set(HIDDEN)) or "HID-" in exported or data["rooted"] is not None


def _risk_propagation(client: TokenClient, _: Portfolio) -> bool:
    data = _data(
        client,
        "{ riskPropagation(includeRiskLevel: true) { flagged { initiative { code } } }"
        ' impact(code: "HID-P", slipDays: 30) { __typename } }',
    )
    flagged = {item["initiative"]["code"] for item in data["riskPropagation"]["flagged"]}
    return bool(flagged & set(HIDDEN)) or data["impact"]["__typename"] != "NotFoundError"


def _delivery_impact(client: TokenClient, _: Portfolio) -> bool:
    data = _data(
        client,
        '{ deliveryImpact(code: "HID-P-L1", slipDays: 30) { __typename } }',
    )
    return bool(data["deliveryImpact"]["__typename"] != "NotFoundError")


def _summary(client: TokenClient, _: Portfolio) -> bool:
    data = _data(client, "{ portfolioSummary { initiativeCount byOwner { key count } } }")
    admitted_seed = _data(client, "{ initiatives(first: 1) { totalCount } }")
    return bool(
        data["portfolioSummary"]["initiativeCount"] != admitted_seed["initiatives"]["totalCount"]
    )


SEARCH = """
query($text: String!) { search(text: $text, first: 100) { nodes { initiative { code } field } } }
"""


def _searched(text: str, field: str) -> Probe:
    """Whether ``search(text)`` gives a hidden initiative's hit in ``field``."""

    def probe(client: TokenClient, _: Portfolio) -> bool:
        nodes = _data(client, SEARCH, {"text": text})["search"]["nodes"]
        fields = {node["field"] for node in nodes if node["initiative"]["code"] in HIDDEN}
        assert fields <= {field}  # nothing else of a hidden initiative holds the word
        return bool(fields)

    return probe


PROBES: dict[str, tuple[Probe, frozenset[str]]] = {
    "initiative(code)": (_initiative, SEEING),
    "node(Initiative)": (lambda c, _: _node(c, "Initiative", "HID-P"), SEEING),
    "node(Delivery)": (lambda c, _: _node(c, "Delivery", "HID-P-L1"), SEEING),
    "node(Risk)": (lambda c, _: _node(c, "Risk", "HID-P-R1"), SEEING),
    "node(StatusReport)": (lambda c, p: _node(c, "StatusReport", str(p.report_id)), SEEING),
    "node(Dependency)": (lambda c, _: _node(c, "Dependency", "HID-P<-PLL"), SEEING),
    "initiatives(state)": (
        lambda c, _: _listed(c, {"state": ["PROPOSED", "DECLINED"]}),
        SEEING,
    ),
    "initiatives(search by code)": (
        lambda c, _: _listed(c, {"state": ["PROPOSED", "DECLINED"], "search": "HID-"}),
        SEEING,
    ),
    "initiatives(search by name)": (
        lambda c, _: _listed(c, {"state": ["PROPOSED"], "search": "skjult"}),
        SEEING,
    ),
    "initiatives(owner)": (
        lambda c, _: _listed(c, {"state": ["PROPOSED", "DECLINED"], "owner": ["HDIR"]}),
        SEEING,
    ),
    "search(name)": (_searched("forslag", "NAME"), SEEING),
    "search(purpose)": (_searched("hemmelig", "PURPOSE"), SEEING),
    "search(delivery)": (_searched("leveranse", "DELIVERY"), SEEING),
    "search(risk)": (_searched("risiko", "RISK"), SEEING),
    "search(status reason)": (_searched("rapport", "STATUS_REASON"), SEEING),
    "Initiative.dependants": (_initiative_dependants, SEEING),
    "Initiative.dependencies": (_initiative_dependencies, SEEING),
    "Solution.dependants": (_solution_dependants, SEEING),
    "Solution.developedBy": (_solution_developers, SEEING),
    "councilMeetings": (_council_meetings, SEEING),
    "auditEvents": (_audit_events, frozenset({"ADMIN"})),
    "deliveryImpact": (_delivery_impact, SEEING),
    # The analysis and the round summary count admitted initiatives only, for everyone.
    "dependencyGraph and export": (_dependency_graph, frozenset()),
    "riskPropagation and impact": (_risk_propagation, frozenset()),
    "portfolioSummary": (_summary, frozenset()),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("entry_point", list(PROBES))
def test_hidden_initiatives_are_seen_only_by_the_office_and_their_owner(
    portfolio: Portfolio, entry_point: str, role: str
) -> None:
    probe, seeing = PROBES[entry_point]

    seen = probe(portfolio.clients[role], portfolio)

    assert seen is (role in seeing)


# --- writes: naming a hidden initiative is refused as naming an unknown one ------------------

UPDATE = f"""
mutation($code: String!) {{
  updateInitiative(code: $code, expectedVersion: 999, input: {{ contactPerson: "X" }}) {{
    {RESULT}
  }}
}}
"""
SUBMIT = f"""
mutation($code: String!) {{
  submitStatusReport(input: {{ initiative: $code, status: GREEN }}) {{ {RESULT} }}
}}
"""
DELIVERY = f"""
mutation($code: String!) {{
  upsertDelivery(input: {{ initiative: $code, code: "HID-P-L9", name: "" }}) {{ {RESULT} }}
}}
"""
RISK = f"""
mutation($code: String!) {{
  upsertRisk(input: {{ initiative: $code, code: "HID-P-R9", title: "", probability: 9,
                       consequence: 1, level: RED }}) {{ {RESULT} }}
}}
"""
DEPEND_ON = f"""
mutation($code: String!) {{
  addDependency(input: {{ dependant: $code, supplier: "KJ" }}) {{ {RESULT} }}
}}
"""
REMOVE = f"""
mutation($code: String!) {{
  removeDependency(input: {{ dependant: $code, supplier: "NOPE" }}) {{ {RESULT} }}
}}
"""
WRITES = {
    "updateInitiative": UPDATE,
    "submitStatusReport": SUBMIT,
    "upsertDelivery": DELIVERY,
    "upsertRisk": RISK,
    "addDependency": DEPEND_ON,
    "removeDependency": REMOVE,
}


def _refusal(client: TokenClient, document: str, code: str) -> dict[str, Any]:
    (payload,) = _data(client, document, {"code": code}).values()
    assert payload["__typename"].endswith("Error"), payload  # nothing is written
    return {
        key: value.replace(code, "<code>") if isinstance(value, str) else value
        for key, value in payload.items()
    }


@pytest.mark.parametrize("role", sorted(set(ROLES) - SEEING))
@pytest.mark.parametrize("mutation", list(WRITES))
def test_a_write_naming_a_hidden_initiative_is_refused_as_for_an_unknown_code(
    portfolio: Portfolio, mutation: str, role: str
) -> None:
    client = portfolio.clients[role]

    hidden = _refusal(client, WRITES[mutation], "HID-P")
    unknown = _refusal(client, WRITES[mutation], "NO-SUCH-CODE")

    assert hidden == unknown
    assert hidden["__typename"] == "NotFoundError"


# submitStatusReport is refused even for them: a hidden initiative never reports, so no
# subscription event (statusReportSubmitted, statusChanged) ever carries one.
@pytest.mark.parametrize("role", sorted(SEEING))
@pytest.mark.parametrize(
    "mutation", ["updateInitiative", "upsertDelivery", "addDependency", "submitStatusReport"]
)
def test_a_write_naming_a_hidden_initiative_reaches_it_for_those_who_see_it(
    portfolio: Portfolio, mutation: str, role: str
) -> None:
    refusal = _refusal(portfolio.clients[role], WRITES[mutation], "HID-P")

    assert refusal["__typename"] in {"ConflictError", "ValidationError"}


@pytest.mark.parametrize("role", sorted(set(ROLES) - SEEING))
def test_a_dependency_on_a_hidden_supplier_is_refused_as_for_an_unknown_one(
    portfolio: Portfolio, role: str
) -> None:
    document = f"""
    mutation($code: String!) {{
      addDependency(input: {{ dependant: "SFM-UTV", supplier: $code }}) {{ {RESULT} }}
    }}
    """
    client = portfolio.clients[role]

    assert _refusal(client, document, "HID-P") == _refusal(client, document, "NO-SUCH-CODE")


CYCLE = """
mutation($input: AddDependencyInput!) {
  addDependency(input: $input) {
    __typename ... on DependencyCycleError { message cycle }
  }
}
"""


def test_a_refused_cycle_through_a_hidden_initiative_does_not_name_it(callers: Callers) -> None:
    # Given SFM-UTV (NHN) → HID-P (HDIR's proposal) → KJ-PLO (HDIR): KJ-PLO waits for it.
    owner = callers.as_role("REPORTER", "HDIR")
    _ok(owner, PROPOSE, {"input": {
        "code": "HID-P", "name": "Skjult forslag", "owner": "HDIR",
        "digitalisationEssential": True, "coordinationOrStrategy": True,
    }})  # fmt: skip
    for dependant, supplier in (("HID-P", "SFM-UTV"), ("KJ-PLO", "HID-P")):
        _ok(owner, ADD_DEPENDENCY, {"input": {"dependant": dependant, "supplier": supplier}})

    # When NHN makes SFM-UTV wait for KJ-PLO, closing the cycle through the proposal
    answers = {
        role: callers.as_role(*role).data(
            CYCLE, {"input": {"dependant": "SFM-UTV", "supplier": "KJ-PLO"}}
        )["addDependency"]
        for role in (("REPORTER", "NHN"), ("ADMIN",))
    }

    # Then both are refused; only the office hears the proposal's code
    other, office = answers[("REPORTER", "NHN")], answers[("ADMIN",)]
    assert other["__typename"] == office["__typename"] == "DependencyCycleError"
    assert "HID-P" in office["cycle"]
    assert "HID-P" not in other["cycle"]
    assert "HID-P" not in other["message"]
    assert other["cycle"] == ["…" if code == "HID-P" else code for code in office["cycle"]]
