"""Experiment routes: create, read, list, configure and move through the lifecycle.

Each handler is a few lines over ``app.experiments.service``, like the GraphQL resolvers:
writes run in one unit of work, reads in a reader session.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.errors import Forbidden, InvalidTransition, ResourcesUnavailable
from app.experiments import service as experiments
from app.experiments import workflows
from app.experiments.schemas import (
    HEARTBEAT_DESCRIPTION,
    ExperimentCreate,
    ExperimentUpdate,
    FailData,
    PriorityData,
    ProgressData,
    StartData,
    StopData,
)
from app.models import Experiment
from app.models.base import utcnow
from app.resources import queue, starting
from app.rest.endpoints import Call, Endpoint
from app.rest.related import load_related
from app.rest.schemas import ExperimentListQuery, ExperimentOut, ExperimentPageOut
from app.rest.serializers import experiment_json, page_json


async def experiment_answer(session: AsyncSession, call: Call, row: Experiment) -> dict[str, Any]:
    """The experiment as JSON, its reservation and MLflow link read in ``session`` (after a
    write: the same unit of work, so what the write changed is seen)."""
    related = await load_related(session, call.settings, call.actor, [row])
    return experiment_json(row, utcnow(), related)


async def answer_after(call: Call, row: Experiment) -> dict[str, Any]:
    """The same, read in a reader session: for a write whose transaction has ended."""
    async with call.services.db.reader() as session:
        return await experiment_answer(session, call, row)


async def create_experiment(call: Call) -> Any:
    data = call.body_as(ExperimentCreate)
    async with call.services.db.unit_of_work() as session:
        row = await experiments.create_experiment(
            session, actor=call.actor, data=data, settings=call.settings
        )
        return await experiment_answer(session, call, row)


async def list_experiments(call: Call) -> Any:
    query = call.query_as(ExperimentListQuery)
    async with call.services.db.reader() as session:
        page = await experiments.list_experiments(
            session,
            actor=call.actor,
            filter=query.filter_data(),
            order=query.order_data(),
            first=query.first,
            after=query.after,
        )
        related = await load_related(session, call.settings, call.actor, page.items)
    return page_json(page, utcnow(), related)


async def get_experiment(call: Call) -> Any:
    async with call.services.db.reader() as session:
        row = await experiments.get_experiment(
            session, actor=call.actor, experiment_id=call.path_id()
        )
        return await experiment_answer(session, call, row)


async def update_experiment(call: Call) -> Any:
    data = call.body_as(ExperimentUpdate)
    async with call.services.db.unit_of_work() as session:
        row = await experiments.update_experiment(
            session,
            actor=call.actor,
            experiment_id=call.path_id(),
            data=data,
            settings=call.settings,
        )
        return await experiment_answer(session, call, row)


async def start_experiment(call: Call) -> Any:
    data = call.body_as(StartData)
    row = await starting.start(
        call.services, actor=call.actor, experiment_id=call.path_id(), wait=data.wait
    )
    return await answer_after(call, row)


async def dequeue_experiment(call: Call) -> Any:
    async with call.services.db.unit_of_work() as session:
        row = await queue.dequeue(session, actor=call.actor, experiment_id=call.path_id())
        return await experiment_answer(session, call, row)


async def set_experiment_priority(call: Call) -> Any:
    data = call.body_as(PriorityData)
    async with call.services.db.unit_of_work() as session:
        row = await queue.set_priority(
            session, actor=call.actor, experiment_id=call.path_id(), priority=data.priority
        )
        return await experiment_answer(session, call, row)


async def complete_experiment(call: Call) -> Any:
    async with call.services.db.unit_of_work() as session:
        row = await experiments.complete_experiment(
            session, actor=call.actor, experiment_id=call.path_id()
        )
        return await experiment_answer(session, call, row)


async def fail_experiment(call: Call) -> Any:
    data = call.body_as(FailData)
    async with call.services.db.unit_of_work() as session:
        row = await experiments.fail_experiment(
            session,
            actor=call.actor,
            experiment_id=call.path_id(),
            reason=data.reason,
            message=data.message,
        )
        return await experiment_answer(session, call, row)


async def stop_experiment(call: Call) -> Any:
    data = call.body_as(StopData)
    async with call.services.db.unit_of_work() as session:
        row = await experiments.stop_experiment(
            session, actor=call.actor, experiment_id=call.path_id(), message=data.message
        )
        return await experiment_answer(session, call, row)


async def report_progress(call: Call) -> Any:
    data = call.body_as(ProgressData)
    row = await workflows.report_progress(
        call.services, actor=call.actor, experiment_id=call.path_id(), data=data
    )
    return await answer_after(call, row)


_ACT = (Forbidden, InvalidTransition)
_ONE = "/experiments/{id}"

ENDPOINTS: list[Endpoint] = [
    Endpoint(
        "POST",
        "/experiments",
        create_experiment,
        "Create an experiment (QUEUED) under a hypothesis the caller can see",
        request_model=ExperimentCreate,
        response_model=ExperimentOut,
        status_code=201,
        response_description="The new experiment",
    ),
    Endpoint(
        "GET",
        "/experiments",
        list_experiments,
        "Experiments the caller may read, filtered and keyset-paginated",
        query_model=ExperimentListQuery,
        response_model=ExperimentPageOut,
    ),
    Endpoint("GET", _ONE, get_experiment, "One experiment", response_model=ExperimentOut),
    Endpoint(
        "PATCH",
        _ONE,
        update_experiment,
        "Change the configuration; only while QUEUED. Only the fields sent change",
        request_model=ExperimentUpdate,
        response_model=ExperimentOut,
        errors=_ACT,
    ),
    Endpoint(
        "POST",
        _ONE + "/start",
        start_experiment,
        "QUEUED → RUNNING: reserves resources, opens the MLflow run. Without free GPUs "
        "(or while others wait for them, or past a cap) it waits in the queue (`queue` in the "
        'answer) and starts by itself; with `{"wait": false}` it is refused instead. The '
        "body may be omitted",
        request_model=StartData,
        body_required=False,
        response_model=ExperimentOut,
        errors=(*_ACT, ResourcesUnavailable),
    ),
    Endpoint(
        "POST",
        _ONE + "/dequeue",
        dequeue_experiment,
        "Leave the GPU queue: back to QUEUED, not waiting",
        response_model=ExperimentOut,
        errors=_ACT,
    ),
    Endpoint(
        "POST",
        _ONE + "/priority",
        set_experiment_priority,
        "Set the queue priority while QUEUED (higher first; above 0 only TL, CURATOR, ADMIN)",
        request_model=PriorityData,
        response_model=ExperimentOut,
        errors=_ACT,
    ),
    Endpoint(
        "POST",
        _ONE + "/complete",
        complete_experiment,
        "RUNNING → COMPLETED",
        response_model=ExperimentOut,
        errors=_ACT,
    ),
    Endpoint(
        "POST",
        _ONE + "/fail",
        fail_experiment,
        "RUNNING → FAILED, with the reason",
        request_model=FailData,
        response_model=ExperimentOut,
        errors=_ACT,
    ),
    Endpoint(
        "POST",
        _ONE + "/stop",
        stop_experiment,
        "QUEUED or RUNNING → STOPPED; the body (an optional message) may be omitted",
        request_model=StopData,
        body_required=False,
        response_model=ExperimentOut,
        errors=_ACT,
    ),
    Endpoint(
        "POST",
        _ONE + "/progress",
        report_progress,
        "Store progress (RUNNING only); also a heartbeat, so the body may be omitted",
        request_model=ProgressData,
        body_required=False,
        response_model=ExperimentOut,
        errors=_ACT,
        description=HEARTBEAT_DESCRIPTION,
    ),
]
