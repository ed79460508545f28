"""``PointColumns``: points as three parallel lists, read as ``Point``s, and GraphQL's
columns made from them without an object per point."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest

from app.metrics.history import Point, PointColumns
from schema.metrics.types import MetricPoint, point_columns

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def points(n: int) -> list[Point]:
    return [Point(step * 10, step / 2, T0 + timedelta(seconds=step)) for step in range(n)]


def as_columns(given: list[Point]) -> PointColumns:
    return PointColumns(
        [p.step for p in given], [p.value for p in given], [p.timestamp for p in given]
    )


def test_reads_as_the_points_it_holds():
    given = points(5)
    columns = as_columns(given)
    assert len(columns) == 5
    assert list(columns) == given
    assert columns[0] == given[0] and columns[-1] == given[-1]
    assert columns == given and given == columns
    assert columns != given[:4] and columns != points(6)
    assert columns != [Point(0, 0.0, T0)] * 5
    assert columns != "not points"


def test_a_slice_is_columns_of_its_own():
    given = points(6)
    columns = as_columns(given)
    tail = columns[-3:]
    assert isinstance(tail, PointColumns) and tail == given[-3:]
    assert columns[1:5:2] == given[1:5:2]
    tail.steps.append(99)  # its lists are copies: the original is untouched
    assert columns == given


def test_columns_of_different_lengths_are_refused():
    with pytest.raises(ValueError):
        PointColumns([1, 2], [1.0], [T0, T0])


def test_graphql_columns_of_point_columns_are_the_same_points():
    columns = as_columns(points(4))
    made = point_columns(columns)
    assert [(p.step, p.value, p.timestamp) for p in made] == [
        (p.step, p.value, p.timestamp) for p in columns
    ]
    assert made.items() == [
        MetricPoint(step=p.step, value=p.value, timestamp=p.timestamp) for p in columns
    ]


def test_graphql_columns_null_values_that_are_not_finite():
    given = [
        Point(1, math.nan, T0),
        Point(2, math.inf, T0),
        Point(3, -math.inf, T0),
        Point(4, 1.5, T0),
    ]
    expected = [None, None, None, 1.5]
    for source in (given, as_columns(given)):
        assert [p.value for p in point_columns(source)] == expected
