"""API tokens end and record their last use; audit events name who wrote; organisation
numbers, role grants and browser sessions for callers signed in with the identity provider

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-08
"""

import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op


revision: str = '0013'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

EXISTING_TOKENS_LAST = timedelta(days=365)
"""Tokens made before tokens ended get the default lifetime, counted from the upgrade."""


_TOKEN_ACTOR = re.compile(r"^(.*) \(token (\d+)\)$")
"""How audit rows named an API token before they had a subject: ``name (token 7)``."""


def _name_earlier_actors() -> None:
    """Split the old one-text actor into subject and name (``token:7`` and ``name``)."""
    audit = sa.table(
        'audit_event',
        sa.column('id', sa.Integer),
        sa.column('actor', sa.String),
        sa.column('actor_subject', sa.String),
        sa.column('actor_name', sa.String),
    )
    connection = op.get_bind()
    actors = connection.execute(sa.select(audit.c.actor).distinct()).scalars().all()
    for actor in actors:
        found = _TOKEN_ACTOR.match(actor)
        subject, name = (f"token:{found.group(2)}", found.group(1)) if found else (actor, actor)
        connection.execute(
            audit.update()
            .where(audit.c.actor == actor)
            .values(actor_subject=subject, actor_name=name)
        )


def upgrade() -> None:
    with op.batch_alter_table('api_token') as batch:
        batch.add_column(sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True))
    api_token = sa.table('api_token', sa.column('expires_at', sa.DateTime(timezone=True)))
    op.execute(
        api_token.update()
        .where(api_token.c.expires_at.is_(None))
        .values(expires_at=datetime.now(UTC) + EXISTING_TOKENS_LAST)
    )
    with op.batch_alter_table('audit_event') as batch:
        batch.add_column(sa.Column('actor_subject', sa.String(length=300), nullable=True))
        batch.add_column(sa.Column('actor_name', sa.String(length=300), nullable=True))
        batch.create_index('ix_audit_event_actor_subject', ['actor_subject'], unique=False)
    _name_earlier_actors()
    # A unique index, not a constraint: SQLite adds the column and the index in place,
    # where a constraint would rebuild the table, which the rows referring to an
    # organisation forbid.
    op.add_column('organisation', sa.Column('org_number', sa.String(length=9), nullable=True))
    op.create_index(
        op.f('ix_organisation_org_number'), 'organisation', ['org_number'], unique=True
    )
    op.create_table(
        'role_grant',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('subject', sa.String(length=300), nullable=True),
        sa.Column('org_number', sa.String(length=9), nullable=True),
        sa.Column(
            'role',
            sa.Enum(
                'ADMIN',
                'REPORTER',
                'READER',
                name='role_allowed',
                native_enum=False,
                create_constraint=True,
                length=8,
            ),
            nullable=False,
        ),
        sa.Column('granted_by', sa.String(length=300), nullable=False),
        sa.Column('granted_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            '(subject IS NULL) <> (org_number IS NULL)',
            name=op.f('ck_role_grant_subject_or_org_number'),
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_role_grant')),
        sa.UniqueConstraint('org_number', name=op.f('uq_role_grant_org_number')),
        sa.UniqueConstraint('subject', name=op.f('uq_role_grant_subject')),
    )
    op.create_table(
        'browser_session',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('secret_hash', sa.String(length=64), nullable=False),
        sa.Column('pending', sa.JSON(), nullable=True),
        sa.Column('claims', sa.JSON(), nullable=True),
        sa.Column('id_token', sa.Text(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_browser_session')),
        sa.UniqueConstraint('secret_hash', name=op.f('uq_browser_session_secret_hash')),
    )


def downgrade() -> None:
    op.drop_table('browser_session')
    op.drop_table('role_grant')
    op.drop_index(op.f('ix_organisation_org_number'), table_name='organisation')
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('ALTER TABLE organisation DROP COLUMN org_number')  # in place (3.35+)
    else:
        op.drop_column('organisation', 'org_number')
    with op.batch_alter_table('audit_event') as batch:
        batch.drop_index('ix_audit_event_actor_subject')
        batch.drop_column('actor_name')
        batch.drop_column('actor_subject')
    with op.batch_alter_table('api_token') as batch:
        batch.drop_column('last_used_at')
        batch.drop_column('expires_at')
