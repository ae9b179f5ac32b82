"""Reporting rounds: revisions, closed periods, summary, trend, council, economics, live events."""

from __future__ import annotations

import time
from typing import Any

from app.events import broadcaster
from tests.conftest import Callers
from tests.schema.writes import (
    CLOSE_PERIOD,
    COORDINATE_REPORT,
    OPEN_PERIOD,
    RECORD_DECISION,
    SUBMIT,
    UPSERT_DELIVERY,
)

REPORTS = """
query Reports($code: String!) {
  initiative(code: $code) {
    status
    reports(includeRevisions: true) { periodCode revision status statusReason }
  }
}
"""

ECONOMICS = """
query Economics($code: String!) {
  initiative(code: $code) {
    latestReport { status investmentNok annualOperatingCostNok benefits benefitPrerequisites }
  }
}
"""

VIEWER = """
query Viewer($code: String!) {
  viewer { role name canWrite canReadEconomics canReadAudit organisation { code } }
  initiative(code: $code) { viewerCanReport viewerCanEdit }
}
"""

SUMMARY = """
query Summary($period: String) {
  portfolioSummary(period: $period) {
    period { code }
    previousPeriod { code }
    initiativeCount
    byStatus { key label count }
    bySegment { key count }
    byOwner { key label count }
    missingReports { code }
    improved { initiative { code } previousStatus status }
    worsened { initiative { code } previousStatus status }
    newlyRed { initiative { code } previousStatus status }
    deliveriesDueBefore
    deliveriesDue { code }
    slippedDeliveries { code slipDays }
    goalCoverage { goal { number } mainGoalCount supportingGoalCount }
    sdgCoverage { goal { number } initiativeCount }
  }
}
"""

TREND = """
query Trend($code: String!, $periods: Int!) {
  initiative(code: $code) { statusTrend(periods: $periods) { period { code } status reported } }
}
"""

DECISIONS = """
query Decisions($code: String!) {
  initiative(code: $code) { segment decisions { council kind summary newSegment } }
  councilMeetings { code council date decisions { initiative { code } } }
}
"""

REPORT_SEGMENTS = """
query ReportSegments($code: String!) { initiative(code: $code) { segment reports { segment } } }
"""

SUBSCRIBE = """
subscription Submitted($initiative: String) {
  statusReportSubmitted(initiative: $initiative) {
    initiativeCode periodCode revision status previousStatus
    report { revision statusReason }
  }
}
"""

STATUS_CHANGED = """
subscription Changed { statusChanged { initiativeCode previousStatus status } }
"""


def _submit(callers: Callers, report: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = callers.admin.data(SUBMIT, {"input": report})["submitStatusReport"]
    return result


# --- revisions and periods ------------------------------------------------------------------------


def test_resubmission_adds_a_revision_and_keeps_the_first(callers: Callers) -> None:
    first = _submit(callers, COORDINATE_REPORT)
    second = _submit(
        callers, {**COORDINATE_REPORT, "status": "YELLOW", "statusReason": "Forsinket pilot."}
    )

    assert second["report"]["revision"] == first["report"]["revision"] + 1
    reports = callers.anonymous.data(REPORTS, {"code": "KJ-PLO"})["initiative"]
    in_period = [item for item in reports["reports"] if item["periodCode"] == "2026-2"]
    assert [item["revision"] for item in in_period][:2] == [
        second["report"]["revision"],
        first["report"]["revision"],
    ]
    assert reports["status"] == "YELLOW"


def test_report_into_a_closed_period_is_refused(callers: Callers) -> None:
    result = _submit(callers, {**COORDINATE_REPORT, "period": "2026-1"})
    assert result["__typename"] == "ValidationError"
    assert [problem["field"] for problem in result["problems"]] == ["period"]


def test_closing_a_period_makes_it_read_only(callers: Callers) -> None:
    closed = callers.admin.data(CLOSE_PERIOD, {"code": "2026-2"})["closeReportingPeriod"]
    assert closed["period"]["closed"] is True
    assert _submit(callers, COORDINATE_REPORT)["__typename"] == "ValidationError"


def test_report_into_a_period_that_has_not_opened_is_refused(callers: Callers) -> None:
    period = {"code": "2099-1", "name": "januar 2099", "opens": "2099-01-05"}
    period["deadline"] = "2099-01-23"
    callers.admin.data(OPEN_PERIOD, {"input": period})
    result = _submit(callers, {**COORDINATE_REPORT, "period": "2099-1"})
    assert [problem["field"] for problem in result["problems"]] == ["period"]


def test_report_names_its_submitter_and_the_segment_at_the_time(callers: Callers) -> None:
    reporter = callers.as_role("REPORTER", "HDIR")
    result = reporter.data(SUBMIT, {"input": COORDINATE_REPORT})["submitStatusReport"]
    assert result["report"]["submittedBy"].startswith("reporter-HDIR")
    assert result["report"]["segment"] == "COORDINATE"


# --- access to economics and the viewer -----------------------------------------------------------


def test_anonymous_callers_do_not_see_economics(callers: Callers) -> None:
    report = callers.anonymous.data(ECONOMICS, {"code": "PLL"})["initiative"]["latestReport"]
    assert report["status"] is not None
    assert [report[key] for key in report if key != "status"] == [None, None, None, None]


def test_readers_see_economics(callers: Callers) -> None:
    reader = callers.as_role("READER")
    report = reader.data(ECONOMICS, {"code": "PLL"})["initiative"]["latestReport"]
    assert report["investmentNok"] is not None
    assert report["benefits"]


def test_viewer_tells_a_reporter_what_it_may_do(callers: Callers) -> None:
    reporter = callers.as_role("REPORTER", "HDIR")
    own = reporter.data(VIEWER, {"code": "PLL"})
    other = reporter.data(VIEWER, {"code": "HP"})

    assert own["viewer"]["role"] == "REPORTER"
    assert own["viewer"]["organisation"] == {"code": "HDIR"}
    assert (own["viewer"]["canWrite"], own["viewer"]["canReadAudit"]) == (True, False)
    assert own["initiative"] == {"viewerCanReport": True, "viewerCanEdit": True}
    assert other["initiative"] == {"viewerCanReport": False, "viewerCanEdit": False}


def test_viewer_of_an_anonymous_caller_may_do_nothing(callers: Callers) -> None:
    body = callers.anonymous.data(VIEWER, {"code": "PLL"})
    assert body["viewer"]["role"] is None
    assert body["viewer"]["canWrite"] is False
    assert body["viewer"]["canReadEconomics"] is False
    assert body["initiative"] == {"viewerCanReport": False, "viewerCanEdit": False}


# --- follow-up: summary and trend -----------------------------------------------------------------


def test_summary_counts_the_admitted_portfolio(callers: Callers) -> None:
    summary = callers.anonymous.data(SUMMARY)["portfolioSummary"]
    assert summary["period"]["code"] == "2026-2"
    assert summary["previousPeriod"]["code"] == "2026-1"
    assert summary["initiativeCount"] == 22
    assert sum(item["count"] for item in summary["byStatus"]) == 22
    assert sum(item["count"] for item in summary["bySegment"]) == 22
    owners = {item["key"]: item for item in summary["byOwner"]}
    assert owners["HDIR"]["label"] == "Helsedirektoratet"
    goals = {item["goal"]["number"]: item["mainGoalCount"] for item in summary["goalCoverage"]}
    assert sum(goals.values()) == 22
    assert {item["goal"]["number"] for item in summary["sdgCoverage"]} == {3, 9, 10, 17}


def test_summary_lists_slipped_deliveries_most_slipped_first(callers: Callers) -> None:
    slipped = callers.anonymous.data(SUMMARY)["portfolioSummary"]["slippedDeliveries"]
    assert slipped
    days = [item["slipDays"] for item in slipped]
    assert days == sorted(days, reverse=True)
    assert all(day > 0 for day in days)


def test_summary_lists_deliveries_due_before_the_next_period(callers: Callers) -> None:
    delivery = {
        "initiative": "PLL",
        "code": "PLL-SNART",
        "name": "Snart",
        "baselineDate": "2026-04-01",
        "forecastDate": "2026-05-01",
    }
    callers.admin.data(UPSERT_DELIVERY, {"input": delivery})
    summary = callers.anonymous.data(SUMMARY)["portfolioSummary"]
    assert "PLL-SNART" in {item["code"] for item in summary["deliveriesDue"]}
    assert "PLL-SNART" in {item["code"] for item in summary["slippedDeliveries"]}


def test_summary_shows_missing_reports_and_changes_in_a_new_round(callers: Callers) -> None:
    callers.admin.data(
        OPEN_PERIOD,
        {
            "input": {
                "code": "2026-3",
                "name": "mai",
                "opens": "2026-05-04",
                "deadline": "2026-05-22",
            }
        },
    )
    red = {
        **COORDINATE_REPORT,
        "period": "2026-3",
        "status": "RED",
        "statusReason": "Leverandøren har stanset.",
    }
    _submit(callers, red)

    summary = callers.anonymous.data(SUMMARY, {"period": "2026-3"})["portfolioSummary"]

    missing = {item["code"] for item in summary["missingReports"]}
    assert "KJ-PLO" not in missing
    assert "PLL" in missing
    newly_red = {item["initiative"]["code"]: item for item in summary["newlyRed"]}
    assert newly_red["KJ-PLO"]["previousStatus"] == "GREEN"
    assert "KJ-PLO" in {item["initiative"]["code"] for item in summary["worsened"]}


def test_status_trend_lists_the_last_periods_oldest_first(callers: Callers) -> None:
    trend = callers.anonymous.data(TREND, {"code": "HP", "periods": 3})["initiative"]["statusTrend"]
    assert [point["period"]["code"] for point in trend] == ["2025-2", "2026-1", "2026-2"]
    assert all(point["status"] for point in trend)


def test_status_trend_rejects_a_silly_number_of_periods(callers: Callers) -> None:
    body = callers.anonymous.execute(TREND, {"code": "HP", "periods": 0})
    assert body["errors"][0]["extensions"]["argument"] == "periods"


# --- council decisions ----------------------------------------------------------------------------


def test_council_reprioritisation_is_logged_and_applied(callers: Callers) -> None:
    decision = {
        "council": "E_HEALTH_COUNCIL",
        "meetingDate": "2026-06-10",
        "initiative": "KULE",
        "kind": "REPRIORITISATION",
        "summary": "Løftes til koordinering: avhenger av SFM.",
        "newSegment": "COORDINATE",
    }
    result = callers.admin.data(RECORD_DECISION, {"input": decision})["recordCouncilDecision"]
    assert result["decision"]["meetingCode"] == "E_HEALTH_COUNCIL-2026-06-10"

    body = callers.anonymous.data(DECISIONS, {"code": "KULE"})
    assert body["initiative"]["segment"] == "COORDINATE"
    assert body["initiative"]["decisions"][0]["kind"] == "REPRIORITISATION"
    assert body["councilMeetings"][0]["decisions"][0]["initiative"]["code"] == "KULE"


def test_later_segment_change_never_rewrites_old_reports(callers: Callers) -> None:
    decision = {
        "council": "NUIT",
        "meetingDate": "2026-06-10",
        "initiative": "KULE",
        "kind": "REPRIORITISATION",
        "summary": "Samstyres fra nå.",
        "newSegment": "CO_GOVERN",
    }
    callers.admin.data(RECORD_DECISION, {"input": decision})
    reports = callers.as_role("READER").data(REPORT_SEGMENTS, {"code": "KULE"})["initiative"]
    assert reports["segment"] == "CO_GOVERN"
    reports = reports["reports"]
    assert {report["segment"] for report in reports} == {"OBSERVE"}


# --- subscriptions --------------------------------------------------------------------------------


def _wait_for_subscribers(count: int) -> None:
    deadline = time.monotonic() + 5
    while broadcaster.subscriber_count < count:
        assert time.monotonic() < deadline, "the subscription never started"
        time.sleep(0.01)


def _complete(ws: Any, operation_id: str) -> None:
    """End the subscription and wait until the server has let go of it, then disconnect."""
    ws.send_json({"id": operation_id, "type": "complete"})
    deadline = time.monotonic() + 5
    while broadcaster.subscriber_count > 0:
        assert time.monotonic() < deadline, "the subscription never ended"
        time.sleep(0.01)


def test_subscription_receives_a_submitted_report(callers: Callers) -> None:
    with callers.http.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        ws.send_json({"type": "connection_init"})
        assert ws.receive_json()["type"] == "connection_ack"
        ws.send_json(
            {
                "id": "1",
                "type": "subscribe",
                "payload": {"query": SUBSCRIBE, "variables": {"initiative": "KJ-PLO"}},
            }
        )
        _wait_for_subscribers(1)

        _submit(callers, {**COORDINATE_REPORT, "status": "YELLOW", "statusReason": "Pilot."})

        message = ws.receive_json()
        assert message["type"] == "next"
        event = message["payload"]["data"]["statusReportSubmitted"]
        assert event["initiativeCode"] == "KJ-PLO"
        assert (event["previousStatus"], event["status"]) == ("GREEN", "YELLOW")
        assert event["report"]["statusReason"] == "Pilot."
        _complete(ws, "1")


SUBSCRIBE_PROPAGATION = """
subscription Propagation($initiative: String) {
  statusReportSubmitted(initiative: $initiative) {
    status
    initiative {
      downstream(maxDepth: 1) {
        node { ... on Initiative { code propagatedRisk { level sourceCodes } } }
      }
    }
  }
}
"""


def test_each_event_reads_the_analysis_of_the_data_it_reports(callers: Callers) -> None:
    # SFM-UTV (COORDINATE) supplies PLL with a HIGH dependency.
    report = {
        "initiative": "SFM-UTV",
        "status": "GREEN",
        "riskLevel": "GREEN",
        "mainRiskAreas": "Utprøving i kommunene.",
        "dependenciesConfirmed": True,
    }
    with callers.http.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        ws.send_json({"type": "connection_init"})
        assert ws.receive_json()["type"] == "connection_ack"
        ws.send_json(
            {
                "id": "1",
                "type": "subscribe",
                "payload": {
                    "query": SUBSCRIBE_PROPAGATION,
                    "variables": {"initiative": "SFM-UTV"},
                },
            }
        )
        _wait_for_subscribers(1)

        _submit(callers, report)
        green = ws.receive_json()["payload"]["data"]["statusReportSubmitted"]
        _submit(callers, {**report, "status": "RED", "statusReason": "Stans."})
        red = ws.receive_json()["payload"]["data"]["statusReportSubmitted"]
        _complete(ws, "1")

    def pll(event: dict[str, Any]) -> Any:
        nodes = [chain["node"] for chain in event["initiative"]["downstream"]]
        return next(node for node in nodes if node.get("code") == "PLL")["propagatedRisk"]

    assert (green["status"], pll(green)) == ("GREEN", None)
    assert (red["status"], pll(red)) == ("RED", {"level": "RED", "sourceCodes": ["SFM-UTV"]})


def test_status_changed_skips_reports_that_keep_the_status(callers: Callers) -> None:
    with callers.http.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        ws.send_json({"type": "connection_init"})
        assert ws.receive_json()["type"] == "connection_ack"
        ws.send_json({"id": "1", "type": "subscribe", "payload": {"query": STATUS_CHANGED}})
        _wait_for_subscribers(1)

        _submit(callers, COORDINATE_REPORT)  # GREEN stays GREEN
        _submit(callers, {**COORDINATE_REPORT, "status": "RED", "statusReason": "Stans."})

        event = ws.receive_json()["payload"]["data"]["statusChanged"]
        assert event == {"initiativeCode": "KJ-PLO", "previousStatus": "GREEN", "status": "RED"}
        _complete(ws, "1")


ECONOMICS_SUBSCRIBE = """
subscription { statusReportSubmitted { report { investmentNok } } }
"""


def _first_economics_event(callers: Callers, connection_init: dict[str, Any]) -> Any:
    with callers.http.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        ws.send_json(connection_init)
        assert ws.receive_json()["type"] == "connection_ack"
        ws.send_json({"id": "1", "type": "subscribe", "payload": {"query": ECONOMICS_SUBSCRIBE}})
        _wait_for_subscribers(1)

        _submit(callers, {**COORDINATE_REPORT, "investmentNok": 12_000_000})

        event = ws.receive_json()["payload"]["data"]["statusReportSubmitted"]
        _complete(ws, "1")
    return event["report"]["investmentNok"]


def test_a_token_sent_in_connection_init_is_the_subscriber_s_identity(callers: Callers) -> None:
    reader = callers.as_role("READER")
    bearer = {"type": "connection_init", "payload": {"Authorization": f"Bearer {reader.token}"}}

    assert _first_economics_event(callers, {"type": "connection_init"}) is None
    assert _first_economics_event(callers, bearer) == 12_000_000


def test_an_unknown_token_in_connection_init_closes_the_connection(callers: Callers) -> None:
    with callers.http.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        ws.send_json({"type": "connection_init", "payload": {"Authorization": "Bearer nope"}})

        closed = ws.receive()

    assert closed == {"type": "websocket.close", "code": 4403, "reason": "Forbidden"}
