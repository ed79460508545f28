"""The MLflow API's use cases, over our services: an MLflow experiment is a hypothesis
(found by its exact title among those the caller may read), an MLflow run one of our
experiments. MLflow's experiment ``"0"`` ("Default", where a script that never called
``set_experiment`` logs) is the caller's own hypothesis titled ``Default``, made on first
use."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import case, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.access import hypothesis_visible
from app.errors import NotFound
from app.hypotheses.service import create_hypothesis, get_visible_hypothesis
from app.mlflow_api.call import parse_id
from app.mlflow_api.errors import MlflowError
from app.models import Hypothesis, User

DEFAULT_EXPERIMENT_ID = "0"
DEFAULT_EXPERIMENT_NAME = "Default"


async def hypothesis_by_name(session: AsyncSession, *, actor: User, name: str) -> Hypothesis | None:
    """The hypothesis titled ``name`` (as titles are stored: without surrounding spaces)
    that the caller may read; of several, the caller's own first, then the oldest."""
    query = (
        select(Hypothesis)
        .where(Hypothesis.title == name.strip(), hypothesis_visible(actor))
        .order_by(
            case((Hypothesis.owner_id == actor.id, 0), else_=1),
            Hypothesis.created_at,
            Hypothesis.id,
        )
        .limit(1)
    )
    return (await session.scalars(query)).one_or_none()


async def find_default_hypothesis(session: AsyncSession, *, actor: User) -> Hypothesis | None:
    query = (
        select(Hypothesis)
        .where(Hypothesis.title == DEFAULT_EXPERIMENT_NAME, Hypothesis.owner_id == actor.id)
        .order_by(Hypothesis.created_at, Hypothesis.id)
        .limit(1)
    )
    return (await session.scalars(query)).one_or_none()


async def default_hypothesis(session: AsyncSession, *, actor: User) -> Hypothesis:
    """The caller's own ``Default`` hypothesis, made when it does not exist yet (so only
    in a unit of work)."""
    found = await find_default_hypothesis(session, actor=actor)
    if found is not None:
        return found
    return await create_hypothesis(session, actor=actor, title=DEFAULT_EXPERIMENT_NAME)


async def get_experiment(session: AsyncSession, *, actor: User, experiment_id: str) -> Hypothesis:
    """The MLflow experiment ``experiment_id``: ``RESOURCE_DOES_NOT_EXIST`` when the
    caller may not read it."""
    if experiment_id == DEFAULT_EXPERIMENT_ID:
        return await default_hypothesis(session, actor=actor)
    return await get_visible_hypothesis(
        session, actor=actor, hypothesis_id=parse_id(experiment_id, "experiment")
    )


async def get_experiment_by_name(session: AsyncSession, *, actor: User, name: str) -> Hypothesis:
    found = await hypothesis_by_name(session, actor=actor, name=name)
    if found is None:
        raise MlflowError(
            "RESOURCE_DOES_NOT_EXIST", f"Could not find experiment with name '{name}'"
        )
    return found


async def create_experiment(session: AsyncSession, *, actor: User, name: str) -> Hypothesis:
    """A new hypothesis owned by the caller; ``RESOURCE_ALREADY_EXISTS`` when the caller
    already reads one with that title (as MLflow refuses a second experiment by name)."""
    if await hypothesis_by_name(session, actor=actor, name=name) is not None:
        raise MlflowError("RESOURCE_ALREADY_EXISTS", f"Experiment(name={name}) already exists.")
    return await create_hypothesis(session, actor=actor, title=name)


async def hypothesis_ids(
    session: AsyncSession, *, actor: User, experiment_ids: Sequence[str]
) -> list[uuid.UUID]:
    """The hypotheses a search names that the caller may read (``"0"``: their Default,
    if they have one); ids naming nothing the caller reads are left out, so they match no
    run. Reads only."""
    ids: list[uuid.UUID] = []
    for raw in experiment_ids:
        if raw == DEFAULT_EXPERIMENT_ID:
            default = await find_default_hypothesis(session, actor=actor)
            ids += [default.id] if default is not None else []
            continue
        try:
            hypothesis = await get_experiment(session, actor=actor, experiment_id=raw)
        except NotFound:
            continue
        ids.append(hypothesis.id)
    return list(dict.fromkeys(ids))
