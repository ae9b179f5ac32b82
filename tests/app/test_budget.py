"""Each caller has a budget of query points that drains over time, shared across workers."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.testclient import TestClient

from app.auth import ANONYMOUS, Viewer
from app.budget import BucketRule, BudgetState, DatabaseBudgets, InProcessBudgets, caller_key
from app.database import create_engine
from app.main import create_app
from app.settings import Settings
from tests.conftest import make_token

RULE = BucketRule(capacity=100, window_seconds=10)  # drains 10 points a second

CODES = "query Codes($first: Int!) { initiatives(first: $first) { nodes { code } } }"
RATE_LIMIT = "{ rateLimit { limit cost remaining resetAt } }"


class Clock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


async def test_a_charge_that_fits_is_taken_from_the_budget() -> None:
    budgets = InProcessBudgets(RULE, clock=Clock())

    state = await budgets.charge(None, "address:a", 30)

    assert state.admitted
    assert (state.limit, state.cost, state.remaining) == (100, 30, 70)


async def test_a_charge_that_does_not_fit_is_refused_with_the_wait_until_it_would() -> None:
    budgets = InProcessBudgets(RULE, clock=Clock())
    await budgets.charge(None, "address:a", 80)

    refused = await budgets.charge(None, "address:a", 45)

    assert not refused.admitted
    assert refused.remaining == 20
    assert refused.retry_after_seconds == 3  # 25 points over, draining 10 a second


async def test_the_bucket_drains_with_time() -> None:
    clock = Clock()
    budgets = InProcessBudgets(RULE, clock=clock)
    await budgets.charge(None, "address:a", 100)

    clock.now += 4.0

    assert (await budgets.charge(None, "address:a", 40)).admitted
    assert not (await budgets.charge(None, "address:a", 1)).admitted


async def test_callers_have_their_own_buckets() -> None:
    budgets = InProcessBudgets(RULE, clock=Clock())
    await budgets.charge(None, "token:1", 100)

    assert (await budgets.charge(None, "token:2", 100)).admitted


def test_a_token_spends_its_own_budget_and_anonymous_callers_their_address() -> None:
    holder = Viewer(name="office", token_id=7)

    assert caller_key(holder, "10.0.0.1") == "token:7"
    assert caller_key(ANONYMOUS, "10.0.0.1") == "address:10.0.0.1"


@pytest.mark.postgresql_only
async def test_workers_on_one_postgresql_spend_one_shared_budget(empty_database_url: str) -> None:
    # given two workers, each with its own engine on the same database
    engines = [create_engine(Settings(database_url=empty_database_url)) for _ in range(2)]
    budgets = DatabaseBudgets(RULE)

    async def charge(engine: AsyncEngine, points: int) -> BudgetState:
        async with engine.connect() as connection:
            return await budgets.charge(connection, "token:1", points)

    try:
        # when both spend at once from one caller's budget
        charges = await asyncio.gather(*(charge(engine, 25) for engine in engines * 2))
        refused = await charge(engines[1], 30)
    finally:
        for engine in engines:
            await engine.dispose()

    # then the four charges add up in one bucket and the fifth does not fit
    assert all(state.admitted for state in charges)
    assert sorted(state.remaining for state in charges) == pytest.approx([0, 25, 50, 75], abs=1)
    assert not refused.admitted
    assert refused.retry_after_seconds is not None
    assert refused.retry_after_seconds >= 1


@pytest.fixture
def budgeted(fresh_seeded_database_url: str) -> Iterator[TestClient]:
    # A database of its own: on PostgreSQL the buckets live in it, shared by every app.
    settings = Settings(
        database_url=fresh_seeded_database_url,
        rate_limit_points=25,
        rate_limit_window_seconds=3600,
    )
    with TestClient(create_app(settings)) as client:
        yield client


def test_a_request_over_the_budget_answers_429_with_retry_after(budgeted: TestClient) -> None:
    # (a repeated identical request would be a response-cache hit, which spends nothing)
    allowed = budgeted.post("/graphql", json={"query": CODES, "variables": {"first": 20}})

    refused = budgeted.post("/graphql", json={"query": CODES, "variables": {"first": 19}})

    assert allowed.status_code == 200
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) >= 1
    [error] = refused.json()["errors"]
    assert error["extensions"]["code"] == "RATE_LIMITED"


def test_rate_limit_shows_what_the_query_took_and_what_is_left(budgeted: TestClient) -> None:
    budgeted.post("/graphql", json={"query": CODES, "variables": {"first": 9}})

    limit = budgeted.post("/graphql", json={"query": RATE_LIMIT}).json()["data"]["rateLimit"]

    assert (limit["limit"], limit["cost"]) == (25, 1)
    assert limit["remaining"] == 25 - 10 - 1
    assert limit["resetAt"]


def test_a_token_holder_is_not_held_back_by_anonymous_spending(
    budgeted: TestClient, fresh_seeded_database_url: str
) -> None:
    token = make_token(fresh_seeded_database_url, "READER")
    budgeted.post("/graphql", json={"query": CODES, "variables": {"first": 24}})

    response = budgeted.post(
        "/graphql",
        json={"query": CODES, "variables": {"first": 24}},
        headers={"Authorization": f"Bearer {token}"},
    )

    assert response.status_code == 200


@pytest.mark.postgresql_only
async def test_a_budget_beyond_the_database_integer_range_still_charges(
    empty_database_url: str,
) -> None:
    engine = create_engine(Settings(database_url=empty_database_url))
    budgets = DatabaseBudgets(BucketRule(capacity=10**20, window_seconds=60))
    try:
        async with engine.connect() as connection:
            state = await budgets.charge(connection, "token:1", 3_000_000_000)
    finally:
        await engine.dispose()

    assert state.admitted
    assert state.remaining == pytest.approx(10**20 - 3_000_000_000, rel=1e-9)
