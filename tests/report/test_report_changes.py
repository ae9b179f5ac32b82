"""The report's "Endringer siden forrige runde": the round against the one before it."""

from __future__ import annotations

import re

from starlette.testclient import TestClient

from tests.report.test_report import section


def _changes(client: TestClient, period: str) -> str:
    response = client.get(f"/reports/{period}")
    assert response.status_code == 200
    return section(response.text, "changes")


def test_the_current_round_lists_forecasts_that_slipped_since_the_round_before(
    client: TestClient,
) -> None:
    changes = _changes(client, "2026-2")

    assert "januar 2026" in changes
    row = re.search(r'<td class="code">HP-D4</td>.*?</tr>', changes, re.DOTALL)
    assert row is not None
    assert "+91" in row.group(0)


def test_an_earlier_round_shows_its_own_changes_status_and_critical_path(
    client: TestClient,
) -> None:
    changes = _changes(client, "2026-1")

    worsened = re.search(
        r'<span class="code">HP</span></td><td>Status forverret</td>.*?</tr>', changes, re.DOTALL
    )
    assert worsened is not None
    assert '<span class="chip yellow">Gul</span>' in worsened.group(0)
    assert '<span class="chip red">Rød</span>' in worsened.group(0)
    assert "Kritisk linje er endret" in changes
    assert '<span class="code">HP</span>, før gjennom <span class="code">KULE</span>' in changes


def test_the_first_round_has_nothing_to_compare_with(client: TestClient) -> None:
    assert "den første rapporteringsrunden" in _changes(client, "2025-1")
