"""The journal on its own: what ``run.log`` writes, what the sender reads back."""

from __future__ import annotations

import json
import math
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from expsvc_client.api import batch_body
from expsvc_client.journal import (
    HEADER,
    MAX_MESSAGE_BYTES,
    Chunk,
    JournalWriter,
    Segment,
    SpoolFull,
    open_segments,
    read_chunk,
    segment_numbers,
    unsent_points,
)


def read_all(folder: Path, max_points: int = 10**9) -> list[Chunk]:
    chunks = []
    for segment in open_segments(folder):
        keys: dict[int, str] = {}
        start = HEADER
        while start < segment.committed:
            chunk = read_chunk(segment, start, max_points=max_points, keys=keys)
            chunks.append(chunk)
            start = chunk.end
        segment.close()
    return chunks


def points_of(chunks: list[Chunk]) -> list[tuple[str, int, object]]:
    out = []
    for chunk in chunks:
        for key, series in chunk.series.items():
            out.extend(
                (key, step, value) for step, value in zip(series.steps, series.values, strict=True)
            )
    return sorted(out, key=lambda p: (p[0], p[1]))


def test_points_round_trip_across_segments(tmp_path: Path) -> None:
    writer = JournalWriter(tmp_path, segment_bytes=4096)
    for step in range(1000):
        writer.points({"train/loss": 1 / (step + 1), "acc": step, "lr": 0.5}, step, 1_000 + step)
    writer.close()
    assert len(segment_numbers(tmp_path)) > 10  # rolled many times, keys redefined in each
    got = points_of(read_all(tmp_path))
    assert len(got) == 3000
    assert [v for k, s, v in got if k == "train/loss"] == [1 / (s + 1) for s in range(1000)]
    assert {v for k, _, v in got if k == "lr"} == {0.5}
    chunk = read_all(tmp_path)[0]
    assert chunk.series["acc"].times[0] == 1_000


def test_special_values_travel_as_the_server_spells_them(tmp_path: Path) -> None:
    writer = JournalWriter(tmp_path)
    writer.points({"a": math.nan, "b": math.inf, "c": -math.inf, "d": True}, 0, 0)
    got = {k: v for k, _, v in points_of(read_all(tmp_path))}
    assert got == {"a": "NaN", "b": "Infinity", "c": "-Infinity", "d": 1.0}


@pytest.mark.parametrize("key", ["", "bad key!", "x" * 251, 7])
def test_a_bad_key_writes_nothing_of_the_call(tmp_path: Path, key: object) -> None:
    writer = JournalWriter(tmp_path)
    writer.points({"ok": 1.0}, 0, 0)
    with pytest.raises(ValueError, match="metric key"):
        writer.points({"fine": 1.0, key: 2.0}, 1, 0)  # type: ignore[dict-item]
    assert points_of(read_all(tmp_path)) == [("ok", 0, 1.0)]


@pytest.mark.parametrize("value", ["1.0", None, [1.0], object()])
def test_a_bad_value_writes_nothing_of_the_call(tmp_path: Path, value: object) -> None:
    writer = JournalWriter(tmp_path)
    with pytest.raises(TypeError, match="'bad'"):
        writer.points({"good": 1.0, "bad": value}, 0, 0)
    writer.points({"good": 2.0}, 1, 0)
    assert points_of(read_all(tmp_path)) == [("good", 1, 2.0)]


def test_chunks_end_at_the_point_limit_and_have_stable_ids(tmp_path: Path) -> None:
    writer = JournalWriter(tmp_path)
    for step in range(25):
        writer.points({"k": float(step)}, step, 0)
    first = read_all(tmp_path, max_points=10)
    again = read_all(tmp_path, max_points=10)
    assert [c.points for c in first] == [10, 10, 5]
    assert [c.batch_id for c in first] == [c.batch_id for c in again]
    assert len({c.batch_id for c in first}) == 3


def test_log_lines_and_progress(tmp_path: Path) -> None:
    writer = JournalWriter(tmp_path)
    writer.log(1, 0, 5, "hello")
    writer.log(3, 1, 6, "é" * MAX_MESSAGE_BYTES)
    writer.progress(10, 100, None, None)
    writer.progress(20, None, 2, None)
    (chunk,) = read_all(tmp_path)
    assert chunk.lines[0] == {
        "level": "INFO",
        "source": "stdout",
        "timestamp": 5,
        "message": "hello",
    }
    long = chunk.lines[1]
    assert (long["level"], long["source"]) == ("ERROR", "stderr")
    assert long["message"].endswith(f"… [truncated {MAX_MESSAGE_BYTES} bytes]")
    assert len(long["message"].encode()) < MAX_MESSAGE_BYTES + 40
    # the latest value of each field reported in the chunk
    assert chunk.progress == {"step": 20, "total_steps": 100, "epoch": 2}


def test_the_spool_has_a_ceiling(tmp_path: Path) -> None:
    writer = JournalWriter(tmp_path, segment_bytes=4096, max_bytes=3 * 4096)
    with pytest.raises(SpoolFull):
        for step in range(10_000):
            writer.points({"k": 1.0}, step, 0)
    stored = points_of(read_all(tmp_path))
    assert len(stored) == len({s for _, s, _ in stored}) > 0  # what was accepted is whole


def test_unsent_counts_from_the_acknowledged_end(tmp_path: Path) -> None:
    writer = JournalWriter(tmp_path)
    for step in range(10):
        writer.points({"k": 1.0}, step, 0)
    writer.log(1, 0, 0, "line")
    assert unsent_points(tmp_path) == (10, 1)
    segment = Segment(writer._segment.path, writer.segment_number)
    first = read_chunk(segment, HEADER, max_points=4)
    segment.set(24, first.end)  # ACKED: the server took the first 4
    segment.close()
    assert unsent_points(tmp_path) == (6, 1)


def test_what_log_returned_on_survives_sigkill(tmp_path: Path) -> None:
    """The points are in the page cache when ``points`` returns: a process killed right
    after (no flush, no close, no exit handler) leaves all of them to a reader."""
    script = textwrap.dedent(
        f"""
        import os, signal
        from pathlib import Path
        from expsvc_client.journal import JournalWriter
        writer = JournalWriter(Path({str(tmp_path)!r}), segment_bytes=64 * 1024)
        for step in range(20_000):
            writer.points({{"loss": step * 0.5}}, step, 0)
        os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    done = subprocess.run([sys.executable, "-c", script], check=False, timeout=60)
    assert done.returncode == -signal.SIGKILL
    got = points_of(read_all(tmp_path))
    assert [s for _, s, _ in got] == list(range(20_000))
    assert [v for _, _, v in got] == [s * 0.5 for s in range(20_000)]
    assert os.listdir(tmp_path)


@pytest.mark.parametrize(
    "calls",
    [
        [{"a": 1.0, "b": 2.0}] * 500,  # one dict, again and again: the one-call read
        [{"a": 1.0, "b": 2.0}] * 100 + [{"a": 3.0}] + [{"a": 1.0, "b": 2.0}] * 100,
        [{"a": 1.0}, {"b": 2.0}, {"a": 1.0}, {"c": 3.0}] * 100,  # a key twice in a round
        [{"a": 1.0, "b": 2.0}] * 100 + [{"a": math.nan, "b": 1.0}] + [{"a": 1.0}] * 100,
    ],
    ids=["repeating", "a round breaks", "a key twice per round", "a NaN"],
)
def test_every_point_is_read_whatever_the_pattern(tmp_path: Path, calls: list[dict]) -> None:
    writer = JournalWriter(tmp_path)
    expected = []
    for step, metrics in enumerate(calls):
        writer.points(metrics, step, step)
        for key, value in metrics.items():
            expected.append((key, step, "NaN" if value != value else value))
    for limit in (10**9, 73):  # and in chunks that end mid-round
        assert points_of(read_all(tmp_path, max_points=limit)) == sorted(expected)


def test_batches_encode_the_same_with_or_without_orjson() -> None:
    body = {
        "batch_id": "s.1.64.900",
        "batches": [
            {"key": "loss", "steps": [0, 1], "values": [0.25, "NaN"], "timestamps": [1, 2]}
        ],
        "lines": [{"level": "INFO", "message": 'ünïcode "quoted" \\ ✓', "timestamp": 3}],
    }
    probe = (
        "import sys, json; sys.modules['orjson'] = None; "
        "from expsvc_client.api import batch_body; "
        f"sys.stdout.buffer.write(batch_body(json.loads({json.dumps(json.dumps(body))})))"
    )
    plain = subprocess.run([sys.executable, "-c", probe], capture_output=True, check=True).stdout
    assert json.loads(plain) == json.loads(batch_body(body)) == body
