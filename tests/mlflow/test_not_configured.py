"""Without ``EXPSVC_MLFLOW_TRACKING_URI`` nothing of MLflow is loaded or written (and
without ``EXPSVC_WANDB_PROJECT`` nothing of wandb or of the mirrors' machinery)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
from sqlalchemy import func, select

from app.config import Settings
from app.migrate import upgrade
from app.models import MirrorQueueItem, MirrorRun
from app.models.enums import Role
from app.services import Services
from tests.builders import create_experiment, create_hypothesis, start
from tests.conftest import MakeUser
from tests.graphql import ok

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import asyncio, sys
from app.main import create_app

async def main() -> None:
    app = create_app()
    async with app.router.lifespan_context(app):
        pass
    loaded = sorted(
        name for name in sys.modules
        if name.split(".")[0] in ("mlflow", "wandb")
        or name.startswith(("app.integrations.mlflow", "app.integrations.mirror"))
        or name == "app.integrations.wandb.mirror"
    )
    print("LOADED", loaded)

asyncio.run(main())
"""


def test_start_up_without_the_uri_imports_nothing_of_mlflow(
    settings: Settings, tmp_path: Path
) -> None:
    database_url = settings.database_url
    if settings.is_sqlite:  # a file of its own: the session's jobs may hold the shared one's lock
        database_url = f"sqlite+aiosqlite:///{tmp_path / 'own.db'}"
        upgrade(database_url)
    env = {
        **os.environ,
        "EXPSVC_DATABASE_URL": database_url,
        "EXPSVC_DATA_DIR": str(settings.data_dir),
        "EXPSVC_ARTIFACT_STORE_URL": settings.artifact_store_url,
        "EXPSVC_MLFLOW_TRACKING_URI": "",
        "EXPSVC_WANDB_PROJECT": "",
        "EXPSVC_REDIS_URL": "",
    }
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "LOADED []" in result.stdout, result.stdout


async def test_without_the_uri_nothing_is_queued_and_there_is_no_link(
    services: Services, client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    assert services.mirrors is None
    owner, token = await make_user(Role.DS)
    hypothesis = await create_hypothesis(services, owner)
    experiment = await create_experiment(services, owner, hypothesis)
    await start(services, owner, experiment)
    answer = await client.post(
        f"/api/v1/experiments/{experiment.id}/metrics/batch",
        json={"key": "loss", "steps": [0, 1], "values": [1.0, 0.5]},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 202
    async with services.db.reader() as session:
        assert await session.scalar(select(func.count()).select_from(MirrorQueueItem)) == 0
        assert await session.scalar(select(func.count()).select_from(MirrorRun)) == 0
    data = await ok(
        client,
        "query($id: ID!) { experiment(id: $id) { mlflow { runId } } }",
        {"id": str(experiment.id)},
        token=token,
    )
    assert data["experiment"]["mlflow"] is None
