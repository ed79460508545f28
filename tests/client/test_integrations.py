"""What every framework callback shares: which values are metrics, and their keys."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

import pytest

from expsvc_client.integrations import metric_key, number, scalars
from expsvc_client.journal import KEY_RE


class Scalar:
    """A framework scalar: a tensor or numpy value of no dimension, read through item()."""

    def __init__(self, value: object, ndim: int = 0) -> None:
        self.value, self.ndim = value, ndim

    def item(self) -> object:
        return self.value


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("loss", "loss"),
        ("train/loss_step", "train/loss_step"),
        ("val acc-top.5", "val acc-top.5"),
        ("lr[group=0]", "lr_group_0_"),
        ("précision", "pr_cision"),
        ("a" * 300, "a" * 250),
    ],
)
def test_names_become_keys_the_server_takes(name: str, key: str) -> None:
    assert metric_key(name) == key
    assert KEY_RE.match(key)


@pytest.mark.parametrize("name", ["", "   "])
def test_a_name_with_nothing_to_keep_is_no_key(name: str) -> None:
    assert metric_key(name) is None


def test_numbers_and_framework_scalars_are_metric_values() -> None:
    assert number(3) == 3
    assert number(0.5) == 0.5
    assert math.isnan(number(float("nan")) or 0)
    assert number(Scalar(0.25)) == 0.25
    assert number(Scalar(7)) == 7


@pytest.mark.parametrize(
    "value",
    [
        "0.5",
        None,
        True,
        [1.0],
        {"a": 1},
        Decimal("1.5"),
        Fraction(1, 2),
        Scalar(0.5, ndim=1),  # a vector, even of one element
        Scalar("text"),
        Scalar(True),
    ],
)
def test_other_values_are_skipped(value: object) -> None:
    assert number(value) is None


def test_scalars_keeps_the_numbers_under_renamed_keys() -> None:
    logs = {"loss": 0.5, "lr (group 0)": Scalar(0.1), "note": "warmup", "": 1.0, "done": False}
    assert scalars(logs, lambda name: f"train/{name}") == {
        "train/loss": 0.5,
        "train/lr _group 0_": 0.1,
        "train/": 1.0,
    }
    assert scalars(logs) == {"loss": 0.5, "lr _group 0_": 0.1}
