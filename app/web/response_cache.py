"""A response cache for read-only GraphQL requests, keyed by data version and caller.

The key holds everything the response depends on: the data version (moved by every
write), the document, the variables, the operation name, the caller's role and
organisation (economics and ``viewerCan*`` flags differ between callers) and the media
type. Nothing in the key, nothing stale: a write moves the version, so the next request
misses and runs again. Entries are evicted least-recently-used within a byte budget.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from graphql import OperationType, parse
from graphql.error import GraphQLSyntaxError
from graphql.utilities import get_operation_ast


@dataclass(frozen=True, slots=True)
class CachedResponse:
    """A response body ready to send again, with its entity tag."""

    etag: str
    body: bytes
    media_type: str


@functools.lru_cache(maxsize=256)
def is_read_only(query: str, operation_name: str | None) -> bool:
    """True when the operation to run is a query (never a mutation or subscription)."""
    try:
        document = parse(query)
    except GraphQLSyntaxError:
        return False
    operation = get_operation_ast(document, operation_name)
    return operation is not None and operation.operation == OperationType.QUERY


def cache_key(
    *,
    data_version: int,
    query: str,
    variables: dict[str, Any] | None,
    operation_name: str | None,
    caller: str,
    media_type: str,
) -> str:
    """A stable digest of everything a response depends on."""
    material = json.dumps(
        [data_version, query, variables or {}, operation_name, caller, media_type],
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(material.encode()).hexdigest()


class ResponseCache:
    """Least-recently-used response bodies, bounded in bytes."""

    def __init__(self, *, max_bytes: int = 64 * 1024 * 1024) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict[str, CachedResponse] = OrderedDict()
        self._bytes = 0
        self.hits = 0
        self.misses = 0

    def get(self, key: str) -> CachedResponse | None:
        entry = self._entries.get(key)
        if entry is None:
            self.misses += 1
            return None
        self._entries.move_to_end(key)
        self.hits += 1
        return entry

    def put(self, key: str, body: bytes, media_type: str) -> CachedResponse:
        """Store a body (unless it alone exceeds the budget) and return its entry."""
        entry = CachedResponse(etag=f'"{key[:40]}"', body=body, media_type=media_type)
        if len(body) > self.max_bytes:
            return entry
        previous = self._entries.pop(key, None)
        if previous is not None:
            self._bytes -= len(previous.body)
        self._entries[key] = entry
        self._bytes += len(body)
        while self._bytes > self.max_bytes:
            _, evicted = self._entries.popitem(last=False)
            self._bytes -= len(evicted.body)
        return entry

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def size_bytes(self) -> int:
        return self._bytes


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """Whether an ``If-None-Match`` header names ``etag`` (or ``*``)."""
    if not if_none_match:
        return False
    candidates = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return "*" in candidates or etag in candidates
