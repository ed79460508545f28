"""A run logged through our MLflow-compatible API is mirrored to a real MLflow server like
any other run: the same queue, the same points, the final status."""

from __future__ import annotations

import uuid

from app.models.enums import Role
from tests.conftest import MakeUser
from tests.mlflow.conftest import Mirrored, unique_title
from tests.mlflow.helpers import history, mlflow_run, our_history, params
from tests.rest.helpers import bearer

API = "/api/2.0/mlflow"


async def test_a_run_of_the_mlflow_api_is_mirrored(mirrored: Mirrored, make_user: MakeUser) -> None:
    _, token = await make_user(Role.DS)
    headers = bearer(token)
    title = unique_title("From mlflow code")
    created = await mirrored.client.post(
        f"{API}/experiments/create", json={"name": title}, headers=headers
    )
    run = await mirrored.client.post(
        f"{API}/runs/create",
        json={"experiment_id": created.json()["experiment_id"], "run_name": "bs=64"},
        headers=headers,
    )
    run_id = run.json()["run"]["info"]["run_id"]
    logged = await mirrored.client.post(
        f"{API}/runs/log-batch",
        json={
            "run_id": run_id,
            "params": [{"key": "lr", "value": "0.01"}],
            "metrics": [
                {
                    "key": "loss",
                    "value": 1.0 / (step + 1),
                    "timestamp": 1_700_000_000_000 + step,
                    "step": step,
                }
                for step in range(50)
            ],
        },
        headers=headers,
    )
    assert logged.status_code == 200, logged.text
    ended = await mirrored.client.post(
        f"{API}/runs/update", json={"run_id": run_id, "status": "FINISHED"}, headers=headers
    )
    assert ended.status_code == 200, ended.text

    await mirrored.sync()

    row = await mirrored.opened_run(uuid.UUID(run_id))
    assert row.points_synced == 50 and row.last_error is None
    mirrored_run = await mlflow_run(mirrored.mlflow, row.run_id)
    assert mirrored_run["info"]["status"] == "FINISHED"
    assert mirrored_run["info"]["run_name"] == "bs=64"
    assert params(mirrored_run)["lr"] == "0.01"
    assert await history(mirrored.mlflow, row.run_id, "loss") == await our_history(
        mirrored.client, token, run_id, "loss"
    )
