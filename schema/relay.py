"""Relay conventions: global ids, the Node interface and page info."""

from __future__ import annotations

import base64
import binascii

import strawberry

from app.messages import message
from schema.errors import UserInputError


def to_global_id(type_name: str, key: str) -> strawberry.ID:
    """A global id: base64 of ``Type:key``; keys are codes where the object has one."""
    return strawberry.ID(base64.b64encode(f"{type_name}:{key}".encode()).decode())


def from_global_id(global_id: str, *, argument: str = "id") -> tuple[str, str]:
    """The type name and key of a global id; a malformed id is the caller's error."""
    try:
        text = base64.b64decode(global_id.encode(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        text = ""
    type_name, separator, key = text.partition(":")
    if not separator or not type_name or not key:
        raise UserInputError(message("input.bad_global_id", id=repr(global_id)), argument=argument)
    return type_name, key


def encode_cursor(code: str) -> str:
    """An opaque cursor for the position after ``code`` in a code-ordered list."""
    return base64.urlsafe_b64encode(f"after:{code}".encode()).decode()


def decode_cursor(cursor: str, *, argument: str = "after") -> str:
    """The code a cursor points after; a cursor that is not ours is the caller's error."""
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        text = ""
    prefix, _, code = text.partition(":")
    if prefix != "after" or not code:
        raise UserInputError(message("input.bad_cursor", cursor=repr(cursor)), argument=argument)
    return code


@strawberry.interface(description="An object with a global id, refetchable with `node(id)`.")
class Node:
    @strawberry.field(description="Global id (opaque).")
    def id(self) -> strawberry.ID:
        raise NotImplementedError


@strawberry.type(description="Where a page lies in a list (Relay cursor connections).")
class PageInfo:
    has_next_page: bool = strawberry.field(description="More items follow this page.")
    has_previous_page: bool = strawberry.field(description="Items come before this page.")
    start_cursor: str | None = strawberry.field(description="Cursor of the first item of the page.")
    end_cursor: str | None = strawberry.field(
        description="Cursor of the last item of the page, for `after`."
    )
