"""The report's trend charts: status per round and forecast slips per round, each with its
data table (the chart's text alternative)."""

from __future__ import annotations

import itertools
import re

import pytest
from starlette.testclient import TestClient

from tests.conftest import Callers, GraphQLClient
from tests.report.test_report import section
from tests.schema.writes import UPSERT_DELIVERY

ROUNDS = ("2025-1", "2025-2", "2026-1", "2026-2")
# Red initiatives per round in the seed (its earlier rounds are invented for the demo).
SEED_RED_PER_ROUND = [0, 1, 2, 2]
# Deliveries whose forecast moved later since the round before, and the days in total.
SEED_SLIPS_PER_ROUND = {"2025-2": ["12", "1174"], "2026-1": ["11", "1495"], "2026-2": ["3", "153"]}


def _trend(client: TestClient, period: str) -> str:
    response = client.get(f"/reports/{period}")
    assert response.status_code == 200
    return section(response.text, "trend")


def _table(trend: str, name: str) -> dict[str, list[str]]:
    """The rows of a trend table by round code: the cells after the round."""
    match = re.search(rf'<table data-testid="trend-{name}-table">(.*?)</table>', trend, re.DOTALL)
    assert match is not None, name
    rows = re.findall(r'<tr data-round="([^"]+)">(.*?)</tr>', match.group(1), re.DOTALL)
    return {
        code: [
            cell.replace("\u00a0", "") for cell in re.findall(r'<td class="num">(.*?)</td>', cells)
        ]
        for code, cells in rows
    }


def test_status_table_has_every_round_up_to_the_reports_round(client: TestClient) -> None:
    assert list(_table(_trend(client, "2026-2"), "status")) == list(ROUNDS)
    assert list(_table(_trend(client, "2025-2"), "status")) == ["2025-1", "2025-2"]


def test_status_table_holds_each_rounds_counts_as_its_summary_answers(
    client: TestClient, graphql: GraphQLClient
) -> None:
    table = _table(_trend(client, "2026-2"), "status")

    for code in ROUNDS:
        summary = graphql.data(
            "query($p: String) { portfolioSummary(period: $p) { byStatus { key count } } }",
            {"p": code},
        )["portfolioSummary"]
        counts = {item["key"]: item["count"] for item in summary["byStatus"]}
        expected = [counts["GREEN"], counts["YELLOW"], counts["RED"], counts.get("NONE", 0)]
        assert table[code][:4] == [str(value) for value in expected], code
        assert table[code][4] == str(sum(expected)), code


def test_status_table_shows_the_seeds_red_initiatives_per_round(client: TestClient) -> None:
    table = _table(_trend(client, "2026-2"), "status")

    red = [int(table[code][2]) for code in ROUNDS]
    assert red == SEED_RED_PER_ROUND


def _slips_between(graphql: GraphQLClient, before: str, after: str | None) -> list[str]:
    """The slip table's cells for ``after`` as ``portfolioChanges`` answers them."""
    changes = graphql.data(
        "query($f: String!, $t: String) { portfolioChanges(from: $f, to: $t) {"
        " deliverySlips(first: 1000) { delivery { code } days } } }",
        {"f": before, "t": after},
    )["portfolioChanges"]
    days = sorted(slip["days"] for slip in changes["deliverySlips"] if slip["days"] > 0)
    if days:
        middle = len(days) // 2
        median = days[middle] if len(days) % 2 else (days[middle - 1] + days[middle]) / 2
        median_text = f"{median:.1f}".replace(".", ",").removesuffix(",0")
    else:
        median_text = "–"
    return [str(len(days)), str(sum(days)), median_text]


def test_slip_table_counts_the_forecasts_portfolio_changes_lists_as_later(
    client: TestClient, graphql: GraphQLClient
) -> None:
    table = _table(_trend(client, "2026-2"), "slip")

    assert list(table) == list(ROUNDS[1:])
    for before, after in itertools.pairwise(ROUNDS):
        assert table[after] == _slips_between(graphql, before, after), after


def test_a_forecast_moved_later_now_counts_in_the_current_rounds_slips(
    callers: Callers,
) -> None:
    before = _table(_trend(callers.http, "2026-2"), "slip")["2026-2"]
    delivery = {
        "initiative": "PLL",
        "code": "PLL-D3",
        "name": "PLL innført hos 25 % av prioriterte aktører",
        "baselineDate": "2026-06-30",
        "forecastDate": "2027-06-30",
        "status": "DELAYED",
    }
    answer = callers.admin.data(UPSERT_DELIVERY, {"input": delivery})["upsertDelivery"]
    assert answer["__typename"] == "DeliveryPayload", answer

    after = _table(_trend(callers.http, "2026-2"), "slip")["2026-2"]
    assert after == _slips_between(callers.anonymous, "2026-1", None)
    # PLL-D3 had already slipped in 2026-2 (2026-09-30 to 2026-10-31); it now slips 242
    # days further (to 2027-06-30), as the round knows it.
    assert after[0] == before[0]
    assert int(after[1]) == int(before[1]) + 242
    # The report of the round before knows nothing of it.
    assert _table(_trend(callers.http, "2026-1"), "slip")["2026-1"] == ["11", "1495", "90"]


def test_an_earlier_rounds_report_shows_the_slips_up_to_it(client: TestClient) -> None:
    latest = _table(_trend(client, "2026-2"), "slip")

    assert _table(_trend(client, "2026-1"), "slip") == {
        code: latest[code] for code in ("2025-2", "2026-1")
    }


def test_slip_table_shows_the_seeds_slips_per_round(client: TestClient) -> None:
    table = _table(_trend(client, "2026-2"), "slip")

    assert {code: table[code][:2] for code in table} == SEED_SLIPS_PER_ROUND


def test_the_first_round_has_no_slip_trend(client: TestClient) -> None:
    trend = _trend(client, "2025-1")

    assert list(_table(trend, "status")) == ["2025-1"]
    assert 'data-testid="trend-slip-table"' not in trend
    assert "ingen runde å måle forsinkede prognoser mot" in trend


@pytest.mark.parametrize("period", ["2026-2", "2025-2"])
def test_each_trend_chart_has_a_title_and_does_not_rely_on_colour_alone(
    client: TestClient, period: str
) -> None:
    charts = re.findall(r"<svg.*?</svg>", _trend(client, period), re.DOTALL)

    assert len(charts) == 2
    status, slips = charts
    assert "<title>Status per rapporteringsrunde</title>" in status
    # Every level is drawn with its own pattern, outlined, and named in the legend.
    for level in ("GREEN", "YELLOW", "RED", "NONE"):
        assert f'<pattern id="status-trend-{level}"' in status
    assert 'fill="url(#status-trend-RED)" stroke="#1d1d1b"' in status
    for label in ("Grønn", "Gul", "Rød", "Ikke rapportert"):
        assert f">{label}</text>" in status
    assert "<title>Leveranser med senere prognose" in slips
