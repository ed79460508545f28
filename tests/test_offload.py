"""Batch work runs inline when small and in a worker thread when large, with the same
result and the same errors either way."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest

from app import offload
from app.db import in_turns
from app.models.enums import Role
from tests.builders import create_hypothesis, create_running
from tests.rest.helpers import API, bearer, error_of


def test_counting_values_stops_past_the_limit():
    assert not offload.more_values_than({"a": [1, 2, 3]}, 4)
    assert offload.more_values_than({"a": [{"b": 1, "c": 2}] * 3}, 8)
    assert not offload.more_values_than("a long string counts as no item", 0)
    huge = {"points": [{"k": 1}] * 1_000_000}
    assert offload.more_values_than(huge, 10)


def where(_value: Any) -> threading.Thread:
    return threading.current_thread()


async def test_sized_by_runs_large_inputs_in_a_worker_thread():
    loop_thread = threading.current_thread()
    small = list(range(offload.INLINE_ITEMS))
    large = list(range(offload.INLINE_ITEMS + 1))
    assert await offload.sized_by(small, where, small) is loop_thread
    assert await offload.sized_by(large, where, large) is not loop_thread


async def test_sized_by_raises_what_the_function_raises():
    def refuse(_value: Any) -> None:
        raise ValueError("no")

    large = [0] * (offload.INLINE_ITEMS + 1)
    with pytest.raises(ValueError, match="no"):
        await offload.sized_by(large, refuse, large)


@pytest.fixture
async def running(services, make_user):
    user, token = await make_user(Role.DS)
    experiment = await create_running(services, user, await create_hypothesis(services, user))
    return bearer(token), f"{API}/experiments/{experiment.id}"


@pytest.fixture
def handed_over(monkeypatch) -> list[str]:
    """The names of the functions run in a worker thread."""
    names: list[str] = []
    real = offload.asyncio.to_thread

    async def to_thread(fn: Any, *args: Any, **kwargs: Any) -> Any:
        names.append(fn.__name__)
        return await real(fn, *args, **kwargs)

    monkeypatch.setattr(offload.asyncio, "to_thread", to_thread)
    return names


async def test_a_large_rest_metric_batch_is_parsed_off_the_loop(client, running, handed_over):
    headers, url = running
    points = [{"key": "loss", "value": 0.5, "step": i} for i in range(1200)]
    answer = await client.post(f"{url}/metrics/batch", json={"points": points}, headers=headers)
    assert (answer.status_code, answer.json()) == (202, {"accepted": 1200})
    small = await client.post(f"{url}/metrics", json=points[0], headers=headers)
    assert small.status_code == 202
    assert handed_over == ["parse_batch"]


async def test_a_large_columnar_batch_is_parsed_on_the_loop(client, running, handed_over):
    """Plain columns take the fast path, a few passes of builtins: no thread's hand-over.
    The same columns with ISO times take the checked path, in a worker thread."""
    headers, url = running
    steps = list(range(5000))
    body = {"key": "loss", "steps": steps, "values": [0.5] * 5000}
    answer = await client.post(f"{url}/metrics/batch", json=body, headers=headers)
    assert (answer.status_code, answer.json()) == (202, {"accepted": 5000})
    assert handed_over == []
    iso = [f"2026-01-01T00:00:{step % 60:02d}Z" for step in steps]
    body = {"key": "acc", "steps": steps, "values": [0.5] * 5000, "timestamps": iso}
    answer = await client.post(f"{url}/metrics/batch", json=body, headers=headers)
    assert (answer.status_code, answer.json()) == (202, {"accepted": 5000})
    assert handed_over == ["parse_batch"]


async def test_a_large_rest_metric_batch_keeps_its_errors(client, running, handed_over):
    headers, url = running
    points: list[dict[str, Any]] = [{"key": "loss", "value": 0.5, "step": i} for i in range(1200)]
    points[1100]["step"] = -1
    answer = await client.post(f"{url}/metrics/batch", json={"points": points}, headers=headers)
    assert answer.status_code == 422
    assert error_of(answer)["code"] == "VALIDATION_FAILED"
    assert "points.1100.step" in error_of(answer)["details"]["fields"]
    assert handed_over == ["parse_batch"]


async def test_a_large_rest_log_batch_is_parsed_off_the_loop(client, running, handed_over):
    headers, url = running
    lines = [{"message": f"line {i}"} for i in range(1200)]
    answer = await client.post(f"{url}/logs", json={"lines": lines}, headers=headers)
    assert (answer.status_code, answer.json()) == (202, {"accepted": 1200})
    assert handed_over == ["parse_batch"]
    lines[1150] = {"message": "x", "level": "LOUD"}
    lines[7] = {"message": None}
    refused = await client.post(f"{url}/logs", json={"lines": lines}, headers=headers)
    assert refused.status_code == 422
    assert sorted(error_of(refused)["details"]["fields"]) == [
        "lines.1150.level",
        "lines.7.message",
    ]


async def test_rows_for_a_copy_come_with_turns_of_the_loop():
    """``in_turns`` hands over every row, in order, and lets other tasks run between
    each ``per_turn`` rows."""
    ticks = 0

    async def other_task() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0)

    task = asyncio.create_task(other_task())
    await asyncio.sleep(0)
    seen: list[tuple[int, int]] = []
    async for row in in_turns(range(10), per_turn=3):
        seen.append((row, ticks))
    task.cancel()
    assert [row for row, _ in seen] == list(range(10))
    # the other task ran once after rows 2, 5 and 8, never within a turn
    assert [tick for _, tick in seen] == [1, 1, 1, 2, 2, 2, 3, 3, 3, 4]
