"""SQLModel tables: the persistent shape of the portfolio.

Tables carry no relationships on purpose: every association is loaded explicitly by the
repository, so a forgotten batch load shows up as a missing value in tests rather than a
hidden query per row.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.domain import (
    Council,
    Criticality,
    DecisionKind,
    DeliveryStatus,
    DependencyType,
    InitiativeKind,
    LifecycleState,
    OrganisationKind,
    Phase,
    RiskStatus,
    Role,
    Segment,
    SolutionCategory,
    TrafficLight,
)

CODE_LENGTH = 40
NAME_LENGTH = 300

metadata = SQLModel.metadata
metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


def enum_column(enum: type[StrEnum], *, name: str, nullable: bool = False) -> Any:
    """A VARCHAR column with a CHECK constraint (named after the column) on its values."""
    return sa.Column(
        sa.Enum(
            enum,
            native_enum=False,
            create_constraint=True,
            length=max(len(member.value) for member in enum),
            name=f"{name}_allowed",
            validate_strings=True,
        ),
        nullable=nullable,
    )


def timestamp_column(*, nullable: bool = False) -> Any:
    return sa.Column(sa.DateTime(timezone=True), nullable=nullable)


def foreign_key(target: str, *, nullable: bool = False, ondelete: str = "RESTRICT") -> Any:
    return sa.Column(
        sa.Integer, sa.ForeignKey(target, ondelete=ondelete), nullable=nullable, index=True
    )


class StrategicGoal(SQLModel, table=True):
    __tablename__ = "strategic_goal"
    __table_args__ = (sa.CheckConstraint("number BETWEEN 1 AND 99", name="number_range"),)

    number: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    name: str = Field(max_length=NAME_LENGTH)


class SustainableDevelopmentGoal(SQLModel, table=True):
    __tablename__ = "sustainable_development_goal"
    __table_args__ = (sa.CheckConstraint("number BETWEEN 1 AND 17", name="number_range"),)

    number: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    name: str = Field(max_length=NAME_LENGTH)


class Organisation(SQLModel, table=True):
    __tablename__ = "organisation"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=CODE_LENGTH, unique=True)
    name: str = Field(max_length=NAME_LENGTH)
    kind: OrganisationKind = Field(sa_column=enum_column(OrganisationKind, name="kind"))
    contact_email: str | None = Field(default=None, max_length=254)  # reminders go here
    # The nine digits of the Central Coordinating Register for Legal Entities
    # (*organisasjonsnummer*): signed-in callers are matched to their organisation by it.
    org_number: str | None = Field(default=None, max_length=9, unique=True, index=True)


class Solution(SQLModel, table=True):
    __tablename__ = "solution"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=CODE_LENGTH, unique=True)
    name: str = Field(max_length=NAME_LENGTH)
    description: str | None = Field(default=None, sa_type=sa.Text)
    category: SolutionCategory = Field(sa_column=enum_column(SolutionCategory, name="category"))
    operator_id: int = Field(sa_column=foreign_key("organisation.id"))
    legally_mandated: bool = False


class Initiative(SQLModel, table=True):
    __tablename__ = "initiative"
    __table_args__ = (
        sa.CheckConstraint(
            "planned_end IS NULL OR planned_start IS NULL OR planned_end >= planned_start",
            name="planned_end_after_start",
        ),
        sa.CheckConstraint(
            "forecast_end IS NULL OR planned_start IS NULL OR forecast_end >= planned_start",
            name="forecast_end_after_start",
        ),
        sa.CheckConstraint("version >= 1", name="version_positive"),
        sa.CheckConstraint(
            "segment IS NOT NULL OR state IN ('PROPOSED', 'DECLINED')",
            name="admitted_has_segment",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=CODE_LENGTH, unique=True)
    name: str = Field(max_length=NAME_LENGTH)
    purpose: str | None = Field(default=None, sa_type=sa.Text)
    kind: InitiativeKind = Field(sa_column=enum_column(InitiativeKind, name="kind"))
    owner_id: int = Field(sa_column=foreign_key("organisation.id"))
    contact_person: str | None = Field(default=None, max_length=NAME_LENGTH)
    segment: Segment | None = Field(
        default=None, sa_column=enum_column(Segment, name="segment", nullable=True)
    )
    phase: Phase = Field(sa_column=enum_column(Phase, name="phase"))
    state: LifecycleState = Field(sa_column=enum_column(LifecycleState, name="state"))
    planned_start: date | None = None
    planned_end: date | None = None
    forecast_end: date | None = None
    main_goal_number: int | None = Field(
        default=None,
        sa_column=sa.Column(sa.Integer, sa.ForeignKey("strategic_goal.number"), nullable=True),
    )
    digitalisation_essential: bool | None = None
    coordination_or_strategy: bool | None = None
    entry_criteria_note: str | None = Field(default=None, sa_type=sa.Text)
    illustrative_fields: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    published_facts: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    decided_by: str | None = Field(default=None, max_length=NAME_LENGTH)
    decided_at: datetime | None = Field(default=None, sa_column=timestamp_column(nullable=True))
    decision_reason: str | None = Field(default=None, sa_type=sa.Text)
    version: int = 1
    created_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column())
    updated_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column())


class InitiativeSupportingGoal(SQLModel, table=True):
    __tablename__ = "initiative_supporting_goal"

    initiative_id: int = Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("initiative.id", ondelete="CASCADE"), primary_key=True
        )
    )
    goal_number: int = Field(
        sa_column=sa.Column(sa.Integer, sa.ForeignKey("strategic_goal.number"), primary_key=True)
    )


class InitiativeSdg(SQLModel, table=True):
    __tablename__ = "initiative_sdg"

    initiative_id: int = Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("initiative.id", ondelete="CASCADE"), primary_key=True
        )
    )
    sdg_number: int = Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("sustainable_development_goal.number"), primary_key=True
        )
    )


class DevelopedSolution(SQLModel, table=True):
    """An initiative builds or further develops a national solution."""

    __tablename__ = "developed_solution"

    initiative_id: int = Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("initiative.id", ondelete="CASCADE"), primary_key=True
        )
    )
    solution_id: int = Field(
        sa_column=sa.Column(sa.Integer, sa.ForeignKey("solution.id"), primary_key=True)
    )


class Delivery(SQLModel, table=True):
    __tablename__ = "delivery"
    __table_args__ = (
        sa.CheckConstraint(
            "delivered_date IS NULL OR status = 'DELIVERED'", name="delivered_date_only_delivered"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=CODE_LENGTH, unique=True)
    initiative_id: int = Field(sa_column=foreign_key("initiative.id", ondelete="CASCADE"))
    name: str = Field(max_length=NAME_LENGTH)
    description: str | None = Field(default=None, sa_type=sa.Text)
    baseline_date: date | None = None
    forecast_date: date | None = None
    delivered_date: date | None = None
    status: DeliveryStatus = Field(sa_column=enum_column(DeliveryStatus, name="status"))


class Dependency(SQLModel, table=True):
    """The dependant initiative needs a supplier: another initiative or a solution."""

    __tablename__ = "dependency"
    __table_args__ = (
        sa.CheckConstraint(
            "(supplier_initiative_id IS NULL) <> (supplier_solution_id IS NULL)",
            name="exactly_one_supplier",
        ),
        sa.CheckConstraint(
            "supplier_initiative_id IS NULL OR supplier_initiative_id <> dependant_id",
            name="not_self",
        ),
        sa.CheckConstraint("lag_days BETWEEN -3650 AND 3650", name="lag_range"),
        sa.UniqueConstraint(
            "dependant_id", "supplier_initiative_id", name="uq_dependency_initiative_pair"
        ),
        sa.UniqueConstraint(
            "dependant_id", "supplier_solution_id", name="uq_dependency_solution_pair"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    dependant_id: int = Field(sa_column=foreign_key("initiative.id", ondelete="CASCADE"))
    supplier_initiative_id: int | None = Field(
        default=None, sa_column=foreign_key("initiative.id", nullable=True, ondelete="CASCADE")
    )
    supplier_solution_id: int | None = Field(
        default=None, sa_column=foreign_key("solution.id", nullable=True)
    )
    supplier_delivery_id: int | None = Field(
        default=None, sa_column=foreign_key("delivery.id", nullable=True, ondelete="SET NULL")
    )
    criticality: Criticality = Field(sa_column=enum_column(Criticality, name="criticality"))
    type: DependencyType = Field(sa_column=enum_column(DependencyType, name="type"))
    lag_days: int = 0
    needed_by: date | None = None
    description: str | None = Field(default=None, sa_type=sa.Text)


class Risk(SQLModel, table=True):
    __tablename__ = "risk"
    __table_args__ = (
        sa.CheckConstraint("probability BETWEEN 1 AND 5", name="probability_range"),
        sa.CheckConstraint("consequence BETWEEN 1 AND 5", name="consequence_range"),
    )

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=CODE_LENGTH, unique=True)
    initiative_id: int = Field(sa_column=foreign_key("initiative.id", ondelete="CASCADE"))
    title: str = Field(max_length=NAME_LENGTH)
    description: str | None = Field(default=None, sa_type=sa.Text)
    probability: int
    consequence: int
    level: TrafficLight = Field(sa_column=enum_column(TrafficLight, name="level"))
    mitigation: str | None = Field(default=None, sa_type=sa.Text)
    status: RiskStatus = Field(sa_column=enum_column(RiskStatus, name="status"))


class ReportingPeriod(SQLModel, table=True):
    """A reporting round (*rapporteringsrunde*), named by month and year."""

    __tablename__ = "reporting_period"
    __table_args__ = (sa.CheckConstraint("deadline >= opens", name="deadline_after_opens"),)

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=CODE_LENGTH, unique=True)
    name: str = Field(max_length=NAME_LENGTH)
    opens: date
    deadline: date
    closed: bool = False


class StatusReport(SQLModel, table=True):
    """One revision of an initiative's report for a period; revisions are never rewritten."""

    __tablename__ = "status_report"
    __table_args__ = (
        sa.UniqueConstraint(
            "initiative_id", "period_id", "revision", name="uq_status_report_revision"
        ),
        sa.CheckConstraint("revision >= 1", name="revision_positive"),
        sa.CheckConstraint(
            "investment_nok IS NULL OR investment_nok >= 0", name="investment_not_negative"
        ),
        sa.CheckConstraint(
            "annual_operating_cost_nok IS NULL OR annual_operating_cost_nok >= 0",
            name="operating_cost_not_negative",
        ),
        sa.Index("ix_status_report_period_initiative", "period_id", "initiative_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    initiative_id: int = Field(sa_column=foreign_key("initiative.id", ondelete="CASCADE"))
    period_id: int = Field(sa_column=foreign_key("reporting_period.id"))
    revision: int = 1
    segment: Segment = Field(sa_column=enum_column(Segment, name="segment"))
    phase: Phase = Field(sa_column=enum_column(Phase, name="phase"))
    status: TrafficLight = Field(sa_column=enum_column(TrafficLight, name="status"))
    status_reason: str | None = Field(default=None, sa_type=sa.Text)
    risk_level: TrafficLight | None = Field(
        default=None, sa_column=enum_column(TrafficLight, name="risk_level", nullable=True)
    )
    main_risk_areas: str | None = Field(default=None, sa_type=sa.Text)
    planned_mitigations: str | None = Field(default=None, sa_type=sa.Text)
    implemented_mitigations: str | None = Field(default=None, sa_type=sa.Text)
    forecast_end: date | None = None
    investment_nok: int | None = Field(default=None, sa_type=sa.BigInteger)
    annual_operating_cost_nok: int | None = Field(default=None, sa_type=sa.BigInteger)
    benefits: str | None = Field(default=None, sa_type=sa.Text)
    benefit_prerequisites: str | None = Field(default=None, sa_type=sa.Text)
    # COORDINATE and CO_GOVERN confirm the registered dependencies in every report (null in
    # reports made before the question was asked).
    dependencies_confirmed: bool | None = None
    submitted_by: str = Field(max_length=NAME_LENGTH)
    submitted_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column())
    illustrative: bool = False
    # A published report's fields that are not published (the demo fills them in).
    illustrative_fields: list[str] = Field(
        default_factory=list, sa_column=sa.Column(sa.JSON, nullable=False, server_default="[]")
    )


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_event"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column())
    actor: str = Field(max_length=NAME_LENGTH)
    # Who wrote: a stable subject (``token:<id>``, the provider's ``sub``) and the name
    # shown for it (the token's name, the person's). Null only on rows from before them.
    actor_subject: str | None = Field(default=None, max_length=NAME_LENGTH, index=True)
    actor_name: str | None = Field(default=None, max_length=NAME_LENGTH)
    action: str = Field(max_length=80)
    entity_type: str = Field(max_length=80)
    entity_code: str = Field(max_length=CODE_LENGTH * 2, index=True)
    before: dict[str, Any] | None = Field(default=None, sa_type=sa.JSON)
    after: dict[str, Any] | None = Field(default=None, sa_type=sa.JSON)
    # The data version of the write (null on rows older than the column); derived events
    # name the writes that caused them by it.
    version: int | None = Field(default=None, sa_type=sa.BigInteger, index=True)


class EventRecord(SQLModel, table=True):
    """An event, stored in the transaction of the change it tells of (an outbox).

    Ids follow commit order: every write first moves the data version, whose row lock
    makes writers take their turn, so an event's id is drawn only after every earlier
    write has committed.
    """

    __tablename__ = "event"

    id: int | None = Field(default=None, primary_key=True)
    version: int = Field(sa_type=sa.BigInteger, index=True)  # the data version of the write
    kind: str = Field(max_length=80)
    occurred_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column())
    payload: dict[str, Any] = Field(sa_type=sa.JSON)


class EventDerivation(SQLModel, table=True):
    """How far events derived from the analysis have been stored, and what they compared.

    One row: the data version whose propagated levels and late dependencies were last
    compared (null before the first comparison), the initiatives flagged then (code to
    level) and the dependencies late then (``supplier>dependant``). Moving it and storing
    the events it derives happen in one transaction, so each version's derived events are
    stored once (see ``app.event_derivation``).
    """

    __tablename__ = "event_derivation"
    __table_args__ = (sa.CheckConstraint("id = 1", name="single_row"),)

    id: int = Field(default=1, primary_key=True)
    version: int | None = Field(default=None, sa_type=sa.BigInteger)
    levels: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    late: list[str] = Field(default_factory=list, sa_type=sa.JSON)


class DataVersion(SQLModel, table=True):
    """A single row whose number moves with every write; caches key on it."""

    __tablename__ = "data_version"
    __table_args__ = (sa.CheckConstraint("id = 1", name="single_row"),)

    id: int = Field(default=1, primary_key=True)
    version: int = Field(default=1, sa_type=sa.BigInteger)


def table_of(model: type[SQLModel]) -> sa.Table:
    """The Core table of a model, for bulk statements."""
    table: sa.Table = model.__table__  # type: ignore[attr-defined]
    return table


class ApiToken(SQLModel, table=True):
    """A bearer token for the API; only the SHA-256 of the secret is stored."""

    __tablename__ = "api_token"
    __table_args__ = (
        sa.CheckConstraint(
            "role <> 'REPORTER' OR organisation_id IS NOT NULL", name="reporter_has_organisation"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=NAME_LENGTH)
    role: Role = Field(sa_column=enum_column(Role, name="role"))
    organisation_id: int | None = Field(
        default=None, sa_column=foreign_key("organisation.id", nullable=True)
    )
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column())
    revoked_at: datetime | None = Field(default=None, sa_column=timestamp_column(nullable=True))
    # Null only for a token stored before tokens ended; the migration gave those a year.
    expires_at: datetime | None = Field(default=None, sa_column=timestamp_column(nullable=True))
    # Moved at most once a minute (``app.auth.LAST_USED_RESOLUTION``): a read per request
    # writes nothing when the token was used a moment ago.
    last_used_at: datetime | None = Field(default=None, sa_column=timestamp_column(nullable=True))


class RoleGrant(SQLModel, table=True):
    """The role the portfolio office gives a signed-in subject, or everyone signed in for
    an organisation (by its organisation number); see ``app.auth.viewer_for_claims``."""

    __tablename__ = "role_grant"
    __table_args__ = (
        sa.CheckConstraint(
            "(subject IS NULL) <> (org_number IS NULL)", name="subject_or_org_number"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    subject: str | None = Field(default=None, max_length=NAME_LENGTH, unique=True)
    org_number: str | None = Field(default=None, max_length=9, unique=True)
    role: Role = Field(sa_column=enum_column(Role, name="role"))
    granted_by: str = Field(max_length=NAME_LENGTH)
    granted_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column())


class BrowserSession(SQLModel, table=True):
    """A browser's sign-in with the identity provider, kept on the server; the browser holds
    only a random secret in a cookie, of which this row keeps the SHA-256.

    While the sign-in is under way ``pending`` holds its state, nonce, PKCE verifier and
    where to return; once signed in, ``claims`` holds the verified ID token's claims.
    """

    __tablename__ = "browser_session"

    id: int | None = Field(default=None, primary_key=True)
    secret_hash: str = Field(max_length=64, unique=True)
    pending: dict[str, Any] | None = Field(default=None, sa_type=sa.JSON)
    claims: dict[str, Any] | None = Field(default=None, sa_type=sa.JSON)
    # The ID token itself, sent back as ``id_token_hint`` when the person signs out.
    id_token: str | None = Field(default=None, sa_type=sa.Text)
    created_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column())
    expires_at: datetime = Field(sa_column=timestamp_column())


class CouncilMeeting(SQLModel, table=True):
    """A meeting of NUIT, NUFA or Nasjonalt e-helseråd."""

    __tablename__ = "council_meeting"
    __table_args__ = (
        sa.UniqueConstraint("council", "held_on", name="uq_council_meeting_council_day"),
    )

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=CODE_LENGTH, unique=True)
    council: Council = Field(sa_column=enum_column(Council, name="council"))
    held_on: date
    title: str | None = Field(default=None, max_length=NAME_LENGTH)


class CouncilDecision(SQLModel, table=True):
    """A decision or reprioritisation a council made about one initiative."""

    __tablename__ = "council_decision"

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(sa_column=foreign_key("council_meeting.id", ondelete="CASCADE"))
    initiative_id: int = Field(sa_column=foreign_key("initiative.id", ondelete="CASCADE"))
    kind: DecisionKind = Field(sa_column=enum_column(DecisionKind, name="kind"))
    summary: str = Field(sa_type=sa.Text)
    new_segment: Segment | None = Field(
        default=None, sa_column=enum_column(Segment, name="new_segment", nullable=True)
    )
    new_state: LifecycleState | None = Field(
        default=None, sa_column=enum_column(LifecycleState, name="new_state", nullable=True)
    )
    recorded_by: str = Field(max_length=NAME_LENGTH)
    recorded_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column())


class CallerBudget(SQLModel, table=True):
    """How full one caller's bucket of query points was when it last spent some.

    Used on PostgreSQL, where every worker and machine charges the same row; SQLite keeps
    the buckets in the process.
    """

    __tablename__ = "caller_budget"

    caller: str = Field(primary_key=True, max_length=NAME_LENGTH)
    level: float = Field(sa_column=sa.Column(sa.Float, nullable=False))
    updated_at: datetime = Field(sa_column=timestamp_column())


class SentReminder(SQLModel, table=True):
    """A reminder of a missing report: at most one per initiative per reporting round."""

    __tablename__ = "sent_reminder"
    __table_args__ = (
        sa.UniqueConstraint("initiative_id", "period_id", name="uq_sent_reminder_round"),
    )

    id: int | None = Field(default=None, primary_key=True)
    initiative_id: int = Field(sa_column=foreign_key("initiative.id", ondelete="CASCADE"))
    period_id: int = Field(sa_column=foreign_key("reporting_period.id", ondelete="CASCADE"))
    sent_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column())
    email: str | None = Field(default=None, max_length=254)  # the address it was mailed to


class Scenario(SQLModel, table=True):
    """A saved what-if: a bundle of changes evaluated on a copy of the portfolio.

    ``changes`` is the list of changes in order, each a JSON object with its ``kind``
    (see ``app.scenarios``). Nothing here touches the initiatives it names.
    """

    __tablename__ = "scenario"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=CODE_LENGTH, unique=True)
    name: str = Field(max_length=NAME_LENGTH)
    changes: list[dict[str, Any]] = Field(default_factory=list, sa_type=sa.JSON)
    owner_id: int | None = Field(
        default=None, sa_column=foreign_key("organisation.id", nullable=True)
    )
    """The organisation whose REPORTER created it (null: the portfolio office)."""
    created_by: str = Field(max_length=NAME_LENGTH)
    created_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column())
    updated_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column())
    version: int = 1
