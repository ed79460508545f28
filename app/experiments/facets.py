"""Facets of the experiment list: the distinct models and tags with how many experiments
carry each, for the filter dropdowns.

Counted in SQL over the experiments the caller may read (``experiment_visible``) and the
list's filter, so no value of an experiment the caller cannot see is ever named. Each
facet is counted with every filter but its own (the models with the filter's ``model``
left out, the tags with its ``tags`` left out): a dropdown keeps offering the other
values once one is picked. At most ``first`` values per facet, the most frequent first
(ties by value); ``search`` keeps the values containing it, in any case.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, String, column, func, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from app.access import experiment_visible
from app.experiments.queries import filter_clause
from app.experiments.schemas import ExperimentFilterData
from app.models import Experiment, User
from app.validation import check_search_and_first, like_pattern

MAX_FACET_VALUES = 200


@dataclass(frozen=True)
class FacetCount:
    value: str
    count: int


@dataclass(frozen=True)
class Facets:
    models: list[FacetCount]
    tags: list[FacetCount]


def _without(data: ExperimentFilterData | None, field: str) -> ExperimentFilterData | None:
    return None if data is None else data.model_copy(update={field: None})


def _containing(value: ColumnElement[str], search: str | None) -> ColumnElement[bool]:
    if search is None or not search.strip():
        return true()
    return value.ilike(like_pattern(search.strip()), escape="\\")


def _tag_values(dialect: str) -> Any:
    """The experiment's tags as a table of one ``value`` column (a correlated function
    in FROM: implicitly lateral on PostgreSQL, a table-valued function on SQLite)."""
    name = "jsonb_array_elements_text" if dialect == "postgresql" else "json_each"
    return getattr(func, name)(Experiment.tags).table_valued(column("value", String))


async def experiment_facets(
    session: AsyncSession,
    *,
    actor: User,
    filter: ExperimentFilterData | None = None,
    search: str | None = None,
    first: int = 50,
) -> Facets:
    """The models and tags of the experiments ``actor`` may read that ``filter`` matches
    (each facet without its own filter), at most ``first`` of each, by count."""
    check_search_and_first(search, first, max_first=MAX_FACET_VALUES)
    dialect = session.get_bind().dialect.name
    visible = experiment_visible(actor)
    model_query = select(Experiment.model, func.count()).where(
        visible,
        filter_clause(_without(filter, "model"), dialect),
        _containing(Experiment.model.expression, search),
    )
    tags = _tag_values(dialect)
    tag_query = (
        select(tags.c.value, func.count())
        .select_from(Experiment)
        .join(tags, true())
        .where(
            visible,
            filter_clause(_without(filter, "tags"), dialect),
            _containing(tags.c.value, search),
        )
    )
    by_count = func.count().desc()
    model_query = model_query.group_by(Experiment.model)
    model_query = model_query.order_by(by_count, Experiment.model.asc()).limit(first)
    tag_query = tag_query.group_by(tags.c.value).order_by(by_count, tags.c.value.asc())
    models = (await session.execute(model_query)).all()
    tag_rows = (await session.execute(tag_query.limit(first))).all()
    return Facets(
        models=[FacetCount(str(row[0]), int(row[1])) for row in models],
        tags=[FacetCount(str(row[0]), int(row[1])) for row in tag_rows],
    )
