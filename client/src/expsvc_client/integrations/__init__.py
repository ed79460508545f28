"""Callbacks that report a framework's training into a run.

- Keras 3 (``model.fit``): ``integrations.keras.ExpsvcKerasCallback``
- PyTorch Lightning (``Trainer``): ``integrations.lightning.ExpsvcLightningCallback``
- Hugging Face ``transformers`` (``Trainer``):
  ``integrations.huggingface.ExpsvcHuggingFaceCallback``

Each module imports its framework when it is imported itself; ``import expsvc_client``
imports none of them. A callback logs the framework's numeric metrics (other values are
skipped; names are made valid metric keys), reports progress, and asks the framework to
stop when ``run.should_stop`` (someone pressed Stop).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Callable, Union

from expsvc_client.journal import KEY_RE

Number = Union[int, float]
_NOT_IN_KEY = re.compile(r"[^A-Za-z0-9_\-./ ]")
MAX_KEY = 250


def metric_key(name: str) -> str | None:
    """``name`` as a metric key the server takes: each character outside letters, digits,
    space and ``_ - . /`` becomes ``_``, cut to 250 characters; None when nothing is left."""
    key = _NOT_IN_KEY.sub("_", name)[:MAX_KEY]
    return key if key.strip() and KEY_RE.match(key) else None


def number(value: Any) -> Number | None:
    """``value`` as an int or float: Python numbers, and one-element tensors and numpy
    scalars (through ``.item()``); None for anything else (strings, lists, booleans)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return value
    item = getattr(value, "item", None)
    if not callable(item) or getattr(value, "ndim", 0) != 0:
        return None
    try:
        plain = item()
    except (TypeError, ValueError, RuntimeError):
        return None
    return None if isinstance(plain, bool) or not isinstance(plain, (int, float)) else plain


def scalars(values: Mapping[str, Any], rename: Callable[[str], str] = str) -> dict[str, Number]:
    """The numeric entries of ``values``, keyed by ``metric_key(rename(name))``."""
    out: dict[str, Number] = {}
    for name, value in values.items():
        plain = number(value)
        key = metric_key(rename(str(name)))
        if plain is not None and key is not None:
            out[key] = plain
    return out
