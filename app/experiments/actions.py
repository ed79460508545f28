"""What a caller may do to an experiment now: the actions the use cases would accept from
it, so that a client offers only those (GraphQL ``Experiment.allowedActions``, REST
``allowed_actions``).

Nothing here is a second copy of a rule: who may act is ``access.may_act`` (what
``get_actionable_experiment`` enforces), and the statuses an action may start from are the
use cases' own tables (``lifecycle.TRANSITIONS`` for the lifecycle moves,
``service.UPDATABLE`` for a configuration change; artifacts and API costs are accepted in
any status). The GPU queue's actions follow its rule, ``lifecycle.is_waiting``: ``DEQUEUE``
only while the experiment waits, ``START`` only while it does not (the scheduler starts a
waiting one). ``SET_PRIORITY`` is listed while QUEUED (waiting or not, as
``queue.set_priority`` accepts); a value above 0 is further limited by the caller's role,
which ``User.mayRaisePriority`` tells a client (``access.may_raise_priority``).

A listed action can still be refused when the state changes between the read and the call
(``INVALID_TRANSITION``), for ``START`` when the resources it asks for are not free and it
may not wait (``RESOURCES_UNAVAILABLE``), for ``SET_PRIORITY`` above 0 by a caller whose
role may not (``FORBIDDEN``).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from app.access import may_act
from app.experiments.lifecycle import TRANSITIONS, is_waiting
from app.experiments.service import UPDATABLE
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
    DEQUEUE = "DEQUEUE"
    SET_PRIORITY = "SET_PRIORITY"


ANY_STATUS: frozenset[ExperimentStatus] = frozenset(ExperimentStatus)
QUEUED: frozenset[ExperimentStatus] = frozenset({ExperimentStatus.QUEUED})


def _from(statuses: frozenset[ExperimentStatus]) -> Callable[[Experiment], bool]:
    return lambda experiment: experiment.status in statuses


def _startable(experiment: Experiment) -> bool:
    # a waiting experiment is started by the scheduler: a start of it is refused
    return experiment.status in TRANSITIONS["start"][0] and not is_waiting(experiment)


# When each action is accepted (for a caller who may act on the experiment)
ALLOWED_WHEN: Mapping[ExperimentAction, Callable[[Experiment], bool]] = {
    ExperimentAction.START: _startable,
    ExperimentAction.COMPLETE: _from(TRANSITIONS["complete"][0]),
    ExperimentAction.FAIL: _from(TRANSITIONS["fail"][0]),
    ExperimentAction.STOP: _from(TRANSITIONS["stop"][0]),
    ExperimentAction.UPDATE: _from(UPDATABLE),
    # an artifact or a bill may arrive after the run ended
    ExperimentAction.UPLOAD_ARTIFACT: _from(ANY_STATUS),
    ExperimentAction.ADD_API_COST: _from(ANY_STATUS),
    ExperimentAction.DEQUEUE: is_waiting,
    ExperimentAction.SET_PRIORITY: _from(QUEUED),  # queue.set_priority: waiting or not
}


def allowed_actions(
    actor: User, experiment: Experiment, hypothesis: Hypothesis
) -> list[ExperimentAction]:
    """The actions ``actor`` may take on ``experiment`` (of ``hypothesis``) now, in the
    enum's order; none for a caller who may not act on it."""
    if not may_act(actor, experiment, hypothesis):
        return []
    return [action for action in ExperimentAction if ALLOWED_WHEN[action](experiment)]


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
