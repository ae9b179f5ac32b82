"""Full-text search over initiatives and what hangs off them, one ranked page at a time.

The searched texts are the initiative's name and purpose, every status report's reason
and main risk areas, every risk's title and description and every delivery's name and
description; economics are not searched. An initiative gives at most one hit per field
(its best-ranked text there), so four rounds repeating a reason make one hit.

PostgreSQL matches ``websearch_to_tsquery('norwegian', …)`` against the `norwegian`
tsvector of each text (the expressions its migration indexes with GIN) and marks the
snippet with ``ts_headline``; SQLite matches the FTS5 table ``search_index`` (filled by
triggers) with the same words stemmed in Python (``app.search_text``) and marks it with
FTS5's ``snippet``. A hit's rank is higher the better the text matches, weighted by field
(a name counts four times a delivery); ranks compare within one answer only, and their
scale differs between the backends.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from app.auth import Visibility
from app.domain import SearchField
from app.repository.visibility import visible_initiatives
from app.search_text import SNIPPET_END, SNIPPET_START, fts5_query, mark_snippet, wanted_stems
from app.tables import delivery_table, initiative_table, report_table, risk_table

FIELD_NUMBERS = {
    SearchField.NAME: 0,
    SearchField.PURPOSE: 1,
    SearchField.STATUS_REASON: 2,
    SearchField.RISK_AREAS: 3,
    SearchField.RISK: 4,
    SearchField.DELIVERY: 5,
}
"""Each field's number: SQLite's rowid of a text is its row's id * 8 + this number."""
FIELDS_BY_NUMBER = {number: field for field, number in FIELD_NUMBERS.items()}

FIELD_WEIGHTS = {
    SearchField.NAME: 4.0,
    SearchField.PURPOSE: 2.0,
    SearchField.STATUS_REASON: 1.0,
    SearchField.RISK_AREAS: 1.0,
    SearchField.RISK: 1.0,
    SearchField.DELIVERY: 1.0,
}
"""How much a match in each field counts towards the rank."""

SNIPPET_WORDS = 16
"""About how many words a snippet holds around its match."""

_NORWEGIAN: sa.ColumnClause[Any] = sa.literal_column("'norwegian'::regconfig")
_SPACE: sa.ColumnClause[Any] = sa.literal_column("' '")
_NOTHING: sa.ColumnClause[Any] = sa.literal_column("''")


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One field of one initiative that matched, with its marked snippet and rank."""

    initiative_id: int
    field: SearchField
    snippet: str
    rank: float


def _postgres_texts() -> list[tuple[SearchField, sa.FromClause, Any, Any, Any]]:
    """(field, table, initiative id, row id, text) of every searched text, as indexed."""
    risk, delivery, report, initiative = risk_table, delivery_table, report_table, initiative_table
    return [
        (SearchField.NAME, initiative, initiative.c.id, initiative.c.id, initiative.c.name),
        (SearchField.PURPOSE, initiative, initiative.c.id, initiative.c.id, initiative.c.purpose),
        (
            SearchField.STATUS_REASON,
            report,
            report.c.initiative_id,
            report.c.id,
            report.c.status_reason,
        ),
        (
            SearchField.RISK_AREAS,
            report,
            report.c.initiative_id,
            report.c.id,
            report.c.main_risk_areas,
        ),
        (
            SearchField.RISK,
            risk,
            risk.c.initiative_id,
            risk.c.id,
            risk.c.title.op("||")(_SPACE).op("||")(sa.func.coalesce(risk.c.description, _NOTHING)),
        ),
        (
            SearchField.DELIVERY,
            delivery,
            delivery.c.initiative_id,
            delivery.c.id,
            delivery.c.name.op("||")(_SPACE).op("||")(
                sa.func.coalesce(delivery.c.description, _NOTHING)
            ),
        ),
    ]


def _postgres_matches(text: str) -> tuple[sa.Subquery, Any]:
    """Every matching text on PostgreSQL, and the tsquery the snippets mark."""
    query = sa.func.websearch_to_tsquery(_NORWEGIAN, text)
    selects = []
    for field, table, initiative_id, row_id, body in _postgres_texts():
        vector = sa.func.to_tsvector(_NORWEGIAN, body)
        selects.append(
            sa.select(
                initiative_id.label("initiative_id"),
                sa.literal_column(str(FIELD_NUMBERS[field]), sa.Integer).label("field"),
                row_id.label("row_id"),
                (sa.func.ts_rank(vector, query) * FIELD_WEIGHTS[field]).label("score"),
                sa.cast(body, sa.Text).label("body"),
            )
            .select_from(table)
            .where(vector.op("@@")(query))
        )
    return sa.union_all(*selects).subquery("matches"), query


def _sqlite_matches(match: str) -> sa.Subquery:
    """Every matching text on SQLite."""
    index = sa.table(
        "search_index", sa.column("rowid"), sa.column("body"), sa.column("initiative_id")
    )
    index_name: sa.ColumnClause[Any] = sa.literal_column("search_index")
    weight = sa.case(
        *(
            (index.c.rowid % 8 == FIELD_NUMBERS[field], weight)
            for field, weight in FIELD_WEIGHTS.items()
        ),
        else_=1.0,
    )
    return (
        sa.select(
            sa.cast(index.c.initiative_id, sa.Integer).label("initiative_id"),
            (index.c.rowid % 8).label("field"),
            (index.c.rowid / 8).label("row_id"),
            # bm25 is lower the better the match; the rank is higher.
            (-sa.func.bm25(index_name) * weight).label("score"),
            index.c.body,
        )
        .where(index_name.op("MATCH")(match))
        .subquery("matches")
    )


def _best_per_field(matches: sa.Subquery, visibility: Visibility) -> sa.Subquery:
    """Each visible initiative's best text per field, numbered by their rank."""
    best = sa.func.row_number().over(
        partition_by=(matches.c.initiative_id, matches.c.field),
        order_by=(matches.c.score.desc(), matches.c.row_id.desc()),
    )
    return (
        sa.select(matches, initiative_table.c.code, best.label("best"))
        .join(initiative_table, initiative_table.c.id == matches.c.initiative_id)
        .where(visible_initiatives(visibility))
        .subquery("hits")
    )


def _hits(
    connection: AsyncConnection, text: str, visibility: Visibility
) -> tuple[sa.Subquery, Any] | None:
    """The hits subquery and PostgreSQL's tsquery; None when the text asks for no word."""
    if connection.dialect.name == "postgresql":
        matches, tsquery = _postgres_matches(text)
        return _best_per_field(matches, visibility), tsquery
    match = fts5_query(text)
    if match is None:
        return None
    return _best_per_field(_sqlite_matches(match), visibility), None


async def count_search_hits(
    connection: AsyncConnection, text: str, *, visibility: Visibility
) -> int:
    """How many hits ``search`` finds for ``text`` over all pages."""
    found = _hits(connection, text, visibility)
    if found is None:
        return 0
    hits, _ = found
    count = sa.select(sa.func.count()).select_from(hits).where(hits.c.best == 1)
    return int(await connection.scalar(count) or 0)


async def search(
    connection: AsyncConnection,
    text: str,
    *,
    visibility: Visibility,
    offset: int,
    limit: int,
) -> Sequence[SearchHit]:
    """Up to ``limit`` hits for ``text`` after the first ``offset``, best first.

    Ties go by initiative code, then field; a text that asks for no word finds nothing.
    """
    found = _hits(connection, text, visibility)
    if found is None:
        return []
    hits, tsquery = found
    page = (
        sa.select(hits.c.initiative_id, hits.c.field, hits.c.score, hits.c.body, hits.c.code)
        .where(hits.c.best == 1)
        .order_by(hits.c.score.desc(), hits.c.code, hits.c.field)
        .offset(offset)
        .limit(limit)
    )
    if tsquery is None:
        wanted = wanted_stems(text)
        result = await connection.execute(page)
        return [_hit(row, mark_snippet(row.body, wanted, words=SNIPPET_WORDS)) for row in result]
    page_table = page.subquery("page")
    options = (
        f"StartSel={SNIPPET_START}, StopSel={SNIPPET_END}, MaxFragments=1, "
        f"MaxWords={SNIPPET_WORDS}, MinWords={SNIPPET_WORDS // 2}, "
        'FragmentDelimiter=" … "'
    )
    result = await connection.execute(
        sa.select(
            page_table,
            sa.func.ts_headline(_NORWEGIAN, page_table.c.body, tsquery, options).label("snippet"),
        ).order_by(page_table.c.score.desc(), page_table.c.code, page_table.c.field)
    )
    return [_hit(row, row.snippet) for row in result]


def _hit(row: Any, snippet: str) -> SearchHit:
    return SearchHit(
        initiative_id=int(row.initiative_id),
        field=FIELDS_BY_NUMBER[int(row.field)],
        rank=float(row.score),
        snippet=snippet,
    )
