"""Reminders of missing reports (*purring*): once per initiative per round, as an event and
optionally by e-mail.

A reminder round picks the open reporting round, and — once its deadline is at most
``days_before`` days away — finds every ACTIVE or PAUSED initiative without a report in
it that has not been reminded yet. For each it records a ``sent_reminder`` row and stores
a :class:`~app.events.ReportMissing` event in one write (``run_write``), so the event
reaches subscribers like any other; the row's unique key (initiative, round) and the
write lock make it exactly once, however many workers or commands run at the same time.
After the write has committed, the owners' organisations are mailed in bokmål (when
``PORTFOLIO_SMTP_URL`` is set): at most once, since a mail that fails is reported, not
retried.

``portfolio remind`` runs one round (``app/cli.py``); ``PORTFOLIO_REMIND_DAILY_AT`` runs
one every day inside the service (:func:`remind_daily`, started by ``app/main.py``).
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from email.message import EmailMessage
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import aiosmtplib
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from app import models, repository
from app.domain import LABELS, Segment
from app.events import ReportMissing, broadcaster, delivers_locally, store_event
from app.mail import SmtpServer, compose, send
from app.messages import BOKMAL, message
from app.repository import Row
from app.settings import Settings
from app.tables import reminder_table
from app.writes import after_commit, run_write

logger = logging.getLogger("portfolio.reminders")

MONTHS = (
    "januar", "februar", "mars", "april", "mai", "juni",
    "juli", "august", "september", "oktober", "november", "desember",
)  # fmt: skip


def norwegian_time_zone() -> ZoneInfo:
    """Norway's time zone, in which the daily run's hour is given (UTC without tz data)."""
    try:
        return ZoneInfo("Europe/Oslo")
    except ZoneInfoNotFoundError:  # a system without time-zone data
        return ZoneInfo("UTC")


class RemindError(Exception):
    """The round cannot be reminded of; the message says why in one line."""


@dataclass(frozen=True, slots=True)
class Reminder:
    """One initiative reminded of its missing report in one round."""

    initiative_id: int
    initiative_code: str
    initiative_name: str
    segment: Segment
    owner_id: int
    owner_name: str
    email: str | None
    """The owner's contact address, when the reminder is mailed."""
    period_code: str
    period_name: str
    deadline: date
    cause: str


@dataclass(frozen=True, slots=True)
class RemindRound:
    """What a reminder round did: the round, how far its deadline is, whom it reminded."""

    period_code: str
    period_name: str
    deadline: date
    days_left: int
    due: bool
    """False when the deadline is more than ``days_before`` days away: nobody was reminded."""
    reminders: tuple[Reminder, ...] = ()


def norwegian_date(day: date) -> str:
    """``day`` as bokmål writes it.

    >>> norwegian_date(date(2026, 4, 10))
    '10. april 2026'
    """
    return f"{day.day}. {MONTHS[day.month - 1]} {day.year}"


def choose_period(periods: Sequence[Row], *, code: str | None, today: date) -> Row:
    """The round to remind of: ``code``, or the current one; it must be open today."""
    if code is not None:
        period = next((row for row in periods if row.code == code), None)
        if period is None:
            known = ", ".join(row.code for row in periods) or "none"
            raise RemindError(f"there is no reporting period {code!r} (known: {known})")
    else:
        period = repository.pick_current_period(periods, today=today)
        if period is None:
            raise RemindError("there is no reporting period yet; open one first")
    if period.closed:
        raise RemindError(f"reporting period {period.code} is closed; nobody can report in it")
    if period.opens > today:
        raise RemindError(
            f"reporting period {period.code} opens on {period.opens.isoformat()}; "
            "remind once it is open"
        )
    return period


def cause_of(period_code: str, *, deadline: date, today: date) -> str:
    """Why an initiative is reminded, in a few words.

    >>> cause_of("2026-2", deadline=date(2026, 4, 10), today=date(2026, 4, 7))
    'no report in 2026-2; the deadline 2026-04-10 is in 3 days'
    """
    days = (deadline - today).days
    if days > 0:
        when = f"is in {days} day{'s' if days != 1 else ''}"
    elif days == 0:
        when = "is today"
    else:
        when = f"passed {-days} day{'s' if days != -1 else ''} ago"
    return f"no report in {period_code}; the deadline {deadline.isoformat()} {when}"


async def remind(
    engine: AsyncEngine,
    *,
    code: str | None = None,
    today: date,
    days_before: int,
    mailing: bool = False,
) -> RemindRound:
    """Remind every initiative still missing its report in the round ``code`` (default:
    the current one), once; raises ``RemindError`` when the round is not open."""
    async with engine.connect() as connection:
        periods = await repository.list_reporting_periods(connection)
    period = choose_period(periods, code=code, today=today)
    days_left = (period.deadline - today).days
    found = RemindRound(
        period_code=period.code,
        period_name=period.name,
        deadline=period.deadline,
        days_left=days_left,
        due=days_left <= days_before,
    )
    if not found.due:
        return found

    async def record(connection: AsyncConnection) -> tuple[Reminder, ...]:
        return await _record_reminders(connection, period, today=today, mailing=mailing)

    reminders = await run_write(engine, record)
    assert isinstance(reminders, tuple)  # the work refuses nothing
    return replace(found, reminders=reminders)


async def _record_reminders(
    connection: AsyncConnection, period: Row, *, today: date, mailing: bool
) -> tuple[Reminder, ...]:
    sent: list[Reminder] = []
    for row in await repository.unreminded_missing_reports(connection, period_id=period.id):
        email = row.contact_email if mailing else None
        if not await _claim(connection, initiative_id=row.id, period_id=period.id, email=email):
            continue  # another worker reminded it a moment ago
        reminder = Reminder(
            initiative_id=row.id,
            initiative_code=row.code,
            initiative_name=row.name,
            segment=Segment(row.segment or Segment.OBSERVE),
            owner_id=row.owner_id,
            owner_name=row.owner_name,
            email=email,
            period_code=period.code,
            period_name=period.name,
            deadline=period.deadline,
            cause=cause_of(period.code, deadline=period.deadline, today=today),
        )
        event = ReportMissing(
            initiative_id=reminder.initiative_id,
            initiative_code=reminder.initiative_code,
            owner_id=reminder.owner_id,
            period_code=reminder.period_code,
            deadline=reminder.deadline.isoformat(),
            segment=reminder.segment.value,
            cause=reminder.cause,
        )
        await store_event(connection, event)
        if delivers_locally(connection):
            after_commit(functools.partial(broadcaster.publish, event))
        sent.append(reminder)
    return tuple(sent)


async def _claim(
    connection: AsyncConnection, *, initiative_id: int, period_id: int, email: str | None
) -> bool:
    """Record the reminder of an initiative in a round; False when one is recorded already."""
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(reminder_table)
        .values(
            initiative_id=initiative_id,
            period_id=period_id,
            sent_at=models.utcnow(),
            email=email,
        )
        .on_conflict_do_nothing(index_elements=["initiative_id", "period_id"])
        .returning(reminder_table.c.id)
    )
    return (await connection.scalar(statement)) is not None


# --- e-mail ---------------------------------------------------------------------------------


def reminder_mail(reminder: Reminder, *, sender: str, public_url: str | None) -> EmailMessage:
    """The reminder as a mail in bokmål: the round, the deadline and what the segment reports."""
    assert reminder.email is not None
    deadline = norwegian_date(reminder.deadline)
    where = (
        message("reminder.where", url=f"{public_url.rstrip('/')}/dashboard/rapportering")
        if public_url
        else message("reminder.where_relative")
    )
    body = message(
        "reminder.body",
        owner=reminder.owner_name,
        code=reminder.initiative_code,
        name=reminder.initiative_name,
        round=reminder.period_name,
        deadline=deadline,
        segment=LABELS[Segment][reminder.segment.value],
        duty=message(f"reminder.duty.{reminder.segment.value}"),
        where=where,
    )
    subject = message(
        "reminder.subject",
        code=reminder.initiative_code,
        round=reminder.period_name,
        deadline=deadline,
    )
    return compose(
        sender=sender,
        recipient=reminder.email,
        subject=subject.render(BOKMAL),
        body=body.render(BOKMAL),
    )


async def mail_reminders(
    settings: Settings, reminders: Sequence[Reminder]
) -> list[tuple[Reminder, str | None]]:
    """Mail each reminder that has an address; each with None, or why it was not mailed."""
    if settings.smtp_url is None:
        return [(reminder, "no PORTFOLIO_SMTP_URL") for reminder in reminders]
    server = SmtpServer.from_url(settings.smtp_url)
    outcomes: list[tuple[Reminder, str | None]] = []
    for reminder in reminders:
        if reminder.email is None:
            outcomes.append((reminder, "the owner has no contact address"))
            continue
        mail = reminder_mail(reminder, sender=settings.mail_from, public_url=settings.public_url)
        try:
            await send(server, mail)
        except (aiosmtplib.SMTPException, OSError) as error:
            logger.warning("reminder to %s not mailed: %s", reminder.email, error)
            outcomes.append((reminder, f"{type(error).__name__}: {error}"))
        else:
            outcomes.append((reminder, None))
    return outcomes


async def remind_and_mail(
    engine: AsyncEngine, settings: Settings, *, code: str | None, today: date, days_before: int
) -> tuple[RemindRound, list[tuple[Reminder, str | None]]]:
    """One reminder round, then its mail (when ``PORTFOLIO_SMTP_URL`` is set)."""
    if settings.smtp_url is not None:
        SmtpServer.from_url(settings.smtp_url)  # a bad URL fails before anything is recorded
    found = await remind(
        engine,
        code=code,
        today=today,
        days_before=days_before,
        mailing=settings.smtp_url is not None,
    )
    mailed = await mail_reminders(settings, found.reminders) if settings.smtp_url else []
    return found, mailed


# --- the daily run --------------------------------------------------------------------------


def daily_time(text: str) -> time:
    """``HH:MM`` as a time of day; ``ValueError`` with a one-line reason otherwise.

    >>> daily_time("07:30")
    datetime.time(7, 30)
    """
    hours, separator, minutes = text.strip().partition(":")
    try:
        if not separator or len(minutes) != 2:
            raise ValueError(text)
        return time(int(hours), int(minutes))
    except ValueError:
        raise ValueError(
            f"PORTFOLIO_REMIND_DAILY_AT must be a time of day as HH:MM, e.g. 07:30; got {text!r}"
        ) from None


def next_run(now: datetime, at: time, zone: ZoneInfo) -> datetime:
    """The first moment after ``now`` when the clock in ``zone`` shows ``at``.

    >>> oslo = ZoneInfo("Europe/Oslo")
    >>> next_run(datetime(2026, 4, 7, 5, 0, tzinfo=UTC), time(7, 30), oslo).isoformat()
    '2026-04-07T07:30:00+02:00'
    >>> next_run(datetime(2026, 4, 7, 6, 0, tzinfo=UTC), time(7, 30), oslo).isoformat()
    '2026-04-08T07:30:00+02:00'
    """
    local = now.astimezone(zone)
    candidate = datetime.combine(local.date(), at, tzinfo=zone)
    if candidate <= local:
        candidate = datetime.combine(local.date() + timedelta(days=1), at, tzinfo=zone)
    return candidate


async def remind_daily(
    engine: AsyncEngine,
    settings: Settings,
    *,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> None:
    """Run a reminder round every day at ``PORTFOLIO_REMIND_DAILY_AT``, until cancelled.

    Every worker runs it; the reminders themselves are exactly once (see the module).
    A round that fails is logged, and the next day's runs as usual.
    """
    assert settings.remind_daily_at is not None
    at, zone = daily_time(settings.remind_daily_at), norwegian_time_zone()
    while True:
        due = next_run(clock(), at, zone)
        await sleep(max((due - clock()).total_seconds(), 0.0))
        try:
            found, mailed = await remind_and_mail(
                engine,
                settings,
                code=None,
                today=due.date(),
                days_before=settings.remind_days_before,
            )
        except RemindError as reason:
            logger.info("no reminders today: %s", reason)
            continue
        except Exception:  # the service stays up; tomorrow is another run
            logger.exception("the daily reminder round failed")
            continue
        failed = sum(1 for _, problem in mailed if problem is not None)
        logger.info(
            "reminded %d initiatives of round %s (%d not mailed)",
            len(found.reminders),
            found.period_code,
            failed,
        )
