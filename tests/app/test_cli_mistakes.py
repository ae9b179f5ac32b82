"""Operational mistakes give one line, a non-zero exit and no traceback."""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
from argparse import SUPPRESS
from pathlib import Path

import pytest

from app.cli import build_parser, main
from app.database import DatabaseSetupError


def run_with_database(
    url: str,
    arguments: list[str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> tuple[int, str]:
    """Run the command with ``PORTFOLIO_DATABASE_URL=url``; return its exit code and stderr."""
    monkeypatch.setenv("PORTFOLIO_DATABASE_URL", url)
    monkeypatch.delenv("PORTFOLIO_DEBUG", raising=False)
    exit_code = main(arguments)
    return exit_code, capsys.readouterr().err


def assert_one_line(error: str) -> str:
    (line,) = error.splitlines()
    assert line.startswith("portfolio: ")
    assert "Traceback" not in error
    return line


def test_unsupported_database_scheme_is_refused_naming_the_supported_ones(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    exit_code, error = run_with_database(
        "mysql://portfolio@127.0.0.1/portfolio", ["migrate"], monkeypatch, capsys
    )

    line = assert_one_line(error)
    assert exit_code == 1
    assert "'mysql'" in line
    assert "not supported" in line
    assert "sqlite:///" in line
    assert "postgresql://" in line


def test_text_that_is_not_a_url_says_so(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    exit_code, error = run_with_database("not a url", ["migrate"], monkeypatch, capsys)

    line = assert_one_line(error)
    assert exit_code == 1
    assert "PORTFOLIO_DATABASE_URL is not a database URL" in line


def test_missing_sqlite_folder_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "no-such-folder"

    exit_code, error = run_with_database(
        f"sqlite:///{folder / 'portfolio.db'}", ["seed"], monkeypatch, capsys
    )

    line = assert_one_line(error)
    assert exit_code == 1
    assert f"the folder {folder} for the SQLite database does not exist" in line


def test_unreachable_postgresql_names_host_port_and_reason(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Port 1 on loopback: nothing listens, so the connection is refused at once.
    exit_code, error = run_with_database(
        "postgresql://postgres@127.0.0.1:1/portfolio", ["migrate"], monkeypatch, capsys
    )

    line = assert_one_line(error)
    assert exit_code == 1
    assert line == "portfolio: cannot connect to PostgreSQL at 127.0.0.1:1: Connection refused"


def test_missing_postgresql_driver_names_the_extra_to_install(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # As when psycopg is not installed: importing it fails.
    monkeypatch.setitem(sys.modules, "psycopg", None)

    exit_code, error = run_with_database(
        "postgresql://postgres@127.0.0.1:1/portfolio", ["migrate"], monkeypatch, capsys
    )

    line = assert_one_line(error)
    assert exit_code == 1
    assert 'pip install -e ".[postgres]"' in line


def test_serve_on_a_busy_port_says_so_and_suggests_another(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]

        exit_code, error = run_with_database(
            f"sqlite:///{tmp_path / 'portfolio.db'}",
            ["serve", "--port", str(port)],
            monkeypatch,
            capsys,
        )

    line = assert_one_line(error)
    assert exit_code == 1
    assert f"port {port} on 127.0.0.1 is already in use" in line
    assert "--port" in line
    assert not (tmp_path / "portfolio.db").exists()  # refused before touching the database


def test_verbose_shows_the_traceback_after_the_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PORTFOLIO_DATABASE_URL", "mysql://portfolio@127.0.0.1/portfolio")

    with pytest.raises(DatabaseSetupError):
        main(["migrate", "--verbose"])

    assert "not supported" in capsys.readouterr().err


def run_command(*arguments: str, database_url: str) -> subprocess.CompletedProcess[str]:
    environment = os.environ | {"PORTFOLIO_DATABASE_URL": database_url}
    environment.pop("PORTFOLIO_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *arguments],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_commands_print_no_alembic_info_lines(tmp_path: Path) -> None:
    result = run_command("migrate", database_url=f"sqlite:///{tmp_path / 'portfolio.db'}")

    assert result.returncode == 0
    assert result.stdout == "database schema is up to date\n"
    assert result.stderr == ""


def test_verbose_commands_show_alembic_progress(tmp_path: Path) -> None:
    result = run_command(
        "--verbose", "migrate", database_url=f"sqlite:///{tmp_path / 'portfolio.db'}"
    )

    assert result.returncode == 0
    assert "INFO alembic" in result.stderr


def _options(parser: argparse.ArgumentParser, name: str) -> list[tuple[str, argparse.Action]]:
    found = [(f"{name} {action.dest}", action) for action in parser._actions]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for command, subparser in action.choices.items():
                found += _options(subparser, f"{name} {command}")
    return found


def test_every_option_has_help_that_shows_its_default() -> None:
    missing = []
    for where, action in _options(build_parser(), "portfolio"):
        if isinstance(action, (argparse._HelpAction, argparse._SubParsersAction)):
            continue
        if not action.help:
            missing.append(f"{where}: no help")
            continue
        has_default = action.option_strings and action.default not in (None, False, SUPPRESS)
        shown = "%(default)s" in action.help or str(action.default) in action.help
        if has_default and not shown:
            missing.append(f"{where}: default {action.default!r} not shown")

    assert missing == []
