"""Cooperative cancellation of a long analysis.

The analysis runs outside the caller's event loop (a worker thread) and cannot be
interrupted from there; instead its long loops call :func:`checkpoint`, which raises
:class:`~graph.errors.AnalysisCancelled` once the computation's stop flag is set. The flag
travels in a context variable, so no function signature carries it: whoever starts the
computation opens a :func:`cancellable` scope (``asyncio.to_thread`` copies the context
into the thread). Outside such a scope, :func:`checkpoint` does nothing.

Examples
--------
>>> import threading
>>> stop = threading.Event()
>>> with cancellable(stop):
...     checkpoint()  # not stopped: returns
...     stop.set()
...     try:
...         checkpoint()
...     except AnalysisCancelled:
...         print("stopped")
stopped
>>> checkpoint()  # outside a scope: never raises
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from graph.errors import AnalysisCancelled

__all__ = ["cancellable", "checkpoint"]

_stop: ContextVar[threading.Event | None] = ContextVar("graph_analysis_stop", default=None)


@contextmanager
def cancellable(stop: threading.Event) -> Iterator[None]:
    """Make :func:`checkpoint` raise inside this block once ``stop`` is set."""
    token = _stop.set(stop)
    try:
        yield
    finally:
        _stop.reset(token)


def checkpoint() -> None:
    """Raise :class:`~graph.errors.AnalysisCancelled` if the running analysis must stop.

    Cheap (a context-variable read and a flag test): the long loops call it once per node.
    """
    stop = _stop.get()
    if stop is not None and stop.is_set():
        raise AnalysisCancelled
