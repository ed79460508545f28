"""The experiments' root fields: reads, the list and board, facets, presets, and the
lifecycle mutations. Each mutation is one unit of work, committed when it succeeds."""

from __future__ import annotations

import strawberry

from app.experiments import service as experiments
from app.experiments import workflows as experiment_workflows
from app.experiments.presets import PRESETS
from app.experiments.schemas import (
    HEARTBEAT_DESCRIPTION,
    ExperimentCreate,
    ExperimentOrderData,
    ExperimentUpdate,
    ProgressData,
)
from app.models.enums import ExperimentStatus, FailureReason
from app.resources import queue, starting
from schema.context import Info, parse_id
from schema.experiments.board import BoardColumn
from schema.experiments.facets import FACETS_DESCRIPTION, ExperimentFacets, experiment_facets
from schema.experiments.inputs import (
    CreateExperimentInput,
    ExperimentFilter,
    ExperimentOrder,
    ProgressInput,
    UpdateExperimentInput,
    filter_data,
)
from schema.experiments.presets import Preset
from schema.experiments.types import Experiment, ExperimentConnection
from schema.inputs import to_model


@strawberry.type
class ExperimentQueries:
    experiment_facets: ExperimentFacets = strawberry.field(
        resolver=experiment_facets, description=FACETS_DESCRIPTION
    )

    @strawberry.field
    async def experiment(self, info: Info, id: strawberry.ID) -> Experiment | None:
        actor = await info.context.actor()
        async with info.context.reader() as session:
            row = await experiments.get_experiment(
                session, actor=actor, experiment_id=parse_id(id, "experiment")
            )
        return Experiment.from_row(row)

    @strawberry.field(description="Experiments the caller may read; keyset-paginated.")
    async def experiments(
        self,
        info: Info,
        filter: ExperimentFilter | None = None,
        order_by: ExperimentOrder | None = None,
        first: int | None = 50,
        after: str | None = None,
    ) -> ExperimentConnection:
        actor = await info.context.actor()
        order = (
            None if order_by is None else to_model(ExperimentOrderData, order_by, prefix="orderBy")
        )
        async with info.context.reader() as session:
            page = await experiments.list_experiments(
                session,
                actor=actor,
                filter=filter_data(filter),
                order=order,
                first=50 if first is None else first,
                after=after,
            )
        return ExperimentConnection.from_page(page)

    @strawberry.field(description="Kanban columns, one per status, with counts.")
    async def experiment_board(
        self, info: Info, filter: ExperimentFilter | None = None
    ) -> list[BoardColumn]:
        actor = await info.context.actor()
        data = filter_data(filter)
        async with info.context.reader() as session:
            counts = await experiments.count_by_status(session, actor=actor, filter=data)
        wanted = set(data.status) if data is not None and data.status is not None else None
        return [
            BoardColumn(status=status, count=counts[status], filter=data)
            for status in ExperimentStatus
            if wanted is None or status in wanted
        ]

    @strawberry.field(description="Hyperparameter schemas, defaults and resources by type.")
    def presets(self) -> list[Preset]:
        return [Preset.from_preset(preset) for preset in PRESETS.values()]


@strawberry.type
class ExperimentMutations:
    @strawberry.mutation
    async def create_experiment(self, info: Info, input: CreateExperimentInput) -> Experiment:
        actor = await info.context.actor()
        data = to_model(ExperimentCreate, input, prefix="")
        async with info.context.transaction() as session:
            row = await experiments.create_experiment(
                session, actor=actor, data=data, settings=info.context.settings
            )
        return Experiment.from_row(row)

    @strawberry.mutation(description="Change the configuration; only while QUEUED.")
    async def update_experiment(
        self, info: Info, id: strawberry.ID, input: UpdateExperimentInput
    ) -> Experiment:
        actor = await info.context.actor()
        data = to_model(ExperimentUpdate, input, prefix="")
        async with info.context.transaction() as session:
            row = await experiments.update_experiment(
                session,
                actor=actor,
                experiment_id=parse_id(id, "experiment"),
                data=data,
                settings=info.context.settings,
            )
        return Experiment.from_row(row)

    @strawberry.mutation(
        description="QUEUED → RUNNING: reserves resources, opens the MLflow run. Without free "
        "GPUs (or while others wait for them, or past a cap) it waits in the queue (`queue`) "
        "and starts by itself as soon as they are free; wait: false refuses with "
        "RESOURCES_UNAVAILABLE instead."
    )
    async def start_experiment(
        self, info: Info, id: strawberry.ID, wait: bool | None = True
    ) -> Experiment:
        actor = await info.context.actor()
        row = await starting.start(
            info.context.services,
            actor=actor,
            experiment_id=parse_id(id, "experiment"),
            wait=wait is not False,  # null: the default
        )
        return Experiment.from_row(row)

    @strawberry.mutation(description="Leave the GPU queue: back to QUEUED, not waiting.")
    async def dequeue_experiment(self, info: Info, id: strawberry.ID) -> Experiment:
        actor = await info.context.actor()
        async with info.context.transaction() as session:
            row = await queue.dequeue(
                session, actor=actor, experiment_id=parse_id(id, "experiment")
            )
        return Experiment.from_row(row)

    @strawberry.mutation(
        description="While QUEUED: the GPU queue's order, higher first (-1000-1000); above 0 "
        "only for TL, CURATOR and ADMIN."
    )
    async def set_experiment_priority(
        self, info: Info, id: strawberry.ID, priority: int
    ) -> Experiment:
        actor = await info.context.actor()
        async with info.context.transaction() as session:
            row = await queue.set_priority(
                session,
                actor=actor,
                experiment_id=parse_id(id, "experiment"),
                priority=priority,
            )
        return Experiment.from_row(row)

    @strawberry.mutation(description="RUNNING → COMPLETED.")
    async def complete_experiment(self, info: Info, id: strawberry.ID) -> Experiment:
        actor = await info.context.actor()
        async with info.context.transaction() as session:
            row = await experiments.complete_experiment(
                session, actor=actor, experiment_id=parse_id(id, "experiment")
            )
        return Experiment.from_row(row)

    @strawberry.mutation(description="RUNNING → FAILED, with the reason.")
    async def fail_experiment(
        self,
        info: Info,
        id: strawberry.ID,
        reason: FailureReason,
        message: str | None = None,
    ) -> Experiment:
        actor = await info.context.actor()
        async with info.context.transaction() as session:
            row = await experiments.fail_experiment(
                session,
                actor=actor,
                experiment_id=parse_id(id, "experiment"),
                reason=reason,
                message=message,
            )
        return Experiment.from_row(row)

    @strawberry.mutation(description="QUEUED or RUNNING → STOPPED.")
    async def stop_experiment(
        self, info: Info, id: strawberry.ID, message: str | None = None
    ) -> Experiment:
        actor = await info.context.actor()
        async with info.context.transaction() as session:
            row = await experiments.stop_experiment(
                session, actor=actor, experiment_id=parse_id(id, "experiment"), message=message
            )
        return Experiment.from_row(row)

    @strawberry.mutation(description="Store progress; RUNNING only. " + HEARTBEAT_DESCRIPTION)
    async def report_progress(
        self, info: Info, experiment_id: strawberry.ID, progress: ProgressInput
    ) -> Experiment:
        actor = await info.context.actor()
        data = to_model(ProgressData, progress, prefix="progress")
        row = await experiment_workflows.report_progress(
            info.context.services,
            actor=actor,
            experiment_id=parse_id(experiment_id, "experiment"),
            data=data,
        )
        return Experiment.from_row(row)
