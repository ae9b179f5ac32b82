"""full-text search over initiatives, status reports, risks and deliveries

PostgreSQL: one GIN index per searched text, on its `norwegian` tsvector (the
expressions app/repository/search.py queries). SQLite: the FTS5 table `search_index`
holding each text's Norwegian stems (the function `search_stems`, which app/database.py
registers on every connection) beside the text, filled from the rows already there and
kept in step by triggers; each text's rowid is its row's id * 8 + its field's number.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-08
"""

from collections.abc import Sequence

from alembic import op


revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, initiative id, [(field number, index name, text expression)]); `{row}` is the
# row's prefix ("" in an index, "new." or "old." in a trigger).
SOURCES = [
    (
        'initiative',
        '{row}id',
        [(0, 'ix_search_initiative_name', '{row}name'),
         (1, 'ix_search_initiative_purpose', '{row}purpose')],
    ),
    (
        'status_report',
        '{row}initiative_id',
        [(2, 'ix_search_status_report_reason', '{row}status_reason'),
         (3, 'ix_search_status_report_risk_areas', '{row}main_risk_areas')],
    ),
    (
        'risk',
        '{row}initiative_id',
        [(4, 'ix_search_risk', "{row}title || ' ' || coalesce({row}description, '')")],
    ),
    (
        'delivery',
        '{row}initiative_id',
        [(5, 'ix_search_delivery', "{row}name || ' ' || coalesce({row}description, '')")],
    ),
]


def upgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        for table, _, fields in SOURCES:
            for _, index, text in fields:
                op.execute(
                    f"CREATE INDEX {index} ON {table} "
                    f"USING gin (to_tsvector('norwegian'::regconfig, {text.format(row='')}))"
                )
        return
    op.execute(
        "CREATE VIRTUAL TABLE search_index USING fts5("
        "stems, body UNINDEXED, initiative_id UNINDEXED, "
        "tokenize = 'unicode61 remove_diacritics 0')"
    )
    for table, initiative, fields in SOURCES:
        rowids = ', '.join(f'old.id * 8 + {number}' for number, _, _ in fields)
        delete = f'DELETE FROM search_index WHERE rowid IN ({rowids});'
        inserts = ' '.join(
            'INSERT INTO search_index (rowid, stems, body, initiative_id) '
            f"SELECT new.id * 8 + {number}, search_stems({text.format(row='new.')}), "
            f"{text.format(row='new.')}, {initiative.format(row='new.')} "
            f"WHERE {text.format(row='new.')} IS NOT NULL;"
            for number, _, text in fields
        )
        op.execute(
            f'CREATE TRIGGER search_index_{table}_insert AFTER INSERT ON {table} '
            f'BEGIN {inserts} END'
        )
        op.execute(
            f'CREATE TRIGGER search_index_{table}_update AFTER UPDATE ON {table} '
            f'BEGIN {delete} {inserts} END'
        )
        op.execute(
            f'CREATE TRIGGER search_index_{table}_delete AFTER DELETE ON {table} '
            f'BEGIN {delete} END'
        )
        for number, _, text in fields:
            op.execute(
                'INSERT INTO search_index (rowid, stems, body, initiative_id) '
                f"SELECT id * 8 + {number}, search_stems({text.format(row='')}), "
                f"{text.format(row='')}, {initiative.format(row='')} "
                f"FROM {table} WHERE {text.format(row='')} IS NOT NULL"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        for _, _, fields in SOURCES:
            for _, index, _ in fields:
                op.execute(f'DROP INDEX {index}')
        return
    for table, _, _ in SOURCES:
        for event in ('insert', 'update', 'delete'):
            op.execute(f'DROP TRIGGER search_index_{table}_{event}')
    op.execute('DROP TABLE search_index')
