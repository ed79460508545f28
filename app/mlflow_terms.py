"""MLflow's terms for our data, in both directions: how hyperparams read as MLflow params
(and an MLflow param's text as a hyperparameter), MLflow's limits on keys and values, its
millisecond times and its spelling of non-finite values. Shared by the MLflow mirror
(``app/integrations/mlflow/``, ours → MLflow) and the MLflow-compatible API
(``app/mlflow_api/``, MLflow → ours), so both speak them alike.

MLflow refuses a ``log-batch`` with more than 1,000 metrics, 100 params or 100 tags (and
1,000 entities in all), params longer than 6,000 characters, tags longer than 8,000, and
keys longer than 250 or with characters outside ``[/\\w.\\- :]``. Longer values are cut
with a visible marker; bad key characters become ``_``.
"""

from __future__ import annotations

import functools
import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson

from app.floats import spelled
from app.models import Experiment

MAX_METRICS_PER_BATCH = 1000
MAX_PARAMS_PER_BATCH = 100
MAX_TAGS_PER_BATCH = 100
MAX_PARAM_VALUE = 6000
MAX_TAG_VALUE = 8000
MAX_KEY = 250
TRUNCATED = "...[truncated]"

_BAD_KEY_CHARS = re.compile(r"[^/\w.\- :]")


def clip(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, ending with a marker when it was cut."""
    if len(text) <= limit:
        return text
    if limit <= len(TRUNCATED):
        return text[:limit]
    return text[: limit - len(TRUNCATED)] + TRUNCATED


def clean_key(key: str) -> str:
    return clip(_BAD_KEY_CHARS.sub("_", key), MAX_KEY)


def param_text(value: Any) -> str:
    """A hyperparameter as MLflow's param text: strings as they are, the rest as JSON
    (an integer past 64 bits, as PostgreSQL gives back a float of 1e20 or more, too)."""
    if isinstance(value, str):
        return value
    try:
        return orjson.dumps(value).decode()
    except TypeError:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def param_value(text: str) -> Any:
    """An MLflow param's text as a hyperparameter: the JSON number or boolean it spells
    when ``param_text`` gives the same text back (``"0.1"`` → 0.1, ``"256"`` → 256,
    ``"true"`` → True), else the text itself (``"1e-3"``, ``"True"``, ``"adam"``), so a
    param always reads back exactly as it was logged."""
    if text in ("true", "false"):
        return text == "true"
    if not text or text[0] not in "-0123456789":
        return text
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError:
        return text
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    return value if is_number and param_text(value) == text else text


def params_of(experiment: Experiment) -> list[dict[str, str]]:
    """Hyperparams flattened to dotted keys (``optimizer.lr``), as MLflow params."""
    return params_of_hyperparams(experiment.hyperparams)


def params_of_hyperparams(hyperparams: Any) -> list[dict[str, str]]:
    """``params_of`` of a hyperparams document: ``compare.params.flatten``'s paths without
    the ``hyperparams.`` prefix (the bare document, or an empty key, under
    ``hyperparams``), keys cleaned, values as ``param_text`` clipped; the first of keys
    that clean alike wins. One walk, building no path for a top-level key (a page of a
    thousand runs renders every run's params)."""
    params: dict[str, str] = {}
    if type(hyperparams) is not dict or not hyperparams:
        _add_param(params, "", hyperparams)
        return [{"key": key, "value": value} for key, value in params.items()]
    for name, value in hyperparams.items():
        if type(value) is dict and value:
            _walk_params(params, name, value)
            continue
        key = _clean_key(name or "hyperparams")
        if key not in params:
            if type(value) is str:
                params[key] = (
                    value if len(value) <= MAX_PARAM_VALUE else clip(value, MAX_PARAM_VALUE)
                )
            else:
                params[key] = clip(param_text(value), MAX_PARAM_VALUE)
    return [{"key": key, "value": value} for key, value in params.items()]


def _walk_params(params: dict[str, str], path: str, document: dict[str, Any]) -> None:
    for name, value in document.items():
        if isinstance(value, dict) and value:
            _walk_params(params, f"{path}.{name}", value)
        else:
            _add_param(params, f"{path}.{name}", value)


def _add_param(params: dict[str, str], path: str, value: Any) -> None:
    params.setdefault(_clean_key(path or "hyperparams"), clip(param_text(value), MAX_PARAM_VALUE))


@functools.lru_cache(maxsize=4096)
def _clean_key(key: str) -> str:
    """``clean_key``, remembered: runs share their keys."""
    return clean_key(key)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MILLISECOND = timedelta(milliseconds=1)


def millis(moment: datetime) -> int:
    """Epoch milliseconds, exactly (``timestamp() * 1000`` can land 1 ms low)."""
    return (moment - _EPOCH) // _MILLISECOND


def metric_value(value: float | None) -> float | str:
    """MLflow's JSON takes non-finite doubles as strings; a stored NaN is None here."""
    return "NaN" if value is None else spelled(value)
