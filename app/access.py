"""Who may read and who may act: the contract's role rules, in one place.

Reading is expressed as SQL clauses so lists, counts and boards filter in the database;
an experiment the caller may not read is simply absent (``NOT_FOUND``), never ``FORBIDDEN``.
"""

from __future__ import annotations

import uuid

from sqlalchemy import ColumnElement, SQLColumnExpression, exists, or_, select, true

from app.models import ApiToken, Experiment, Hypothesis, User, hypothesis_observers
from app.models.enums import ExperimentStatus, Role

SEE_ALL_ROLES = frozenset({Role.CURATOR, Role.ADMIN})


def sees_everything(user: User) -> bool:
    return user.role in SEE_ALL_ROLES


def _observes(user: User, hypothesis_id: SQLColumnExpression[uuid.UUID]) -> ColumnElement[bool]:
    return exists(
        select(hypothesis_observers.c.user_id).where(
            hypothesis_observers.c.hypothesis_id == hypothesis_id,
            hypothesis_observers.c.user_id == user.id,
        )
    )


def hypothesis_visible(user: User) -> ColumnElement[bool]:
    """Hypotheses the user owns, leads or observes (all of them for CURATOR and ADMIN)."""
    if sees_everything(user):
        return true()
    return or_(
        Hypothesis.owner_id == user.id,
        Hypothesis.team_lead_id == user.id,
        _observes(user, Hypothesis.id),
    )


def experiment_visible(user: User) -> ColumnElement[bool]:
    """Own experiments, plus every experiment of hypotheses the user owns, leads or observes."""
    if sees_everything(user):
        return true()
    related = select(Hypothesis.id).where(
        Hypothesis.id == Experiment.hypothesis_id,
        or_(
            Hypothesis.owner_id == user.id,
            Hypothesis.team_lead_id == user.id,
            _observes(user, Hypothesis.id),
        ),
    )
    return or_(Experiment.owner_id == user.id, exists(related))


def experiment_actable(user: User) -> ColumnElement[bool]:
    """``may_act`` as SQL, for one-statement checks on the hot path."""
    if sees_everything(user):
        return true()
    own = Experiment.owner_id == user.id
    if user.role is not Role.TL:
        return own
    led = select(Hypothesis.id).where(
        Hypothesis.id == Experiment.hypothesis_id, Hypothesis.team_lead_id == user.id
    )
    return or_(own, exists(led))


def running_and_actable(experiment: str, sees_all: str, actor: str, is_tl: str) -> str:
    """``may_act`` as SQL text for prepared statements on the hot path (the metric write
    on PostgreSQL): experiment ``e`` is the one ``experiment`` names, RUNNING, and the
    actor may act on it. The arguments name the parameters holding the id and
    ``actor_params``: whether the actor sees everything, the actor's id and whether the
    actor is a TL."""
    return f"""e.id = {experiment} AND e.status = '{ExperimentStatus.RUNNING.value}'
  AND ({sees_all} OR e.owner_id = {actor}
       OR ({is_tl} AND EXISTS (SELECT 1 FROM hypotheses AS h
                               WHERE h.id = e.hypothesis_id AND h.team_lead_id = {actor})))"""


def actor_params(actor: User) -> tuple[bool, uuid.UUID, bool]:
    """``running_and_actable``'s parameters for ``actor``, in its order."""
    return sees_everything(actor), actor.id, actor.role is Role.TL


def may_act(user: User, experiment: Experiment, hypothesis: Hypothesis) -> bool:
    """DS and MLE act on their own; TL also on experiments of hypotheses they lead."""
    if sees_everything(user) or experiment.owner_id == user.id:
        return True
    return user.role is Role.TL and hypothesis.team_lead_id == user.id


def may_edit_hypothesis(user: User, hypothesis: Hypothesis) -> bool:
    """Its owner changes a hypothesis (title, lead, observers); CURATOR and ADMIN too."""
    return sees_everything(user) or hypothesis.owner_id == user.id


# Who may put an experiment ahead of the FIFO order (a priority above 0)
PRIORITY_ROLES = frozenset({Role.TL, Role.CURATOR, Role.ADMIN})


def may_raise_priority(user: User) -> bool:
    return user.role in PRIORITY_ROLES


def may_manage_users(user: User) -> bool:
    return user.role is Role.ADMIN


def email_visible(user: User, owner_id: uuid.UUID) -> bool:
    """Where a listing shows a user's email (the user directory): to an ADMIN, who
    manages users, and to the user themself."""
    return user.role is Role.ADMIN or user.id == owner_id


def may_manage_tokens_of(user: User, owner_id: uuid.UUID) -> bool:
    """A user sees and revokes their own API tokens; an ADMIN everyone's."""
    return user.role is Role.ADMIN or user.id == owner_id


def token_visible(user: User) -> ColumnElement[bool]:
    """``may_manage_tokens_of`` as SQL: a token anyone else names is ``NOT_FOUND``."""
    return true() if user.role is Role.ADMIN else ApiToken.user_id == user.id
