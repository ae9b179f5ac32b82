"""Garbage-collector settings for a worker that holds a large analysis in memory.

CPython's cyclic collector walks every tracked object of the oldest generation on a full
collection, holding the GIL throughout. A worker holding the analysis of 10,000
initiatives has millions of them, and rebuilding it after a write allocates enough to
trigger several full collections: each one stalled the event loop for 60–130 ms,
whichever thread set it off (measured with a watchdog on the loop, see
benchmarks/RESULTS.md). So, for the life of the application:

- everything alive at start-up (modules, the schema) is frozen out of the collector's
  walks (``gc.freeze``), and
- a full collection is considered ten times less often (the oldest generation's
  threshold 10 → 100). Young garbage is still collected as before; what waits longer is
  cyclic garbage that survived two collections, such as the graph of a data version
  that has been replaced, so memory stays bounded (a few replaced graphs at most).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

OLDEST_GENERATION_THRESHOLD = 100


@contextmanager
def tuned_for_large_heaps() -> Iterator[None]:
    """Freeze the start-up heap and make full collections rarer; restore on exit."""
    previous = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(previous[0], previous[1], max(previous[2], OLDEST_GENERATION_THRESHOLD))
    try:
        yield
    finally:
        gc.set_threshold(*previous)
        gc.unfreeze()
