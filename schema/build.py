"""Assemble the strawberry schema with the limits and error masking the settings ask for."""

from __future__ import annotations

from collections.abc import Callable

from graphql import GraphQLError
from strawberry import Schema
from strawberry.extensions import (
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig

from app.settings import Settings
from schema.errors import UserInputError
from schema.mutations import Mutation
from schema.queries import Query
from schema.subscriptions import Subscription
from schema.types import (
    Delivery,
    Dependency,
    Initiative,
    Organisation,
    ReportingPeriod,
    Risk,
    Solution,
    StatusReport,
    StrategicGoal,
    SustainableDevelopmentGoal,
)

NODE_TYPES = [
    Initiative,
    Solution,
    Organisation,
    ReportingPeriod,
    Delivery,
    Risk,
    StatusReport,
    Dependency,
    StrategicGoal,
    SustainableDevelopmentGoal,
]


def is_unexpected(error: GraphQLError) -> bool:
    """Errors from our own code are masked; the client's own mistakes are shown."""
    original = error.original_error
    if original is None or isinstance(original, UserInputError):
        return False
    return not isinstance(original, GraphQLError)


def build_schema(settings: Settings) -> Schema:
    """The schema with parse/validation caches, query limits and, outside debug, masking."""
    # Factories, not instances: strawberry makes extensions per request; the parse and
    # validation caches live at module level and are shared all the same.
    extensions: list[Callable[[], SchemaExtension]] = [
        lambda: ParserCache(maxsize=256),
        lambda: ValidationCache(maxsize=256),
        lambda: QueryDepthLimiter(max_depth=settings.max_query_depth),
        lambda: MaxAliasesLimiter(max_alias_count=settings.max_aliases),
        lambda: MaxTokensLimiter(max_token_count=settings.max_tokens),
    ]
    if not settings.debug:
        extensions.append(lambda: MaskErrors(should_mask_error=is_unexpected))
    return Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=NODE_TYPES,
        extensions=extensions,
        config=StrawberryConfig(auto_camel_case=True),
    )


def export_sdl(settings: Settings | None = None) -> str:
    """The schema as SDL text, as committed in ``schema.graphql``."""
    return build_schema(settings or Settings()).as_str() + "\n"
