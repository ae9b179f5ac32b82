"""Assemble the strawberry schema with the limits and error masking the settings ask for."""

from __future__ import annotations

import functools
import logging
import uuid
from collections.abc import Callable, Iterator
from typing import Any

from graphql import (
    BREAK,
    GraphQLError,
    GraphQLSchema,
    StringValueNode,
    Visitor,
    build_ast_schema,
    parse,
    visit,
)
from strawberry import Schema
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from app.settings import Settings
from schema.cost import PriceOperations
from schema.errors import UserInputError
from schema.execution import PlainFieldExecutionContext
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

logger = logging.getLogger("portfolio.graphql")

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


class MaskUnexpectedErrors(MaskErrors):
    """Masks our own failures with a correlation id and logs them in full, once."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=is_unexpected, error_message="Unexpected error.")

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        correlation_id = uuid.uuid4().hex
        logger.error(
            "unexpected error %s at %s",
            correlation_id,
            ".".join(str(part) for part in error.path or ()),
            exc_info=error.original_error,
        )
        return GraphQLError(
            message=f"Unexpected error (reference {correlation_id}).",
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            extensions={"code": "INTERNAL_SERVER_ERROR", "correlationId": correlation_id},
        )


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(item) for item in value.values())
    if isinstance(value, list):
        return any(_holds_nul(item) for item in value)
    return False


class _NulLiteralFinder(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.found = False

    def enter_string_value(self, node: StringValueNode, *_args: Any) -> Any:
        if "\x00" in node.value:
            self.found = True
            return BREAK
        return None


class RefuseNulCharacters(SchemaExtension):
    """Text holding U+0000 is refused as bad input before anything runs.

    PostgreSQL cannot store or even compare such text, so letting it through would fail
    deep in a query on one backend and be stored on the other.
    """

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        for name, value in (context.variables or {}).items():
            if _holds_nul(value):
                raise UserInputError(NUL_MESSAGE, argument=name)
        if context.graphql_document is not None:
            finder = _NulLiteralFinder()
            visit(context.graphql_document, finder)
            if finder.found:
                raise UserInputError(NUL_MESSAGE, argument="query")
        yield


NUL_MESSAGE = "Text must not contain the NUL character (U+0000)."


class PortfolioSchema(Schema):
    """A strawberry schema that logs client mistakes quietly."""

    def __init__(self, *args: Any, debug: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.debug = debug

    @functools.cached_property
    def cost_schema(self) -> GraphQLSchema:
        """The schema rebuilt from its SDL: the types, lists and defaults pricing reads."""
        return build_ast_schema(parse(self.as_str()))

    def process_errors(
        self,
        errors: list[GraphQLError],
        execution_context: ExecutionContext | None = None,  # noqa: ARG002 (strawberry's signature)
    ) -> None:
        for error in errors:
            if self.debug and is_unexpected(error):
                logger.error("unexpected error: %s", error.message, exc_info=error.original_error)
            else:
                # Client mistakes (and masked failures, already logged) are not tracebacks.
                logger.debug("graphql error: %s", error.message)


def build_schema(settings: Settings) -> Schema:
    """The schema with parse/validation caches, query limits and, outside debug, masking."""
    # Factories, not instances: strawberry makes extensions per request; the parse and
    # validation caches live at module level and are shared all the same. The validation
    # cache is keyed by the rules too, so the limits' rule classes are made once here:
    # a limiter made per request would bring new ones and miss the cache every time.
    limits = [
        *QueryDepthLimiter(max_depth=settings.max_query_depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=settings.max_aliases).validation_rules,
    ]
    extensions: list[Callable[[], SchemaExtension]] = [
        lambda: ParserCache(maxsize=256),
        lambda: ValidationCache(maxsize=256),
        lambda: AddValidationRules(limits),
        lambda: MaxTokensLimiter(max_token_count=settings.max_tokens),
        RefuseNulCharacters,
        PriceOperations,
    ]
    if not settings.debug:
        extensions.append(MaskUnexpectedErrors)
    if not settings.introspection:
        extensions.append(DisableIntrospection)
    return PortfolioSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=NODE_TYPES,
        extensions=extensions,
        config=StrawberryConfig(auto_camel_case=True, disable_field_suggestions=not settings.debug),
        execution_context_class=PlainFieldExecutionContext,
        debug=settings.debug,
    )


def export_sdl(settings: Settings | None = None) -> str:
    """The schema as SDL text, as committed in ``schema.graphql``."""
    return build_schema(settings or Settings()).as_str() + "\n"
