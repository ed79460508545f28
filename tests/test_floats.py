"""The float rules (app/floats.py): one spelling of NaN and the infinities for JSON, null
for GraphQL, NULL in storage."""

import math

import orjson
import pytest

from app.floats import (
    SPELLED,
    all_finite,
    finite_or_none,
    is_finite,
    read_value,
    spelled,
    stored_value,
)

SPECIALS = [math.nan, math.inf, -math.inf]


@pytest.mark.parametrize("value", [0.0, -1.5, 1e308, -1e-308, 5e-324])
def test_finite_values_pass_through_every_rule(value: float) -> None:
    assert is_finite(value)
    assert spelled(value) == value
    assert finite_or_none(value) == value
    assert stored_value(value) == value
    assert read_value(stored_value(value)) == value


def test_non_finite_values_are_spelled_for_json_and_read_back() -> None:
    assert [spelled(value) for value in SPECIALS] == ["NaN", "Infinity", "-Infinity"]
    for value in SPECIALS:
        assert not is_finite(value)
        assert finite_or_none(value) is None
        # the spelling is JSON and reads back as the same value
        text = orjson.loads(orjson.dumps(spelled(value)))
        back = SPELLED[text]
        assert back == value or (math.isnan(back) and math.isnan(value))


def test_nan_is_stored_as_null_and_infinities_as_they_are() -> None:
    assert stored_value(math.nan) is None
    assert math.isnan(read_value(None))
    assert stored_value(math.inf) == math.inf
    assert stored_value(-math.inf) == -math.inf


def test_all_finite_says_no_when_any_value_is_not_finite() -> None:
    assert all_finite([1.0, 2.0, -3.0])
    assert all_finite([])
    for special in SPECIALS:
        assert not all_finite([1.0, special, 2.0])
    # an overflowing sum of finite values also says no: "check one by one"
    assert not all_finite([1e308, 1e308])
    assert finite_or_none(None) is None
