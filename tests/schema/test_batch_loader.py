"""The request's batch loader: one read per turn of the loop, values kept, peek and prime."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from schema.batch_loader import NOT_LOADED, BatchLoader, WrongNumberOfValuesError


class Reads:
    """A load function that doubles its keys and records each call."""

    def __init__(self) -> None:
        self.calls: list[list[int]] = []

    async def __call__(self, keys: list[int]) -> Sequence[int]:
        self.calls.append(list(keys))
        return [key * 2 for key in keys]


async def test_keys_asked_together_are_read_in_one_call() -> None:
    reads = Reads()
    loader = BatchLoader(reads)

    values = await asyncio.gather(loader.load(1), loader.load(2), loader.load(1))

    assert values == [2, 4, 2]
    assert reads.calls == [[1, 2]]


async def test_a_loaded_key_is_not_read_again() -> None:
    reads = Reads()
    loader = BatchLoader(reads)
    await loader.load(3)

    assert await loader.load(3) == 6
    assert reads.calls == [[3]]


async def test_batches_respect_their_maximum_size() -> None:
    reads = Reads()
    loader = BatchLoader(reads, max_batch_size=1)

    await loader.load_many([1, 2])

    assert reads.calls == [[1], [2]]


async def test_peek_answers_only_what_is_loaded_and_counts_its_hits() -> None:
    loader = BatchLoader(Reads())
    pending = loader.load(5)

    assert loader.peek(5) is NOT_LOADED
    await pending
    assert loader.peek(5) == 10
    assert loader.peek_hits == 1


async def test_prime_serves_a_key_without_a_read_and_keeps_a_loaded_value() -> None:
    reads = Reads()
    loader = BatchLoader(reads)
    await loader.load(1)

    loader.prime_many({1: 100, 2: 200})

    assert await loader.load_many([1, 2]) == [2, 200]
    assert reads.calls == [[1]]


async def test_prime_answers_a_key_still_waiting_for_its_batch() -> None:
    reads = Reads()
    loader = BatchLoader(reads)
    waiting = loader.load(7)

    loader.prime(7, 70)

    assert await waiting == 70
    await asyncio.sleep(0)
    assert reads.calls == []


async def test_load_batch_reads_only_missing_keys_at_once() -> None:
    reads = Reads()
    loader = BatchLoader(reads)
    loader.prime(1, 100)

    assert await loader.load_batch([1, 2, 3, 2]) == [100, 4, 6, 4]
    assert reads.calls == [[2, 3]]
    assert loader.peek(3) == 6


async def test_a_failed_load_batch_stores_nothing() -> None:
    async def failing(_: list[int]) -> Sequence[int]:
        raise RuntimeError("database gone")

    loader = BatchLoader(failing)

    with pytest.raises(RuntimeError, match="database gone"):
        await loader.load_batch([1])
    assert not loader.holds(1)


async def test_every_waiting_key_gets_the_error_of_its_read() -> None:
    async def failing(_: list[int]) -> Sequence[int]:
        raise RuntimeError("database gone")

    loader = BatchLoader(failing)

    results = await asyncio.gather(loader.load(1), loader.load(2), return_exceptions=True)

    assert [str(result) for result in results] == ["database gone", "database gone"]


async def test_a_load_function_answering_too_few_values_is_an_error() -> None:
    async def short(keys: list[int]) -> Sequence[int]:
        return keys[:-1]

    loader = BatchLoader(short)

    with pytest.raises(WrongNumberOfValuesError):
        await loader.load_many([1, 2])
