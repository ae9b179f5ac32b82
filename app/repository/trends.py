"""The report's trends over the rounds: status counts per round, forecasts per round.

Each is one statement over every round that opened up to a given round, so a report's
charts cost two statements however many rounds there are.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from app.domain import ADMITTED_STATES
from app.repository.rows import Row, all_rows
from app.tables import (
    delivery_history_table,
    delivery_table,
    initiative_history_table,
    initiative_table,
    period_table,
    report_table,
)


def _rounds_up_to(period_opens: date) -> sa.Subquery:
    """The rounds opened up to ``period_opens``, numbered from the oldest (``ordinal``)."""
    return (
        sa.select(
            period_table.c.id,
            period_table.c.code,
            period_table.c.opens,
            sa.func.row_number().over(order_by=period_table.c.opens).label("ordinal"),
        )
        .where(period_table.c.opens <= period_opens)
        .subquery("trend_round")
    )


async def status_counts_per_round(
    connection: AsyncConnection, *, period_opens: date
) -> Sequence[Row]:
    """(round, status, initiatives) for every round opened up to ``period_opens``.

    Each admitted initiative counts with its latest report up to the round (carried
    forward, as a round's summary counts it); one without a report up to the round is
    not counted, so the caller knows those as the rest of the admitted initiatives.
    """
    rounds = _rounds_up_to(period_opens)
    reported_in = period_table.alias("reported_in")
    ranked = (
        sa.select(
            rounds.c.id.label("round_id"),
            report_table.c.status,
            sa.func.row_number()
            .over(
                partition_by=(rounds.c.id, report_table.c.initiative_id),
                order_by=(reported_in.c.opens.desc(), report_table.c.revision.desc()),
            )
            .label("rank"),
        )
        .select_from(rounds)
        .join(reported_in, reported_in.c.opens <= rounds.c.opens)
        .join(report_table, report_table.c.period_id == reported_in.c.id)
        .join(initiative_table, initiative_table.c.id == report_table.c.initiative_id)
        .where(initiative_table.c.state.in_(sorted(ADMITTED_STATES)))
        .subquery("ranked_status")
    )
    result = await connection.execute(
        sa.select(
            rounds.c.code.label("round"), ranked.c.status, sa.func.count().label("initiatives")
        )
        .select_from(rounds)
        .join(ranked, ranked.c.round_id == rounds.c.id)
        .where(ranked.c.rank == 1)
        .group_by(rounds.c.code, rounds.c.opens, ranked.c.status)
        .order_by(rounds.c.opens, ranked.c.status)
    )
    return await all_rows(result)


def _ranked_in_each_round(
    rounds: sa.Subquery, history: sa.Table, key: str, value: str, *, name: str
) -> sa.Subquery:
    """(round_id, ``key``, ``value``, rank) of every history row each round knew; rank 1
    is the newest a round knew of each ``key`` (rows of no round are known to every one)."""
    recorded = period_table.alias(f"{name}_recorded")
    return (
        sa.select(
            rounds.c.id.label("round_id"),
            history.c[key],
            history.c[value],
            sa.func.row_number()
            .over(
                partition_by=(rounds.c.id, history.c[key]),
                order_by=_known_order(history, recorded),
            )
            .label("rank"),
        )
        .select_from(rounds)
        .join(history, sa.true())
        .outerjoin(recorded, recorded.c.id == history.c.period_id)
        .where(sa.or_(history.c.period_id.is_(None), recorded.c.opens <= rounds.c.opens))
        .subquery(name)
    )


def _known_order(table: sa.FromClause, recorded_in: sa.FromClause) -> tuple[Any, ...]:
    """Newest first: by the round recorded in (rows without one are the oldest), then id."""
    return (
        recorded_in.c.opens.is_(None).asc(),
        recorded_in.c.opens.desc(),
        table.c.id.desc(),
    )


async def forecast_slips_per_round(
    connection: AsyncConnection, *, period_opens: date
) -> Sequence[Row]:
    """(round, delivery, before, after): forecasts later than the round before knew them.

    For every round opened up to ``period_opens``, each delivery as that round knew it —
    its latest history row of that round or an earlier one (or without a round), of an
    initiative admitted as that round knew it: the deliveries of a round's state
    (``app.repository.state_rows_as_of``) — compared with the round just before; a
    delivery counts when both rounds know it with a forecast and the later one is later.
    Ordered by round, then delivery.
    """
    rounds = _rounds_up_to(period_opens)
    delivery_ranked = _ranked_in_each_round(
        rounds, delivery_history_table, "delivery_id", "forecast_date", name="delivery_known"
    )
    initiative_ranked = _ranked_in_each_round(
        rounds, initiative_history_table, "initiative_id", "state", name="initiative_known"
    )
    known = (
        sa.select(
            rounds.c.code.label("round"),
            rounds.c.opens,
            rounds.c.ordinal,
            delivery_table.c.code.label("delivery"),
            delivery_ranked.c.forecast_date.label("forecast"),
        )
        .select_from(rounds)
        .join(
            delivery_ranked,
            sa.and_(delivery_ranked.c.round_id == rounds.c.id, delivery_ranked.c.rank == 1),
        )
        .join(delivery_table, delivery_table.c.id == delivery_ranked.c.delivery_id)
        .join(
            initiative_ranked,
            sa.and_(
                initiative_ranked.c.round_id == rounds.c.id,
                initiative_ranked.c.initiative_id == delivery_table.c.initiative_id,
                initiative_ranked.c.rank == 1,
            ),
        )
        .where(initiative_ranked.c.state.in_(sorted(ADMITTED_STATES)))
        .subquery("forecast_known")
    )
    compared = sa.select(
        known.c.round,
        known.c.opens,
        known.c.ordinal,
        known.c.delivery,
        known.c.forecast.label("after"),
        sa.func.lag(known.c.forecast)
        .over(partition_by=known.c.delivery, order_by=known.c.ordinal)
        .label("before"),
        sa.func.lag(known.c.ordinal)
        .over(partition_by=known.c.delivery, order_by=known.c.ordinal)
        .label("before_ordinal"),
    ).subquery("forecast_compared")
    result = await connection.execute(
        sa.select(
            compared.c.round,
            compared.c.delivery,
            sa.type_coerce(compared.c.before, sa.Date).label("before"),
            sa.type_coerce(compared.c.after, sa.Date).label("after"),
        )
        .where(compared.c.before_ordinal == compared.c.ordinal - 1)
        .where(compared.c.after > compared.c.before)
        .order_by(compared.c.opens, compared.c.delivery)
    )
    return await all_rows(result)
