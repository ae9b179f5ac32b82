"""An execution context that answers plain scalar and enum fields directly.

Most fields of a large answer (a dashboard page of 500 resolves ~28,000) read one
attribute of a built object and return a scalar or enum value. graphql-core and strawberry
spend ~5 µs on each: resolve info, strawberry's resolver wrappers, value completion. For
such a field this context reads the attribute and coerces it as value completion would.
Anything else — a resolver, arguments, middleware, a null or a value the type refuses —
goes the ordinary way, which also reports any error as before.

The shortcut is graphql-core's documented extension point, a subclass of its execution
context passed as ``execution_context_class``, overriding ``execute_field``; it reads only
public attributes (strawberry's ``is_default_resolver``, the field's definition in its
extensions). It forwards whatever arguments graphql-core gives ``execute_field``, and
every plain answer is counted (``FastPathCounts``), so a test notices when the shortcut
stops firing (``tests/schema/test_fast_paths.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import (
    GraphQLField,
    GraphQLLeafType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    Undefined,
    is_leaf_type,
)
from strawberry.resolvers import is_default_resolver
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField

# What a plain leaf field needs: the attribute to read, the type to coerce it to, and
# whether null is a value (a nullable field) or an error (left to the ordinary path).
LeafPlan = tuple[str, GraphQLLeafType, bool]

_NOT_PLAIN = object()


def leaf_plan(field: GraphQLField) -> LeafPlan | None:
    """The attribute and leaf type of a field strawberry resolves by reading an attribute."""
    definition = (field.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if not isinstance(definition, StrawberryField) or not definition.is_basic_field:
        return None
    if definition.default_resolver is not getattr or field.args:
        return None
    if field.resolve is None or not is_default_resolver(field.resolve):
        return None
    return_type: GraphQLOutputType = field.type
    nullable = not isinstance(return_type, GraphQLNonNull)
    if isinstance(return_type, GraphQLNonNull):
        return_type = return_type.of_type
    if not is_leaf_type(return_type):
        return None
    return definition.python_name, return_type, nullable


@dataclass(eq=False, slots=True)
class FastPathCounts:
    """How many fields of one request the shortcut answered."""

    plain_fields: int = 0


class PlainFieldExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's execution context with a shortcut for plain scalar and enum fields.

    Counts its answers in the request context's ``fast_paths`` when it has one.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._plans: dict[tuple[str, str], LeafPlan | None] = {}
        counts = getattr(self.context_value, "fast_paths", None)
        self._counts = counts if isinstance(counts, FastPathCounts) else FastPathCounts()

    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_group: Any,
        *rest: Any,
    ) -> Any:
        # graphql-core 3.3 groups FieldDetails (each with its node); 3.2 grouped FieldNodes.
        first = field_group[0]
        try:
            name = first.node.name.value
        except AttributeError:
            name = first.name.value
        plan = self._plan(parent_type, name)
        if plan is not None:
            value = _plain_value(source, plan)
            if value is not _NOT_PLAIN:
                self._counts.plain_fields += 1
                return value
        return super().execute_field(parent_type, source, field_group, *rest)

    def _plan(self, parent_type: GraphQLObjectType, field_name: str) -> LeafPlan | None:
        key = (parent_type.name, field_name)
        try:
            return self._plans[key]
        except KeyError:
            pass
        # Strawberry always passes a middleware manager; it wraps resolvers only when a
        # schema extension implements ``resolve``.
        wrapped = self.middleware_manager is not None and self.middleware_manager.middlewares
        field = None if wrapped else self.schema.get_field(parent_type, field_name)
        plan = self._plans[key] = leaf_plan(field) if field is not None else None
        return plan


def _plain_value(source: Any, plan: LeafPlan) -> Any:
    attribute, leaf_type, nullable = plan
    try:
        value = getattr(source, attribute)
        if value is None:
            return None if nullable else _NOT_PLAIN
        coerced = leaf_type.coerce_output_value(value)
    except Exception:  # the ordinary path raises it again and reports it
        return _NOT_PLAIN
    return _NOT_PLAIN if coerced is None or coerced is Undefined else coerced
