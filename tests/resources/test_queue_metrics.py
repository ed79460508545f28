"""The scheduler's decision times on ``/metrics``: every pass, and every pool's plan in it."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

from app.models.enums import ExperimentStatus, Role
from app.resources.scheduler import QueueScheduler
from tests.builders import create_hypothesis, move
from tests.graphql import ok
from tests.resources.helpers import add_pool, gpu_experiment, load

START = """mutation($id: ID!) { startExperiment(id: $id, wait: true) { status } }"""


async def counts(client) -> dict[str, float]:
    """``_count`` of the scheduler's histograms, as ``/metrics`` shows them."""
    metrics = await client.get("/metrics")
    assert metrics.status_code == 200
    found = {}
    for family in text_string_to_metric_families(metrics.text):
        if family.name in ("expsvc_queue_plan_seconds", "expsvc_queue_pass_seconds"):
            for sample in family.samples:
                if sample.name == family.name + "_count":
                    found[family.name] = sample.value
    return found


async def test_each_pass_and_each_pools_plan_are_timed_on_metrics(client, services, make_user):
    owner, token = await make_user(Role.DS)
    hypothesis = await create_hypothesis(services, owner)
    await add_pool(services, "m-pool", "L4", 1)
    holder = await gpu_experiment(services, owner, hypothesis, 1, gpu_type="L4")
    waiting = await gpu_experiment(services, owner, hypothesis, 1, gpu_type="L4")
    for experiment, status in ((holder, "RUNNING"), (waiting, "QUEUED")):
        answer = await ok(client, START, {"id": str(experiment.id)}, token=token)
        assert answer["startExperiment"]["status"] == status
    scheduler = QueueScheduler(services)
    before = await counts(client)
    plans, passes = "expsvc_queue_plan_seconds", "expsvc_queue_pass_seconds"

    await scheduler.run_pass()  # the pool is full: planned, nothing starts
    after = await counts(client)
    assert after[passes] == before.get(passes, 0) + 1
    assert after[plans] == before.get(plans, 0) + 1

    await move(services, owner, holder, "complete")
    await scheduler.run_pass()  # planned again: the waiting one starts
    assert (await load(services, waiting.id)).status is ExperimentStatus.RUNNING
    await scheduler.run_pass()  # nothing waits: a pass, no plan
    last = await counts(client)
    assert last[passes] == after[passes] + 2
    assert last[plans] == after[plans] + 1
