"""Presets by experiment type (LLM / ML / CV) and the hyperparameter validator.

Each preset carries a JSON Schema (Draft 2020-12) for the hyperparameters of its type, the
default hyperparameters (taken from the schema's ``default`` annotations) and the default
resources. Known hyperparameters are type- and range-checked; unknown keys are allowed.

The schemas and defaults are shared module-level objects: copy them (``copy.deepcopy``)
before changing them.
"""

from __future__ import annotations

import copy
import json
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Final

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from app.models.enums import ExperimentType

__all__ = ["PRESETS", "Preset", "ResourceDefaults", "hyperparam_errors", "preset_for"]

_DRAFT_2020_12: Final = "https://json-schema.org/draft/2020-12/schema"
_FIELD_PREFIX: Final = "hyperparams"
_SEED_MAX: Final = 2**32 - 1  # the range numpy, scikit-learn and torch all accept
_PRECISIONS: Final = ("fp32", "fp16", "bf16")


@dataclass(frozen=True)
class ResourceDefaults:
    gpu_type: str | None
    gpu_count: int
    cpu_cores: int
    memory_gb: int
    max_duration_minutes: int


@dataclass(frozen=True)
class Preset:
    type: ExperimentType
    description: str
    hyperparam_schema: dict[str, Any]
    defaults: dict[str, Any]
    default_resources: ResourceDefaults


# --- schema fragments ------------------------------------------------------------------------

_NO_DEFAULT: Final = object()


def _prop(schema: dict[str, Any], description: str, default: Any) -> dict[str, Any]:
    schema["description"] = description
    if default is not _NO_DEFAULT:
        schema["default"] = default
    return schema


def _integer(
    description: str,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    nullable: bool = False,
    default: Any = _NO_DEFAULT,
) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": ["integer", "null"] if nullable else "integer"}
    if minimum is not None:
        schema["minimum"] = minimum
    if maximum is not None:
        schema["maximum"] = maximum
    return _prop(schema, description, default)


def _number(
    description: str,
    *,
    minimum: float | None = None,
    exclusive_minimum: float | None = None,
    maximum: float | None = None,
    exclusive_maximum: float | None = None,
    default: Any = _NO_DEFAULT,
) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "number"}
    bounds = {
        "minimum": minimum,
        "exclusiveMinimum": exclusive_minimum,
        "maximum": maximum,
        "exclusiveMaximum": exclusive_maximum,
    }
    schema.update({key: value for key, value in bounds.items() if value is not None})
    return _prop(schema, description, default)


def _enum(description: str, values: Sequence[str], *, default: Any = _NO_DEFAULT) -> dict[str, Any]:
    return _prop({"type": "string", "enum": list(values)}, description, default)


def _boolean(description: str, *, default: Any = _NO_DEFAULT) -> dict[str, Any]:
    return _prop({"type": "boolean"}, description, default)


def _string(description: str, *, default: Any = _NO_DEFAULT) -> dict[str, Any]:
    return _prop({"type": "string", "minLength": 1}, description, default)


def _strings(description: str, *, default: Any = _NO_DEFAULT) -> dict[str, Any]:
    return _prop(
        {"type": "array", "items": {"type": "string", "minLength": 1}}, description, default
    )


def _learning_rate(default: float) -> dict[str, Any]:
    return _number("Learning rate", exclusive_minimum=0, maximum=1, default=default)


def _seed(default: int = 42) -> dict[str, Any]:
    return _integer("Random seed", minimum=0, maximum=_SEED_MAX, default=default)


def _batch_size(default: Any = _NO_DEFAULT) -> dict[str, Any]:
    return _integer("Batch size (per device)", minimum=1, default=default)


def _epochs(default: Any = _NO_DEFAULT) -> dict[str, Any]:
    return _integer("Number of passes over the training data", minimum=1, default=default)


def _weight_decay(default: Any = _NO_DEFAULT) -> dict[str, Any]:
    return _number("Weight decay (L2 penalty)", minimum=0, default=default)


def _precision(default: Any = _NO_DEFAULT) -> dict[str, Any]:
    return _enum("Numeric precision of training", _PRECISIONS, default=default)


def _object_schema(title: str, properties: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return {
        "$schema": _DRAFT_2020_12,
        "title": title,
        "type": "object",
        "properties": properties,
        "additionalProperties": True,
    }


# --- the three schemas -----------------------------------------------------------------------

_LLM_PROPERTIES: Final[dict[str, dict[str, Any]]] = {
    "learning_rate": _learning_rate(2e-4),
    "batch_size": _batch_size(4),
    "gradient_accumulation_steps": _integer(
        "Micro-batches accumulated per optimizer step", minimum=1, default=4
    ),
    "epochs": _epochs(3),
    "max_steps": _integer("Optimizer steps to run (overrides epochs)", minimum=1),
    "max_seq_length": _integer("Maximum sequence length in tokens", minimum=1, default=2048),
    "lora_rank": _integer("LoRA rank (r)", minimum=1, maximum=1024, default=16),
    "lora_alpha": _number("LoRA scaling alpha", exclusive_minimum=0, default=32),
    "lora_dropout": _number("LoRA dropout", minimum=0, exclusive_maximum=1, default=0.05),
    "lora_target_modules": _strings("Modules LoRA adapters are attached to"),
    "warmup_ratio": _number(
        "Fraction of training used for warmup", minimum=0, exclusive_maximum=1, default=0.03
    ),
    "warmup_steps": _integer("Warmup steps (overrides warmup_ratio)", minimum=0),
    "weight_decay": _weight_decay(0.0),
    "max_grad_norm": _number("Gradient clipping norm", exclusive_minimum=0, default=1.0),
    "lr_scheduler": _enum(
        "Learning-rate schedule",
        (
            "linear",
            "cosine",
            "cosine_with_restarts",
            "polynomial",
            "constant",
            "constant_with_warmup",
        ),
        default="cosine",
    ),
    "optimizer": _enum(
        "Optimizer",
        ("adamw", "adamw_8bit", "paged_adamw_8bit", "adafactor", "lion", "sgd"),
        default="adamw",
    ),
    "precision": _precision("bf16"),
    "quantization": _enum("Base-model quantization (QLoRA)", ("none", "8bit", "4bit")),
    "gradient_checkpointing": _boolean("Trade compute for memory", default=True),
    "seed": _seed(),
}

_ML_PROPERTIES: Final[dict[str, dict[str, Any]]] = {
    "learning_rate": _learning_rate(0.1),
    "n_estimators": _integer("Number of boosting rounds / trees", minimum=1, default=100),
    "max_depth": _integer(
        "Maximum tree depth (null: unlimited)", minimum=1, nullable=True, default=6
    ),
    "num_leaves": _integer("Maximum leaves per tree", minimum=2),
    "min_child_samples": _integer("Minimum samples in a leaf", minimum=1),
    "subsample": _number(
        "Row sampling ratio per tree", exclusive_minimum=0, maximum=1, default=1.0
    ),
    "colsample_bytree": _number("Column sampling ratio per tree", exclusive_minimum=0, maximum=1),
    "reg_alpha": _number("L1 regularization", minimum=0),
    "reg_lambda": _number("L2 regularization", minimum=0),
    "early_stopping_rounds": _integer(
        "Rounds without improvement before stopping", minimum=1, default=50
    ),
    "validation_fraction": _number(
        "Share of the data held out for validation", exclusive_minimum=0, exclusive_maximum=1
    ),
    "batch_size": _batch_size(),
    "epochs": _epochs(),
    "objective": _string("Objective / loss function"),
    "eval_metric": _string("Metric used for early stopping"),
    "seed": _seed(),
}

_CV_PROPERTIES: Final[dict[str, dict[str, Any]]] = {
    "learning_rate": _learning_rate(1e-3),
    "batch_size": _batch_size(32),
    "epochs": _epochs(30),
    "image_size": _prop(
        {
            # an integer (square side) or [height, width]; each keyword applies to its own type
            "type": ["integer", "array"],
            "minimum": 1,
            "items": {"type": "integer", "minimum": 1},
            "minItems": 2,
            "maxItems": 2,
        },
        "Input size: a side length or [height, width] in pixels",
        224,
    ),
    "augmentations": _strings(
        "Training augmentations", default=["random_resized_crop", "horizontal_flip"]
    ),
    "optimizer": _enum("Optimizer", ("sgd", "adam", "adamw"), default="adamw"),
    "momentum": _number("SGD momentum", minimum=0, exclusive_maximum=1),
    "weight_decay": _weight_decay(0.05),
    "lr_scheduler": _enum(
        "Learning-rate schedule", ("cosine", "step", "plateau", "onecycle", "constant")
    ),
    "warmup_epochs": _integer("Warmup epochs", minimum=0),
    "label_smoothing": _number("Label smoothing", minimum=0, exclusive_maximum=1),
    "num_classes": _integer("Number of classes", minimum=1),
    "pretrained": _boolean("Start from pretrained weights", default=True),
    "precision": _precision("fp16"),
    "seed": _seed(),
}


def _preset(
    experiment_type: ExperimentType,
    description: str,
    properties: dict[str, dict[str, Any]],
    resources: ResourceDefaults,
) -> Preset:
    schema = _object_schema(f"{experiment_type} hyperparameters", properties)
    defaults = {
        name: copy.deepcopy(prop["default"])
        for name, prop in properties.items()
        if "default" in prop
    }
    return Preset(experiment_type, description, schema, defaults, resources)


PRESETS: Final[Mapping[ExperimentType, Preset]] = MappingProxyType(
    {
        ExperimentType.LLM: _preset(
            ExperimentType.LLM,
            "LLM fine-tuning (LoRA / full) on multi-GPU nodes",
            _LLM_PROPERTIES,
            ResourceDefaults(
                gpu_type="A100", gpu_count=4, cpu_cores=32, memory_gb=256, max_duration_minutes=720
            ),
        ),
        ExperimentType.ML: _preset(
            ExperimentType.ML,
            "Classical / tabular ML (gradient boosting, scikit-learn) on CPU",
            _ML_PROPERTIES,
            ResourceDefaults(
                gpu_type=None, gpu_count=0, cpu_cores=8, memory_gb=32, max_duration_minutes=120
            ),
        ),
        ExperimentType.CV: _preset(
            ExperimentType.CV,
            "Computer vision training (classification, detection, segmentation) on one GPU",
            _CV_PROPERTIES,
            ResourceDefaults(
                gpu_type="A100", gpu_count=1, cpu_cores=16, memory_gb=64, max_duration_minutes=480
            ),
        ),
    }
)

_VALIDATORS: Final[Mapping[ExperimentType, Draft202012Validator]] = MappingProxyType(
    {kind: Draft202012Validator(preset.hyperparam_schema) for kind, preset in PRESETS.items()}
)


def preset_for(experiment_type: ExperimentType) -> Preset:
    """The preset of ``experiment_type``."""
    return PRESETS[ExperimentType(experiment_type)]


# --- validation ------------------------------------------------------------------------------

_TYPE_NAMES: Final = {
    "integer": "an integer",
    "number": "a number",
    "string": "a string",
    "boolean": "a boolean",
    "array": "an array",
    "object": "an object",
    "null": "null",
}


def _fmt(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return json.dumps(value)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _message(error: ValidationError) -> str:
    """A short human message for one jsonschema error."""
    keyword = error.validator
    value: Any = error.validator_value  # its type depends on the keyword
    schema = error.schema if isinstance(error.schema, Mapping) else {}
    match keyword:
        case "type":
            types = [value] if isinstance(value, str) else list(value)
            return "must be " + " or ".join(_TYPE_NAMES.get(t, t) for t in types)
        case "minimum":
            return f"must be >= {_fmt(value)}"
        case "exclusiveMinimum":
            return f"must be > {_fmt(value)}"
        case "maximum":
            return f"must be <= {_fmt(value)}"
        case "exclusiveMaximum":
            return f"must be < {_fmt(value)}"
        case "multipleOf":
            return f"must be a multiple of {_fmt(value)}"
        case "enum":
            return "must be one of: " + ", ".join(_fmt(v) for v in value)
        case "const":
            return f"must be {_fmt(value)}"
        case "minItems" | "maxItems" if schema.get("minItems") == schema.get("maxItems"):
            return f"must have exactly {_plural(value, 'item')}"
        case "minItems":
            return f"must have at least {_plural(value, 'item')}"
        case "maxItems":
            return f"must have at most {_plural(value, 'item')}"
        case "uniqueItems":
            return "must not contain duplicates"
        case "minLength":
            return "must not be empty" if value == 1 else f"must be at least {value} characters"
        case "maxLength":
            return f"must be at most {value} characters"
        case "pattern":
            return f"must match {value}"
        case "required":
            return "is required"
        case "additionalProperties" | "unevaluatedProperties":
            return "is not allowed"
        case "anyOf" | "oneOf":
            return "does not match any allowed form"
        case _:
            return error.message


def _path(parts: Sequence[str | int]) -> str:
    return ".".join([_FIELD_PREFIX, *(str(part) for part in parts)])


def _error_path(error: ValidationError) -> tuple[str | int, ...]:
    parts = tuple(error.absolute_path)
    if error.validator == "required" and isinstance(error.instance, Mapping):
        # "required" is reported on the object; point at the missing key instead
        required: Any = error.validator_value
        missing = [key for key in required if key not in error.instance]
        if missing:
            parts = (*parts, missing[0])
    return parts


def _non_finite(document: Any) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """NaN and +-Infinity anywhere in the document (they are not JSON)."""
    stack: list[tuple[tuple[str | int, ...], Any]] = [((), document)]
    while stack:
        parts, value = stack.pop()
        if isinstance(value, float) and not math.isfinite(value):
            yield parts, "must be a finite number"
        elif isinstance(value, Mapping):
            stack.extend(((*parts, str(key)), item) for key, item in value.items())
        elif isinstance(value, list | tuple):
            stack.extend(((*parts, index), item) for index, item in enumerate(value))


def _sort_key(parts: tuple[str | int, ...]) -> tuple[tuple[int, int, str], ...]:
    return tuple((0, part, "") if isinstance(part, int) else (1, 0, part) for part in parts)


def hyperparam_errors(experiment_type: ExperimentType, hyperparams: Any) -> dict[str, str]:
    """Validate against the preset schema; return {field_path: message} — empty when valid.

    field_path is "hyperparams.<dotted path>" (e.g. "hyperparams.learning_rate",
    "hyperparams.image_size.1"); a non-object document gives {"hyperparams": "..."}.
    Messages are short and human ("must be > 0", "must be an integer", "must be <= 1",
    "must be one of: fp32, fp16, bf16"). All errors are collected, one per field, in path order.
    """
    if not isinstance(hyperparams, dict):
        return {_FIELD_PREFIX: "must be an object"}
    found: dict[tuple[str | int, ...], str] = dict(_non_finite(hyperparams))
    validator = _VALIDATORS[ExperimentType(experiment_type)]
    for error in validator.iter_errors(hyperparams):
        found.setdefault(_error_path(error), _message(error))
    return {_path(parts): found[parts] for parts in sorted(found, key=_sort_key)}


def _check_defaults() -> None:
    for kind, preset in PRESETS.items():
        errors = hyperparam_errors(kind, preset.defaults)
        if errors:  # pragma: no cover - a programming error in this module
            raise RuntimeError(f"the {kind} preset defaults do not validate: {errors}")


_check_defaults()
