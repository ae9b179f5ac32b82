"""An in-process broadcaster of write events, for GraphQL subscriptions.

Events are published after their transaction commits. The broadcaster lives in one
process: with several workers, each worker's subscribers see the writes made through
that worker only (see docs/api.md, Subscriptions).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from app.domain import TrafficLight

logger = logging.getLogger("portfolio")

QUEUE_SIZE = 256


@dataclass(frozen=True, slots=True)
class StatusReportSubmitted:
    """A status report (revision) was stored."""

    report_id: int
    initiative_id: int
    initiative_code: str
    owner_id: int
    period_code: str
    revision: int
    status: TrafficLight
    previous_status: TrafficLight | None

    @property
    def status_changed(self) -> bool:
        return self.previous_status != self.status


Event = StatusReportSubmitted


class Broadcaster:
    """Fans events out to every subscriber's queue; a slow subscriber loses its oldest."""

    def __init__(self) -> None:
        self._queues: set[asyncio.Queue[Event]] = set()

    @property
    def subscriber_count(self) -> int:
        return len(self._queues)

    def publish(self, event: Event) -> None:
        for queue in list(self._queues):
            if queue.full():
                queue.get_nowait()
                logger.warning("a subscriber fell behind; its oldest event was dropped")
            queue.put_nowait(event)

    @asynccontextmanager
    async def subscribe(self) -> AsyncIterator[asyncio.Queue[Event]]:
        queue: asyncio.Queue[Event] = asyncio.Queue(maxsize=QUEUE_SIZE)
        self._queues.add(queue)
        try:
            yield queue
        finally:
            self._queues.discard(queue)


broadcaster = Broadcaster()
"""The process's broadcaster."""
