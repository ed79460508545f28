"""The Mutation root. Each mutation is one unit of work, committed when it succeeds."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable
from datetime import datetime

import strawberry

from app.errors import ValidationFailed
from app.experiments import service as experiments
from app.experiments import workflows as experiment_workflows
from app.experiments.schemas import (
    HEARTBEAT_DESCRIPTION,
    ExperimentCreate,
    ExperimentUpdate,
    ProgressData,
)
from app.hypotheses import service as hypotheses
from app.hypotheses.schemas import HypothesisUpdate
from app.metrics.batch import batch_from_points
from app.metrics.workflows import ingest_batch
from app.models.base import utcnow
from app.models.enums import FailureReason
from app.offload import sized
from app.resources import queue, starting
from app.users import service as users
from app.users.api_tokens import TokenPolicy
from schema import resource_fields, token_fields
from schema.artifact_types import (
    COMPLETE_ARTIFACT_UPLOAD_DESCRIPTION,
    CREATE_ARTIFACT_UPLOAD_DESCRIPTION,
    UPLOAD_ARTIFACT_DESCRIPTION,
    Artifact,
    ArtifactUpload,
    complete_artifact_upload,
    create_artifact_upload,
    upload_artifact,
)
from schema.context import Info, parse_id
from schema.inputs import (
    CreateExperimentInput,
    CreateHypothesisInput,
    CreateUserInput,
    ProgressInput,
    UpdateExperimentInput,
    UpdateHypothesisInput,
    to_model,
)
from schema.log_fields import LOG_MESSAGES_DESCRIPTION, log_messages
from schema.metric_types import MetricPointInput
from schema.notification_types import (
    UPDATE_NOTIFICATION_PREFERENCES_DESCRIPTION,
    NotificationPreferences,
    update_notification_preferences,
)
from schema.resource_types import ResourcePool
from schema.token_fields import ApiToken
from schema.types import Experiment, Hypothesis, User, UserWithToken


def _user_id(value: strawberry.ID, field: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise ValidationFailed({field: "not a valid ID"}) from None


async def _log_metrics(
    info: Info,
    experiment_id: strawberry.ID,
    points: list[MetricPointInput],
    batch_id: str | None,
) -> int:
    actor = await info.context.actor()
    experiment = parse_id(experiment_id, "experiment")
    batch = await sized(
        len(points),
        batch_from_points,
        [(p.key, p.value, int(p.step), p.timestamp) for p in points],
        now=utcnow(),
        limit=info.context.settings.metrics_max_batch_points,
    )
    await info.context.charge_ingest(len(batch))
    result = await ingest_batch(
        info.context.services,
        actor=actor,
        experiment_id=experiment,
        batch=batch,
        batch_id=batch_id,
    )
    return result.accepted


@strawberry.type
class Mutation:
    upsert_resource_pool: ResourcePool = strawberry.mutation(
        resolver=resource_fields.upsert_resource_pool,
        description="ADMIN only: add or change a GPU pool.",
    )
    extend_reservation: Experiment = strawberry.mutation(
        resolver=resource_fields.extend_reservation,
        description="Push a RUNNING experiment's reservation back (up to the maximum).",
    )
    add_api_cost: Experiment = strawberry.mutation(
        resolver=resource_fields.add_api_cost,
        description="Record an API cost (LLM calls and the like) against an experiment.",
    )
    mark_notifications_read: int = strawberry.mutation(
        resolver=resource_fields.mark_notifications_read,
        description="Mark the caller's notifications read; returns how many changed.",
    )
    update_notification_preferences: NotificationPreferences = strawberry.mutation(
        resolver=update_notification_preferences,
        description=UPDATE_NOTIFICATION_PREFERENCES_DESCRIPTION,
    )

    log_messages: int = strawberry.mutation(
        resolver=log_messages, graphql_type=int, description=LOG_MESSAGES_DESCRIPTION
    )
    upload_artifact: Artifact = strawberry.mutation(
        resolver=upload_artifact, description=UPLOAD_ARTIFACT_DESCRIPTION
    )
    create_artifact_upload: ArtifactUpload = strawberry.mutation(
        resolver=create_artifact_upload, description=CREATE_ARTIFACT_UPLOAD_DESCRIPTION
    )
    complete_artifact_upload: Artifact = strawberry.mutation(
        resolver=complete_artifact_upload, description=COMPLETE_ARTIFACT_UPLOAD_DESCRIPTION
    )

    @strawberry.mutation(description="A new hypothesis owned by the caller.")
    async def create_hypothesis(self, info: Info, input: CreateHypothesisInput) -> Hypothesis:
        actor = await info.context.actor()
        lead = None if input.team_lead_id is None else _user_id(input.team_lead_id, "teamLeadId")
        observers = [
            _user_id(value, f"observerIds.{index}")
            for index, value in enumerate(input.observer_ids or [])
        ]
        async with info.context.transaction() as session:
            row = await hypotheses.create_hypothesis(
                session, actor=actor, title=input.title, team_lead_id=lead, observer_ids=observers
            )
        return Hypothesis(row=row)

    @strawberry.mutation(
        description="Change a hypothesis' title, team lead or observers (observerIds replaces "
        "them): its owner, a CURATOR or an ADMIN."
    )
    async def update_hypothesis(
        self, info: Info, id: strawberry.ID, input: UpdateHypothesisInput
    ) -> Hypothesis:
        actor = await info.context.actor()
        data = to_model(HypothesisUpdate, input, prefix="")
        async with info.context.transaction() as session:
            row = await hypotheses.update_hypothesis(
                session, actor=actor, hypothesis_id=parse_id(id, "hypothesis"), data=data
            )
        return Hypothesis(row=row)

    @strawberry.mutation(description="ADMIN only. The answer carries the new user's token once.")
    async def create_user(self, info: Info, input: CreateUserInput) -> UserWithToken:
        actor = await info.context.actor()
        async with info.context.transaction() as session:
            row, token = await users.create_user(
                session,
                actor=actor,
                name=input.name,
                email=input.email,
                role=input.role,
                policy=TokenPolicy.from_settings(info.context.settings),
            )
        return UserWithToken(user=User(row=row), token=token)

    @strawberry.mutation(
        description="A new API token for the caller, shown once. Without expiresAt it expires "
        "after EXPSVC_TOKEN_MAX_LIFETIME_DAYS (never when that is 0); with it, no later. At "
        "most EXPSVC_MAX_TOKENS_PER_USER live tokens per user (VALIDATION_FAILED beyond)."
    )
    async def create_api_token(
        self, info: Info, name: str, expires_at: datetime | None = None
    ) -> str:
        actor = await info.context.actor()
        policy = TokenPolicy.from_settings(info.context.settings)
        async with info.context.transaction() as session:
            return await users.create_api_token(
                session, actor=actor, name=name, expires_at=expires_at, policy=policy
            )

    revoke_api_token: ApiToken = strawberry.mutation(
        resolver=token_fields.revoke_api_token,
        description=token_fields.REVOKE_API_TOKEN_DESCRIPTION,
    )

    @strawberry.mutation
    async def create_experiment(self, info: Info, input: CreateExperimentInput) -> Experiment:
        actor = await info.context.actor()
        data = to_model(ExperimentCreate, input, prefix="")
        async with info.context.transaction() as session:
            row = await experiments.create_experiment(
                session, actor=actor, data=data, settings=info.context.settings
            )
        return Experiment(row=row)

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
        return Experiment(row=row)

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
        return Experiment(row=row)

    @strawberry.mutation(description="Leave the GPU queue: back to QUEUED, not waiting.")
    async def dequeue_experiment(self, info: Info, id: strawberry.ID) -> Experiment:
        actor = await info.context.actor()
        async with info.context.transaction() as session:
            row = await queue.dequeue(
                session, actor=actor, experiment_id=parse_id(id, "experiment")
            )
        return Experiment(row=row)

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
        return Experiment(row=row)

    @strawberry.mutation(description="RUNNING → COMPLETED.")
    async def complete_experiment(self, info: Info, id: strawberry.ID) -> Experiment:
        actor = await info.context.actor()
        async with info.context.transaction() as session:
            row = await experiments.complete_experiment(
                session, actor=actor, experiment_id=parse_id(id, "experiment")
            )
        return Experiment(row=row)

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
        return Experiment(row=row)

    @strawberry.mutation(description="QUEUED or RUNNING → STOPPED.")
    async def stop_experiment(
        self, info: Info, id: strawberry.ID, message: str | None = None
    ) -> Experiment:
        actor = await info.context.actor()
        async with info.context.transaction() as session:
            row = await experiments.stop_experiment(
                session, actor=actor, experiment_id=parse_id(id, "experiment"), message=message
            )
        return Experiment(row=row)

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
        return Experiment(row=row)

    @strawberry.mutation(
        graphql_type=int,
        description="Log metric points; all or nothing; RUNNING only. Returns points accepted. "
        "A retried batchId is a no-op answering the first count.",
    )
    def log_metrics(
        self,
        info: Info,
        experiment_id: strawberry.ID,
        points: list[MetricPointInput],
        batch_id: str | None = None,
    ) -> Awaitable[int]:
        # a plain function returning the work: a large batch's points are converted in a
        # worker thread (schema/engine/threaded_arguments.py)
        return _log_metrics(info, experiment_id, points, batch_id)
