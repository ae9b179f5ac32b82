"""The seed portfolio: complete per DOMAIN.md, obeying the segment rules, and idempotent."""

from __future__ import annotations

from typing import Any

import networkx as nx
import pytest
import sqlalchemy as sa

from app import models
from app.cli import seed_database
from app.database import create_sync_engine
from app.settings import Settings
from seeds.loader import load_seed_portfolio
from seeds.portfolio import PortfolioData, SeedError, write_portfolio

# code: (segment, phase, status, risk) in the latest report, from DOMAIN.md's table.
LATEST = {
    "PLL": ("CO_GOVERN", "EXECUTION", "YELLOW", "YELLOW"),
    "SFM-UTV": ("COORDINATE", "EXECUTION", "YELLOW", "YELLOW"),
    "KJ-PLO": ("COORDINATE", "EXECUTION", "GREEN", "GREEN"),
    "DHV": ("CO_GOVERN", "EXECUTION", "GREEN", "GREEN"),
    "NVP": ("CO_GOVERN", "EXECUTION", "GREEN", "YELLOW"),
    "DHO-SPREDNING": ("CO_GOVERN", "EXECUTION", "YELLOW", "YELLOW"),
    "FKJ": ("COORDINATE", "CLOSURE", "GREEN", "GREEN"),
    "PDS": ("CO_GOVERN", "EXECUTION", "YELLOW", "RED"),
    "PPS": ("CO_GOVERN", "EXECUTION", "YELLOW", "YELLOW"),
    "PJD": ("COORDINATE", "EXECUTION", "GREEN", "GREEN"),
    "HP": ("COORDINATE", "EXECUTION", "RED", "RED"),
    "HSO-RKL": ("OBSERVE", "EXECUTION", "YELLOW", "YELLOW"),
    "KULE": ("OBSERVE", "EXECUTION", "GREEN", "YELLOW"),
    "DPN": ("COORDINATE", "EXECUTION", "GREEN", "GREEN"),
    "HSO-TIMER": ("COORDINATE", "EXECUTION", "GREEN", "GREEN"),
    "UNGDOM-13-15": ("COORDINATE", "PLANNING", "GREEN", "YELLOW"),
    "DIGIHELSE": ("COORDINATE", "EXECUTION", "GREEN", "GREEN"),
    "HAP-PROG": ("CO_GOVERN", "EXECUTION", "RED", "RED"),
    "LMR": ("OBSERVE", "EXECUTION", "GREEN", "GREEN"),
    "PERSONTJ-HELSE": ("COORDINATE", "BENEFITS_REALISATION", "GREEN", "GREEN"),
    "DIGPAT": ("OBSERVE", "EXECUTION", "YELLOW", "YELLOW"),
    "BILDEDELING": ("OBSERVE", "CONCEPT", "YELLOW", "YELLOW"),
}

SOLUTIONS = {
    "HELSENETT", "KJ", "ERESEPT", "HELSENORGE", "HELSEID", "GRUNNDATA", "PERSONTJ", "MELDING",
    "DOKDELING", "DATADELING", "KODEVERK", "PERSONVERN", "SFM", "PROVESVAR", "VKP", "HAP",
    "IDPORTEN", "ALTINN", "FIKS",
}  # fmt: skip

PUBLISHED = {"PLL", "DHV", "FKJ"}


@pytest.fixture(scope="module")
def portfolio() -> PortfolioData:
    return load_seed_portfolio()


def latest_report(initiative: dict[str, Any]) -> dict[str, Any]:
    newest_period = initiative["reports"][-1]["period"]
    reports = [r for r in initiative["reports"] if r["period"] == newest_period]
    return max(reports, key=lambda report: report.get("revision", 1))


def test_every_initiative_and_solution_of_the_domain_is_seeded(portfolio: PortfolioData) -> None:
    assert {i["code"] for i in portfolio.initiatives} == set(LATEST)
    assert {s["code"] for s in portfolio.solutions} == SOLUTIONS


def test_latest_reports_carry_the_domain_table_values(portfolio: PortfolioData) -> None:
    for initiative in portfolio.initiatives:
        report = latest_report(initiative)
        segment, phase, status, risk = LATEST[initiative["code"]]
        assert initiative["segment"] == segment, initiative["code"]
        assert (report["phase"], report["status"]) == (phase, status), initiative["code"]
        assert report["risk_level"] == risk, initiative["code"]


def test_only_published_values_are_unmarked(portfolio: PortfolioData) -> None:
    for initiative in portfolio.initiatives:
        assert initiative["illustrative"], initiative["code"]
        report = latest_report(initiative)
        assert report["illustrative"] is (initiative["code"] not in PUBLISHED), initiative["code"]


def test_each_initiative_reports_in_all_four_periods(portfolio: PortfolioData) -> None:
    periods = [p["code"] for p in portfolio.reporting_periods]
    assert periods == ["2025-1", "2025-2", "2026-1", "2026-2"]
    for initiative in portfolio.initiatives:
        assert sorted({r["period"] for r in initiative["reports"]}) == periods


def test_every_report_obeys_the_segment_rules(portfolio: PortfolioData) -> None:
    for initiative in portfolio.initiatives:
        segment = initiative["segment"]
        for report in initiative["reports"]:
            where = f"{initiative['code']} {report['period']}"
            if report["status"] != "GREEN":
                assert report["status_reason"], where
            if segment in {"COORDINATE", "CO_GOVERN"}:
                assert report["risk_level"], where
                assert report["main_risk_areas"], where
                assert report.get("dependencies_confirmed") is not None, where
                if not report.get("illustrative", True):  # published, but not this answer
                    assert "dependencies_confirmed" in report["illustrative_fields"], where
                if report["risk_level"] != "GREEN":
                    assert report["planned_mitigations"], where
                    assert report["implemented_mitigations"], where
            if segment == "CO_GOVERN":
                for field in (
                    "investment_nok",
                    "annual_operating_cost_nok",
                    "benefits",
                    "benefit_prerequisites",
                ):
                    assert report.get(field) not in (None, ""), f"{where} {field}"


def test_deliveries_and_risks_are_present_where_required(portfolio: PortfolioData) -> None:
    for initiative in portfolio.initiatives:
        assert 3 <= len(initiative["deliveries"]) <= 6, initiative["code"]
        if initiative["segment"] in {"COORDINATE", "CO_GOVERN"}:
            assert initiative["risks"], initiative["code"]


def test_dependencies_form_a_dag_over_known_codes(portfolio: PortfolioData) -> None:
    graph = nx.DiGraph()
    known = {i["code"] for i in portfolio.initiatives} | SOLUTIONS
    for initiative in portfolio.initiatives:
        for dependency in initiative["dependencies"]:
            assert dependency["supplier"] in known
            graph.add_edge(dependency["supplier"], initiative["code"])
        for solution in initiative.get("develops") or ():
            graph.add_edge(initiative["code"], solution)

    assert nx.is_directed_acyclic_graph(graph)


def count_rows(database_url: str) -> dict[str, int]:
    engine = create_sync_engine(Settings(database_url=database_url))
    tables = ["initiative", "solution", "dependency", "delivery", "risk", "status_report"]
    with engine.connect() as connection:
        counts = {
            name: int(connection.scalar(sa.text(f"SELECT count(*) FROM {name}")) or 0)
            for name in tables
        }
        counts["version"] = int(
            connection.scalar(sa.select(models.table_of(models.DataVersion).c.version)) or 0
        )
    engine.dispose()
    return counts


def test_seeding_twice_inserts_nothing_the_second_time(empty_database_url: str) -> None:
    settings = Settings(database_url=empty_database_url)

    first = seed_database(settings)
    after_first = count_rows(empty_database_url)
    second = seed_database(settings)

    assert first > 0
    assert second == 0
    assert count_rows(empty_database_url) == after_first
    assert after_first["initiative"] == 22
    assert after_first["solution"] == 19


def test_seeding_reports_an_unknown_owner_clearly(empty_database_url: str) -> None:
    data = PortfolioData(
        initiatives=[{"code": "X", "name": "X", "owner": "NOBODY", "phase": "IDEA"}]
    )
    engine = create_sync_engine(Settings(database_url=empty_database_url))

    with (
        pytest.raises(SeedError, match=r"X\.owner: unknown organisation 'NOBODY'"),
        engine.begin() as connection,
    ):
        write_portfolio(connection, data)
    engine.dispose()


def _check_digit_holds(org_number: str) -> bool:
    """The modulus-11 check digit of the Central Coordinating Register for Legal Entities."""
    weights = (3, 2, 7, 6, 5, 4, 3, 2)
    remainder = (
        sum(int(digit) * weight for digit, weight in zip(org_number[:8], weights, strict=True)) % 11
    )
    check = 0 if remainder == 0 else 11 - remainder
    return check != 10 and check == int(org_number[8])


def test_seeded_organisation_numbers_are_real_register_numbers(portfolio: PortfolioData) -> None:
    numbers = {
        organisation["code"]: organisation["org_number"]
        for organisation in portfolio.organisations
        if organisation.get("org_number")
    }

    assert numbers["HDIR"] == "983544622"
    assert numbers["NHN"] == "994598759"
    assert len(set(numbers.values())) == len(numbers)
    for code, number in numbers.items():
        assert len(number) == 9, code
        assert number.isdigit(), code
        assert _check_digit_holds(number), code
