"""Facets of the experiment list in GraphQL: ``experimentFacets`` (attached in
``schema/experiments/fields.py``). The rules are in ``app/experiments/facets.py``."""

from __future__ import annotations

import strawberry

from app.experiments import facets
from app.experiments.schemas import ExperimentFilterData
from schema.context import Info
from schema.experiments.inputs import ExperimentFilter
from schema.inputs import to_model

FACETS_DESCRIPTION = (
    "The distinct models and tags, each with how many experiments carry it, for filter "
    "dropdowns: over the experiments the caller may read that `filter` matches, each facet "
    "counted with every filter but its own (so picking a model still offers the others). "
    f"At most `first` (0-{facets.MAX_FACET_VALUES}) values per facet, the most frequent "
    "first (ties by value); `search` keeps the values containing it, in any case."
)


@strawberry.type(description="One value of a facet and how many experiments carry it.")
class FacetCount:
    value: str
    count: int


@strawberry.type
class ExperimentFacets:
    models: list[FacetCount]
    tags: list[FacetCount]


async def experiment_facets(
    info: Info,
    filter: ExperimentFilter | None = None,
    search: str | None = None,
    first: int | None = 50,
) -> ExperimentFacets:
    actor = await info.context.actor()
    data = None if filter is None else to_model(ExperimentFilterData, filter, prefix="filter")
    async with info.context.reader() as session:
        found = await facets.experiment_facets(
            session, actor=actor, filter=data, search=search, first=50 if first is None else first
        )
    return ExperimentFacets(
        models=[FacetCount(value=f.value, count=f.count) for f in found.models],
        tags=[FacetCount(value=f.value, count=f.count) for f in found.tags],
    )
