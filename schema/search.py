"""Full-text search: ``search(text, first, after)``, a connection of ranked hits.

Search is a connection, like ``initiatives`` and ``auditEvents``, because clients page
through it ("more hits"). Its cursor is a position in the ranking (the ranking is not a
stable key), so a write between two pages can shift a hit across the page boundary.
"""

from __future__ import annotations

from typing import Annotated

import strawberry

from app import repository
from app.messages import message
from app.search_text import has_words, snippet_parts
from schema.bounds import SEARCH_PAGE
from schema.context import Info
from schema.enums import SearchField
from schema.errors import UserInputError, out_of_range
from schema.prefetch import prefetch_below, selected
from schema.relay import PageInfo, decode_cursor, encode_cursor
from schema.types import Initiative

MAX_SEARCH_TEXT = 200
"""The longest text ``search`` takes."""
MAX_SEARCH_POSITION = 10_000
"""How deep in a ranking a cursor may point."""


@strawberry.type(description="A piece of a snippet: the words a search matched, or those between.")
class SnippetPart:
    text: str = strawberry.field(description="The piece's text, as written.")
    match: bool = strawberry.field(description="Whether the search matched these words.")


@strawberry.type(description="One field of one initiative that matched a search.")
class SearchHit:
    initiative: Initiative = strawberry.field(description="The initiative the text belongs to.")
    field: SearchField = strawberry.field(description="Where the text was found.")
    rank: float = strawberry.field(
        description=(
            "How well the text matches, weighted by field (higher is better): compare ranks "
            "within one answer only."
        )
    )
    marked: strawberry.Private[str]

    @strawberry.field(description="Plain text around the match: a few words of the field.")
    def snippet(self) -> str:
        return "".join(part.text for part in snippet_parts(self.marked))

    @strawberry.field(description="The snippet in pieces, the matched words marked.")
    def snippet_parts(self) -> list[SnippetPart]:
        return [
            SnippetPart(text=part.text, match=part.match) for part in snippet_parts(self.marked)
        ]


@strawberry.type(description="One search hit of a page, with its cursor.")
class SearchHitEdge:
    cursor: str = strawberry.field(description="Opaque position of this hit, for `after`.")
    node: SearchHit = strawberry.field(description="The hit.")


@strawberry.type(description="A page of search hits, best first.")
class SearchHitConnection:
    edges: list[SearchHitEdge] = strawberry.field(
        description="The hits of this page with their cursors."
    )
    page_info: PageInfo = strawberry.field(description="Where this page lies in the ranking.")
    text: strawberry.Private[str]

    @strawberry.field(description="The hits of this page.")
    def nodes(self) -> list[SearchHit]:
        return [edge.node for edge in self.edges]

    @strawberry.field(description="How many hits the search finds, over all pages.")
    async def total_count(self, info: Info) -> int:
        context = info.context
        return await context.read(
            repository.count_search_hits, self.text, visibility=context.visibility
        )


def _position(after: str | None) -> int:
    """How many hits come before the page ``after`` points past."""
    if after is None:
        return 0
    key = decode_cursor(after)
    if not key.isdigit() or not 1 <= int(key) <= MAX_SEARCH_POSITION:
        raise UserInputError(message("input.bad_cursor", cursor=repr(after)), argument="after")
    return int(key)


@strawberry.type
class SearchQuery:
    @strawberry.field(
        description=(
            "Initiatives whose name, purpose, status reasons, risk areas, risks or deliveries "
            "hold the words of `text` (Norwegian stemming: «legemiddellisten» finds "
            "«legemiddelliste»), best first; one hit per initiative and field. `text` reads as "
            'a web search: words must all match, `or` between words, `"…"` for a phrase, '
            "`-word` to leave out."
        )
    )
    async def search(
        self,
        info: Info,
        text: Annotated[
            str,
            strawberry.argument(
                description=f"The words to search for (at most {MAX_SEARCH_TEXT} characters)."
            ),
        ],
        first: Annotated[
            int,
            strawberry.argument(
                description=(
                    f"Page size (default {SEARCH_PAGE.default}, at most {SEARCH_PAGE.maximum})."
                )
            ),
        ] = SEARCH_PAGE.default,
        after: Annotated[
            str | None, strawberry.argument(description="Cursor of the last edge seen.")
        ] = None,
    ) -> SearchHitConnection:
        if len(text) > MAX_SEARCH_TEXT:
            raise UserInputError(
                message("input.search_text_too_long", limit=MAX_SEARCH_TEXT), argument="text"
            )
        if not has_words(text):
            raise UserInputError(message("input.search_text_empty"), argument="text")
        if not 1 <= first <= SEARCH_PAGE.maximum:
            raise out_of_range("first", first, 1, SEARCH_PAGE.maximum)
        offset = _position(after)
        context = info.context
        found = await context.read(
            repository.search,
            text,
            visibility=context.visibility,
            offset=offset,
            limit=first + 1,
        )
        page = found[:first]
        rows = await context.loaders.initiative_by_id.load_batch(
            [hit.initiative_id for hit in page]
        )
        hits = selected(info.selected_fields, "nodes") + selected(
            selected(info.selected_fields, "edges"), "node"
        )
        present = [row for row in rows if row is not None]
        await prefetch_below(info, Initiative, present, selected(hits, "initiative"))
        build = context.loaders.build_once
        edges = [
            SearchHitEdge(
                cursor=encode_cursor(str(offset + index + 1)),
                node=SearchHit(
                    initiative=build(Initiative.from_row, row),
                    field=hit.field,
                    rank=hit.rank,
                    marked=hit.snippet,
                ),
            )
            # The read applied the viewer's visibility, as the loader does: every row is there.
            for index, (hit, row) in enumerate(zip(page, rows, strict=True))
            if row is not None
        ]
        return SearchHitConnection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=len(found) > first,
                has_previous_page=offset > 0,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
            text=text,
        )
