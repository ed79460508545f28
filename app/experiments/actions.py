"""What a caller may do to an experiment now: the actions the use cases would accept from
it, so that a client offers only those (GraphQL ``Experiment.allowedActions``, REST
``allowed_actions``).

Nothing here is a second copy of a rule: who may act is ``access.may_act`` (what
``get_actionable_experiment`` enforces), and the statuses an action may start from are the
use cases' own tables (``service.TRANSITIONS`` for the lifecycle moves,
``service.UPDATABLE`` for a configuration change; artifacts and API costs are accepted in
any status). A listed action can still be refused when the state changes between the
read and the call (``INVALID_TRANSITION``) or, for ``START``, when the resources it asks
for are not free (``RESOURCES_UNAVAILABLE``).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from app.access import may_act
from app.experiments.service import TRANSITIONS, UPDATABLE
from app.hypotheses.service import hypotheses_by_ids
from app.models import Experiment, Hypothesis, User
from app.models.enums import ExperimentStatus


class ExperimentAction(StrEnum):
    START = "START"
    COMPLETE = "COMPLETE"
    FAIL = "FAIL"
    STOP = "STOP"
    UPDATE = "UPDATE"
    UPLOAD_ARTIFACT = "UPLOAD_ARTIFACT"
    ADD_API_COST = "ADD_API_COST"


ANY_STATUS: frozenset[ExperimentStatus] = frozenset(ExperimentStatus)

# The statuses each action may start from (for a caller who may act on the experiment)
ALLOWED_FROM: Mapping[ExperimentAction, frozenset[ExperimentStatus]] = {
    ExperimentAction.START: TRANSITIONS["start"][0],
    ExperimentAction.COMPLETE: TRANSITIONS["complete"][0],
    ExperimentAction.FAIL: TRANSITIONS["fail"][0],
    ExperimentAction.STOP: TRANSITIONS["stop"][0],
    ExperimentAction.UPDATE: UPDATABLE,
    # an artifact or a bill may arrive after the run ended
    ExperimentAction.UPLOAD_ARTIFACT: ANY_STATUS,
    ExperimentAction.ADD_API_COST: ANY_STATUS,
}


def allowed_actions(
    actor: User, experiment: Experiment, hypothesis: Hypothesis
) -> list[ExperimentAction]:
    """The actions ``actor`` may take on ``experiment`` (of ``hypothesis``) now, in the
    enum's order; none for a caller who may not act on it."""
    if not may_act(actor, experiment, hypothesis):
        return []
    return [action for action in ExperimentAction if experiment.status in ALLOWED_FROM[action]]


async def allowed_actions_by_experiment(
    session: AsyncSession, *, actor: User, experiments: Sequence[Experiment]
) -> dict[uuid.UUID, list[ExperimentAction]]:
    """``allowed_actions`` for many experiments, their hypotheses read in one statement."""
    if not experiments:
        return {}
    hypotheses = await hypotheses_by_ids(session, [row.hypothesis_id for row in experiments])
    return {
        row.id: allowed_actions(actor, row, hypotheses[row.hypothesis_id]) for row in experiments
    }
