"""caller budget (each caller's bucket of query points, shared by every worker)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('caller_budget',
    sa.Column('caller', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('level', sa.Float(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('caller', name=op.f('pk_caller_budget'))
    )


def downgrade() -> None:
    op.drop_table('caller_budget')
