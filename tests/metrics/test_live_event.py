"""The live event of an accepted batch carries its points exactly: epoch milliseconds or
ISO-8601 times, finite values as numbers and NaN / ±Infinity as their REST strings, read
back by the subscribers' side (``app.live.metrics``) as the batch's own points."""

from __future__ import annotations

import math
import uuid
from datetime import UTC, datetime

import orjson
import pytest

from app.live.metrics import _points_of
from app.metrics.batch import MetricBatch, parse_batch
from app.metrics.events import json_values, metrics_event

NOW = datetime(2026, 1, 1, tzinfo=UTC)
MS = 1_767_225_600_000


def round_trip(batch: MetricBatch) -> list[tuple[str, int, float, datetime]]:
    event = orjson.loads(orjson.dumps(metrics_event(uuid.uuid4(), batch, seq=1)))
    return [(p.key, p.step, p.value, p.timestamp) for p in _points_of(event)]


def same(got: list[tuple[str, int, float, datetime]], batch: MetricBatch) -> bool:
    want = zip(batch.keys, batch.steps, batch.values, batch.timestamps, strict=True)
    return all(
        g[:2] == w[:2]
        and g[3] == w[3]
        and (g[2] == w[2] or (math.isnan(g[2]) and math.isnan(w[2])))
        for g, w in zip(got, want, strict=True)
    ) and len(got) == len(batch)


@pytest.mark.parametrize(
    "body",
    [
        {
            "key": "loss",
            "steps": [1, 2, 3],
            "values": [0.5, -0.0, 2],
            "timestamps": [MS, MS + 1, 7],
        },
        {"key": "loss", "steps": [1, 2], "values": ["NaN", "Infinity"], "timestamps": [MS, MS]},
        {"key": "loss", "steps": [1, 2], "values": [1.5, "-Infinity"]},  # time received
        {
            "points": [
                {"key": "a", "step": 0, "value": 1.25, "timestamp": "2026-03-01T10:00:00.123Z"},
                {"key": "b", "step": 4, "value": "NaN", "timestamp": MS},
            ]
        },
    ],
)
def test_the_event_carries_the_batch_points(body):
    batch, _ = parse_batch(body, now=NOW, limit=100)
    assert same(round_trip(batch), batch)


def test_milliseconds_travel_as_milliseconds():
    batch, _ = parse_batch(
        {"key": "loss", "steps": [1], "values": [1.0], "timestamps": [MS]}, now=NOW, limit=10
    )
    event = metrics_event(uuid.uuid4(), batch, seq=3)
    assert event["epoch_ms"] == [MS] and "timestamps" not in event
    assert batch.timestamps == [datetime.fromtimestamp(MS / 1000, UTC)]


def test_json_values_spell_out_only_the_special_values():
    finite = [0.5, -2.0, 1e300]
    assert json_values(finite) is finite  # no copy when all are finite
    assert json_values([1.0, math.nan, math.inf, -math.inf]) == [
        1.0,
        "NaN",
        "Infinity",
        "-Infinity",
    ]
    assert json_values([1e308, 1e308]) == [1e308, 1e308]  # the sum overflows: checked one by one
