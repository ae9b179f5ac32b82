"""A per-request batch loader that can say what it already holds.

Like a DataLoader, ``load`` collects the keys asked in one turn of the event loop and
reads them with one call of the load function, and remembers every value for the rest
of the request. Beside that it offers what the fast paths need as public methods:
``peek`` answers a key it already holds without an awaitable, ``prime`` stores values
read elsewhere, and ``load_batch`` reads a known batch of keys at once.
"""

from __future__ import annotations

import asyncio
import enum
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from typing import Generic, Literal, TypeVar

K = TypeVar("K")
V = TypeVar("V")

LoadFunction = Callable[[list[K]], Awaitable[Sequence[V]]]


class _Missing(enum.Enum):
    NOT_LOADED = enum.auto()


NOT_LOADED = _Missing.NOT_LOADED
"""What ``peek`` answers for a key whose value the loader does not hold (yet)."""


class WrongNumberOfValuesError(RuntimeError):
    """A load function answered a different number of values than it was given keys."""

    def __init__(self, *, keys: int, values: int) -> None:
        super().__init__(f"the load function answered {values} values for {keys} keys")


class BatchLoader(Generic[K, V]):
    """Batches and caches the reads of one kind of value for one request."""

    def __init__(self, load_fn: LoadFunction[K, V], *, max_batch_size: int | None = None) -> None:
        self._load_fn = load_fn
        self._max_batch_size = max_batch_size
        self._futures: dict[K, asyncio.Future[V]] = {}
        self._batch: list[tuple[K, asyncio.Future[V]]] | None = None
        self.peek_hits = 0
        """How many times ``peek`` answered with a value: the fast path's count."""

    def peek(self, key: K) -> V | Literal[_Missing.NOT_LOADED]:
        """The value for ``key`` when the loader holds it; ``NOT_LOADED`` otherwise."""
        future = self._futures.get(key)
        if (
            future is None
            or not future.done()
            or future.cancelled()
            or future.exception() is not None
        ):
            return NOT_LOADED
        self.peek_hits += 1
        return future.result()

    def holds(self, key: K) -> bool:
        """A value for ``key`` is loaded or being loaded."""
        future = self._futures.get(key)
        return future is not None and not future.cancelled()

    def load(self, key: K) -> Awaitable[V]:
        """The value for ``key``, read with the other keys asked in this turn of the loop."""
        future = self._futures.get(key)
        if future is not None and not future.cancelled():
            return future
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self._futures[key] = future
        batch = self._batch
        if batch is None or (
            self._max_batch_size is not None and len(batch) >= self._max_batch_size
        ):
            batch = self._batch = []
            loop.call_soon(self._schedule, batch)
        batch.append((key, future))
        return future

    async def load_many(self, keys: Iterable[K]) -> list[V]:
        """The values for ``keys``, in order, in one batch."""
        return list(await asyncio.gather(*(self.load(key) for key in keys)))

    async def load_batch(self, keys: Iterable[K]) -> list[V]:
        """The values for a known batch of keys: one read, now, of those not held yet.

        Unlike ``load_many`` this waits for no turn of the loop and makes no future per
        key it reads: a page of 500 initiatives prefetches its rows this way. When the
        read fails, nothing is stored, so each field that needs a value reads it again
        (and fails) at its own path.
        """
        keys = list(keys)
        missing = list(dict.fromkeys(key for key in keys if not self.holds(key)))
        if missing:
            self.prime_many(dict(zip(missing, await self._read(missing), strict=True)))
        return [await self.load(key) for key in keys]

    def prime(self, key: K, value: V) -> None:
        """Store ``value`` for ``key`` unless the loader holds one already."""
        self.prime_many({key: value})

    def prime_many(self, values: Mapping[K, V]) -> None:
        """Store each value unless the loader holds one already (a waiting key takes it)."""
        loop = asyncio.get_running_loop()
        for key, value in values.items():
            future = self._futures.get(key)
            if future is None or future.cancelled():
                future = self._futures[key] = loop.create_future()
            if not future.done():
                future.set_result(value)

    def _schedule(self, batch: list[tuple[K, asyncio.Future[V]]]) -> None:
        # Keys asked until the dispatch task starts join this batch, as with strawberry's
        # DataLoader: one turn to schedule the task, one to start it.
        task = asyncio.get_running_loop().create_task(self._dispatch(batch))
        task.add_done_callback(_retrieve)

    async def _dispatch(self, batch: list[tuple[K, asyncio.Future[V]]]) -> None:
        if self._batch is batch:
            self._batch = None
        waiting = [(key, future) for key, future in batch if not future.done()]
        if not waiting:
            return
        try:
            values = await self._read([key for key, _ in waiting])
        except Exception as error:  # every waiting caller gets the read's error
            for _, future in waiting:
                if not future.done():
                    future.set_exception(error)
            return
        for (_, future), value in zip(waiting, values, strict=True):
            if not future.done():
                future.set_result(value)

    async def _read(self, keys: list[K]) -> Sequence[V]:
        values = await self._load_fn(keys)
        if len(values) != len(keys):
            raise WrongNumberOfValuesError(keys=len(keys), values=len(values))
        return values


def _retrieve(task: asyncio.Task[None]) -> None:
    # The dispatch sets every error on the callers' futures; a cancelled task is not news.
    if not task.cancelled():
        task.exception()
