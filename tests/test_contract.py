"""The exported schema keeps the contract: every type, field, argument and default of the
GraphQL in shared/API.md (copied to tests/data/contract.graphql) as written there.

Parts of the contract that later work delivers are listed in PENDING; the test fails when
one of them appears (so the list shrinks) and when anything else is missing or differs.
"""

from __future__ import annotations

from pathlib import Path

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    build_schema,
)

from schema.export import sdl

CONTRACT = Path(__file__).parent / "data" / "contract.graphql"

PENDING: set[str] = set()


def _fields(name: str, contract: object, ours: object) -> tuple[list[str], list[str]]:
    missing, wrong = [], []
    assert isinstance(contract, GraphQLObjectType | GraphQLInputObjectType)
    assert isinstance(ours, GraphQLObjectType | GraphQLInputObjectType)
    for field_name, field in contract.fields.items():
        mine = ours.fields.get(field_name)
        if mine is None:
            missing.append(f"{name}.{field_name}")
            continue
        if str(field.type) != str(mine.type):
            wrong.append(f"{name}.{field_name}: {field.type} != {mine.type}")
        if isinstance(contract, GraphQLInputObjectType):
            if field.default_value != mine.default_value:
                wrong.append(f"{name}.{field_name} default")
            continue
        for arg_name, arg in field.args.items():
            my_arg = mine.args.get(arg_name)
            if my_arg is None:
                wrong.append(f"{name}.{field_name}({arg_name}) missing")
            elif str(arg.type) != str(my_arg.type) or arg.default_value != my_arg.default_value:
                wrong.append(f"{name}.{field_name}({arg_name}): {arg.type} != {my_arg.type}")
    return missing, wrong


def compare(contract: GraphQLSchema, ours: GraphQLSchema) -> tuple[set[str], list[str]]:
    missing: set[str] = set()
    wrong: list[str] = []
    for name, kind in contract.type_map.items():
        if name.startswith("__"):
            continue
        mine = ours.type_map.get(name)
        if mine is None:
            missing.add(name)
        elif isinstance(kind, GraphQLObjectType | GraphQLInputObjectType):
            gone, bad = _fields(name, kind, mine)
            missing.update(gone)
            wrong += bad
        elif isinstance(kind, GraphQLEnumType):
            assert isinstance(mine, GraphQLEnumType)
            wrong += [f"{name}.{v}" for v in set(kind.values) - set(mine.values)]
        elif isinstance(kind, GraphQLUnionType):
            assert isinstance(mine, GraphQLUnionType)
            if {t.name for t in kind.types} != {t.name for t in mine.types}:
                wrong.append(f"union {name}")
    return missing, wrong


def test_schema_keeps_the_contract():
    contract = build_schema(CONTRACT.read_text(encoding="utf-8"))
    missing, wrong = compare(contract, build_schema(sdl()))
    assert wrong == []
    assert missing - PENDING == set(), "contract names missing from the schema"
    assert PENDING - missing == set(), "delivered: remove these from PENDING"


def test_the_comparison_notices_a_difference():
    contract = build_schema("type Query { a(first: Int = 5): Int  b: String! }")
    ours = build_schema("type Query { a(first: Int! = 5): Int }")
    missing, wrong = compare(contract, ours)
    assert missing == {"Query.b"} and len(wrong) == 1
