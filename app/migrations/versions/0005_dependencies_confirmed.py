"""dependencies confirmed (a status report says whether its dependencies are still right)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Reports made before the question was asked keep null: nobody confirmed anything.
    with op.batch_alter_table('status_report') as batch:
        batch.add_column(sa.Column('dependencies_confirmed', sa.Boolean(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('status_report') as batch:
        batch.drop_column('dependencies_confirmed')
