"""``portfolio remind``: one reminder round, said line by line."""

from __future__ import annotations

import argparse
import asyncio
from datetime import date

from app.database import create_engine
from app.mail import MailSetupError
from app.reminders import Reminder, RemindError, RemindRound, remind_and_mail
from app.settings import Settings


def run_remind(arguments: argparse.Namespace, settings: Settings) -> str | None:
    """Run one round and print whom it reminded; the one-line refusal, or None when done."""

    async def run() -> tuple[RemindRound, list[tuple[Reminder, str | None]]]:
        engine = create_engine(settings)
        try:
            return await remind_and_mail(
                engine,
                settings,
                code=arguments.period,
                today=date.today(),
                days_before=arguments.days_before,
            )
        finally:
            await engine.dispose()

    try:
        found, mailed = asyncio.run(run())
    except (RemindError, MailSetupError) as error:
        return str(error)
    deadline = found.deadline.isoformat()
    if not found.due:
        print(  # noqa: T201
            f"{found.period_code} ({found.period_name}): the deadline {deadline} is "
            f"{found.days_left} days away; reminders go out from {arguments.days_before} days "
            "before (--days-before)"
        )
        return None
    problems = {reminder.initiative_code: problem for reminder, problem in mailed}
    for reminder in found.reminders:
        print(f"{reminder.initiative_code}: {_said(reminder, settings, problems)}")  # noqa: T201
    print(  # noqa: T201
        f"{found.period_code} ({found.period_name}, deadline {deadline}): "
        f"{len(found.reminders)} reminded"
        + ("" if found.reminders else " (every missing report was reminded of before)")
    )
    failed = [code for code, problem in problems.items() if problem is not None]
    if settings.smtp_url is not None and failed:
        return f"{len(failed)} reminders were not mailed: {', '.join(failed)}"
    return None


def _said(reminder: Reminder, settings: Settings, problems: dict[str, str | None]) -> str:
    if settings.smtp_url is None:
        return f"reminded {reminder.owner_name} (event only: no PORTFOLIO_SMTP_URL)"
    problem = problems.get(reminder.initiative_code)
    if problem is None:
        return f"reminded {reminder.owner_name}, mailed to {reminder.email}"
    return f"reminded {reminder.owner_name}, not mailed: {problem}"
