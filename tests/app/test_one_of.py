"""A batch of ids or codes is one parameter on PostgreSQL and an IN list elsewhere."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from app.database import create_engine
from app.repository.rows import one_of
from app.tables import initiative_table
from tests.conftest import settings_for


def by_ids(ids: list[int]) -> sa.Select[tuple[int]]:
    return sa.select(initiative_table.c.id).where(one_of(initiative_table.c.id, ids))


def test_postgresql_gets_the_same_statement_for_any_batch_size() -> None:
    one, three = by_ids([1]), by_ids([1, 2, 3])

    texts = {str(query.compile(dialect=postgresql.dialect())) for query in (one, three)}

    assert len(texts) == 1
    assert "= ANY (" in texts.pop()


def test_sqlite_gets_an_in_list() -> None:
    text = str(by_ids([1, 2]).compile(dialect=sqlite.dialect()))

    assert " IN (" in text
    assert "ANY" not in text


@pytest.mark.parametrize("chosen", [slice(0, 3), slice(5, 9), slice(0, 0), slice(2, 3)])
async def test_each_batch_reads_exactly_its_rows_even_from_the_statement_cache(
    seeded_database_url: str, chosen: slice
) -> None:
    engine = create_engine(settings_for(seeded_database_url))
    try:
        async with engine.connect() as connection:
            ids = (
                (await connection.execute(sa.select(initiative_table.c.id).order_by("id")))
                .scalars()
                .all()
            )
            codes = (
                (await connection.execute(sa.select(initiative_table.c.code).order_by("code")))
                .scalars()
                .all()
            )
            for earlier in (ids[:2], ids[3:4]):  # the statement is cached with other values
                await connection.execute(by_ids(list(earlier)))

            found_ids = (
                (await connection.execute(by_ids(list(ids[chosen])).order_by("id"))).scalars().all()
            )
            found_codes = (
                (
                    await connection.execute(
                        sa.select(initiative_table.c.code)
                        .where(one_of(initiative_table.c.code, codes[chosen]))
                        .order_by("code")
                    )
                )
                .scalars()
                .all()
            )
    finally:
        await engine.dispose()

    assert found_ids == ids[chosen]
    assert found_codes == codes[chosen]
