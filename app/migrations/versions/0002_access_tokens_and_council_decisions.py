"""access tokens and council decisions (API tokens, council meetings and their decisions)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('council_meeting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('council', sa.Enum('NUIT', 'NUFA', 'E_HEALTH_COUNCIL', name='council_allowed', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_council_meeting')),
    sa.UniqueConstraint('code', name=op.f('uq_council_meeting_code')),
    sa.UniqueConstraint('council', 'held_on', name='uq_council_meeting_council_day')
    )
    op.create_table('api_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('role', sa.Enum('ADMIN', 'REPORTER', 'READER', name='role_allowed', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("role <> 'REPORTER' OR organisation_id IS NOT NULL", name=op.f('ck_api_token_reporter_has_organisation')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_api_token_organisation_id_organisation'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_token')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_token_token_hash'))
    )
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_token_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('council_decision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('initiative_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('DECISION', 'REPRIORITISATION', 'COURSE_CHANGE', name='kind_allowed', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('new_segment', sa.Enum('OBSERVE', 'COORDINATE', 'CO_GOVERN', name='new_segment_allowed', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('new_state', sa.Enum('PROPOSED', 'ACTIVE', 'PAUSED', 'COMPLETED', 'CANCELLED', 'DECLINED', name='new_state_allowed', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('recorded_by', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['initiative_id'], ['initiative.id'], name=op.f('fk_council_decision_initiative_id_initiative'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['meeting_id'], ['council_meeting.id'], name=op.f('fk_council_decision_meeting_id_council_meeting'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_council_decision'))
    )
    with op.batch_alter_table('council_decision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_council_decision_initiative_id'), ['initiative_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_council_decision_meeting_id'), ['meeting_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('council_decision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_council_decision_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_council_decision_initiative_id'))

    op.drop_table('council_decision')
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_token_organisation_id'))

    op.drop_table('api_token')
    op.drop_table('council_meeting')
