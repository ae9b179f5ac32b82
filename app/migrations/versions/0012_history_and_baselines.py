"""history that answers "as of" (initiatives, deliveries, dependencies per round) and baselines

Existing rows are recorded without a round: what the database holds when history begins
holds for every earlier round.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-08
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('baseline',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.Column('state', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['period_id'], ['reporting_period.id'], name=op.f('fk_baseline_period_id_reporting_period'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_baseline')),
    sa.UniqueConstraint('code', name=op.f('uq_baseline_code'))
    )
    with op.batch_alter_table('baseline', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_baseline_period_id'), ['period_id'], unique=False)

    op.create_table('dependency_history',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dependant_code', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('supplier_code', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('present', sa.Boolean(), nullable=False),
    sa.Column('criticality', sa.Enum('HIGH', 'MEDIUM', 'LOW', name='criticality_allowed', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('type', sa.Enum('FINISH_TO_START', 'FINISH_TO_FINISH', name='type_allowed', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('lag_days', sa.Integer(), nullable=False),
    sa.Column('needed_by', sa.Date(), nullable=True),
    sa.Column('supplier_delivery_code', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('illustrative', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['period_id'], ['reporting_period.id'], name=op.f('fk_dependency_history_period_id_reporting_period'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dependency_history'))
    )
    with op.batch_alter_table('dependency_history', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dependency_history_dependant_code'), ['dependant_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_dependency_history_period_id'), ['period_id'], unique=False)

    op.create_table('initiative_history',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('initiative_id', sa.Integer(), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('segment', sa.Enum('OBSERVE', 'COORDINATE', 'CO_GOVERN', name='segment_allowed', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('phase', sa.Enum('IDEA', 'CONCEPT', 'PLANNING', 'EXECUTION', 'CLOSURE', 'BENEFITS_REALISATION', name='phase_allowed', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('state', sa.Enum('PROPOSED', 'ACTIVE', 'PAUSED', 'COMPLETED', 'CANCELLED', 'DECLINED', name='state_allowed', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('planned_start', sa.Date(), nullable=True),
    sa.Column('planned_end', sa.Date(), nullable=True),
    sa.Column('forecast_end', sa.Date(), nullable=True),
    sa.Column('illustrative', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['initiative_id'], ['initiative.id'], name=op.f('fk_initiative_history_initiative_id_initiative'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['period_id'], ['reporting_period.id'], name=op.f('fk_initiative_history_period_id_reporting_period'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_initiative_history'))
    )
    with op.batch_alter_table('initiative_history', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_initiative_history_initiative_id'), ['initiative_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_initiative_history_period_id'), ['period_id'], unique=False)

    op.create_table('delivery_history',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('delivery_id', sa.Integer(), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('baseline_date', sa.Date(), nullable=True),
    sa.Column('forecast_date', sa.Date(), nullable=True),
    sa.Column('delivered_date', sa.Date(), nullable=True),
    sa.Column('status', sa.Enum('PLANNED', 'IN_PROGRESS', 'DELIVERED', 'DELAYED', 'CANCELLED', name='status_allowed', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('illustrative', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['delivery_id'], ['delivery.id'], name=op.f('fk_delivery_history_delivery_id_delivery'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['period_id'], ['reporting_period.id'], name=op.f('fk_delivery_history_period_id_reporting_period'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_delivery_history'))
    )
    with op.batch_alter_table('delivery_history', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_delivery_history_delivery_id'), ['delivery_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_delivery_history_period_id'), ['period_id'], unique=False)


    op.execute(
        'INSERT INTO initiative_history (initiative_id, period_id, recorded_at, segment, phase,'
        ' state, planned_start, planned_end, forecast_end, illustrative)'
        ' SELECT id, NULL, updated_at, segment, phase, state, planned_start, planned_end,'
        ' forecast_end, false FROM initiative'
    )
    op.execute(
        'INSERT INTO delivery_history (delivery_id, period_id, recorded_at, baseline_date,'
        ' forecast_date, delivered_date, status, illustrative)'
        ' SELECT id, NULL, CURRENT_TIMESTAMP, baseline_date, forecast_date, delivered_date,'
        ' status, false FROM delivery'
    )
    op.execute(
        'INSERT INTO dependency_history (dependant_code, supplier_code, period_id, recorded_at,'
        ' present, criticality, type, lag_days, needed_by, supplier_delivery_code, illustrative)'
        ' SELECT dependant.code, COALESCE(supplier.code, solution.code), NULL, CURRENT_TIMESTAMP,'
        ' true, dependency.criticality, dependency.type, dependency.lag_days,'
        ' dependency.needed_by, delivery.code, false'
        ' FROM dependency'
        ' JOIN initiative AS dependant ON dependant.id = dependency.dependant_id'
        ' LEFT JOIN initiative AS supplier ON supplier.id = dependency.supplier_initiative_id'
        ' LEFT JOIN solution ON solution.id = dependency.supplier_solution_id'
        ' LEFT JOIN delivery ON delivery.id = dependency.supplier_delivery_id'
    )


def downgrade() -> None:
    with op.batch_alter_table('delivery_history', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_delivery_history_period_id'))
        batch_op.drop_index(batch_op.f('ix_delivery_history_delivery_id'))

    op.drop_table('delivery_history')
    with op.batch_alter_table('initiative_history', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_initiative_history_period_id'))
        batch_op.drop_index(batch_op.f('ix_initiative_history_initiative_id'))

    op.drop_table('initiative_history')
    with op.batch_alter_table('dependency_history', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dependency_history_period_id'))
        batch_op.drop_index(batch_op.f('ix_dependency_history_dependant_code'))

    op.drop_table('dependency_history')
    with op.batch_alter_table('baseline', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_baseline_period_id'))

    op.drop_table('baseline')
