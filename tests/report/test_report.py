"""The portfolio report: contents on the seed portfolio, SVG charts, escaping, route and CLI."""

from __future__ import annotations

import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from starlette.testclient import TestClient

from app.cli import main
from app.database import create_sync_engine
from app.main import create_app
from app.settings import Settings
from tests.conftest import settings_for

PERIOD = "2026-2"
HP_REASON = "Driftsproblemene etter oppgraderingen er ikke løst"
HAP_PROG_REASON = (
    "Tiltaket er fortsatt satt på pause, og felles analyserom er utsatt til tidligst 2027."
)


def section(html: str, name: str) -> str:
    match = re.search(rf"<section class=\"{name}\"[^>]*>(.*?)</section>", html, re.DOTALL)
    assert match is not None, name
    return match.group(1)


@pytest.fixture
def report_html(client: TestClient) -> str:
    response = client.get(f"/reports/{PERIOD}")
    assert response.status_code == 200
    return response.text


def test_report_names_red_initiatives_with_their_reasons(report_html: str) -> None:
    flagged = section(report_html, "flagged")

    for code, reason in (("HP", HP_REASON), ("HAP-PROG", HAP_PROG_REASON)):
        row = re.search(rf'<span class="code">{code}</span>.*?</tr>', flagged, re.DOTALL)
        assert row is not None, code
        assert '<span class="chip red">Rød</span>' in row.group(0)
        assert reason in row.group(0)


def test_report_lists_yellow_initiatives_after_red_ones(report_html: str) -> None:
    flagged = section(report_html, "flagged")

    assert flagged.index(">HAP-PROG<") < flagged.index(">PLL<")
    assert '<span class="chip yellow">Gul</span>' in flagged


def test_report_lists_propagated_risk_of_lmr_from_hap_prog(report_html: str) -> None:
    propagation = section(report_html, "propagation")

    row = re.search(r'<span class="code">LMR</span>.*?</tr>', propagation, re.DOTALL)
    assert row is not None
    assert "(HAP-PROG): HAP-PROG → HAP → LMR" in row.group(0)


def test_report_lists_red_risk_as_a_separate_source(report_html: str) -> None:
    propagation = section(report_html, "propagation")
    with_risk = propagation.split("I tillegg når rød risiko regnes som kilde")[1]

    assert "(PDS): PDS → PJD" in with_risk


def test_report_contains_the_critical_path(report_html: str) -> None:
    critical = section(report_html, "critical")

    assert '<ol class="chain">' in critical
    assert '<span class="code">HP</span>' in critical


def test_report_lists_the_same_critical_set_as_the_api(
    client: TestClient, report_html: str
) -> None:
    query = "{ criticalPath { ... on CriticalPath { critical { code } chains } } }"
    api = client.post("/graphql", json={"query": query}).json()["data"]["criticalPath"]

    critical = section(report_html, "critical")
    listed = re.findall(r'<li><strong>.*?</strong> <span class="code">(.*?)</span>', critical)
    assert listed == [item["code"] for item in api["critical"]]
    assert sorted(listed) == ["HP", "HSO-RKL", "KULE", "LMR", "PLL"]
    assert "PLL → LMR" in critical
    assert len(api["chains"]) == 4


ROUND_SUMMARY = """
query RoundSummary($period: String) {
  portfolioSummary(period: $period) {
    period { code }
    previousPeriod { code }
    initiativeCount
    byStatus { key count }
    byRisk { key count }
    missingReports { code }
    slippedDeliveries { code }
    goalCoverage { goal { number } mainGoalCount supportingGoalCount }
    sdgCoverage { goal { number } initiativeCount }
  }
}
"""


def test_report_and_portfolio_summary_render_one_round_summary(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a spy on the one summary computation
    from app import summary

    computed: list[summary.RoundSummary] = []
    original = summary.round_summary

    async def spy(*args: Any, **kwargs: Any) -> summary.RoundSummary:
        result = await original(*args, **kwargs)
        computed.append(result)
        return result

    monkeypatch.setattr(summary, "round_summary", spy)

    # when the API and the report are asked for the same round
    response = client.post(
        "/graphql", json={"query": ROUND_SUMMARY, "variables": {"period": PERIOD}}
    )
    api = response.json()["data"]["portfolioSummary"]
    html = client.get(f"/reports/{PERIOD}").text

    # then both went through it, once each, and agree with each other
    assert [result.period.code for result in computed] == [PERIOD, PERIOD]
    assert computed[0] == computed[1]
    found = computed[0]
    assert api["initiativeCount"] == found.initiative_count == 22
    counts = {item["key"]: item["count"] for item in api["byStatus"]}
    assert counts == {count.key: count.count for count in found.by_status}
    figures = section(html, "figures")
    assert f'<span class="number">{counts["RED"]}</span><span class="what">rød status</span>' in (
        figures
    )
    assert [item["code"] for item in api["missingReports"]] == [
        row.code for row in found.missing_reports
    ]
    assert [item["code"] for item in api["slippedDeliveries"]] == [
        row.code for row in found.slipped_deliveries
    ]
    assert [
        (item["goal"]["number"], item["mainGoalCount"], item["supportingGoalCount"])
        for item in api["goalCoverage"]
    ] == [
        (item.goal.number, item.main_goal_count, item.supporting_goal_count)
        for item in found.goal_coverage
    ]


def test_report_counts_red_and_missing_in_the_summary(report_html: str) -> None:
    figures = section(report_html, "figures")

    assert '<span class="number">2</span><span class="what">rød status</span>' in figures
    assert '<span class="number">22</span><span class="what">tiltak i porteføljen</span>' in figures


def test_report_charts_are_valid_svg(report_html: str) -> None:
    charts = re.findall(r"<svg.*?</svg>", report_html, re.DOTALL)

    assert len(charts) == 4
    for chart in charts:
        root = ET.fromstring(chart)
        assert root.tag == "{http://www.w3.org/2000/svg}svg"
        assert root.find("{http://www.w3.org/2000/svg}rect") is not None
    # The charts' patterns are referred to by id, so no two may share one.
    ids = re.findall(r'<pattern id="([^"]+)"', report_html)
    assert ids
    assert len(ids) == len(set(ids))


def test_report_loads_nothing_from_outside(report_html: str) -> None:
    assert "<script" not in report_html
    assert "http://" not in report_html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in report_html


def test_report_escapes_html_in_initiative_names(fresh_seeded_database_url: str) -> None:
    engine = create_sync_engine(Settings(database_url=fresh_seeded_database_url))
    with engine.begin() as connection:
        connection.execute(
            sa.text("UPDATE initiative SET name = :name WHERE code = 'HP'"),
            {"name": "<script>alert('x')</script> & Co"},
        )
        connection.execute(sa.text("UPDATE data_version SET version = version + 1"))
    engine.dispose()

    with TestClient(create_app(settings_for(fresh_seeded_database_url))) as client:
        html = client.get(f"/reports/{PERIOD}").text

    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; Co" in html


def test_report_route_answers_html(client: TestClient) -> None:
    response = client.get(f"/reports/{PERIOD}")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "<h1>Porteføljerapport april 2026</h1>" in response.text


def test_report_route_answers_404_json_for_an_unknown_period(client: TestClient) -> None:
    response = client.get("/reports/1999-9")

    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def test_report_command_writes_an_html_file(
    seeded_database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PORTFOLIO_DATABASE_URL", seeded_database_url)
    target = tmp_path / "rapport.html"

    assert main(["report", "--period", PERIOD, "--format", "html", "--output", str(target)]) == 0

    html = target.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert HAP_PROG_REASON in html


def test_report_command_writes_a_pdf_file(
    seeded_database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PORTFOLIO_DATABASE_URL", seeded_database_url)
    target = tmp_path / "rapport.pdf"

    assert main(["report", "--period", PERIOD, "--format", "pdf", "--output", str(target)]) == 0

    assert target.read_bytes().startswith(b"%PDF")


def test_report_command_refuses_an_unknown_period(
    seeded_database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    monkeypatch.setenv("PORTFOLIO_DATABASE_URL", seeded_database_url)

    assert main(["report", "--period", "1999-9", "--output", str(tmp_path / "x.html")]) == 2
    assert "1999-9" in capsys.readouterr().err


def test_report_command_without_weasyprint_says_how_to_install_it(
    seeded_database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    monkeypatch.setenv("PORTFOLIO_DATABASE_URL", seeded_database_url)
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # import fails as if not installed
    target = tmp_path / "rapport.pdf"

    assert main(["report", "--period", PERIOD, "--format", "pdf", "--output", str(target)]) == 3

    assert "pip install -e '.[pdf]'" in capsys.readouterr().err
    assert not target.exists()
