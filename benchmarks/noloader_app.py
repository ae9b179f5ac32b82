"""The service with its data loaders turned off: every ``load`` is its own statement.

Anchor (iii) of the dashboard benchmark. Patches ``schema.loaders`` so that every
DataLoader it creates has ``max_batch_size=1`` (strawberry's DataLoader has no
``batch=False``) and a page's prefetch goes through those loaders: one statement per
distinct key, which is what resolvers querying per parent would cost. The per-request
cache stays on, so a key asked twice in one request is still read once. Nothing under
``app/`` or ``schema/`` is changed on disk.

    PORTFOLIO_DATABASE_URL=sqlite:///... uvicorn benchmarks.noloader_app:create_app --factory
"""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette


def disable_batching() -> None:
    """Make every loader ``schema.loaders`` builds from now on load one key per batch."""
    from strawberry.dataloader import DataLoader

    import schema.loaders
    import schema.prefetch

    def unbatched(*args: Any, **kwargs: Any) -> DataLoader[Any, Any]:
        kwargs["max_batch_size"] = 1
        return DataLoader(*args, **kwargs)

    def one_key_at_a_time(loader: DataLoader[Any, Any], keys: Any) -> Any:
        return loader.load_many(keys)

    schema.loaders.DataLoader = unbatched  # type: ignore[misc,assignment]
    # Prefetching a page reads its batch without the loader's batching: route it back.
    schema.loaders.load_batch = one_key_at_a_time  # type: ignore[assignment]
    schema.prefetch.load_batch = one_key_at_a_time  # type: ignore[assignment]


def create_app() -> Starlette:
    """The service's app factory, after the loaders were unbatched."""
    disable_batching()
    from app.main import create_app as create_service

    return create_service()
