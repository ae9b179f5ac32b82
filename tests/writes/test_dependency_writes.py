"""Dependency writes, called directly: the cycle check and the refusals of add and remove."""

from __future__ import annotations

from app import dependency_writes
from app.domain import Criticality, DependencyType
from app.validation import Cycle, Denied, Invalid, NotFound
from tests.writes.conftest import Portfolio


def _dependency(dependant: str, supplier: str) -> dict[str, object]:
    return {
        "dependant": dependant,
        "supplier": supplier,
        "criticality": Criticality.HIGH,
        "type": DependencyType.FINISH_TO_START,
        "lag_days": 0,
    }


async def test_a_dependency_that_closes_a_cycle_is_refused_with_the_cycle(
    portfolio: Portfolio,
) -> None:
    # PLL depends on SFM-UTV already.
    refusal = await portfolio.write(
        lambda connection: dependency_writes.add_dependency(
            connection, viewer=portfolio.office, values=_dependency("SFM-UTV", "PLL")
        )
    )

    assert isinstance(refusal, Cycle)
    assert refusal.path[0] == refusal.path[-1] == "SFM-UTV"
    assert "PLL" in refusal.path
    assert refusal.subject.code == "cycle.this_dependency"


async def test_an_initiative_cannot_depend_on_itself(portfolio: Portfolio) -> None:
    refusal = await portfolio.write(
        lambda connection: dependency_writes.add_dependency(
            connection, viewer=portfolio.office, values=_dependency("PLL", "PLL")
        )
    )

    assert isinstance(refusal, Invalid)
    assert [(p.field, p.text.code) for p in refusal.problems] == [("supplier", "self_dependency")]


async def test_the_owner_adds_a_dependency_and_a_reporter_of_another_organisation_may_not(
    portfolio: Portfolio,
) -> None:
    values = _dependency("KJ-PLO", "PERSONVERN")

    refused = await portfolio.write(
        lambda connection: dependency_writes.add_dependency(
            connection, viewer=portfolio.nhn, values=values
        )
    )
    added = await portfolio.written(
        lambda connection: dependency_writes.add_dependency(
            connection, viewer=portfolio.hdir, values=values
        )
    )

    assert isinstance(refused, Denied)
    assert refused.text.code == "other_organisation"
    assert (added.dependant_code, added.supplier_code) == ("KJ-PLO", "PERSONVERN")


async def test_removing_a_dependency_that_does_not_exist_is_not_found(portfolio: Portfolio) -> None:
    refusal = await portfolio.write(
        lambda connection: dependency_writes.remove_dependency(
            connection, viewer=portfolio.office, dependant_code="PLL", supplier_code="HELSENETT"
        )
    )

    assert isinstance(refusal, NotFound)
    assert (refusal.field, refusal.code) == ("supplier", "HELSENETT")
    assert refusal.what.code == "noun.dependency_of"
