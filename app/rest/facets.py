"""``GET /experiment-facets``: the distinct models and tags of the experiments a filter
matches, with counts (GraphQL's ``experimentFacets``), over ``app.experiments.facets``.

Not under ``/experiments/…``: that segment is an experiment's id there.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from app.experiments import facets
from app.rest.endpoints import Call, Endpoint
from app.rest.schemas import ExperimentFilterQuery, Out


class FacetsQuery(ExperimentFilterQuery):
    contains: str | None = Field(
        default=None, description="Keep the models and tags containing this text, any case"
    )
    first: int = Field(
        default=50,
        description=f"Values per facet, 0-{facets.MAX_FACET_VALUES}",
        json_schema_extra={"minimum": 0, "maximum": facets.MAX_FACET_VALUES},
    )


class FacetCountOut(Out):
    value: str
    count: int


class FacetsOut(Out):
    models: list[FacetCountOut]
    tags: list[FacetCountOut]


async def experiment_facets(call: Call) -> Any:
    query = call.query_as(FacetsQuery)
    async with call.services.db.reader() as session:
        found = await facets.experiment_facets(
            session,
            actor=call.actor,
            filter=query.filter_data(),
            search=query.contains,
            first=query.first,
        )
    return {
        "models": [{"value": f.value, "count": f.count} for f in found.models],
        "tags": [{"value": f.value, "count": f.count} for f in found.tags],
    }


ENDPOINTS: list[Endpoint] = [
    Endpoint(
        "GET",
        "/experiment-facets",
        experiment_facets,
        "The distinct models and tags of the experiments the filter matches, with counts",
        query_model=FacetsQuery,
        response_model=FacetsOut,
        description="Over the experiments the caller may read; each facet is counted with "
        "every filter but its own (`model` is left out for the models, `tag` for the "
        "tags). The most frequent first (ties by value), at most `first` of each.",
    ),
]
