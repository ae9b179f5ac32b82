"""reminders (one per initiative per round) and organisations' contact addresses

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('organisation') as batch:
        batch.add_column(
            sa.Column('contact_email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=True)
        )
    op.create_table('sent_reminder',
    sa.Column('initiative_id', sa.Integer(), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=True),
    sa.ForeignKeyConstraint(['initiative_id'], ['initiative.id'], name=op.f('fk_sent_reminder_initiative_id_initiative'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['period_id'], ['reporting_period.id'], name=op.f('fk_sent_reminder_period_id_reporting_period'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sent_reminder')),
    sa.UniqueConstraint('initiative_id', 'period_id', name='uq_sent_reminder_round')
    )
    op.create_index(op.f('ix_sent_reminder_initiative_id'), 'sent_reminder', ['initiative_id'], unique=False)
    op.create_index(op.f('ix_sent_reminder_period_id'), 'sent_reminder', ['period_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_sent_reminder_period_id'), table_name='sent_reminder')
    op.drop_index(op.f('ix_sent_reminder_initiative_id'), table_name='sent_reminder')
    op.drop_table('sent_reminder')
    with op.batch_alter_table('organisation') as batch:
        batch.drop_column('contact_email')
