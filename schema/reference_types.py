"""Object types that reach no other portfolio object: reference data, periods, values.

Every other type module may import these; they import no type module of ``schema/``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import strawberry

from app.auth import Viewer
from app.domain import TrafficLight
from app.repository import Row
from schema.enums import OrganisationKind
from schema.relay import Node, to_global_id


def aware(value: datetime) -> datetime:
    # SQLite hands back naive datetimes; everything is stored in UTC.
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


@strawberry.type(description="Strategic goal of *Nasjonal e-helsestrategi* 2023–2030.")
class StrategicGoal(Node):
    number: int = strawberry.field(description="Number of the goal (1–5).")
    name: str = strawberry.field(description="Name of the goal, in Norwegian.")

    @strawberry.field(description="Global id.")
    def id(self) -> strawberry.ID:
        return to_global_id("StrategicGoal", str(self.number))

    @classmethod
    def from_row(cls, row: Row) -> StrategicGoal:
        values = row._mapping
        return cls(number=values["number"], name=values["name"])


@strawberry.type(description="UN Sustainable Development Goal named for the portfolio.")
class SustainableDevelopmentGoal(Node):
    number: int = strawberry.field(description="Number of the goal (3, 9, 10 or 17).")
    name: str = strawberry.field(description="Name of the goal, in Norwegian.")

    @strawberry.field(description="Global id.")
    def id(self) -> strawberry.ID:
        return to_global_id("SustainableDevelopmentGoal", str(self.number))

    @classmethod
    def from_row(cls, row: Row) -> SustainableDevelopmentGoal:
        values = row._mapping
        return cls(number=values["number"], name=values["name"])


@strawberry.type(
    description="An organisation (*virksomhet*) that owns initiatives or operates solutions."
)
class Organisation(Node):
    code: str = strawberry.field(description="Stable key, e.g. `HDIR`.")
    name: str = strawberry.field(description="Name of the organisation (*virksomhet*).")
    kind: OrganisationKind = strawberry.field(description="Kind of organisation.")
    contact_email: str | None = strawberry.field(
        default=None,
        description=(
            "The organisation's public contact address (*postmottak*), where reminders of "
            "missing reports go; null when none is known."
        ),
    )

    org_number: str | None = strawberry.field(
        default=None,
        description=(
            "Organisation number in the Central Coordinating Register for Legal Entities "
            "(*organisasjonsnummer*, nine digits); signed-in callers are matched to their "
            "organisation by it. Null when none is known."
        ),
    )

    @strawberry.field(description="Global id.")
    def id(self) -> strawberry.ID:
        return to_global_id("Organisation", self.code)

    @classmethod
    def from_row(cls, row: Row) -> Organisation:
        values = row._mapping
        return cls(
            code=values["code"],
            name=values["name"],
            kind=values["kind"],
            contact_email=values.get("contact_email"),
            org_number=values.get("org_number"),
        )


@strawberry.type(description="A reporting round (*rapporteringsrunde*), e.g. «april 2026».")
class ReportingPeriod(Node):
    code: str = strawberry.field(description="Stable key, e.g. `2026-2`.")
    name: str = strawberry.field(description="Name of the round, e.g. «april 2026».")
    opens: date = strawberry.field(description="The day the round opens for reports.")
    deadline: date = strawberry.field(description="The last day to report (*frist*).")
    closed: bool = strawberry.field(description="Closed rounds are read-only.")

    @strawberry.field(description="Global id.")
    def id(self) -> strawberry.ID:
        return to_global_id("ReportingPeriod", self.code)

    @classmethod
    def from_row(cls, row: Row) -> ReportingPeriod:
        values = row._mapping
        return cls(
            code=values["code"],
            name=values["name"],
            opens=values["opens"],
            deadline=values["deadline"],
            closed=values["closed"],
        )


@strawberry.type(description="The initiative's answers to the two entry criteria.")
class EntryCriteria:
    digitalisation_essential: bool | None = strawberry.field(
        description="1: digitalisation is essential and it concerns the sector's core activity."
    )
    coordination_or_strategy: bool | None = strawberry.field(
        description="2: it needs coordination across actors and/or is essential to the strategy."
    )
    note: str | None = strawberry.field(description="Why the criteria hold (or not).")

    @strawberry.field(description="Both criteria hold.")
    def met(self) -> bool:
        return bool(self.digitalisation_essential and self.coordination_or_strategy)


@strawberry.type(description="An initiative's status and risk in one reporting period.")
class StatusTrendPoint:
    period: ReportingPeriod = strawberry.field(description="The reporting round.")
    status: TrafficLight | None = strawberry.field(
        description="Status in the round; null before the first report."
    )
    risk_level: TrafficLight | None = strawberry.field(
        description="Risk level in the round; null before the first report."
    )
    reported: bool = strawberry.field(
        description="False when the values are carried forward from an earlier period."
    )


@dataclass(frozen=True, slots=True)
class ReportEconomics:
    """The economics of a report, which anonymous callers may not read."""

    investment_nok: float | None = None
    annual_operating_cost_nok: float | None = None
    benefits: str | None = None
    benefit_prerequisites: str | None = None

    @classmethod
    def from_row(cls, row: Row) -> ReportEconomics:
        values = row._mapping
        return cls(
            investment_nok=values["investment_nok"],
            annual_operating_cost_nok=values["annual_operating_cost_nok"],
            benefits=values["benefits"],
            benefit_prerequisites=values["benefit_prerequisites"],
        )

    def visible_to(self, viewer: Viewer) -> ReportEconomics:
        """These economics, or none at all when the viewer may not read them."""
        return self if viewer.can_read_economics else HIDDEN_ECONOMICS


HIDDEN_ECONOMICS = ReportEconomics()
