"""The token bucket in memory and the classification of requests (app/rate_limits.py)."""

from __future__ import annotations

import pytest
from prometheus_client import REGISTRY

from app.config import Settings
from app.errors import RateLimited
from app.rate_limits import (
    Allowance,
    MemoryCounter,
    RateLimits,
    RouteClass,
    method_class,
    operation_class,
)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_a_bucket_allows_its_allowance_then_says_how_long_to_wait():
    clock = Clock()
    counter = MemoryCounter(clock)
    per_minute = Allowance(6, 60.0)  # one back every 10 s
    for _ in range(6):
        assert await counter.take("k", 1, per_minute) == 0.0
    assert await counter.take("k", 1, per_minute) == pytest.approx(10.0)
    clock.now += 4
    assert await counter.take("k", 1, per_minute) == pytest.approx(6.0)
    clock.now += 6
    assert await counter.take("k", 1, per_minute) == 0.0
    assert await counter.take("k", 1, per_minute) > 0


async def test_a_refused_take_takes_nothing():
    clock = Clock()
    counter = MemoryCounter(clock)
    points = Allowance(1000, 1.0)
    assert await counter.take("k", 800, points) == 0.0
    assert await counter.take("k", 500, points) == pytest.approx(0.3)  # 200 left, 500 needed
    assert await counter.take("k", 200, points) == 0.0  # the refused 500 took nothing


async def test_a_cost_over_the_allowance_goes_when_full_and_leaves_a_debt():
    clock = Clock()
    counter = MemoryCounter(clock)
    points = Allowance(1000, 1.0)
    assert await counter.take("k", 3000, points) == 0.0  # a full bucket lets it through
    # 2,000 below zero: the next point waits until one is back
    assert await counter.take("k", 1, points) == pytest.approx(2.001)
    clock.now += 3
    assert await counter.take("k", 1000, points) == 0.0


async def test_a_cost_of_zero_asks_without_taking():
    clock = Clock()
    counter = MemoryCounter(clock)
    allowance = Allowance(1, 60.0)
    assert await counter.take("k", 0, allowance) == 0.0
    assert "k" not in counter.buckets
    assert await counter.take("k", 1, allowance) == 0.0
    assert await counter.take("k", 0, allowance) == pytest.approx(60.0)


async def test_buckets_are_separate_by_key():
    counter = MemoryCounter(Clock())
    allowance = Allowance(1, 60.0)
    assert await counter.take("a", 1, allowance) == 0.0
    assert await counter.take("b", 1, allowance) == 0.0
    assert await counter.take("a", 1, allowance) > 0


async def test_refilled_buckets_are_swept():
    clock = Clock()
    counter = MemoryCounter(clock)
    await counter.take("old", 1, Allowance(10, 60.0))  # full again 6 s later
    await counter.take("busy", 100, Allowance(100, 120.0))  # full again 120 s later
    clock.now += MemoryCounter.SWEEP_SECONDS - 1
    await counter.take("new", 1, Allowance(10, 60.0))  # before the next sweep: all kept
    assert set(counter.buckets) == {"old", "busy", "new"}
    clock.now += 1  # a minute after the last sweep: "old" is full, "busy" not yet
    await counter.take("new", 1, Allowance(10, 60.0))
    assert set(counter.buckets) == {"busy", "new"}


async def test_rate_limited_carries_the_seconds_to_wait_and_is_counted():
    settings = Settings(rate_limit_reads_per_minute=2)
    limits = RateLimits(settings, MemoryCounter(Clock()))
    await limits.charge("t:x", RouteClass.READ)
    await limits.charge("t:x", RouteClass.READ)
    before = REGISTRY.get_sample_value("expsvc_rate_limited_total", {"limit": "reads"}) or 0
    with pytest.raises(RateLimited) as refused:
        await limits.charge("t:x", RouteClass.READ)
    after = REGISTRY.get_sample_value("expsvc_rate_limited_total", {"limit": "reads"})
    assert after == before + 1
    assert refused.value.retry_after == 30
    assert refused.value.details == {
        "limit": "reads",
        "allowance": 2,
        "retry_after_seconds": 30,
    }


async def test_zero_turns_a_limit_off():
    settings = Settings(rate_limit_reads_per_minute=0, rate_limit_mutations_per_minute=1)
    counter = MemoryCounter(Clock())
    limits = RateLimits(settings, counter)
    for _ in range(100):
        await limits.charge("t:x", RouteClass.READ)
    assert counter.buckets == {}  # not even counted
    await limits.charge("t:x", RouteClass.MUTATION)
    with pytest.raises(RateLimited):
        await limits.charge("t:x", RouteClass.MUTATION)


def test_routes_are_classified_by_method_and_operation():
    assert method_class("GET") is RouteClass.READ
    assert method_class("head") is RouteClass.READ
    assert method_class("POST") is RouteClass.MUTATION
    assert method_class("DELETE") is RouteClass.MUTATION
    assert operation_class("query", ["experiments"]) is RouteClass.READ
    assert operation_class("subscription", ["runMonitor"]) is RouteClass.READ
    assert operation_class("mutation", ["startExperiment"]) is RouteClass.MUTATION
    assert operation_class("mutation", ["logMetrics", "logMessages"]) is None
    assert operation_class("mutation", ["logMetrics", "startExperiment"]) is RouteClass.MUTATION
    assert operation_class("mutation", ["..."]) is RouteClass.MUTATION


def test_every_rest_and_mlflow_route_has_a_class():
    from app.mlflow_api.app import MlflowEndpoint
    from app.mlflow_api.endpoints import endpoint_table as mlflow_table
    from app.mlflow_api.endpoints import server_info
    from app.rest.routes import endpoint_table

    classes = {(e.method, e.path): e.route_class for e in endpoint_table()}
    assert classes[("GET", "/experiments")] is RouteClass.READ
    assert classes[("POST", "/experiments")] is RouteClass.MUTATION
    assert classes[("POST", "/experiments/compare")] is RouteClass.READ
    assert classes[("POST", "/experiments/{id}/metrics/batch")] is RouteClass.INGEST
    assert classes[("POST", "/experiments/{id}/metrics")] is RouteClass.INGEST
    assert classes[("POST", "/experiments/{id}/logs")] is RouteClass.INGEST
    # without a bearer token: the API's own documents, the upload URL's own token
    unlimited = {key for key, kind in classes.items() if kind is None}
    assert unlimited == {
        ("GET", "/openapi.json"),
        ("GET", "/docs"),
        ("PUT", "/artifact-uploads/{id}"),
    } | {key for key in unlimited if key[1].startswith("/docs/")}
    mlflow = {(e.method, e.path): e.route_class for e in mlflow_table()}
    assert mlflow[("POST", "/runs/log-batch")] is RouteClass.INGEST
    assert mlflow[("POST", "/runs/log-metric")] is RouteClass.INGEST
    assert mlflow[("POST", "/runs/create")] is RouteClass.MUTATION
    assert mlflow[("GET", "/runs/get")] is RouteClass.READ
    search = MlflowEndpoint("POST", "/runs/search", server_info)
    assert search.route_class is RouteClass.READ  # MLflow POSTs its searches
