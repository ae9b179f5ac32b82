"""The schema documents itself: every type, field, argument, enum value and input field
has a description (what GraphiQL's docs pane shows; `.ci/run` also runs
graphql-schema-linter over `schema.graphql`)."""

from __future__ import annotations

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    build_schema,
)

from schema.build import export_sdl

SDL = """
type Query {
  "Described."
  described: Int
  bare(argument: Int): Int
}
enum Colour { RED }
"""


def undescribed(schema: GraphQLSchema) -> list[str]:
    """Every schema member without a description, as ``Type``, ``Type.field``, ``…(arg)``."""
    found = []
    for name, kind in schema.type_map.items():
        if name.startswith("__") or name in {"String", "Int", "Float", "Boolean", "ID"}:
            continue
        if not kind.description:
            found.append(name)
        if isinstance(kind, GraphQLObjectType | GraphQLInterfaceType):
            for field_name, field in kind.fields.items():
                if not field.description:
                    found.append(f"{name}.{field_name}")
                found += [
                    f"{name}.{field_name}({argument_name})"
                    for argument_name, argument in field.args.items()
                    if not argument.description
                ]
        elif isinstance(kind, GraphQLInputObjectType):
            found += [
                f"{name}.{key}" for key, value in kind.fields.items() if not value.description
            ]
        elif isinstance(kind, GraphQLEnumType):
            found += [
                f"{name}.{key}" for key, value in kind.values.items() if not value.description
            ]
    return found


def test_the_finder_names_each_kind_of_undescribed_member() -> None:
    assert undescribed(build_schema(SDL)) == [
        "Query",
        "Query.bare",
        "Query.bare(argument)",
        "Colour",
        "Colour.RED",
    ]


def test_every_member_of_the_schema_is_described() -> None:
    assert undescribed(build_schema(export_sdl())) == []
