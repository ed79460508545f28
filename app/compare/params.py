"""Parameters side by side: hyperparams and config flattened to dotted keys.

The rule: an experiment's ``hyperparams`` and ``config`` documents are walked from the
top; a key is the path of object keys joined with ``.``, prefixed with ``hyperparams.``
or ``config.`` (``hyperparams.optimizer.lr``, ``config.data.path``). Objects are walked
into; everything else is a value, lists included (``hyperparams.layers`` → ``[64, 32]``),
and so is an empty object (``{}``). A document that is not an object is one value under
its bare prefix (``hyperparams``). A key that itself contains a dot is kept as it is; if
two paths flatten to the same key, the first in document order wins.

Rows are the union of the keys of all experiments, sorted; ``values`` follow the order of
the experiments, ``null`` where an experiment lacks the key (a stored ``null`` reads the
same). ``differs`` is true when two values are not equal as JSON: ``1`` and ``1.0`` are
equal, ``true`` and ``1`` are not, and a missing value differs from a present one.
Against a baseline (the index of one experiment), ``differs_from_baseline`` says, per
experiment, whether its value differs from the baseline's by that same rule (False for
the baseline itself); without one it is None.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from app.models import Experiment

PREFIXES = ("hyperparams", "config")


@dataclass(frozen=True)
class ParamRow:
    key: str
    values: list[Any]
    differs: bool
    differs_from_baseline: list[bool] | None = None


def flatten(prefix: str, document: Any) -> dict[str, Any]:
    """``flatten("config", {"data": {"path": "x"}})`` → ``{"config.data.path": "x"}``."""
    flat: dict[str, Any] = {}

    def walk(path: str, value: Any) -> None:
        if isinstance(value, dict) and value:
            for name, item in value.items():
                walk(f"{path}.{name}", item)
        else:
            flat.setdefault(path, value)

    walk(prefix, document)
    return flat


def experiment_params(row: Experiment) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for prefix, document in zip(PREFIXES, (row.hyperparams, row.config), strict=True):
        params.update(flatten(prefix, document))
    return params


def _canonical(value: Any) -> Any:
    """A hashable form in which equal JSON values are equal (and ``True`` is not ``1``)."""
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, int | float):
        return ("number", float(value))
    if isinstance(value, list):
        return ("list", tuple(_canonical(item) for item in value))
    if isinstance(value, dict):
        return ("object", tuple(sorted((k, _canonical(v)) for k, v in value.items())))
    return (type(value).__name__, value)


_MISSING = ("missing",)


def param_rows(rows: Sequence[Experiment], baseline: int | None = None) -> list[ParamRow]:
    """One row per key; ``baseline`` is the index in ``rows`` of the baseline, if any."""
    flat = [experiment_params(row) for row in rows]
    keys = sorted({key for params in flat for key in params})
    result = []
    for key in keys:
        values = [params.get(key) for params in flat]
        forms = [_canonical(params[key]) if key in params else _MISSING for params in flat]
        against = None if baseline is None else [form != forms[baseline] for form in forms]
        result.append(
            ParamRow(
                key=key,
                values=values,
                differs=len(set(forms)) > 1,
                differs_from_baseline=against,
            )
        )
    return result
