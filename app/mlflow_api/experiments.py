"""MLflow's ``experiments/*`` endpoints (``experiments/search`` is in ``search_routes``)."""

from __future__ import annotations

from typing import Any

from app.mlflow_api import service
from app.mlflow_api.app import MlflowEndpoint
from app.mlflow_api.call import MlflowCall
from app.mlflow_api.shapes import experiment_json


async def get_experiment(call: MlflowCall) -> Any:
    experiment_id = call.required_text("experiment_id")
    if experiment_id == service.DEFAULT_EXPERIMENT_ID:  # may make the caller's Default
        async with call.services.db.unit_of_work() as session:
            found = await service.get_experiment(
                session, actor=call.actor, experiment_id=experiment_id
            )
            return {"experiment": experiment_json(found)}
    async with call.services.db.reader() as session:
        found = await service.get_experiment(session, actor=call.actor, experiment_id=experiment_id)
        return {"experiment": experiment_json(found)}


async def get_experiment_by_name(call: MlflowCall) -> Any:
    name = call.required_text("experiment_name")
    async with call.services.db.reader() as session:
        found = await service.get_experiment_by_name(session, actor=call.actor, name=name)
        return {"experiment": experiment_json(found)}


async def create_experiment(call: MlflowCall) -> Any:
    name = call.required_text("name")
    async with call.services.db.unit_of_work() as session:
        created = await service.create_experiment(session, actor=call.actor, name=name)
        return {"experiment_id": str(created.id)}


ENDPOINTS: list[MlflowEndpoint] = [
    MlflowEndpoint("GET", "/experiments/get", get_experiment),
    MlflowEndpoint("GET", "/experiments/get-by-name", get_experiment_by_name),
    MlflowEndpoint("POST", "/experiments/create", create_experiment),
]
