"""The columnar fast path of ``parse_batch`` (integer epoch-millisecond timestamps
included) gives the batch the checked path gives, and hands over the milliseconds only when
every point of the batch came with one."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from app.errors import ValidationFailed
from app.metrics.batch import FAST_MAX_EPOCH_MS, MetricBatch, parse_batch, parse_columns

NOW = datetime(2026, 1, 1, tzinfo=UTC)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def parse(body):
    return parse_batch(body, now=NOW, limit=100_000)[0]


def as_rows(key, steps, values, stamps):
    """The same points as a rows body, which always takes the checked path."""
    points = [
        {"key": key, "step": s, "value": v, **({} if t is None else {"timestamp": t})}
        for s, v, t in zip(steps, values, stamps, strict=True)
    ]
    return {"points": points}


def columns(batch: MetricBatch):
    return batch.keys, batch.steps, batch.values, batch.timestamps


def test_integer_timestamps_take_the_fast_path_with_the_same_result():
    rng = random.Random(3)
    steps = list(range(100, 600))
    values = [rng.uniform(-5, 5) for _ in steps]
    stamps = [1_767_225_600_000 + rng.randrange(10**9) for _ in steps]
    fast = parse({"key": "loss", "steps": steps, "values": values, "timestamps": stamps})
    slow = parse(as_rows("loss", steps, values, stamps))
    assert columns(fast) == columns(slow)
    assert fast.epoch_ms == stamps
    assert slow.epoch_ms is None


def test_milliseconds_only_when_every_point_has_them():
    with_ms = {"key": "a", "steps": [1, 2], "values": [1.0, 2], "timestamps": [5, 6]}
    without = {"key": "b", "steps": [3], "values": [3.0]}
    rows = as_rows("c", [4], [4.0], [7])
    assert parse([with_ms, with_ms]).epoch_ms == [5, 6, 5, 6]
    assert parse([with_ms, without]).epoch_ms is None
    assert parse([without, with_ms]).epoch_ms is None
    assert parse([with_ms, rows]).epoch_ms is None
    assert parse([rows, with_ms]).epoch_ms is None
    both = parse([with_ms, without, rows])
    assert both.timestamps == [
        datetime.fromtimestamp(0.005, UTC),
        datetime.fromtimestamp(0.006, UTC),
        NOW,
        datetime.fromtimestamp(0.007, UTC),
    ]
    assert both.values == [1.0, 2.0, 3.0, 4.0] and all(type(v) is float for v in both.values)


@pytest.mark.parametrize(
    "stamps",
    [
        [-1, 0],  # negative: the checked path decides
        [0, FAST_MAX_EPOCH_MS],  # beyond the exact range
        [1.5, 2],  # not an int
        [True, 2],
        ["2026-01-01T00:00:00Z", 2],
        [None, 2],
    ],
)
def test_other_timestamps_take_the_checked_path(stamps):
    body = {"key": "loss", "steps": [1, 2], "values": [1.0, 2.0], "timestamps": stamps}
    try:
        want = columns(parse(as_rows("loss", [1, 2], [1.0, 2.0], stamps)))
    except ValidationFailed as exc:
        with pytest.raises(ValidationFailed):
            parse(body)
        assert exc.details
        return
    got = parse(body)
    assert columns(got) == want
    assert got.epoch_ms is None


def test_fast_range_converts_exactly_to_the_millisecond():
    """Within the fast range ``fromtimestamp(ms / 1000)`` is exactly ``ms`` milliseconds
    after the epoch, which is what PostgreSQL computes from the milliseconds."""
    rng = random.Random(11)
    samples = [0, 1, 999, FAST_MAX_EPOCH_MS - 1, FAST_MAX_EPOCH_MS - 999]
    samples += [rng.randrange(FAST_MAX_EPOCH_MS) for _ in range(20_000)]
    samples += [FAST_MAX_EPOCH_MS - rng.randrange(1, 10**7) for _ in range(5_000)]
    for ms in samples:
        assert datetime.fromtimestamp(ms / 1000, UTC) == EPOCH + timedelta(milliseconds=ms), ms


COLUMNS = {"key": "loss", "steps": [3, 4, 9], "values": [0.5, 1, -2.0]}


@pytest.mark.parametrize(
    "body",
    [
        COLUMNS,
        {**COLUMNS, "timestamps": [1_000, 2_000, 2_000]},
        {**COLUMNS, "batch_id": "b-1"},
        {**COLUMNS, "batch_id": 7},  # as sent: the use case refuses it
        {**COLUMNS, "extra": "ignored by both"},
    ],
)
def test_parse_columns_answers_the_usual_body_as_parse_batch_does(body):
    fast = parse_columns(body, now=NOW, limit=3)
    assert fast is not None
    batch, batch_id = parse_batch(body, now=NOW, limit=3)
    assert (columns(fast[0]), fast[0].epoch_ms, fast[1]) == (
        columns(batch),
        batch.epoch_ms,
        batch_id,
    )


@pytest.mark.parametrize(
    "body",
    [
        {"points": [{"key": "loss", "step": 1, "value": 1.0}]},
        [COLUMNS],
        {"batch_id": "b", "batches": [COLUMNS]},
        {"key": "loss", "step": 1, "value": 1.0},
        {**COLUMNS, "timestamps": ["2026-01-01T00:00:00Z", 1, 2]},  # valid, checked path
        {**COLUMNS, "steps": [3, 4, -9]},
        {**COLUMNS, "values": [0.5, "NaN", 1]},  # valid, checked path
        {**COLUMNS, "values": [0.5, 1]},
        {**COLUMNS, "key": "no*stars"},
        {**COLUMNS, "steps": [], "values": []},
        {**COLUMNS, "steps": list(range(4)), "values": [1.0] * 4},  # over the limit
        "not a body",
    ],
)
def test_parse_columns_leaves_every_other_body_to_parse_batch(body):
    assert parse_columns(body, now=NOW, limit=3) is None
