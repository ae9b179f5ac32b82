"""Read the seed portfolio from the YAML files in ``seeds/data``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from seeds.portfolio import PortfolioData, SeedError

DATA_DIR = Path(__file__).parent / "data"


def _read(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def load_reference_data(data_dir: Path = DATA_DIR) -> PortfolioData:
    """Goals, organisations, solutions and periods: everything but the initiatives."""
    reference = _read(data_dir / "reference.yaml")
    return PortfolioData(
        strategic_goals=reference["strategic_goals"],
        sustainable_development_goals=reference["sustainable_development_goals"],
        organisations=_read(data_dir / "organisations.yaml")["organisations"],
        solutions=_read(data_dir / "solutions.yaml")["solutions"],
        reporting_periods=_read(data_dir / "periods.yaml")["reporting_periods"],
    )


def load_seed_portfolio(data_dir: Path = DATA_DIR) -> PortfolioData:
    """The whole seed portfolio, checked for duplicate codes."""
    data = load_reference_data(data_dir)
    data.initiatives = [_read(path) for path in sorted((data_dir / "initiatives").glob("*.yaml"))]
    _check_unique_codes(data)
    return data


def _check_unique_codes(data: PortfolioData) -> None:
    seen: dict[str, str] = {}
    nodes = [("solution", row["code"]) for row in data.solutions] + [
        ("initiative", row["code"]) for row in data.initiatives
    ]
    for kind, code in nodes:
        if code in seen:
            raise SeedError(f"code {code!r} is used by a {seen[code]} and a {kind}")
        seen[code] = kind
