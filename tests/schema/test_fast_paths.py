"""The dashboard's page answers through both fast paths: plain fields without resolvers,
and prefetched fields at once from the loaders. Each count is exact, so switching a fast
path off (or a library change that silently stops it firing) fails here."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from app.database import create_engine
from schema.build import build_schema
from schema.context import Context
from tests.conftest import settings_for

DASHBOARD = """
query Dashboard($first: Int!, $after: String) {
  initiatives(first: $first, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes {
      code name segment phase
      owner { code name }
      status riskLevel
      latestReport { period { code } status statusReason riskLevel submittedAt }
      deliveries { code name forecastDate status }
      dependencies {
        criticality neededBy
        supplier { __typename ... on Initiative { code name } ... on Solution { code name } }
      }
    }
  }
}
"""


@pytest.fixture
async def context(seeded_database_url: str) -> AsyncIterator[Context]:
    settings = settings_for(seeded_database_url)
    engine = create_engine(settings)
    request_context = Context(engine=engine, settings=settings)
    try:
        yield request_context
    finally:
        await request_context.close()
        await engine.dispose()


async def _dashboard_page(context: Context) -> dict[str, Any]:
    result = await build_schema(context.settings).execute(
        DASHBOARD, variable_values={"first": 500}, context_value=context
    )
    assert result.errors is None
    assert result.data is not None
    return result.data["initiatives"]


def _leaves(value: Any) -> int:
    if isinstance(value, dict):
        return sum(_leaves(item) for item in value.values())
    if isinstance(value, list):
        return sum(_leaves(item) for item in value)
    return 1


async def test_dashboard_page_answers_every_plain_field_without_its_resolver(
    context: Context,
) -> None:
    page = await _dashboard_page(context)

    nodes = page["nodes"]
    dependencies = sum(len(node["dependencies"]) for node in nodes)
    # Every leaf of the answer but those a resolver computes: each initiative's status
    # and riskLevel (read from its latest report) and each supplier's __typename.
    resolved = 2 * len(nodes) + dependencies
    assert context.fast_paths.plain_fields == _leaves(page) - resolved
    assert context.fast_paths.plain_fields > 500


async def test_dashboard_page_answers_prefetched_fields_at_once(context: Context) -> None:
    page = await _dashboard_page(context)

    nodes = page["nodes"]
    dependencies = sum(len(node["dependencies"]) for node in nodes)
    reports = sum(1 for node in nodes if node["latestReport"] is not None)
    # Per initiative: owner, status, riskLevel, latestReport, deliveries, dependencies;
    # per dependency its supplier; per report its period.
    assert dependencies > 0
    assert context.loaders.peek_hits() == 6 * len(nodes) + dependencies + reports
