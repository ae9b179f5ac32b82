"""Fixtures of the import and export tests."""

from __future__ import annotations

import pytest

from app.database import create_sync_engine
from app.settings import Settings
from seeds.loader import load_reference_data
from seeds.portfolio import write_portfolio


@pytest.fixture
def reference_database_url(empty_database_url: str) -> str:
    """Goals, organisations, solutions and periods, but no initiatives."""
    engine = create_sync_engine(Settings(database_url=empty_database_url))
    with engine.begin() as connection:
        write_portfolio(connection, load_reference_data())
    engine.dispose()
    return empty_database_url
