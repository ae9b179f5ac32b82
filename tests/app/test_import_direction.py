"""Imports run one way: app/ outside app/web/ and the composition root never imports the
GraphQL layer or the HTTP stack (app/ruff.toml bans them; app/web/ruff.toml lifts the ban)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WEB_STACK = ["schema", "strawberry", "graphql", "starlette", "cross_web"]


def banned_imports(path: str, source: str) -> list[str]:
    """The banned-api findings ruff reports for ``source`` as if it were the file at ``path``."""
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "ruff",
            "check",
            "--no-cache",
            "--select",
            "TID251",
            "--output-format",
            "concise",
            "--stdin-filename",
            path,
            "-",
        ],
        input=source,
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert completed.returncode in (0, 1), completed.stderr
    return [line for line in completed.stdout.splitlines() if "TID251" in line]


@pytest.mark.parametrize("module", WEB_STACK)
@pytest.mark.parametrize(
    "path", ["app/probe.py", "app/portfolio_report/probe.py", "app/exchange/main.py"]
)
def test_domain_side_of_app_may_not_import_the_web_stack(path: str, module: str) -> None:
    findings = banned_imports(path, f"import {module}\n")

    assert len(findings) == 1
    assert f"`{module}` is banned" in findings[0]


@pytest.mark.parametrize("module", WEB_STACK)
@pytest.mark.parametrize("path", ["app/web/probe.py", "app/web/dashboard/probe.py"])
def test_http_layer_may_import_the_web_stack(path: str, module: str) -> None:
    assert banned_imports(path, f"import {module}\n") == []


@pytest.mark.parametrize("path", ["app/main.py", "app/cli.py"])
def test_composition_root_may_import_the_web_stack(path: str) -> None:
    source = "".join(f"import {module}\n" for module in WEB_STACK)

    assert banned_imports(path, source) == []
