"""A deterministic synthetic portfolio of any size, for tests and benchmarks.

The generator keeps the real reference data (goals, organisations, national solutions)
and adds N initiatives named ``SYN-000001`` … with a dependency DAG of about three
dependencies each (a quarter of them on national solutions), deliveries, risks and
reports over eight periods that obey the segment rules. The same ``seed`` always gives
the same portfolio.
"""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate

from seeds.loader import load_reference_data
from seeds.portfolio import PortfolioData, Row

SYNTHETIC_PERIODS: list[Row] = [
    {
        "code": f"{year}-{round_}",
        "name": name,
        "opens": opens,
        "deadline": deadline,
        "closed": closed,
    }
    for year, round_, name, opens, deadline, closed in [
        (2024, 1, "januar 2024", date(2024, 1, 8), date(2024, 1, 26), True),
        (2024, 2, "april 2024", date(2024, 3, 18), date(2024, 4, 12), True),
        (2024, 3, "september 2024", date(2024, 8, 26), date(2024, 9, 13), True),
        (2025, 1, "januar 2025", date(2025, 1, 6), date(2025, 1, 24), True),
        (2025, 2, "april 2025", date(2025, 3, 17), date(2025, 4, 4), True),
        (2025, 3, "september 2025", date(2025, 8, 25), date(2025, 9, 12), True),
        (2026, 1, "januar 2026", date(2026, 1, 5), date(2026, 1, 23), True),
        (2026, 2, "april 2026", date(2026, 3, 16), date(2026, 4, 10), False),
    ]
]

SEGMENTS = ("OBSERVE", "COORDINATE", "CO_GOVERN")
PHASES = ("CONCEPT", "PLANNING", "EXECUTION", "EXECUTION", "EXECUTION", "CLOSURE")
LIGHTS = ("GREEN", "YELLOW", "RED")
CRITICALITIES = ("HIGH", "MEDIUM", "LOW")
SUPPLIER_WINDOW = 400


class _Weighted:
    """A weighted choice drawing exactly what ``rng.choices(population, weights)[0]`` draws,
    with the cumulative weights worked out once instead of on every call."""

    __slots__ = ("cumulative", "population", "total")

    def __init__(self, population: Sequence[object], weights: Sequence[int]) -> None:
        self.population = population
        self.cumulative = list(accumulate(weights))
        self.total = self.cumulative[-1] + 0.0

    def __call__(self, rng: random.Random) -> object:
        return self.population[bisect(self.cumulative, rng.random() * self.total)]


_SEGMENT = _Weighted(SEGMENTS, (3, 5, 2))
_DEPENDENCY_COUNT = _Weighted((1, 2, 3, 4, 5), (1, 2, 4, 2, 1))
_CRITICALITY = _Weighted(CRITICALITIES, (3, 4, 3))
_FIRST_STATUS = _Weighted(LIGHTS, (6, 3, 1))
_FIRST_RISK = _Weighted(LIGHTS, (5, 4, 1))
_STEP = _Weighted((-1, 0, 1), (2, 6, 1))


def synthetic_code(index: int) -> str:
    """The code of the ``index``-th synthetic initiative (0-based)."""
    return f"SYN-{index + 1:06d}"


def generate_portfolio(size: int, *, seed: int = 0) -> PortfolioData:
    """A portfolio of ``size`` synthetic initiatives, identical for the same ``seed``."""
    rng = random.Random(seed)
    data = load_reference_data()
    data.reporting_periods = [dict(period) for period in SYNTHETIC_PERIODS]
    data.organisations = data.organisations + [
        {
            "code": f"KOMMUNE-{number:03d}",
            "name": f"Kommune {number:03d}",
            "kind": "MUNICIPALITY",
            "contact_email": None,
        }
        for number in range(1, 41)
    ]
    owners = [organisation["code"] for organisation in data.organisations]
    solutions = [solution["code"] for solution in data.solutions]
    data.initiatives = [
        _initiative(index, rng, owners=owners, solutions=solutions) for index in range(size)
    ]
    return data


def _initiative(index: int, rng: random.Random, *, owners: list[str], solutions: list[str]) -> Row:
    code = synthetic_code(index)
    segment = str(_SEGMENT(rng))
    planned_start = date(2020, 1, 1) + timedelta(days=rng.randrange(0, 6 * 365))
    planned_end = planned_start + timedelta(days=rng.randrange(180, 1800))
    forecast_end = planned_end + timedelta(days=rng.choice((0, 0, 0, 30, 90, 200)))
    delivery_count = rng.randint(3, 5)
    return {
        "code": code,
        "name": f"Syntetisk tiltak {index + 1}",
        "purpose": "Syntetisk tiltak for test og ytelsesmåling.",
        "kind": rng.choice(("PROGRAMME", "PROJECT", "PROJECT")),
        "owner": rng.choice(owners),
        "contact_person": "Tiltaksleder",
        "segment": segment,
        "phase": rng.choice(PHASES),
        "state": "ACTIVE",
        "planned_start": planned_start,
        "planned_end": planned_end,
        "forecast_end": forecast_end,
        "main_goal": rng.randint(1, 5),
        "supporting_goals": sorted(rng.sample(range(1, 6), rng.randint(0, 2))),
        "sdgs": sorted(rng.sample((3, 9, 10, 17), rng.randint(1, 2))),
        "entry_criteria": {"digitalisation_essential": True, "coordination_or_strategy": True},
        "develops": [],
        "illustrative": ["all"],
        "dependencies": _dependencies(index, rng, solutions=solutions, start=planned_start),
        "deliveries": _deliveries(code, delivery_count, rng, planned_start, forecast_end),
        "risks": _risks(code, rng) if segment != "OBSERVE" else [],
        "reports": _reports(segment, rng),
    }


def _dependencies(
    index: int, rng: random.Random, *, solutions: list[str], start: date
) -> list[Row]:
    count = int(_DEPENDENCY_COUNT(rng))  # type: ignore[call-overload]
    suppliers: set[str] = set()
    for _ in range(count):
        if index == 0 or rng.random() < 0.25:
            suppliers.add(rng.choice(solutions))
        else:
            suppliers.add(synthetic_code(rng.randrange(max(0, index - SUPPLIER_WINDOW), index)))
    dependencies = []
    for supplier in sorted(suppliers):
        needed_by = start + timedelta(days=rng.randrange(90, 900)) if rng.random() < 0.3 else None
        dependencies.append(
            {
                "supplier": supplier,
                "criticality": _CRITICALITY(rng),
                "type": "FINISH_TO_FINISH" if rng.random() < 0.1 else "FINISH_TO_START",
                "lag_days": rng.choice((0, 0, 0, 14, 30)),
                "needed_by": needed_by,
                "supplier_delivery": (
                    f"{supplier}-D1"
                    if supplier.startswith("SYN-") and needed_by and rng.random() < 0.5
                    else None
                ),
            }
        )
    return dependencies


def _deliveries(code: str, count: int, rng: random.Random, start: date, end: date) -> list[Row]:
    span = max(1, (end - start).days)
    deliveries = []
    for number in range(1, count + 1):
        baseline = start + timedelta(days=span * number // (count + 1))
        forecast = baseline + timedelta(days=rng.choice((0, 0, 0, 30, 60, 120)))
        delivered = forecast < date(2025, 6, 1) and rng.random() < 0.8
        deliveries.append(
            {
                "code": f"{code}-D{number}",
                "name": f"Leveranse {number}",
                "baseline": baseline,
                "forecast": forecast,
                "delivered": forecast if delivered else None,
                "status": "DELIVERED"
                if delivered
                else ("DELAYED" if forecast > baseline else "PLANNED"),
            }
        )
    return deliveries


def _risks(code: str, rng: random.Random) -> list[Row]:
    risks = []
    for number in range(1, rng.randint(1, 3) + 1):
        probability, consequence = rng.randint(1, 5), rng.randint(1, 5)
        score = probability * consequence
        risks.append(
            {
                "code": f"{code}-R{number}",
                "title": f"Risiko {number}",
                "probability": probability,
                "consequence": consequence,
                "level": "RED" if score >= 15 else ("YELLOW" if score >= 6 else "GREEN"),
                "mitigation": "Tiltak er iverksatt.",
                "status": "OPEN",
            }
        )
    return risks


def _reports(segment: str, rng: random.Random) -> list[Row]:
    reports = []
    status = str(_FIRST_STATUS(rng))
    risk = str(_FIRST_RISK(rng))
    for period in SYNTHETIC_PERIODS:
        status = _walk(status, rng)
        risk = _walk(risk, rng)
        if rng.random() < 0.05:
            continue  # a missed report: the round's follow-up should find these
        report: Row = {
            "period": period["code"],
            "status": status,
            "status_reason": None if status == "GREEN" else "Forsinkelser i leveranser.",
            "submitted_by": "Tiltaksleder",
            "submitted_at": datetime.combine(period["deadline"], datetime.min.time(), UTC),
            "illustrative": True,
        }
        if segment != "OBSERVE":
            report |= {
                "risk_level": risk,
                "main_risk_areas": "Ressurser og avhengigheter.",
                "dependencies_confirmed": True,
                "planned_mitigations": None if risk == "GREEN" else "Tettere oppfølging.",
                "implemented_mitigations": None if risk == "GREEN" else "Styringsmøter.",
            }
        if segment == "CO_GOVERN":
            report |= {
                "investment_nok": rng.randrange(10, 500) * 1_000_000,
                "annual_operating_cost_nok": rng.randrange(1, 50) * 1_000_000,
                "benefits": "Bedre samhandling.",
                "benefit_prerequisites": "Innføring hos aktørene.",
            }
        reports.append(report)
    return reports


def _walk(light: str, rng: random.Random) -> str:
    position = LIGHTS.index(light) + int(_STEP(rng))  # type: ignore[call-overload]
    return LIGHTS[min(max(position, 0), 2)]
