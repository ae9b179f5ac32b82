"""Initiative writes, called directly: proposals, admission, updates and their refusals."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from app import initiative_writes
from app.domain import InitiativeKind, LifecycleState, Phase, Segment
from app.tables import initiative_table
from app.validation import Conflict, Denied, Invalid
from tests.writes.conftest import Portfolio


def _proposal(**overrides: Any) -> dict[str, Any]:
    return {
        "code": "NY-1",
        "name": "Nytt tiltak",
        "owner": "HDIR",
        "kind": InitiativeKind.PROJECT,
        "phase": Phase.IDEA,
        "digitalisation_essential": True,
        "coordination_or_strategy": True,
        **overrides,
    }


async def _version_of(portfolio: Portfolio, code: str) -> int:
    return int(
        await portfolio.scalar(
            sa.select(initiative_table.c.version).where(initiative_table.c.code == code)
        )
    )


async def test_a_reporter_proposes_for_its_own_organisation_and_the_proposal_waits(
    portfolio: Portfolio,
) -> None:
    audits = await portfolio.audits()

    row = await portfolio.written(
        lambda connection: initiative_writes.propose_initiative(
            connection, viewer=portfolio.hdir, values=_proposal()
        )
    )

    assert (row.code, row.state, row.segment) == ("NY-1", LifecycleState.PROPOSED, None)
    assert await portfolio.audits() == audits + 1


async def test_a_reporter_cannot_propose_for_another_organisation(portfolio: Portfolio) -> None:
    refusal = await portfolio.write(
        lambda connection: initiative_writes.propose_initiative(
            connection, viewer=portfolio.nhn, values=_proposal()
        )
    )

    assert isinstance(refusal, Denied)
    assert refusal.text.code == "propose_for_own_organisation"
    assert refusal.text.params == {"organisation": "NHN"}


async def test_a_proposal_names_every_problem_with_its_field(portfolio: Portfolio) -> None:
    values = _proposal(code="bad code", owner="NOBODY", main_goal=99, sdgs=[3, 42])

    refusal = await portfolio.write(
        lambda connection: initiative_writes.propose_initiative(
            connection, viewer=portfolio.office, values=values
        )
    )

    assert isinstance(refusal, Invalid)
    assert [(problem.field, problem.text.code) for problem in refusal.problems] == [
        ("owner", "no_organisation"),
        ("code", "code_characters"),
        ("mainGoal", "no_strategic_goal"),
        ("sdgs[1]", "no_sdg"),
    ]


async def test_admitting_a_proposal_that_fails_the_criteria_needs_a_reason(
    portfolio: Portfolio,
) -> None:
    await portfolio.written(
        lambda connection: initiative_writes.propose_initiative(
            connection,
            viewer=portfolio.hdir,
            values=_proposal(digitalisation_essential=False),
        )
    )

    def admit(reason: str | None) -> Any:
        return portfolio.write(
            lambda connection: initiative_writes.admit_initiative(
                connection,
                viewer=portfolio.office,
                code="NY-1",
                segment=Segment.COORDINATE,
                reason=reason,
                expected_version=None,
            )
        )

    refusal = await admit(None)
    admitted = await admit("Viktig for samhandlingen.")

    assert isinstance(refusal, Invalid)
    assert [(p.field, p.text.code) for p in refusal.problems] == [
        ("reason", "reason_to_admit_failing")
    ]
    assert (admitted.state, admitted.segment) == (LifecycleState.ACTIVE, Segment.COORDINATE)


async def test_only_the_office_admits_proposals(portfolio: Portfolio) -> None:
    refusal = await portfolio.write(
        lambda connection: initiative_writes.admit_initiative(
            connection,
            viewer=portfolio.hdir,
            code="PLL",
            segment=Segment.OBSERVE,
            reason=None,
            expected_version=None,
        )
    )

    assert isinstance(refusal, Denied)
    assert refusal.text.code == "office_only"
    assert refusal.text.params["action"].code == "action.admit_proposals"


async def test_an_update_from_a_stale_version_is_a_conflict_naming_the_current_one(
    portfolio: Portfolio,
) -> None:
    current = await _version_of(portfolio, "PLL")

    refusal = await portfolio.write(
        lambda connection: initiative_writes.update_initiative(
            connection,
            viewer=portfolio.hdir,
            code="PLL",
            expected_version=current + 5,
            changes={"contact_person": "Ny leder"},
        )
    )

    assert isinstance(refusal, Conflict)
    assert refusal.current_version == current
    assert await _version_of(portfolio, "PLL") == current


async def test_an_update_moves_the_version_and_changes_only_what_it_names(
    portfolio: Portfolio,
) -> None:
    current = await _version_of(portfolio, "PLL")

    row = await portfolio.written(
        lambda connection: initiative_writes.update_initiative(
            connection,
            viewer=portfolio.hdir,
            code="PLL",
            expected_version=current,
            changes={"contact_person": "Ny leder"},
        )
    )

    assert (row.contact_person, row.version) == ("Ny leder", current + 1)


async def test_a_reporter_cannot_change_the_segment_of_its_own_initiative(
    portfolio: Portfolio,
) -> None:
    current = await _version_of(portfolio, "PLL")

    refusal = await portfolio.write(
        lambda connection: initiative_writes.update_initiative(
            connection,
            viewer=portfolio.hdir,
            code="PLL",
            expected_version=current,
            changes={"segment": Segment.OBSERVE},
        )
    )

    assert isinstance(refusal, Denied)
    assert refusal.text.params["action"].params == {"fields": "segment"}
