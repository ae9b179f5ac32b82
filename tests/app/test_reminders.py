"""Reminders of missing reports: once per initiative per round, as events and as bokmål mail.

A real SMTP server (aiosmtpd, on a port the system picks) receives the mail.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import functools
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as time_of_day
from email.message import EmailMessage
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from aiosmtpd.smtp import SMTP, Envelope, Session
from starlette.testclient import TestClient

from app.cli import main
from app.database import create_engine, create_sync_engine
from app.events import broadcaster
from app.main import create_app
from app.reminders import remind, remind_daily
from app.settings import Settings

TODAY = date.today()
DEADLINE = TODAY + timedelta(days=4)
ROUND = ("2099-1", "desember (prøve)")


# --- a real SMTP server ----------------------------------------------------------------------


@dataclass
class Mailbox:
    """What the local SMTP server received, and where it listens."""

    port: int = 0
    received: list[EmailMessage] = field(default_factory=list)

    async def handle_DATA(self, _server: SMTP, _session: Session, envelope: Envelope) -> str:
        content = envelope.content
        assert isinstance(content, bytes)
        parsed = email.message_from_bytes(content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.received.append(parsed)
        return "250 OK"


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    """An SMTP server on 127.0.0.1, on a free port, in a thread of its own."""
    box = Mailbox()
    loop = asyncio.new_event_loop()
    started = threading.Event()

    async def start() -> asyncio.Server:
        server = await loop.create_server(lambda: SMTP(box), "127.0.0.1", 0)
        box.port = server.sockets[0].getsockname()[1]
        return server

    def serve() -> None:
        asyncio.set_event_loop(loop)
        server = loop.run_until_complete(start())
        started.set()
        loop.run_forever()
        server.close()
        loop.run_until_complete(server.wait_closed())
        loop.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    assert started.wait(5), "the SMTP server did not start"
    yield box
    loop.call_soon_threadsafe(loop.stop)
    thread.join(5)


# --- a round with missing reports ------------------------------------------------------------


def _execute(database_url: str, statement: str, **parameters: Any) -> list[Any]:
    engine = create_sync_engine(Settings(database_url=database_url))
    try:
        with engine.begin() as connection:
            result = connection.execute(sa.text(statement), parameters)
            return list(result) if result.returns_rows else []
    finally:
        engine.dispose()


@pytest.fixture
def open_round(fresh_seeded_database_url: str) -> str:
    """The demo portfolio with a new round open since three days, due in four; KJ-PLO has
    reported in it already."""
    url = fresh_seeded_database_url
    _execute(
        url,
        "INSERT INTO reporting_period (code, name, opens, deadline, closed) "
        "VALUES (:code, :name, :opens, :deadline, false)",
        code=ROUND[0],
        name=ROUND[1],
        opens=TODAY - timedelta(days=3),
        deadline=DEADLINE,
    )
    _execute(
        url,
        "INSERT INTO status_report (initiative_id, period_id, revision, segment, phase, status,"
        " risk_level, main_risk_areas, dependencies_confirmed, submitted_by, submitted_at,"
        " illustrative) SELECT i.id, p.id, 1, i.segment, i.phase, 'GREEN', 'GREEN', 'Ingen.',"
        " true, 'test', :now, false FROM initiative i, reporting_period p"
        " WHERE i.code = 'KJ-PLO' AND p.code = :code",
        code=ROUND[0],
        now=datetime.now(UTC),
    )
    return url


def _missing(database_url: str) -> dict[str, str]:
    """Each ACTIVE or PAUSED initiative without a report in the round, with its owner's
    contact address."""
    rows = _execute(
        database_url,
        "SELECT i.code, o.contact_email FROM initiative i JOIN organisation o ON o.id = i.owner_id"
        " WHERE i.state IN ('ACTIVE', 'PAUSED') AND i.code <> 'KJ-PLO'",
    )
    return dict(rows)


def _run(
    database_url: str,
    arguments: list[str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    *,
    smtp_url: str | None = None,
) -> tuple[int, str, str]:
    monkeypatch.setenv("PORTFOLIO_DATABASE_URL", database_url)
    monkeypatch.delenv("PORTFOLIO_DEBUG", raising=False)
    if smtp_url is None:
        monkeypatch.delenv("PORTFOLIO_SMTP_URL", raising=False)
    else:
        monkeypatch.setenv("PORTFOLIO_SMTP_URL", smtp_url)
    exit_code = main(arguments)
    captured = capsys.readouterr()
    return exit_code, captured.out, captured.err


# --- the command -----------------------------------------------------------------------------


def test_remind_mails_each_missing_initiative_once_in_bokmal(
    open_round: str,
    mailbox: Mailbox,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    missing = _missing(open_round)
    smtp = f"smtp://127.0.0.1:{mailbox.port}"

    first = _run(open_round, ["remind"], monkeypatch, capsys, smtp_url=smtp)

    assert first[0] == 0, first[2]
    assert len(mailbox.received) == len(missing) > 10
    subjects = {mail["Subject"] for mail in mailbox.received}
    assert all(ROUND[1] in subject for subject in subjects)
    by_code = {
        code: mail for mail in mailbox.received for code in missing if code in mail["Subject"]
    }
    assert set(by_code) == set(missing)
    assert all(by_code[code]["To"] == missing[code] for code in missing)
    assert "KJ-PLO" not in " ".join(subjects)
    deadline = f"{DEADLINE.day}. "
    pll = by_code["PLL"]
    body = pll.get_content()
    assert pll["Subject"].startswith("Påminnelse: statusrapporten for PLL")
    assert f"rapporteringsrunden «{ROUND[1]}»" in body
    assert f"Fristen er {deadline}" in body
    assert "Samstyre" in body
    assert "nytteforutsetninger" in body
    assert "om de registrerte avhengighetene er riktige" in by_code["SFM-UTV"].get_content()
    assert f"{len(missing)} reminded" in first[1]

    second = _run(open_round, ["remind"], monkeypatch, capsys, smtp_url=smtp)

    assert second[0] == 0, second[2]
    assert len(mailbox.received) == len(missing)
    assert "0 reminded" in second[1]


def test_remind_stores_one_report_missing_event_per_initiative(
    open_round: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = _missing(open_round)

    for _ in range(2):
        exit_code, _out, error = _run(
            open_round, ["remind", "--period", ROUND[0]], monkeypatch, capsys
        )
        assert exit_code == 0, error

    rows = _execute(open_round, "SELECT payload FROM event WHERE kind = 'ReportMissing'")
    # PostgreSQL's driver decodes JSON; SQLite's gives its text.
    payloads = [row[0] if isinstance(row[0], dict) else json.loads(row[0]) for row in rows]
    assert sorted(payload["initiative_code"] for payload in payloads) == sorted(missing)
    pll = next(payload for payload in payloads if payload["initiative_code"] == "PLL")
    assert pll["period_code"] == ROUND[0]
    assert pll["deadline"] == DEADLINE.isoformat()
    assert pll["segment"] == "CO_GOVERN"
    assert (
        pll["cause"] == f"no report in {ROUND[0]}; the deadline {DEADLINE.isoformat()} is in 4 days"
    )
    reminded = _execute(open_round, "SELECT count(*) FROM sent_reminder")
    assert reminded[0][0] == len(missing)


def test_nobody_is_reminded_while_the_deadline_is_further_away_than_days_before(
    open_round: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    exit_code, out, error = _run(open_round, ["remind", "--days-before", "3"], monkeypatch, capsys)

    assert exit_code == 0, error
    assert "4 days away" in out
    assert _execute(open_round, "SELECT count(*) FROM sent_reminder")[0][0] == 0


@pytest.mark.parametrize(
    ("arguments", "smtp_url", "said"),
    [
        (["remind", "--period", "NOPE"], None, "there is no reporting period 'NOPE'"),
        (["remind", "--period", "2026-1"], None, "reporting period 2026-1 is closed"),
        (["remind", "--days-before", "-1"], None, "--days-before must be 0 or more"),
        (["remind"], "http://127.0.0.1:25", "PORTFOLIO_SMTP_URL must start with smtp://"),
    ],
    ids=["unknown-period", "closed-period", "negative-days", "bad-smtp-url"],
)
def test_remind_mistakes_say_one_line(
    open_round: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    arguments: list[str],
    smtp_url: str | None,
    said: str,
) -> None:
    exit_code, _out, error = _run(open_round, arguments, monkeypatch, capsys, smtp_url=smtp_url)

    (line,) = error.splitlines()
    assert exit_code == 1
    assert line.startswith("portfolio: ")
    assert said in line
    assert "Traceback" not in error
    assert _execute(open_round, "SELECT count(*) FROM sent_reminder")[0][0] == 0


def test_a_mail_server_that_is_down_is_named_and_the_reminder_still_stands(
    open_round: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    exit_code, out, error = _run(
        open_round, ["remind"], monkeypatch, capsys, smtp_url="smtp://127.0.0.1:9"
    )

    (line,) = error.splitlines()
    assert exit_code == 1
    assert line.startswith("portfolio: ")
    assert "reminders were not mailed" in line
    assert "not mailed" in out
    assert _execute(open_round, "SELECT count(*) FROM sent_reminder")[0][0] == len(
        _missing(open_round)
    )


# --- exactly once, from several workers ------------------------------------------------------


async def test_rounds_run_at_once_remind_each_initiative_once(open_round: str) -> None:
    engines = [create_engine(Settings(database_url=open_round)) for _ in range(3)]
    try:
        rounds = await asyncio.gather(
            *(remind(engine, today=TODAY, days_before=7) for engine in engines)
        )
    finally:
        for engine in engines:
            await engine.dispose()

    reminded = [reminder.initiative_code for found in rounds for reminder in found.reminders]
    assert sorted(reminded) == sorted(_missing(open_round))


# --- the daily run ---------------------------------------------------------------------------


async def test_the_daily_run_waits_for_its_hour_then_reminds(
    open_round: str, mailbox: Mailbox
) -> None:
    settings = Settings(
        database_url=open_round,
        smtp_url=f"smtp://127.0.0.1:{mailbox.port}",
        remind_daily_at="07:30",
    )
    now = datetime.combine(TODAY, time_of_day(7, 0), tzinfo=ZoneInfo("Europe/Oslo"))
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)
        if len(waits) > 1:
            raise asyncio.CancelledError  # the service stops after the first run

    engine = create_engine(settings)
    try:
        with pytest.raises(asyncio.CancelledError):
            await remind_daily(
                engine,
                settings,
                clock=lambda: now,
                sleep=sleep,
            )
    finally:
        await engine.dispose()

    # At 07:00 in Oslo the run waits half an hour for 07:30, then reminds.
    assert waits[0] == 30 * 60
    assert len(mailbox.received) == len(_missing(open_round))


# --- the subscription ------------------------------------------------------------------------

SUBSCRIBE = """
subscription Missing($owner: String) {
  reportMissing(owner: $owner) {
    initiativeCode periodCode deadline segment cause
    initiative { code name }
    owner { code contactEmail }
  }
}
"""


def test_report_missing_is_pushed_to_subscribers(open_round: str) -> None:
    app = create_app(Settings(database_url=open_round))
    with (
        TestClient(app) as http,
        http.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws,
    ):
        ws.send_json({"type": "connection_init"})
        assert ws.receive_json()["type"] == "connection_ack"
        ws.send_json(
            {
                "id": "1",
                "type": "subscribe",
                "payload": {"query": SUBSCRIBE, "variables": {"owner": "HMN"}},
            }
        )
        _wait_for_subscribers(1)

        http.portal.call(functools.partial(remind, app.state.engine, today=TODAY, days_before=7))
        event = ws.receive_json()["payload"]["data"]["reportMissing"]
        ws.send_json({"id": "1", "type": "complete"})

    assert event == {
        "initiativeCode": "HP",
        "periodCode": ROUND[0],
        "deadline": DEADLINE.isoformat(),
        "segment": "COORDINATE",
        "cause": f"no report in {ROUND[0]}; the deadline {DEADLINE.isoformat()} is in 4 days",
        "initiative": {"code": "HP", "name": "Helseplattformen"},
        "owner": {"code": "HMN", "contactEmail": "postmottak@helse-midt.no"},
    }


def _wait_for_subscribers(count: int) -> None:
    deadline = time.monotonic() + 5
    while broadcaster.subscriber_count < count:
        assert time.monotonic() < deadline, "the subscription never started"
        time.sleep(0.01)


def test_the_service_runs_the_daily_round_only_when_asked(seeded_database_url: str) -> None:
    async def task_names() -> set[str]:
        return {task.get_name() for task in asyncio.all_tasks()}

    with TestClient(create_app(Settings(database_url=seeded_database_url))) as http:
        assert "daily-reminders" not in http.portal.call(task_names)
    daily = Settings(database_url=seeded_database_url, remind_daily_at="07:30")
    with TestClient(create_app(daily)) as http:
        assert "daily-reminders" in http.portal.call(task_names)


def test_a_mistyped_daily_hour_stops_the_service_at_start(seeded_database_url: str) -> None:
    with pytest.raises(ValueError, match=r"PORTFOLIO_REMIND_DAILY_AT must be .* HH:MM"):
        create_app(Settings(database_url=seeded_database_url, remind_daily_at="7.30"))
