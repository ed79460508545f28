"""The root types, each merged from its domains' classes (``strawberry.tools.merge_types``):
a domain's root fields live in its package's ``fields.py`` (``subscriptions.py`` for the
experiments), as ``<Domain>Queries``, ``<Domain>Mutations`` and ``<Domain>Subscriptions``."""

from __future__ import annotations

from strawberry.tools import merge_types

from schema.artifacts.fields import ArtifactMutations
from schema.compare.fields import CompareQueries
from schema.experiments.fields import ExperimentMutations, ExperimentQueries
from schema.experiments.subscriptions import ExperimentSubscriptions
from schema.hypotheses.fields import HypothesisMutations, HypothesisQueries
from schema.logs.fields import LogMutations, LogSubscriptions
from schema.metrics.fields import MetricMutations, MetricSubscriptions
from schema.notifications.fields import (
    NotificationMutations,
    NotificationQueries,
    NotificationSubscriptions,
)
from schema.resources.fields import ResourceMutations, ResourceQueries
from schema.stats.fields import StatsQueries
from schema.tokens.fields import TokenMutations, TokenQueries
from schema.users.fields import UserMutations, UserQueries

Query = merge_types(
    "Query",
    (
        ResourceQueries,
        NotificationQueries,
        TokenQueries,
        UserQueries,
        StatsQueries,
        HypothesisQueries,
        ExperimentQueries,
        CompareQueries,
    ),
)
Mutation = merge_types(
    "Mutation",
    (
        ResourceMutations,
        NotificationMutations,
        LogMutations,
        ArtifactMutations,
        HypothesisMutations,
        UserMutations,
        TokenMutations,
        ExperimentMutations,
        MetricMutations,
    ),
)
Subscription = merge_types(
    "Subscription",
    (NotificationSubscriptions, ExperimentSubscriptions, MetricSubscriptions, LogSubscriptions),
)
