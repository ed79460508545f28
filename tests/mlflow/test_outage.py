"""MLflow down midway through a run: we keep working, the lag and the error show, and once
MLflow is back the mirror converges to exactly our data."""

from __future__ import annotations

import asyncio

from prometheus_client import REGISTRY
from sqlalchemy import select, update

from app.main import create_app
from app.models import MirrorQueueItem, MirrorRun
from app.models.enums import Role
from app.services import Services
from tests.builders import create_experiment, create_hypothesis, move, start
from tests.conftest import MakeUser
from tests.graphql import ok
from tests.mlflow.conftest import Mirrored, mirrored_settings, unique_title
from tests.mlflow.helpers import history, mlflow_run, our_history, post_batch

LINK = """query($id: ID!) { experiment(id: $id) { status mlflow {
  runId pendingPoints lastError lastErrorAt syncedAt } } }"""


def gauge(name: str, target: str) -> float:
    value = REGISTRY.get_sample_value(name, {"target": target})
    assert value is not None, name
    return value


async def test_an_outage_midway_converges_to_exactly_our_data(
    mirrored: Mirrored, make_user: MakeUser
) -> None:
    owner, token, experiment = await mirrored.running(make_user)
    await post_batch(mirrored.client, token, experiment.id, "loss", list(range(500)), [1.0] * 500)
    await mirrored.sync()

    mirrored.server.stop()
    try:
        for batch in range(1, 6):  # ingestion does not notice
            steps = list(range(batch * 500, (batch + 1) * 500))
            await post_batch(
                mirrored.client,
                token,
                experiment.id,
                "loss",
                steps,
                [1.0 / (step + 1) for step in steps],
            )
        await move(mirrored.services, owner, experiment, "complete")
        assert await mirrored.mirror.run_once(respect_backoff=False) == 0

        link = (await ok(mirrored.client, LINK, {"id": str(experiment.id)}, token=token))[
            "experiment"
        ]
        assert link["status"] == "COMPLETED"
        assert link["mlflow"]["pendingPoints"] == 2500
        assert "ConnectError" in link["mlflow"]["lastError"]
        assert link["mlflow"]["lastErrorAt"] is not None
        assert gauge("expsvc_mirror_pending_points", "mlflow") == 2500
        assert gauge("expsvc_mirror_pending_items", "mlflow") == 5
        assert gauge("expsvc_mirror_failing_runs", "mlflow") == 1
        assert gauge("expsvc_mirror_lag_seconds", "mlflow") > 0
    finally:
        mirrored.server.start()

    await mirrored.sync()
    run_row = await mirrored.opened_run(experiment.id)
    assert run_row.points_synced == 3000 and run_row.last_error is None
    assert await history(mirrored.mlflow, run_row.run_id, "loss") == await our_history(
        mirrored.client, token, experiment.id, "loss"
    )
    run = await mlflow_run(mirrored.mlflow, run_row.run_id)
    assert run["info"]["status"] == "FINISHED"
    link = (await ok(mirrored.client, LINK, {"id": str(experiment.id)}, token=token))["experiment"][
        "mlflow"
    ]
    assert link["pendingPoints"] == 0 and link["lastError"] is None
    assert gauge("expsvc_mirror_pending_points", "mlflow") == 0
    assert gauge("expsvc_mirror_failing_runs", "mlflow") == 0


async def test_a_batch_cut_short_resumes_after_what_mlflow_took(
    mirrored: Mirrored, make_user: MakeUser
) -> None:
    """``sent`` records the chunks MLflow accepted: a retry sends only the rest."""
    _owner, token, experiment = await mirrored.running(make_user)
    await post_batch(
        mirrored.client,
        token,
        experiment.id,
        "loss",
        list(range(2500)),
        [float(step) for step in range(2500)],
    )
    async with mirrored.services.db.unit_of_work() as session:
        await session.execute(update(MirrorQueueItem).values(sent=1000))
    await mirrored.sync()
    async with mirrored.services.db.reader() as session:
        run_row = await session.get(MirrorRun, ("mlflow", experiment.id))
        left = (await session.scalars(select(MirrorQueueItem))).all()
    assert run_row is not None and run_row.run_id is not None and left == []
    steps = [point[0] for point in await history(mirrored.mlflow, run_row.run_id, "loss")]
    assert steps == list(range(1000, 2500))
    assert run_row.points_synced == 1500


async def test_the_mirror_runs_by_itself_in_the_app(
    mirrored: Mirrored, make_user: MakeUser
) -> None:
    """With the URI set, the app's lifespan starts the mirror job: no test drives it."""
    owner, token = await make_user(Role.DS)
    settings = mirrored_settings(mirrored.services.settings, mirrored.server)
    services = Services.from_settings(settings)
    app = create_app(settings, services)
    hypothesis = await create_hypothesis(services, owner, title=unique_title())
    experiment = await create_experiment(services, owner, hypothesis)
    async with app.router.lifespan_context(app):
        await start(services, owner, experiment)
        await post_batch(mirrored.client, token, experiment.id, "acc", [0, 1, 2], [0.1, 0.2, 0.3])
        for _ in range(400):
            async with services.db.reader() as session:
                row = await session.get(MirrorRun, ("mlflow", experiment.id))
            if row is not None and row.points_synced == 3:
                break
            await asyncio.sleep(0.05)
    assert row is not None and row.run_id is not None and row.points_synced == 3
    assert [point[:2] for point in await history(mirrored.mlflow, row.run_id, "acc")] == [
        (0, 0.1),
        (1, 0.2),
        (2, 0.3),
    ]
