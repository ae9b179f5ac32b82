"""The response cache: keys, eviction and entity tags."""

from __future__ import annotations

from typing import Any

import pytest

from app.web.response_cache import ResponseCache, cache_key, etag_matches, is_read_only


def key(**overrides: Any) -> str:
    values: dict[str, Any] = {
        "data_version": 1,
        "query": "{ a }",
        "variables": {"x": 1, "y": 2},
        "operation_name": None,
        "caller": "ANONYMOUS",
        "media_type": "application/json",
    }
    return cache_key(**(values | overrides))


def test_the_key_is_stable_for_the_same_request() -> None:
    assert key() == key(variables={"y": 2, "x": 1})


@pytest.mark.parametrize(
    "change",
    [
        {"data_version": 2},
        {"query": "{ b }"},
        {"variables": {"x": 2, "y": 2}},
        {"operation_name": "A"},
        {"caller": "READER"},
        {"media_type": "application/graphql-response+json"},
    ],
)
def test_everything_a_response_depends_on_moves_the_key(change: dict[str, Any]) -> None:
    assert key(**change) != key()


@pytest.mark.parametrize(
    ("query", "operation_name", "expected"),
    [
        ("{ a }", None, True),
        ("query Q { a }", "Q", True),
        ("mutation M { a }", None, False),
        ("subscription S { a }", None, False),
        ("query Q { a } mutation M { b }", "M", False),
        ("query Q { a } mutation M { b }", None, False),
        ("{ a", None, False),
    ],
)
def test_only_queries_are_cacheable(query: str, operation_name: str | None, expected: bool) -> None:
    assert is_read_only(query, operation_name) is expected


def test_least_recently_used_entries_leave_first_within_the_byte_budget() -> None:
    cache = ResponseCache(max_bytes=10)
    cache.put("a", b"1234", "application/json")
    cache.put("b", b"1234", "application/json")
    assert cache.get("a") is not None

    cache.put("c", b"1234", "application/json")

    assert cache.get("b") is None
    assert cache.get("a") is not None
    assert cache.size_bytes == 8


def test_a_body_larger_than_the_budget_is_not_kept() -> None:
    cache = ResponseCache(max_bytes=3)

    entry = cache.put("a", b"1234", "application/json")

    assert entry.etag
    assert len(cache) == 0


@pytest.mark.parametrize(
    ("header", "expected"),
    [(None, False), ('"abc"', True), ('W/"abc"', True), ('"x", "abc"', True), ("*", True),
     ('"other"', False)],
)  # fmt: skip
def test_if_none_match_names_the_entity_tag(header: str | None, expected: bool) -> None:
    assert etag_matches(header, '"abc"') is expected
