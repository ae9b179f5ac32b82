"""The service with its data loaders turned off: every ``load`` is its own statement.

Anchor (iii) of the dashboard benchmark. Patches ``schema.loaders`` so that every
loader it creates (``schema.batch_loader.BatchLoader``) reads one key per batch, and a
page's prefetch goes through ``load`` too: one statement per distinct key, which is what
resolvers querying per parent would cost. The per-request cache stays on, so a key asked
twice in one request is still read once. Nothing under ``app/`` or ``schema/`` is changed
on disk.

    PORTFOLIO_DATABASE_URL=sqlite:///... uvicorn benchmarks.noloader_app:create_app --factory
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from starlette.applications import Starlette


def disable_batching() -> None:
    """Make every loader ``schema.loaders`` builds from now on load one key per batch."""
    import schema.loaders
    from schema.batch_loader import BatchLoader, LoadFunction

    class UnbatchedLoader(BatchLoader[Any, Any]):
        def __init__(
            self,
            load_fn: LoadFunction[Any, Any],
            *,
            max_batch_size: int | None = None,  # noqa: ARG002 (every batch is one key here)
        ) -> None:
            super().__init__(load_fn, max_batch_size=1)

        async def load_batch(self, keys: Iterable[Any]) -> list[Any]:
            # Prefetching a page reads its batch without the loader's batching: route it back.
            return await self.load_many(keys)

    schema.loaders.BatchLoader = UnbatchedLoader  # type: ignore[misc]


def create_app() -> Starlette:
    """The service's app factory, after the loaders were unbatched."""
    disable_batching()
    from app.main import create_app as create_service

    return create_service()
