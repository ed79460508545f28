"""``schema/engine/fast_lists.py``: lists of plain objects answer exactly as graphql-core does.

Every query runs twice on the same schema: with strawberry's own execution context (the
plain graphql-core path) and with ``FastListExecutor``; data and errors (message, path,
locations) must be equal, and a spy tells whether the shortcut was taken.
"""

from __future__ import annotations

import enum
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
import strawberry
from strawberry.extensions import SchemaExtension
from strawberry.permission import BasePermission
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from app.config import Settings
from schema.build import build_schema
from schema.engine import fast_lists
from schema.engine.fast_lists import FastListExecutor
from schema.engine.shared_events import SharedEventExecutor
from schema.scalars import SCALAR_MAP, BigInt

T0 = datetime(2026, 1, 1, tzinfo=UTC)


@strawberry.enum
class Color(enum.Enum):
    RED = "red"
    BLUE = "blue"


class Never(BasePermission):
    message = "not allowed"

    def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:
        return False


@strawberry.type
class Point:
    step: BigInt
    value: float | None
    timestamp: datetime
    label: str
    color: Color
    maybe_color: Color | None = None
    count: int = 7
    flag: bool = True
    ident: strawberry.ID = strawberry.ID("i")
    secret: str = strawberry.field(default="s", permission_classes=[Never])

    @strawberry.field
    def doubled(self) -> float | None:
        return None if self.value is None else self.value * 2


@strawberry.type
class Holder:
    points: list[Point]
    maybe_points: list[Point | None] | None
    tuple_points: list[Point]


def point(n: int, **changes: Any) -> Point:
    values: dict[str, Any] = {
        "step": BigInt(n),
        "value": n / 3 if n % 4 else None,
        "timestamp": T0 + timedelta(seconds=n, microseconds=7 * n),
        "label": f"p{n}",
        "color": Color.RED if n % 2 else Color.BLUE,
        "maybe_color": Color.BLUE if n % 3 else None,
    }
    values.update(changes)
    return Point(**values)


HOLDER = Holder(
    points=[point(n) for n in range(12)],
    maybe_points=[point(1), None, point(2)],
    tuple_points=tuple(point(n) for n in range(3)),  # type: ignore[arg-type]
)


def make_holder() -> Holder:
    return HOLDER


def columns_of(points: list[Point], names: tuple[str, ...]) -> fast_lists.Columns:
    return fast_lists.Columns(Point, {name: [getattr(p, name) for p in points] for name in names})


COLUMN_NAMES = ("step", "value", "timestamp", "label", "color", "maybe_color")
KEPT_COLUMNS = columns_of([point(n) for n in range(12)], COLUMN_NAMES)  # shared by runs


@strawberry.type
class Query:
    holder: Holder = strawberry.field(resolver=make_holder)

    @strawberry.field
    def column_points(self) -> list[Point]:
        return KEPT_COLUMNS  # type: ignore[return-value]

    @strawberry.field
    def no_column_points(self) -> list[Point]:
        return columns_of([], COLUMN_NAMES)  # type: ignore[return-value]

    @strawberry.field
    def column_null_step(self) -> list[Point]:
        points = [point(0), point(1, step=None), point(2)]
        return columns_of(points, COLUMN_NAMES)  # type: ignore[return-value]

    @strawberry.field
    def column_out_of_range(self) -> list[Point]:
        points = [point(0), point(1, step=BigInt(2**70))]
        return columns_of(points, COLUMN_NAMES)  # type: ignore[return-value]

    @strawberry.field
    def null_step(self) -> list[Point]:
        return [point(0), point(1, step=None), point(2)]

    @strawberry.field
    def null_item(self) -> list[Point]:
        return [point(0), None, point(2)]  # type: ignore[list-item]

    @strawberry.field
    def out_of_range(self) -> list[Point]:
        return [point(0), point(1, step=BigInt(2**70))]

    @strawberry.field
    def odd_times(self) -> list[Point]:
        return [
            point(0, timestamp=datetime(2026, 5, 1, 12, 30)),  # naive
            point(1, timestamp=datetime(2026, 5, 1, 12, tzinfo=timezone(timedelta(hours=-7)))),
        ]

    @strawberry.field
    def infinite(self) -> list[Point]:
        return [point(1), point(2, value=float("inf"))]

    @strawberry.field
    def loose(self) -> list[Point]:
        """Values graphql-core's coercions change (or refuse): not of the exact type."""

        class Label(str):
            pass

        return [
            point(1, value=3, count=True, flag=1, ident=5, label=Label("sub")),
            point(2, value=True, count=2.0, flag=0.0, ident=Label("x")),
        ]

    @strawberry.field
    def big_count(self) -> list[Point]:
        return [point(1), point(2, count=2**31)]


def schemas(
    extensions: list[Any] | None = None,
) -> tuple[strawberry.Schema, strawberry.Schema]:
    def build(context_class: type) -> strawberry.Schema:
        return strawberry.Schema(
            query=Query,
            config=StrawberryConfig(scalar_map=SCALAR_MAP),
            extensions=extensions or [],
            execution_context_class=context_class,
        )

    return build(StrawberryGraphQLCoreExecutionContext), build(FastListExecutor)


@pytest.fixture
def shortcuts(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """One entry per list the fast path tried: True when it built the list."""
    taken: list[bool] = []
    build = fast_lists._build

    def spy(*args: Any) -> Any:
        result = build(*args)
        taken.append(result is not None)
        return result

    monkeypatch.setattr(fast_lists, "_build", spy)
    return taken


def both(
    query: str, variables: dict[str, Any] | None = None, extensions: list[Any] | None = None
) -> tuple[Any, list[dict[str, Any]]]:
    plain, fast = schemas(extensions)
    expected = plain.execute_sync(query, variable_values=variables)
    got = fast.execute_sync(query, variable_values=variables)
    expected_errors = [error.formatted for error in expected.errors or []]
    got_errors = [error.formatted for error in got.errors or []]
    assert got.data == expected.data
    assert got_errors == expected_errors
    # the same keys in the same order, all the way down
    assert repr(got.data) == repr(expected.data)
    return got.data, got_errors


def test_scalars_enums_and_nullable_fields(shortcuts: list[bool]) -> None:
    data, errors = both("{ holder { points { step value timestamp label color maybeColor } } }")
    assert not errors
    first, second = data["holder"]["points"][:2]
    assert first == {
        "step": 0,
        "value": None,
        "timestamp": "2026-01-01T00:00:00+00:00",
        "label": "p0",
        "color": "BLUE",
        "maybeColor": None,
    }
    assert second["timestamp"] == "2026-01-01T00:00:01.000007+00:00"
    assert second["value"] == pytest.approx(1 / 3)
    assert shortcuts == [True]


def test_aliases_and_a_field_asked_twice(shortcuts: list[bool]) -> None:
    data, _ = both("{ holder { points { x: step step y: value x: step t: timestamp } } }")
    assert list(data["holder"]["points"][0]) == ["x", "step", "y", "t"]
    assert shortcuts == [True]


def test_a_shape_of_list_is_compiled_once_for_all_requests(shortcuts: list[bool]) -> None:
    query = "{ holder { points { s: step value } } columnPoints { step timestamp } }"
    fast_lists._code.cache_clear()
    first, _ = both(query)
    compiled = fast_lists._code.cache_info().misses
    again, _ = both(query)
    assert compiled >= 2 and fast_lists._code.cache_info().misses == compiled
    assert again == first and shortcuts == [True, True]
    # another shape is compiled for itself
    other, _ = both("{ holder { points { v: value s: step } } }")
    assert fast_lists._code.cache_info().misses == compiled + 1
    assert [(p["s"], p["v"]) for p in other["holder"]["points"]] == [
        (p["s"], p["value"]) for p in first["holder"]["points"]
    ]


def test_fragments(shortcuts: list[bool]) -> None:
    query = """
    fragment Core on Point { step value }
    query {
      holder {
        points { ...Core ... on Point { label } ... { color } ...Core }
        tuplePoints { ...Core }
      }
    }
    """
    data, _ = both(query)
    assert list(data["holder"]["points"][0]) == ["step", "value", "label", "color"]
    assert shortcuts == [True, True]


@pytest.mark.parametrize("flag", [True, False])
def test_include_and_skip(shortcuts: list[bool], flag: bool) -> None:
    query = """
    query($flag: Boolean!) {
      holder {
        points {
          step
          value @include(if: $flag)
          label @skip(if: $flag)
          ... on Point @include(if: $flag) { color }
          ... @skip(if: true) { timestamp }
        }
      }
    }
    """
    data, _ = both(query, {"flag": flag})
    keys = ["step", "value", "color"] if flag else ["step", "label"]
    assert list(data["holder"]["points"][0]) == keys
    assert shortcuts == [True]


def test_typename(shortcuts: list[bool]) -> None:
    data, _ = both("{ holder { points { __typename kind: __typename step } } }")
    assert data["holder"]["points"][0] == {"__typename": "Point", "kind": "Point", "step": 0}
    assert shortcuts == [True]


def test_null_in_a_non_null_field_is_graphql_cores_error(shortcuts: list[bool]) -> None:
    data, errors = both("{ nullStep { step value } }")
    assert data is None  # [Point!]! all the way up to the nullable root
    assert errors[0]["path"] == ["nullStep", 1, "step"]
    assert "Cannot return null for non-nullable field Point.step" in errors[0]["message"]
    assert shortcuts == [False]


def test_null_item_in_a_non_null_list_and_in_a_nullable_one(shortcuts: list[bool]) -> None:
    _, errors = both("{ nullItem { step } }")
    assert errors[0]["path"] == ["nullItem", 1]
    data, errors = both("{ holder { maybePoints { step } } }")
    assert not errors
    assert data["holder"]["maybePoints"] == [{"step": 1}, None, {"step": 2}]
    assert shortcuts == [False, True]


def test_a_scalar_that_cannot_serialize_is_graphql_cores_error(shortcuts: list[bool]) -> None:
    _, errors = both("{ outOfRange { step } }")
    assert errors[0]["path"] == ["outOfRange", 1, "step"]
    assert "64-bit" in errors[0]["message"]
    _, errors = both("{ infinite { value } }")
    assert errors[0]["path"] == ["infinite", 1, "value"]
    assert shortcuts == [False, False]


def test_built_in_scalars_keep_exact_values_and_coerce_the_rest(shortcuts: list[bool]) -> None:
    data, errors = both("{ holder { points { value count flag ident label } } }")
    assert not errors and data["holder"]["points"][1] == {
        "value": pytest.approx(1 / 3),
        "count": 7,
        "flag": True,
        "ident": "i",
        "label": "p1",
    }
    data, errors = both("{ loose { value count flag ident label } }")
    assert not errors
    assert data["loose"] == [
        {"value": 3.0, "count": 1, "flag": True, "ident": "5", "label": "sub"},
        {"value": 1.0, "count": 2, "flag": False, "ident": "x", "label": "p2"},
    ]
    assert type(data["loose"][0]["value"]) is float and type(data["loose"][0]["count"]) is int
    _, errors = both("{ bigCount { count } }")
    assert errors[0]["path"] == ["bigCount", 1, "count"]
    assert "32-bit" in errors[0]["message"]
    assert shortcuts == [True, True, False]


def test_datetimes_as_the_scalar_serialises_them(shortcuts: list[bool]) -> None:
    data, _ = both("{ oddTimes { timestamp } }")
    assert [p["timestamp"] for p in data["oddTimes"]] == [
        "2026-05-01T12:30:00",
        "2026-05-01T12:00:00-07:00",
    ]
    assert shortcuts == [True]


@pytest.mark.parametrize(
    "selection",
    [
        "step doubled",  # a resolver
        "step secret",  # permission classes (a field extension)
    ],
)
def test_anything_else_takes_the_normal_path(shortcuts: list[bool], selection: str) -> None:
    both(f"{{ holder {{ points {{ {selection} }} }} }}")
    assert True not in shortcuts


class Upper(SchemaExtension):
    def resolve(self, _next: Any, root: Any, info: Any, *args: Any, **kwargs: Any) -> Any:
        result = _next(root, info, *args, **kwargs)
        return result.upper() if isinstance(result, str) else result


def test_an_extension_hooking_resolve_disables_it(shortcuts: list[bool]) -> None:
    data, _ = both("{ holder { points { label } } }", extensions=[Upper])
    assert data["holder"]["points"][0] == {"label": "P0"}
    assert shortcuts == []


def test_the_service_schema_uses_it() -> None:
    assert issubclass(SharedEventExecutor, FastListExecutor)
    schema = build_schema(Settings(graphql_engine_tricks=True))
    assert issubclass(schema.execution_context_class, SharedEventExecutor)


@pytest.fixture
def column_shortcuts(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """One entry per ``Columns`` the fast path tried: True when it built the list."""
    taken: list[bool] = []
    build = fast_lists._build_columns

    def spy(*args: Any) -> Any:
        result = build(*args)
        taken.append(result is not None)
        return result

    monkeypatch.setattr(fast_lists, "_build_columns", spy)
    return taken


def test_columns_answer_as_the_objects_do(column_shortcuts: list[bool]) -> None:
    selection = "__typename step value timestamp label color maybeColor kind: __typename"
    data, errors = both(f"{{ columnPoints {{ {selection} }} }}")
    assert not errors and len(data["columnPoints"]) == 12
    assert data["columnPoints"][1]["kind"] == "Point" and data["columnPoints"][1]["step"] == 1
    data, errors = both("{ noColumnPoints { step kind: __typename } }")
    assert not errors and data == {"noColumnPoints": []}
    data, errors = both("{ noColumnPoints { kind: __typename } }")
    assert not errors and data == {"noColumnPoints": []}
    assert column_shortcuts == [True, True, True]


def test_columns_are_coerced_once(monkeypatch: pytest.MonkeyPatch) -> None:
    coercions: list[Any] = []
    make = fast_lists._column_coercion

    def spy(field: Any) -> Any:
        coercions.append(field.attribute)
        return make(field)

    monkeypatch.setattr(fast_lists, "_column_coercion", spy)
    first, _ = both("{ columnPoints { step timestamp } }")
    again, _ = both("{ columnPoints { t: timestamp s: step } }")
    assert first["columnPoints"][3] == {"step": 3, "timestamp": again["columnPoints"][3]["t"]}
    assert coercions.count("timestamp") <= 1 and coercions.count("step") <= 1


def test_columns_errors_are_graphql_cores(column_shortcuts: list[bool]) -> None:
    data, errors = both("{ columnNullStep { step value } }")
    assert data is None and errors[0]["path"] == ["columnNullStep", 1, "step"]
    _, errors = both("{ columnOutOfRange { step } }")
    assert errors[0]["path"] == ["columnOutOfRange", 1, "step"] and "64-bit" in errors[0]["message"]
    assert column_shortcuts == [False, False]


@pytest.mark.parametrize("selection", ["step count", "step doubled", "step secret"])
def test_columns_without_the_field_or_not_plain_make_the_objects(
    column_shortcuts: list[bool], selection: str
) -> None:
    data, _ = both(f"{{ columnPoints {{ {selection} }} }}")
    assert data is None or len(data["columnPoints"]) == 12
    assert True not in column_shortcuts


def test_columns_iterate_as_objects() -> None:
    assert list(KEPT_COLUMNS)[2] == point(2) and KEPT_COLUMNS[3] == point(3)
    assert len(KEPT_COLUMNS) == 12
    with pytest.raises(ValueError):
        fast_lists.Columns(Point, {"step": [1], "value": []})


def test_bigint_keeps_exact_ints_in_range_as_they_are() -> None:
    """The fast path keeps such values without calling BigInt's coercion: it must return
    them unchanged (and refuse the rest, which the fast path still hands to it)."""
    from schema.scalars import INT64_MAX, INT64_MIN, _to_int64

    for value in (0, 1, -1, 2**40, INT64_MIN, INT64_MAX):
        assert _to_int64(value) is value
    for value in (True, INT64_MAX + 1, INT64_MIN - 1):
        with pytest.raises(ValueError):
            _to_int64(value)
    assert _to_int64(3.0) == 3 and type(_to_int64(3.0)) is int


def test_a_column_of_datetimes_serialises_as_isoformat_does() -> None:
    """The one-call path for DateTime columns gives exactly ``isoformat()``: offsets of
    every kind, microseconds or none, naive times, the extremes."""
    import random
    from datetime import UTC, datetime, timedelta, timezone
    from zoneinfo import ZoneInfo

    rng = random.Random(7)
    zones = [UTC, timezone(timedelta(hours=5, minutes=30)), timezone(-timedelta(hours=7))]
    zones.append(ZoneInfo("Europe/Berlin"))
    values = [
        datetime.fromtimestamp(rng.randint(0, 4_000_000_000), tz=rng.choice(zones)).replace(
            microsecond=rng.choice([0, rng.randint(0, 999_999), rng.randint(0, 999) * 1000])
        )
        for _ in range(5000)
    ]
    values += [
        datetime(2026, 5, 1, 12, 30),
        datetime(1, 1, 1, tzinfo=UTC),
        datetime(9999, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC),
    ]

    def generic(column: Any, _is_awaitable: Any) -> Any:
        return ["generic"] * len(column)

    at_once = fast_lists._datetimes_at_once(generic)
    assert at_once(values, lambda _value: False) == [value.isoformat() for value in values]
    # anything but datetimes in the column: the per-value path
    assert at_once([*values[:3], None], lambda _value: False) == ["generic"] * 4


def test_whole_columns_are_kept_exactly_when_every_value_would_be() -> None:
    """``_ALL_AS_IS`` (one check per column) says yes exactly when the per-value test of
    ``_AS_IS`` holds for every value, for every scalar it covers."""
    import math

    from schema.scalars import INT64_MAX, INT64_MIN

    columns: list[list[Any]] = [
        [0.5, -2.0, 1e300],
        [0.5, math.nan],
        [1.0, math.inf],
        [1e308, 1e308],  # finite, but their sum overflows: the per-value path decides
        [1, 2, 3],
        [1, 2**31],
        [-(2**31), 2**31 - 1],
        [INT64_MIN, INT64_MAX],
        [INT64_MAX + 1],
        [True, 1],
        [1.0, 2],
        ["a", "b"],
        ["a", None],
        [True, False],
        [None],
    ]
    for coerce, all_as_is in fast_lists._ALL_AS_IS.items():
        test = fast_lists._AS_IS[coerce].format(n=0)
        for column in columns:
            each = all(eval(test, {"isfinite": math.isfinite, "v0": v}) for v in column)
            if column == [1e308, 1e308]:
                assert not all_as_is(column)  # the slow path keeps them, value by value
                continue
            assert all_as_is(column) == each, (coerce, column)
