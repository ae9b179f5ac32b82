"""The visibility rule in SQL: the one predicate every read of initiatives applies."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from app.auth import Visibility
from app.domain import ADMITTED_STATES
from app.tables import (
    initiative_table,
)


def admitted(table: sa.FromClause | None = None) -> sa.ColumnElement[bool]:
    table = initiative_table if table is None else table
    return table.c.state.in_(sorted(ADMITTED_STATES))


def visible_initiatives(
    visibility: Visibility, table: sa.FromClause | None = None
) -> sa.ColumnElement[bool]:
    """The initiatives (of ``table``, an initiative table or alias) the reader may see.

    Admitted ones for everyone; PROPOSED and DECLINED ones only for ADMIN tokens and for
    REPORTER tokens of their owner.
    """
    table = initiative_table if table is None else table
    if visibility.all_hidden:
        return sa.true()
    if not visibility.hidden_of_owners:
        return admitted(table)
    return sa.or_(admitted(table), table.c.owner_id.in_(sorted(visibility.hidden_of_owners)))


def of_visible_initiative(
    initiative_id: sa.ColumnElement[Any], visibility: Visibility
) -> sa.ColumnElement[bool]:
    """Rows hanging off an initiative through ``initiative_id``: those of visible ones."""
    if visibility.all_hidden:
        return sa.true()
    return initiative_id.in_(
        sa.select(initiative_table.c.id).where(visible_initiatives(visibility))
    )
