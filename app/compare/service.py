"""A comparison request: its checks, and the experiments it names.

Checked before anything is read, each a ``VALIDATION_FAILED`` naming the field: at least
one and at most ``MAX_EXPERIMENTS`` ids, no id twice, the baseline one of the ids, no
metric key twice (and at most ``MAX_METRIC_KEYS``), no goal named twice. Then the
experiments are read in one statement through the visibility clause: an id that is
malformed, unknown or not readable by the caller is ``NOT_FOUND`` (the first such id).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.access import experiment_visible
from app.compare.goals import MetricGoal
from app.errors import NotFound, ValidationFailed
from app.models import Experiment, User

MAX_EXPERIMENTS = 100
MAX_METRIC_KEYS = 500


@dataclass(frozen=True)
class CompareRequest:
    ids: list[uuid.UUID]
    baseline_id: uuid.UUID | None = None
    metric_keys: list[str] | None = None  # None: every key of the experiments
    goals: Mapping[str, MetricGoal] = field(default_factory=dict)

    @property
    def baseline_index(self) -> int | None:
        """Where the baseline is among ``ids`` (None without one)."""
        return None if self.baseline_id is None else self.ids.index(self.baseline_id)


def _duplicates(items: Sequence[object]) -> list[str]:
    seen: set[object] = set()
    twice = []
    for item in items:
        if item in seen:
            twice.append(str(item))
        seen.add(item)
    return twice


def _parse_id(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise NotFound("experiment", value) from None


def _identity(value: str) -> object:
    """The UUID an id names (so two spellings of one id are one), or the text itself."""
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return str(value)


def _id_errors(ids: Sequence[str]) -> dict[str, str]:
    if not ids:
        return {"ids": "name at least one experiment"}
    if len(ids) > MAX_EXPERIMENTS:
        return {"ids": f"at most {MAX_EXPERIMENTS} experiments, got {len(ids)}"}
    twice = _duplicates([_identity(value) for value in ids])
    return {"ids": f"named more than once: {', '.join(twice)}"} if twice else {}


def _key_errors(metric_keys: Sequence[str] | None) -> dict[str, str]:
    if metric_keys is None:
        return {}
    if len(metric_keys) > MAX_METRIC_KEYS:
        return {"metricKeys": f"at most {MAX_METRIC_KEYS} keys"}
    twice = _duplicates(list(metric_keys))
    return {"metricKeys": f"named more than once: {', '.join(twice)}"} if twice else {}


def compare_request(
    ids: Sequence[str],
    *,
    baseline_id: str | None = None,
    metric_keys: Sequence[str] | None = None,
    goals: Sequence[tuple[str, MetricGoal]] = (),
) -> CompareRequest:
    """The checked request (names as in GraphQL: ``ids``, ``baselineId``, ``metricKeys``)."""
    errors = {**_id_errors(ids), **_key_errors(metric_keys)}
    twice = _duplicates([key for key, _ in goals])
    if twice:
        errors["goals"] = f"a goal named more than once for: {', '.join(twice)}"
    if baseline_id is not None and _identity(baseline_id) not in {_identity(v) for v in ids}:
        errors["baselineId"] = "must be one of ids"
    if errors:
        raise ValidationFailed(errors)
    parsed = [_parse_id(value) for value in ids]
    return CompareRequest(
        ids=parsed,
        baseline_id=None if baseline_id is None else _parse_id(baseline_id),
        metric_keys=None if metric_keys is None else list(metric_keys),
        goals=dict(goals),
    )


async def compared_experiments(
    session: AsyncSession, *, actor: User, request: CompareRequest
) -> list[Experiment]:
    """The experiments in the order asked; ``NOT_FOUND`` if any is not readable."""
    query = select(Experiment).where(Experiment.id.in_(request.ids), experiment_visible(actor))
    found = {row.id: row for row in (await session.scalars(query)).all()}
    for experiment_id in request.ids:
        if experiment_id not in found:
            raise NotFound("experiment", experiment_id)
    return [found[experiment_id] for experiment_id in request.ids]
