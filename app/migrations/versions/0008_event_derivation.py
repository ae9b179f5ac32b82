"""events derived from the analysis: the audit names each write's data version, and one
row records how far derivation has gone

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('audit_event') as batch:
        batch.add_column(sa.Column('version', sa.BigInteger(), nullable=True))
        batch.create_index(batch.f('ix_audit_event_version'), ['version'], unique=False)
    derivation = op.create_table('event_derivation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=True),
    sa.Column('levels', sa.JSON(), nullable=False),
    sa.Column('late', sa.JSON(), nullable=False),
    sa.CheckConstraint('id = 1', name=op.f('ck_event_derivation_single_row')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_derivation'))
    )
    op.bulk_insert(derivation, [{'id': 1, 'version': None, 'levels': {}, 'late': []}])


def downgrade() -> None:
    op.drop_table('event_derivation')
    with op.batch_alter_table('audit_event') as batch:
        batch.drop_index(batch.f('ix_audit_event_version'))
        batch.drop_column('version')
