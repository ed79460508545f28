"""Our experiment in MLflow's terms: limits, markers and names (no server needed)."""

from __future__ import annotations

import math
import uuid

from app.integrations.mlflow.mapping import chunks, experiment_name
from app.integrations.mlflow.queue import decode_metrics, encode_batch
from app.metrics.batch import MetricBatch
from app.mlflow_terms import (
    MAX_KEY,
    MAX_PARAMS_PER_BATCH,
    TRUNCATED,
    clean_key,
    clip,
    metric_value,
    params_of,
)
from app.models import Experiment
from app.models.base import utcnow


def test_clip_keeps_short_text_and_marks_cut_text() -> None:
    assert clip("abc", 10) == "abc"
    cut = clip("x" * 40, 20)
    assert len(cut) == 20
    assert cut == "x" * (20 - len(TRUNCATED)) + TRUNCATED
    assert clip("x" * 40, 5) == "xxxxx"


def test_keys_lose_characters_mlflow_refuses_and_stay_within_its_length() -> None:
    assert clean_key("optimizer.lr") == "optimizer.lr"
    assert clean_key("a/b c-d:e_f") == "a/b c-d:e_f"
    assert clean_key("lr@stage#1") == "lr_stage_1"
    assert len(clean_key("k" * 400)) == MAX_KEY


def test_params_are_hyperparams_flattened_to_dotted_keys() -> None:
    experiment = Experiment(
        hyperparams={"lr": 0.1, "opt": {"name": "sgd", "nesterov": True}, "layers": [64, 32]}
    )
    assert {p["key"]: p["value"] for p in params_of(experiment)} == {
        "lr": "0.1",
        "opt.name": "sgd",
        "opt.nesterov": "true",
        "layers": "[64,32]",
    }


def test_many_params_go_in_batches_of_at_most_100() -> None:
    experiment = Experiment(hyperparams={f"p{i}": i for i in range(250)})
    sizes = [len(chunk) for chunk in chunks(params_of(experiment), MAX_PARAMS_PER_BATCH)]
    assert sizes == [100, 100, 50]


def test_non_finite_values_take_mlflow_spelling() -> None:
    assert metric_value(None) == "NaN"
    assert metric_value(math.nan) == "NaN"
    assert metric_value(math.inf) == "Infinity"
    assert metric_value(-math.inf) == "-Infinity"
    assert metric_value(0.25) == 0.25


def test_the_experiment_name_follows_the_template() -> None:
    hypothesis_id = str(uuid.uuid4())
    assert experiment_name("{hypothesis}", hypothesis="H1", hypothesis_id=hypothesis_id) == "H1"
    assert (
        experiment_name("team-a/{hypothesis_id}", hypothesis="H1", hypothesis_id=hypothesis_id)
        == f"team-a/{hypothesis_id}"
    )


def test_a_queued_batch_decodes_to_mlflow_metrics_in_slices() -> None:
    now = utcnow()
    batch = MetricBatch(
        keys=["loss", "acc", "loss"],
        steps=[0, 0, 1],
        values=[1.5, math.nan, math.inf],
        timestamps=[now, now, now],
    )
    payload = encode_batch(batch)
    millis = int(now.timestamp() * 1000)
    assert decode_metrics(payload, 0, 3) == [
        {"key": "loss", "value": 1.5, "timestamp": millis, "step": 0},
        {"key": "acc", "value": "NaN", "timestamp": millis, "step": 0},
        {"key": "loss", "value": "Infinity", "timestamp": millis, "step": 1},
    ]
    assert [m["step"] for m in decode_metrics(payload, 1, 3)] == [0, 1]


def test_milliseconds_are_exact() -> None:
    from datetime import UTC, datetime

    from app.mlflow_terms import millis

    # 1767225600123 ms: float arithmetic on timestamp() gives ...122.99 here and there
    for ms in (1767225600123, 1767225600001, 0, 1_000_000_000_999):
        moment = datetime.fromtimestamp(ms / 1000, tz=UTC).replace(microsecond=(ms % 1000) * 1000)
        assert millis(moment) == ms
