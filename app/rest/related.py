"""What an experiment's REST JSON shows beside its own row: its reservation, its MLflow
link, what the caller may do to it and whether the caller may read its parent, loaded for
a whole list at once (one statement for the reservations, one for the hypotheses the
allowed actions depend on, one for the parents when any has one, two more for the MLflow
links when MLflow is configured), whatever the number of experiments.

Without ``EXPSVC_MLFLOW_TRACKING_URI`` nothing of ``app.integrations`` is imported and the
link is ``null``.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.experiments.actions import ExperimentAction, allowed_actions_by_experiment
from app.experiments.service import visible_ids
from app.models import Experiment, User
from app.models.resource import Reservation
from app.resources.service import reservations_by_experiment

if TYPE_CHECKING:
    from app.integrations.mirror.links import LinkView
    from app.integrations.mlflow.links import MlflowLinkView


@dataclass(frozen=True)
class Related:
    reservations: Mapping[uuid.UUID, Reservation] = field(default_factory=dict)
    mlflow_links: Mapping[uuid.UUID, MlflowLinkView] = field(default_factory=dict)
    mlflow_ui: str = ""  # the MLflow UI the links point into ("" → no URL)
    allowed_actions: Mapping[uuid.UUID, Sequence[ExperimentAction]] = field(default_factory=dict)
    visible_parents: frozenset[uuid.UUID] = frozenset()  # the parents the caller may read
    wandb_links: Mapping[uuid.UUID, LinkView] = field(default_factory=dict)
    wandb_base_url: str = ""  # the W&B the links point into ("" → W&B cloud)


async def load_related(
    session: AsyncSession, settings: Settings, actor: User, experiments: Sequence[Experiment]
) -> Related:
    """What ``experiments`` show beside their rows, to ``actor``."""
    ids = list(dict.fromkeys(row.id for row in experiments))
    if not ids:
        return Related()
    reservations = await reservations_by_experiment(session, ids)
    actions = await allowed_actions_by_experiment(session, actor=actor, experiments=experiments)
    parent_ids = [row.parent_id for row in experiments if row.parent_id is not None]
    parents = await visible_ids(session, actor=actor, ids=parent_ids)
    related = Related(reservations, allowed_actions=actions, visible_parents=parents)
    if settings.mlflow_tracking_uri:
        from app.integrations.mlflow.links import links_by_experiment  # only with MLflow

        related = replace(
            related,
            mlflow_links=await links_by_experiment(session, ids),
            mlflow_ui=settings.mlflow_ui_url or settings.mlflow_tracking_uri,
        )
    if settings.wandb_project:
        from app.integrations.mirror import links  # only with W&B

        related = replace(
            related,
            wandb_links=await links.links_by_experiment(session, "wandb", ids),
            wandb_base_url=settings.wandb_base_url,
        )
    return related
