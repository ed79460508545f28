"""The pure rules of a comparison: parameter flattening, goals, metric cells."""

from __future__ import annotations

import math
import uuid
from types import SimpleNamespace
from typing import Any

import pytest

from app.compare.goals import MetricGoal, default_goal, goal_for, words
from app.compare.metrics import metric_rows
from app.compare.params import flatten, param_rows
from app.compare.service import MAX_EXPERIMENTS, compare_request
from app.errors import NotFound, ValidationFailed


def test_flatten_walks_objects_and_keeps_lists_and_empty_objects_as_values():
    document = {"optimizer": {"lr": 0.1, "betas": [0.9, 0.99]}, "sched": {}, "seed": 1}
    assert flatten("hyperparams", document) == {
        "hyperparams.optimizer.lr": 0.1,
        "hyperparams.optimizer.betas": [0.9, 0.99],
        "hyperparams.sched": {},
        "hyperparams.seed": 1,
    }
    assert flatten("config", ["a"]) == {"config": ["a"]}
    assert flatten("config", {"a.b": 1, "a": {"b": 2}}) == {"config.a.b": 1}


def row(hyperparams: Any, config: Any) -> Any:
    return SimpleNamespace(hyperparams=hyperparams, config=config)


def test_param_rows_are_the_sorted_union_with_nulls_and_differs():
    rows = param_rows(
        [
            row({"lr": 1, "flag": True, "opt": {"name": "adam"}}, {"data": {"path": "/a"}}),
            row({"lr": 1.0, "flag": 1, "layers": [1, 2]}, {"data": {"path": "/a"}}),
        ]
    )
    table = {r.key: (r.values, r.differs) for r in rows}
    assert [r.key for r in rows] == sorted(table)
    assert table["hyperparams.lr"] == ([1, 1.0], False)  # equal numbers
    assert table["hyperparams.flag"] == ([True, 1], True)  # true is not 1
    assert table["hyperparams.opt.name"] == (["adam", None], True)
    assert table["hyperparams.layers"] == ([None, [1, 2]], True)
    assert table["config.data.path"] == (["/a", "/a"], False)


@pytest.mark.parametrize(
    ("key", "goal"),
    [
        ("loss", MetricGoal.MIN),
        ("val/loss", MetricGoal.MIN),
        ("train_loss_epoch", MetricGoal.MIN),
        ("valLoss", MetricGoal.MIN),
        ("eval_rmse", MetricGoal.MIN),
        ("word_error_rate", MetricGoal.MIN),
        ("perplexity", MetricGoal.MIN),
        ("ce_loss", MetricGoal.MIN),
        ("bceloss", MetricGoal.MIN),
        ("p99_latency", MetricGoal.MIN),
        ("accuracy", MetricGoal.MAX),
        ("val/f1", MetricGoal.MAX),
        ("bleu", MetricGoal.MAX),
        ("reward", MetricGoal.MAX),
        ("lossless_ratio", MetricGoal.MAX),
        ("terra", MetricGoal.MAX),
    ],
)
def test_default_goal_by_name(key, goal):
    assert default_goal(key) is goal


def test_words_and_given_goals_win():
    assert words("eval/valLoss_v2") == ["eval", "val", "loss", "v2"]
    assert goal_for("loss", {"loss": MetricGoal.MAX}) is MetricGoal.MAX
    assert goal_for("loss", {}) is MetricGoal.MIN


def summary(key: str, last: float | None, low: float | None, high: float | None) -> Any:
    return SimpleNamespace(
        key=key, last_step=None if last is None else 10, last_value=last, min_value=low,
        max_value=high,
    )  # fmt: skip


def test_metric_rows_take_best_by_goal_and_name_the_winner():
    a, b, c = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    summaries = {
        a: [summary("acc", 0.8, 0.1, 0.9), summary("loss", 0.3, 0.2, 2.0)],
        b: [summary("acc", 0.7, 0.2, 0.95), summary("loss", 0.5, 0.1, 3.0)],
        c: [summary("loss", math.nan, None, None)],
    }
    rows = {r.key: r for r in metric_rows([a, b, c], summaries, None, {})}
    assert list(rows) == ["acc", "loss"]
    assert rows["acc"].goal is MetricGoal.MAX and rows["acc"].best_experiment_id == b
    assert [cell.best for cell in rows["acc"].cells] == [0.9, 0.95, None]
    assert rows["loss"].goal is MetricGoal.MIN and rows["loss"].best_experiment_id == b
    assert math.isnan(rows["loss"].cells[2].last or 0.0)
    flipped = metric_rows([a, b], summaries, ["loss"], {"loss": MetricGoal.MAX})
    assert flipped[0].best_experiment_id == b and flipped[0].cells[0].best == 2.0


def test_request_checks():
    ids = [str(uuid.uuid4()) for _ in range(3)]
    with pytest.raises(ValidationFailed) as empty:
        compare_request([])
    assert "ids" in empty.value.fields
    with pytest.raises(ValidationFailed):
        compare_request([str(uuid.uuid4()) for _ in range(MAX_EXPERIMENTS + 1)])
    with pytest.raises(ValidationFailed) as twice:
        compare_request([ids[0], ids[1], ids[0].upper()])
    assert "ids" in twice.value.fields
    with pytest.raises(ValidationFailed) as baseline:
        compare_request(ids, baseline_id=str(uuid.uuid4()))
    assert "baselineId" in baseline.value.fields
    with pytest.raises(ValidationFailed) as keys:
        compare_request(ids, metric_keys=["a", "a"], goals=[("b", MetricGoal.MIN)] * 2)
    assert set(keys.value.fields) == {"metricKeys", "goals"}
    with pytest.raises(NotFound):
        compare_request(["not-a-uuid"])
    request = compare_request(ids, baseline_id=ids[1].upper())
    assert request.baseline_id == uuid.UUID(ids[1])
    assert len(compare_request([str(uuid.uuid4()) for _ in range(MAX_EXPERIMENTS)]).ids) == 100
