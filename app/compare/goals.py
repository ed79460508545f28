"""Which way is better for a metric: ``MIN`` or ``MAX``.

A caller names the goal of a key when it knows it. Otherwise the key's name decides: it is
split into words (at anything that is not a letter or digit, and at camelCase humps),
and a key is minimised when one of its words is a "lower is better" word (``LOWER_WORDS``)
or ends in ``loss`` or ``error`` (``celoss``, ``trainerror``); every other key is
maximised. So ``val/loss``, ``eval_rmse``, ``valLoss``, ``word_error_rate`` and
``perplexity`` are MIN; ``accuracy``, ``f1``, ``bleu``, ``reward`` and ``lossless_ratio``
are MAX.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import StrEnum


class MetricGoal(StrEnum):
    MIN = "MIN"
    MAX = "MAX"


LOWER_WORDS = frozenset(
    {
        "loss",
        "losses",
        "error",
        "errors",
        "err",
        "mse",
        "mae",
        "rmse",
        "mape",
        "nll",
        "perplexity",
        "ppl",
        "wer",
        "cer",
        "fid",
        "latency",
    }
)
_LOWER_SUFFIXES = ("loss", "error")

_HUMP = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_SEPARATOR = re.compile(r"[^A-Za-z0-9]+")


def words(key: str) -> list[str]:
    """``"eval/valLoss_v2"`` → ``["eval", "val", "loss", "v2"]``."""
    return [word.lower() for word in _SEPARATOR.split(_HUMP.sub(" ", key)) if word]


def default_goal(key: str) -> MetricGoal:
    for word in words(key):
        if word in LOWER_WORDS or word.endswith(_LOWER_SUFFIXES):
            return MetricGoal.MIN
    return MetricGoal.MAX


def goal_for(key: str, given: Mapping[str, MetricGoal]) -> MetricGoal:
    """The caller's goal for ``key`` if it named one, else the name rule's."""
    return given.get(key) or default_goal(key)
