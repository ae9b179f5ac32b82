"""Assemble the strawberry schema with the limits and error masking the settings ask for."""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import Any

from graphql import (
    BREAK,
    ASTValidationRule,
    DocumentNode,
    GraphQLError,
    GraphQLSchema,
    StringValueNode,
    Visitor,
    validate,
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
from strawberry.schema.validation_rules.maybe_null import MaybeNullValidationRule
from strawberry.schema.validation_rules.one_of import OneOfInputValidationRule
from strawberry.types import ExecutionContext

from app.messages import message
from app.settings import Settings
from schema.cost import PriceOperations
from schema.errors import UserInputError
from schema.execution import PlainFieldExecutionContext
from schema.mutations import Mutation
from schema.queries import Query
from schema.reference_types import (
    Organisation,
    ReportingPeriod,
    StrategicGoal,
    SustainableDevelopmentGoal,
)
from schema.subscriptions import Subscription
from schema.types import Delivery, Dependency, Initiative, Risk, Solution, StatusReport

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


NUL_TEXT = "input.nul_text"
LONE_SURROGATE = "input.lone_surrogate"
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _text_problem(text: str) -> str | None:
    """The message code of what makes ``text`` unstorable, or None."""
    if "\x00" in text:
        return NUL_TEXT
    return LONE_SURROGATE if _LONE_SURROGATE.search(text) else None


def unstorable_text(value: Any) -> str | None:
    """Why a variable's value cannot be taken as text, or None when it can.

    Walks nested lists and objects with its own stack: a value nested as deeply as the
    JSON parser allows must not exhaust Python's.
    """
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            problem = _text_problem(item)
            if problem is not None:
                return problem
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return None


class _NulLiteralFinder(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.found = False

    def enter_string_value(self, node: StringValueNode, *_args: Any) -> Any:
        if "\x00" in node.value:
            self.found = True
            return BREAK
        return None


class RefuseUnstorableText(SchemaExtension):
    """Text holding U+0000 or a lone surrogate is refused as bad input before anything runs.

    PostgreSQL cannot store or even compare text with NUL, so letting it through would
    fail deep in a query on one backend and be stored on the other. A lone surrogate
    (JSON allows ``"\\ud800"``) is no character at all: no database driver can encode it.
    The parser already refuses a surrogate in a document's own string literals.
    """

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        for name, value in (context.variables or {}).items():
            problem = unstorable_text(value)
            if problem is not None:
                raise UserInputError(message(problem), argument=name)
        if context.graphql_document is not None:
            finder = _NulLiteralFinder()
            visit(context.graphql_document, finder)
            if finder.found:
                raise UserInputError(message(NUL_TEXT), argument="query")
        yield


@lru_cache(maxsize=256)
def _validate_without_suggestions(
    schema: GraphQLSchema, document: DocumentNode, rules: tuple[type[ASTValidationRule], ...]
) -> list[GraphQLError]:
    # Strawberry's own validation adds these two rules to every document; so do we.
    return validate(
        schema,
        document,
        (*rules, MaybeNullValidationRule, OneOfInputValidationRule),
        hide_suggestions=True,
    )


class ValidationWithoutSuggestions(SchemaExtension):
    """Validates (cached, as ``ValidationCache`` does) with no "Did you mean …?" hints.

    A suggestion names fields, arguments, types and enum values the client did not ask
    for: a map of the schema for whoever is not allowed to introspect it.
    """

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        assert isinstance(context.schema, PortfolioSchema)
        assert context.graphql_document is not None
        context.pre_execution_errors = _validate_without_suggestions(
            context.schema.graphql_schema, context.graphql_document, tuple(context.validation_rules)
        )
        yield


class SuggestionFreeExecutionContext(PlainFieldExecutionContext):
    """Coerces variables without "Did you mean …?" hints (see ValidationWithoutSuggestions)."""

    @classmethod
    def build(cls, *args: Any, **kwargs: Any) -> Any:
        return super().build(*args, **{**kwargs, "hide_suggestions": True})


def suggestions_hidden(settings: Settings) -> bool:
    """Suggestions describe the schema: off outside debug and whenever introspection is."""
    return not settings.debug or not settings.introspection


class PortfolioSchema(Schema):
    """A strawberry schema that logs client mistakes quietly."""

    def __init__(self, *args: Any, debug: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.debug = debug

    @property
    def graphql_schema(self) -> GraphQLSchema:
        """The graphql-core schema strawberry built (which it gives no public name)."""
        return self._schema

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
    hide_suggestions = suggestions_hidden(settings)
    extensions: list[Callable[[], SchemaExtension]] = [
        lambda: ParserCache(maxsize=256),
        ValidationWithoutSuggestions if hide_suggestions else lambda: ValidationCache(maxsize=256),
        lambda: AddValidationRules(limits),
        lambda: MaxTokensLimiter(max_token_count=settings.max_tokens),
        RefuseUnstorableText,
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
        config=StrawberryConfig(auto_camel_case=True, disable_field_suggestions=hide_suggestions),
        execution_context_class=(
            SuggestionFreeExecutionContext if hide_suggestions else PlainFieldExecutionContext
        ),
        debug=settings.debug,
    )


def export_sdl(settings: Settings | None = None) -> str:
    """The schema as SDL text, as committed in ``schema.graphql``."""
    return build_schema(settings or Settings()).as_str() + "\n"
