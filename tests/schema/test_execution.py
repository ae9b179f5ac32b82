"""The plain-field shortcut answers exactly as strawberry's ordinary execution does."""

from __future__ import annotations

import enum
from datetime import date
from typing import Any

import pytest
import strawberry
from strawberry.extensions import SchemaExtension

from schema.execution import PlainFieldExecutionContext


@strawberry.enum
class Colour(enum.Enum):
    RED = "red"
    GREEN = "green"


@strawberry.type
class Item:
    name: str
    colour: Colour
    day: date | None
    count: int
    missing: str
    note: str | None
    hidden: strawberry.Private[str]

    @strawberry.field
    def shout(self) -> str:
        return self.name.upper()


@strawberry.type
class Query:
    @strawberry.field
    def items(self) -> list[Item | None]:
        good = Item(
            name="a",
            colour=Colour.RED,
            day=date(2026, 4, 1),
            count=3,
            missing="m",
            note=None,
            hidden="h",
        )
        too_large = Item(
            name="b",
            colour=Colour.GREEN,
            day=None,
            count=2**40,
            missing="m",
            note="n",
            hidden="h",
        )
        null_for_non_null = Item(
            name="c",
            colour=Colour.GREEN,
            day=None,
            count=1,
            missing=None,  # type: ignore[arg-type]
            note="n",
            hidden="h",
        )
        return [good, too_large, null_for_non_null]


DOCUMENT = "{ items { __typename name colour day count missing note shout } }"


def _execute(**options: Any) -> dict[str, Any]:
    result = strawberry.Schema(query=Query, **options).execute_sync(DOCUMENT)
    return {
        "data": result.data,
        "errors": sorted((error.message, tuple(error.path or ())) for error in result.errors or ()),
    }


def test_plain_field_shortcut_answers_as_ordinary_execution() -> None:
    # given the same schema with and without the shortcut
    # when both execute a document with values, nulls and values the types refuse
    ordinary = _execute()
    shortcut = _execute(execution_context_class=PlainFieldExecutionContext)

    # then data and errors are the same
    assert shortcut == ordinary
    assert ordinary["data"]["items"][0] == {
        "__typename": "Item",
        "name": "a",
        "colour": "RED",
        "day": "2026-04-01",
        "count": 3,
        "missing": "m",
        "note": None,
        "shout": "A",
    }
    assert ordinary["data"]["items"][1:] == [None, None]
    assert [path for _, path in ordinary["errors"]] == [
        ("items", 2, "missing"),
        ("items", 1, "count"),
    ]


class Upper(SchemaExtension):
    def resolve(self, _next: Any, root: Any, info: Any, *args: Any, **kwargs: Any) -> Any:
        value = _next(root, info, *args, **kwargs)
        return value.upper() if isinstance(value, str) else value


@pytest.mark.parametrize("context_class", [None, PlainFieldExecutionContext])
def test_plain_field_shortcut_leaves_resolve_extensions_in_charge(context_class: Any) -> None:
    # given a schema extension that wraps every resolver
    schema = strawberry.Schema(
        query=Query, extensions=[Upper], execution_context_class=context_class
    )

    # when a plain field is asked
    result = schema.execute_sync("{ items { name } }")

    # then the extension still sees it
    assert result.errors is None
    assert result.data == {"items": [{"name": "A"}, {"name": "B"}, {"name": "C"}]}
