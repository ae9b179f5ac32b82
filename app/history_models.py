"""SQLModel tables of the portfolio's history: what each round knew, and frozen baselines.

Every write that changes an initiative, a delivery or a dependency appends a row here in
its own transaction (``app.history``), tagged with the round that was current then. What
a round knew is, for each of them, the latest row of that round or an earlier one. A row
without a round was recorded before history was kept (or before any round existed) and
holds for every round. A baseline freezes the whole portfolio state, with its analysis
results, as one JSON document.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.domain import (
    Criticality,
    DeliveryStatus,
    DependencyType,
    LifecycleState,
    Phase,
    Segment,
)
from app.models import CODE_LENGTH, NAME_LENGTH, enum_column, foreign_key, timestamp_column, utcnow


class InitiativeHistory(SQLModel, table=True):
    """An initiative's dates, segment, phase and state as recorded in a round."""

    __tablename__ = "initiative_history"

    id: int | None = Field(default=None, primary_key=True)
    initiative_id: int = Field(sa_column=foreign_key("initiative.id", ondelete="CASCADE"))
    period_id: int | None = Field(
        default=None,
        sa_column=foreign_key("reporting_period.id", nullable=True, ondelete="CASCADE"),
    )
    recorded_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column())
    segment: Segment | None = Field(
        default=None, sa_column=enum_column(Segment, name="segment", nullable=True)
    )
    phase: Phase = Field(sa_column=enum_column(Phase, name="phase"))
    state: LifecycleState = Field(sa_column=enum_column(LifecycleState, name="state"))
    planned_start: date | None = None
    planned_end: date | None = None
    forecast_end: date | None = None
    illustrative: bool = Field(default=False)
    """Demo data: a round's value the seed invented so that slips show between rounds."""


class DeliveryHistory(SQLModel, table=True):
    """A delivery's dates and status as recorded in a round."""

    __tablename__ = "delivery_history"

    id: int | None = Field(default=None, primary_key=True)
    delivery_id: int = Field(sa_column=foreign_key("delivery.id", ondelete="CASCADE"))
    period_id: int | None = Field(
        default=None,
        sa_column=foreign_key("reporting_period.id", nullable=True, ondelete="CASCADE"),
    )
    recorded_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column())
    baseline_date: date | None = None
    forecast_date: date | None = None
    delivered_date: date | None = None
    status: DeliveryStatus = Field(sa_column=enum_column(DeliveryStatus, name="status"))
    illustrative: bool = Field(default=False)


class DependencyHistory(SQLModel, table=True):
    """A dependency as recorded in a round, by codes; ``present`` false: removed then."""

    __tablename__ = "dependency_history"

    id: int | None = Field(default=None, primary_key=True)
    dependant_code: str = Field(max_length=CODE_LENGTH, index=True)
    supplier_code: str = Field(max_length=CODE_LENGTH)
    period_id: int | None = Field(
        default=None,
        sa_column=foreign_key("reporting_period.id", nullable=True, ondelete="CASCADE"),
    )
    recorded_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column())
    present: bool = Field(default=True)
    criticality: Criticality = Field(sa_column=enum_column(Criticality, name="criticality"))
    type: DependencyType = Field(sa_column=enum_column(DependencyType, name="type"))
    lag_days: int = 0
    needed_by: date | None = None
    supplier_delivery_code: str | None = Field(default=None, max_length=CODE_LENGTH)
    illustrative: bool = Field(default=False)


class Baseline(SQLModel, table=True):
    """The portfolio frozen as it was: ``state`` is an ``app.portfolio_changes`` state."""

    __tablename__ = "baseline"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=CODE_LENGTH, unique=True)
    name: str = Field(max_length=NAME_LENGTH)
    created_by: str = Field(max_length=NAME_LENGTH)
    created_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column())
    period_id: int | None = Field(
        default=None,
        sa_column=foreign_key("reporting_period.id", nullable=True, ondelete="SET NULL"),
    )
    """The round that was current when the baseline was made."""
    version: int = Field(sa_type=sa.BigInteger)
    """The data version it froze."""
    state: dict[str, Any] = Field(sa_type=sa.JSON)
