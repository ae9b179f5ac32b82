"""Heavy analysis never blocks the event loop, and the execution timeout stops the work.

The analysis of a small synthetic portfolio is too quick to watch, so each test replaces
one step of it with a stand-in that works (holding the GIL, passing the analysis's
cancellation points) until the test releases it, then returns the real result.
"""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

import graph
from app.main import create_app
from tests.conftest import settings_for

SIZE = 300
LONGEST = 15.0
"""Seconds a stand-in works at most when nobody releases or stops it."""

KEY_INITIATIVES = "{ keyInitiatives(limit: 3) { code } }"
CRITICAL_PATH = "{ criticalPath { __typename ... on CriticalPath { finish } } }"
RISK_PROPAGATION = "{ riskPropagation { includeRiskLevel } }"


class LongComputation:
    """Stands in for an analysis step: busy until released, then the real step's result."""

    def __init__(self, step: Callable[..., Any]) -> None:
        self.step = step
        self.started = threading.Event()
        self.release = threading.Event()
        self.ended = threading.Event()
        self.stopped_early = False  # left at a cancellation point

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.started.set()
        checkpoint = getattr(graph, "checkpoint", lambda: None)
        deadline = time.monotonic() + LONGEST
        try:
            while not self.release.is_set() and time.monotonic() < deadline:
                sum(range(2_000))  # pure Python: holds the GIL like the real analysis
                checkpoint()
        except BaseException:
            self.stopped_early = True
            raise
        finally:
            self.ended.set()
        return self.step(*args, **kwargs)


@pytest.fixture
def synthetic_url(synthetic_database_url: Callable[[int], str]) -> str:
    return synthetic_database_url(SIZE)


def replace_step(monkeypatch: pytest.MonkeyPatch, name: str) -> LongComputation:
    computation = LongComputation(getattr(graph, name))
    monkeypatch.setattr(graph, name, computation)
    return computation


def post_in_background(client: TestClient, query: str) -> tuple[threading.Thread, list[Any]]:
    answers: list[Any] = []
    thread = threading.Thread(
        target=lambda: answers.append(client.post("/graphql", json={"query": query})),
        daemon=True,
    )
    thread.start()
    return thread, answers


@pytest.fixture
def client(synthetic_url: str) -> Iterator[TestClient]:
    with TestClient(create_app(settings_for(synthetic_url))) as test_client:
        yield test_client


def test_health_and_readiness_answer_while_an_analysis_runs(
    monkeypatch: pytest.MonkeyPatch, client: TestClient
) -> None:
    # Given a key-initiatives request whose ranking is still working
    computation = replace_step(monkeypatch, "key_initiatives")
    thread, answers = post_in_background(client, KEY_INITIATIVES)
    assert computation.started.wait(LONGEST)

    # When the probes ask
    health = client.get("/healthz")
    ready = client.get("/readyz")
    still_running = not computation.ended.is_set()
    computation.release.set()
    thread.join(LONGEST)

    # Then they were answered before the ranking ended, and the ranking still answers
    assert (health.status_code, ready.status_code) == (200, 200)
    assert still_running
    assert answers[0].status_code == 200
    assert len(answers[0].json()["data"]["keyInitiatives"]) == 3


def test_a_cheap_query_answers_while_the_schedule_is_computed(
    monkeypatch: pytest.MonkeyPatch, client: TestClient
) -> None:
    computation = replace_step(monkeypatch, "compute_schedule")
    thread, answers = post_in_background(client, CRITICAL_PATH)
    assert computation.started.wait(LONGEST)

    cheap = client.post("/graphql", json={"query": "{ reportingPeriods { code } }"})
    still_running = not computation.ended.is_set()
    computation.release.set()
    thread.join(LONGEST)

    assert cheap.status_code == 200
    assert cheap.json()["data"]["reportingPeriods"]
    assert still_running
    assert answers[0].json()["data"]["criticalPath"]["__typename"] == "CriticalPath"


def test_analyses_run_one_at_a_time_so_the_loop_competes_with_one_thread_only(
    monkeypatch: pytest.MonkeyPatch, client: TestClient
) -> None:
    # Given a ranking at work and a schedule asked for while it works
    ranking = replace_step(monkeypatch, "key_initiatives")
    schedule = replace_step(monkeypatch, "compute_schedule")
    ranking_thread, ranking_answers = post_in_background(client, KEY_INITIATIVES)
    assert ranking.started.wait(LONGEST)
    schedule_thread, schedule_answers = post_in_background(client, CRITICAL_PATH)

    # Then the schedule waits its turn, the probe is answered meanwhile, and once the
    # ranking is done the schedule runs and both answer
    health = client.get("/healthz")
    schedule_waited = not schedule.started.wait(0.5)
    ranking.release.set()
    assert schedule.started.wait(LONGEST)
    schedule.release.set()
    ranking_thread.join(LONGEST)
    schedule_thread.join(LONGEST)

    assert health.status_code == 200
    assert schedule_waited
    assert len(ranking_answers[0].json()["data"]["keyInitiatives"]) == 3
    assert schedule_answers[0].json()["data"]["criticalPath"]["__typename"] == "CriticalPath"


def test_a_timed_out_request_answers_504_and_its_computation_stops(
    monkeypatch: pytest.MonkeyPatch, synthetic_url: str
) -> None:
    # Given a service whose requests may run half a second, and a schedule that takes longer
    computation = replace_step(monkeypatch, "compute_schedule")
    app = create_app(settings_for(synthetic_url, execution_timeout_seconds=0.5))
    with TestClient(app) as client:
        # When the critical path is asked for
        response = client.post("/graphql", json={"query": CRITICAL_PATH})

        # Then the client hears 504, and the computation leaves at a cancellation point
        # instead of working on for nobody
        assert response.status_code == 504
        assert response.json()["errors"][0]["extensions"]["code"] == "TIMEOUT"
        assert computation.ended.wait(LONGEST)
        assert computation.stopped_early


def test_a_shared_propagation_stops_when_its_only_request_times_out(
    monkeypatch: pytest.MonkeyPatch, synthetic_url: str
) -> None:
    # Given a propagation (shared per data version) that takes longer than the timeout
    computation = replace_step(monkeypatch, "trace_red_status")
    app = create_app(settings_for(synthetic_url, execution_timeout_seconds=0.5))
    with TestClient(app) as client:
        # When the only request waiting for it times out
        response = client.post("/graphql", json={"query": RISK_PROPAGATION})
        assert response.status_code == 504

        # Then nobody waits, so the work stops; the next request starts it afresh
        assert computation.ended.wait(LONGEST)
        assert computation.stopped_early
        computation.release.set()
        again = client.post("/graphql", json={"query": RISK_PROPAGATION})
        assert again.json()["data"]["riskPropagation"] == {"includeRiskLevel": False}


def test_the_service_makes_full_garbage_collections_rarer_while_it_runs(
    seeded_database_url: str,
) -> None:
    before = gc.get_threshold()
    with TestClient(create_app(settings_for(seeded_database_url))):
        # A full collection walks the whole analysis holding the GIL: rarer, and never
        # over what start-up left alive.
        assert gc.get_threshold()[2] >= 10 * before[2]
        assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == before
