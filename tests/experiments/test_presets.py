"""Presets by experiment type and the hyperparameter validator."""

import copy
import dataclasses
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from app.experiments.presets import (
    PRESETS,
    Preset,
    ResourceDefaults,
    hyperparam_errors,
    preset_for,
)
from app.models.enums import ExperimentType

ALL_TYPES = list(ExperimentType)


def test_one_preset_per_type_in_order() -> None:
    assert list(PRESETS) == [ExperimentType.LLM, ExperimentType.ML, ExperimentType.CV]
    for kind, preset in PRESETS.items():
        assert isinstance(preset, Preset)
        assert preset.type is kind
        assert preset_for(kind) is preset
        assert preset.description and "\n" not in preset.description


def test_preset_for_accepts_the_plain_string_value() -> None:
    assert preset_for(ExperimentType("CV")) is PRESETS[ExperimentType.CV]


def test_presets_are_immutable() -> None:
    preset = preset_for(ExperimentType.ML)
    with pytest.raises(dataclasses.FrozenInstanceError):
        preset.description = "changed"  # type: ignore[misc]
    with pytest.raises(TypeError):
        PRESETS[ExperimentType.ML] = preset  # type: ignore[index]


@pytest.mark.parametrize("kind", ALL_TYPES)
def test_schema_is_a_valid_draft_2020_12_schema(kind: ExperimentType) -> None:
    schema = preset_for(kind).hyperparam_schema
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["type"] == "object"
    assert schema["additionalProperties"] is True
    for name, prop in schema["properties"].items():
        assert prop.get("description"), name


@pytest.mark.parametrize("kind", ALL_TYPES)
def test_defaults_validate(kind: ExperimentType) -> None:
    preset = preset_for(kind)
    assert preset.defaults
    assert hyperparam_errors(kind, preset.defaults) == {}
    assert Draft202012Validator(preset.hyperparam_schema).is_valid(preset.defaults)
    assert set(preset.defaults) <= set(preset.hyperparam_schema["properties"])


@pytest.mark.parametrize("kind", ALL_TYPES)
def test_empty_hyperparams_are_valid(kind: ExperimentType) -> None:
    assert hyperparam_errors(kind, {}) == {}


def test_default_resources() -> None:
    llm = preset_for(ExperimentType.LLM).default_resources
    ml = preset_for(ExperimentType.ML).default_resources
    cv = preset_for(ExperimentType.CV).default_resources
    assert llm == ResourceDefaults("A100", 4, 32, 256, 720)
    assert ml == ResourceDefaults(None, 0, 8, 32, 120)
    assert cv.gpu_type is not None and cv.gpu_count >= 1
    for res in (llm, ml, cv):
        assert res.cpu_cores >= 1 and res.memory_gb >= 1 and res.max_duration_minutes >= 1
        assert (res.gpu_type is None) == (res.gpu_count == 0)


def test_named_defaults() -> None:
    llm = preset_for(ExperimentType.LLM).defaults
    assert llm["precision"] in {"fp32", "fp16", "bf16"}
    assert {"learning_rate", "batch_size", "lora_rank", "lora_alpha", "epochs"} <= set(llm)
    ml = preset_for(ExperimentType.ML).defaults
    assert {"learning_rate", "n_estimators", "max_depth", "seed"} <= set(ml)
    cv = preset_for(ExperimentType.CV).defaults
    assert {"learning_rate", "batch_size", "epochs", "image_size", "pretrained"} <= set(cv)


BAD_CASES: list[tuple[ExperimentType, dict[str, Any], str, str]] = [
    # learning_rate: (0, 1], a number
    *[
        (kind, {"learning_rate": value}, "hyperparams.learning_rate", message)
        for kind in ALL_TYPES
        for value, message in [
            (0, "must be > 0"),
            (-0.1, "must be > 0"),
            (1.5, "must be <= 1"),
            ("x", "must be a number"),
            (True, "must be a number"),
            (None, "must be a number"),
        ]
    ],
    # batch_size: an integer >= 1
    *[
        (kind, {"batch_size": value}, "hyperparams.batch_size", message)
        for kind in ALL_TYPES
        for value, message in [
            (0, "must be >= 1"),
            (2.5, "must be an integer"),
            (True, "must be an integer"),
            (False, "must be an integer"),
            ("8", "must be an integer"),
        ]
    ],
    # ML
    (ExperimentType.ML, {"n_estimators": 0}, "hyperparams.n_estimators", "must be >= 1"),
    (ExperimentType.ML, {"max_depth": 0}, "hyperparams.max_depth", "must be >= 1"),
    (
        ExperimentType.ML,
        {"max_depth": "deep"},
        "hyperparams.max_depth",
        "must be an integer or null",
    ),
    (ExperimentType.ML, {"epochs": 0}, "hyperparams.epochs", "must be >= 1"),
    (ExperimentType.ML, {"subsample": 0}, "hyperparams.subsample", "must be > 0"),
    (
        ExperimentType.ML,
        {"early_stopping_rounds": 0},
        "hyperparams.early_stopping_rounds",
        "must be >= 1",
    ),
    (ExperimentType.ML, {"seed": 1.5}, "hyperparams.seed", "must be an integer"),
    (ExperimentType.ML, {"seed": -1}, "hyperparams.seed", "must be >= 0"),
    (ExperimentType.ML, {"objective": ""}, "hyperparams.objective", "must not be empty"),
    # LLM
    (ExperimentType.LLM, {"lora_rank": 0}, "hyperparams.lora_rank", "must be >= 1"),
    (ExperimentType.LLM, {"lora_rank": 2048}, "hyperparams.lora_rank", "must be <= 1024"),
    (ExperimentType.LLM, {"lora_rank": 8.5}, "hyperparams.lora_rank", "must be an integer"),
    (ExperimentType.LLM, {"lora_alpha": 0}, "hyperparams.lora_alpha", "must be > 0"),
    (ExperimentType.LLM, {"lora_dropout": 1}, "hyperparams.lora_dropout", "must be < 1"),
    (ExperimentType.LLM, {"lora_dropout": -0.1}, "hyperparams.lora_dropout", "must be >= 0"),
    (ExperimentType.LLM, {"warmup_ratio": 1.0}, "hyperparams.warmup_ratio", "must be < 1"),
    (ExperimentType.LLM, {"weight_decay": -1}, "hyperparams.weight_decay", "must be >= 0"),
    (ExperimentType.LLM, {"max_seq_length": 0}, "hyperparams.max_seq_length", "must be >= 1"),
    (ExperimentType.LLM, {"max_steps": 0}, "hyperparams.max_steps", "must be >= 1"),
    (
        ExperimentType.LLM,
        {"gradient_accumulation_steps": 0},
        "hyperparams.gradient_accumulation_steps",
        "must be >= 1",
    ),
    (
        ExperimentType.LLM,
        {"precision": "fp8"},
        "hyperparams.precision",
        "must be one of: fp32, fp16, bf16",
    ),
    (
        ExperimentType.LLM,
        {"optimizer": "rmsprop"},
        "hyperparams.optimizer",
        "must be one of: adamw, adamw_8bit, paged_adamw_8bit, adafactor, lion, sgd",
    ),
    (
        ExperimentType.LLM,
        {"gradient_checkpointing": "yes"},
        "hyperparams.gradient_checkpointing",
        "must be a boolean",
    ),
    (
        ExperimentType.LLM,
        {"lora_target_modules": "q_proj"},
        "hyperparams.lora_target_modules",
        "must be an array",
    ),
    # CV
    (
        ExperimentType.CV,
        {"image_size": [224]},
        "hyperparams.image_size",
        "must have exactly 2 items",
    ),
    (
        ExperimentType.CV,
        {"image_size": [224, 224, 3]},
        "hyperparams.image_size",
        "must have exactly 2 items",
    ),
    (ExperimentType.CV, {"image_size": [-1, 3]}, "hyperparams.image_size.0", "must be >= 1"),
    (ExperimentType.CV, {"image_size": [224, 0]}, "hyperparams.image_size.1", "must be >= 1"),
    (
        ExperimentType.CV,
        {"image_size": [224, 22.5]},
        "hyperparams.image_size.1",
        "must be an integer",
    ),
    (ExperimentType.CV, {"image_size": 0}, "hyperparams.image_size", "must be >= 1"),
    (
        ExperimentType.CV,
        {"image_size": "224"},
        "hyperparams.image_size",
        "must be an integer or an array",
    ),
    (
        ExperimentType.CV,
        {"augmentations": ["flip", 3]},
        "hyperparams.augmentations.1",
        "must be a string",
    ),
    (
        ExperimentType.CV,
        {"augmentations": "flip"},
        "hyperparams.augmentations",
        "must be an array",
    ),
    (
        ExperimentType.CV,
        {"optimizer": "lamb"},
        "hyperparams.optimizer",
        "must be one of: sgd, adam, adamw",
    ),
    (ExperimentType.CV, {"momentum": 1}, "hyperparams.momentum", "must be < 1"),
    (ExperimentType.CV, {"momentum": -0.5}, "hyperparams.momentum", "must be >= 0"),
    (ExperimentType.CV, {"weight_decay": -0.01}, "hyperparams.weight_decay", "must be >= 0"),
    (ExperimentType.CV, {"pretrained": 1}, "hyperparams.pretrained", "must be a boolean"),
    (ExperimentType.CV, {"epochs": 0}, "hyperparams.epochs", "must be >= 1"),
    # non-finite numbers are not JSON, wherever they are
    (
        ExperimentType.ML,
        {"learning_rate": float("nan")},
        "hyperparams.learning_rate",
        "must be a finite number",
    ),
    (
        ExperimentType.LLM,
        {"custom": {"scale": [1.0, float("inf")]}},
        "hyperparams.custom.scale.1",
        "must be a finite number",
    ),
]


@pytest.mark.parametrize(
    ("kind", "hyperparams", "field", "message"),
    BAD_CASES,
    ids=[f"{kind}-{field}-{hp[field.split('.')[1]]!r}" for kind, hp, field, _ in BAD_CASES],
)
def test_bad_hyperparams(
    kind: ExperimentType, hyperparams: dict[str, Any], field: str, message: str
) -> None:
    assert hyperparam_errors(kind, hyperparams) == {field: message}


@pytest.mark.parametrize("kind", ALL_TYPES)
def test_a_bad_value_fails_on_top_of_valid_defaults(kind: ExperimentType) -> None:
    hyperparams = {**copy.deepcopy(preset_for(kind).defaults), "learning_rate": 0}
    assert hyperparam_errors(kind, hyperparams) == {"hyperparams.learning_rate": "must be > 0"}


@pytest.mark.parametrize(
    ("kind", "hyperparams"),
    [
        (ExperimentType.ML, {"learning_rate": 1}),
        (ExperimentType.ML, {"learning_rate": 1e-9, "n_estimators": 4.0}),  # 4.0 is an integer
        (ExperimentType.ML, {"max_depth": None}),
        (ExperimentType.LLM, {"lora_rank": 1024, "lora_dropout": 0, "warmup_ratio": 0}),
        (ExperimentType.LLM, {"precision": "fp16", "max_steps": 1000, "lora_alpha": 0.5}),
        (ExperimentType.LLM, {"lora_target_modules": ["q_proj", "v_proj"]}),
        (ExperimentType.CV, {"image_size": [512, 384]}),
        (ExperimentType.CV, {"image_size": 32, "augmentations": []}),
        (ExperimentType.CV, {"optimizer": "sgd", "momentum": 0.9, "pretrained": False}),
    ],
)
def test_good_hyperparams(kind: ExperimentType, hyperparams: dict[str, Any]) -> None:
    assert hyperparam_errors(kind, hyperparams) == {}


@pytest.mark.parametrize("kind", ALL_TYPES)
def test_unknown_keys_are_allowed(kind: ExperimentType) -> None:
    hyperparams = {
        "my_custom_flag": True,
        "nested": {"anything": [1, "two", None]},
        "lr_multiplier": "whatever",
    }
    assert hyperparam_errors(kind, hyperparams) == {}


@pytest.mark.parametrize("kind", ALL_TYPES)
def test_a_known_key_of_the_wrong_type_is_rejected(kind: ExperimentType) -> None:
    errors = hyperparam_errors(kind, {"seed": "42", "unknown": "fine"})
    assert errors == {"hyperparams.seed": "must be an integer"}


@pytest.mark.parametrize("kind", ALL_TYPES)
@pytest.mark.parametrize("document", [None, [], [{"learning_rate": 0.1}], "lr=0.1", 3, True])
def test_non_object_hyperparams_are_rejected(kind: ExperimentType, document: Any) -> None:
    assert hyperparam_errors(kind, document) == {"hyperparams": "must be an object"}


def test_all_errors_are_collected_in_path_order() -> None:
    errors = hyperparam_errors(
        ExperimentType.CV,
        {
            "seed": "x",
            "learning_rate": 0,
            "image_size": [0, -3],
            "batch_size": True,
            "augmentations": [1],
        },
    )
    assert errors == {
        "hyperparams.augmentations.0": "must be a string",
        "hyperparams.batch_size": "must be an integer",
        "hyperparams.image_size.0": "must be >= 1",
        "hyperparams.image_size.1": "must be >= 1",
        "hyperparams.learning_rate": "must be > 0",
        "hyperparams.seed": "must be an integer",
    }
    assert list(errors) == sorted(errors)


def test_array_indexes_sort_numerically() -> None:
    errors = hyperparam_errors(
        ExperimentType.CV, {"augmentations": [str(i) if i not in (2, 10) else i for i in range(12)]}
    )
    assert list(errors) == ["hyperparams.augmentations.2", "hyperparams.augmentations.10"]


def test_validation_does_not_mutate_the_input() -> None:
    hyperparams = {"learning_rate": 0, "image_size": [224]}
    before = copy.deepcopy(hyperparams)
    hyperparam_errors(ExperimentType.CV, hyperparams)
    assert hyperparams == before
