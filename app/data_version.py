"""The data version: one row whose number every write moves, in the write's transaction.

The analysis and the response cache compare this one integer, so several workers on one
database stay coherent. The statements live here once; the asynchronous write path and the
synchronous seed loader both run them.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from app.tables import version_table


def move_data_version(connection: sa.Connection) -> None:
    """Move the data version on by one (creating the row on first use)."""
    step = (
        version_table.update()
        .where(version_table.c.id == 1)
        .values(version=version_table.c.version + 1)
    )
    if connection.execute(step).rowcount:
        return
    try:
        with connection.begin_nested():
            connection.execute(version_table.insert().values(id=1, version=1))
    except sa.exc.IntegrityError:
        # A concurrent first write created the row; wait for its lock and move on.
        connection.execute(step)


async def bump_data_version(connection: AsyncConnection) -> None:
    """:func:`move_data_version` on an asynchronous connection."""
    await connection.run_sync(move_data_version)
