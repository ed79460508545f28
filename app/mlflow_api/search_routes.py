"""``runs/search`` and ``experiments/search``: the request's arguments as MLflow's client
sends them, the search in SQL (``search_sql.py``), the answer in MLflow's JSON, which
leaves out an empty list and a missing page token."""

from __future__ import annotations

from typing import Any

from app.mlflow_api import search, search_sql
from app.mlflow_api.app import MlflowEndpoint
from app.mlflow_api.call import MlflowCall
from app.mlflow_api.service import hypothesis_ids
from app.mlflow_api.shapes import experiment_json, runs_json


def _page(key: str, items: list[Any], offset: int, limit: int, more: bool) -> dict[str, Any]:
    answer: dict[str, Any] = {key: items} if items else {}
    if more:
        answer["next_page_token"] = search.page_token(offset + limit)
    return answer


async def search_runs(call: MlflowCall) -> Any:
    comparisons = search.parse_filter(call.text("filter", required=False), search.RUNS)
    order = search.parse_order_by(call.strings("order_by"), search.RUNS)
    view = search.view_type(call.args.get("run_view_type"), "run_view_type")
    limit = search.max_results(call.integer("max_results"))
    offset = search.page_offset(call.text("page_token", required=False))
    experiment_ids = call.strings("experiment_ids")
    async with call.services.db.reader() as session:
        ids = await hypothesis_ids(session, actor=call.actor, experiment_ids=experiment_ids)
        rows, more = await search_sql.search_runs(
            session,
            actor=call.actor,
            hypothesis_ids=ids,
            comparisons=comparisons,
            order=order,
            view=view,
            offset=offset,
            limit=limit,
        )
        runs = await runs_json(session, rows)
    return _page("runs", runs, offset, limit, more)


async def search_experiments(call: MlflowCall) -> Any:
    comparisons = search.parse_filter(call.text("filter", required=False), search.EXPERIMENTS)
    order = search.parse_order_by(call.strings("order_by"), search.EXPERIMENTS)
    view = search.view_type(call.args.get("view_type"), "view_type")
    limit = search.max_results(call.integer("max_results"))
    offset = search.page_offset(call.text("page_token", required=False))
    async with call.services.db.reader() as session:
        rows, more = await search_sql.search_experiments(
            session,
            actor=call.actor,
            comparisons=comparisons,
            order=order,
            view=view,
            offset=offset,
            limit=limit,
        )
    return _page("experiments", [experiment_json(row) for row in rows], offset, limit, more)


ENDPOINTS: list[MlflowEndpoint] = [
    MlflowEndpoint("POST", "/runs/search", search_runs),
    MlflowEndpoint("POST", "/experiments/search", search_experiments),
    MlflowEndpoint("GET", "/experiments/search", search_experiments),
]
