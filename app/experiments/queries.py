"""SQL for experiment lists: filters, sort orders and keyset cursors."""

from __future__ import annotations

import base64
import math
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import (
    ColumnElement,
    Float,
    Select,
    SQLColumnExpression,
    and_,
    case,
    cast,
    extract,
    false,
    func,
    literal,
    or_,
    select,
    true,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import InstrumentedAttribute

from app.errors import ValidationFailed
from app.experiments.schemas import (
    ExperimentFilterData,
    ExperimentOrderData,
    SortDirection,
    SortField,
)
from app.models import Experiment, MetricSeries
from app.models.base import UTCDateTime
from app.models.enums import ExperimentStatus
from app.models.resource import Reservation
from app.validation import like_pattern, text_problem

MAX_METRIC_KEY = 250
NUMERIC_FIELDS = frozenset({SortField.DURATION, SortField.COST, SortField.METRIC})

SORT_COLUMNS: dict[SortField, InstrumentedAttribute[Any]] = {
    SortField.CREATED_AT: Experiment.created_at,
    SortField.STARTED_AT: Experiment.started_at,
    SortField.FINISHED_AT: Experiment.finished_at,
    SortField.DURATION: Experiment.duration_seconds,
    SortField.NAME: Experiment.name,
}


@dataclass(frozen=True)
class FilterColumns:
    """What the experiment filter reads of a row, as SQL: the row's own columns
    (``ROW``), or for a change's before-state the values it replaced standing in for
    some of them (``before``). One filter rule, evaluated on either."""

    hypothesis_id: ColumnElement[Any]
    parent_id: ColumnElement[Any]
    status: ColumnElement[Any]
    model: ColumnElement[Any]
    owner_id: ColumnElement[Any]
    type: ColumnElement[Any]
    created_at: ColumnElement[Any]
    name: ColumnElement[Any]
    description: ColumnElement[Any]
    tags: ColumnElement[Any]

    def before(self, previous: Mapping[str, Any]) -> FilterColumns:
        """These columns with ``previous`` (a change's ``previous`` values: ``status``,
        ``name``, ``description``, ``model``, ``tags``, as JSON) in place of the row's."""
        replaced: dict[str, ColumnElement[Any]] = {}
        for name in CHANGEABLE:
            if name in previous:
                column = Experiment.__table__.c[name]
                value = previous[name]
                if name == "status":
                    value = ExperimentStatus(value)
                replaced[name] = literal(value, type_=column.type)
        return replace(self, **replaced)


# The filtered fields a change may alter (the others are fixed at creation)
CHANGEABLE = ("status", "name", "description", "model", "tags")

ROW = FilterColumns(
    hypothesis_id=Experiment.hypothesis_id.expression,
    parent_id=Experiment.parent_id.expression,
    status=Experiment.status.expression,
    model=Experiment.model.expression,
    owner_id=Experiment.owner_id.expression,
    type=Experiment.type.expression,
    created_at=Experiment.created_at.expression,
    name=Experiment.name.expression,
    description=Experiment.description.expression,
    tags=Experiment.tags.expression,
)


def _has_tag(tags: ColumnElement[Any], tag: str, dialect: str) -> ColumnElement[bool]:
    if dialect == "postgresql":
        return tags.op("@>")(cast([tag], JSONB))
    each = func.json_each(tags).table_valued("value")
    return select(each.c.value).where(each.c.value == tag).exists()


def filter_clause(
    data: ExperimentFilterData | None, dialect: str, columns: FilterColumns = ROW
) -> ColumnElement[bool]:
    if data is None:
        return true()
    row = columns
    clauses: list[ColumnElement[bool]] = []
    if data.hypothesis_id is not None:
        clauses.append(row.hypothesis_id == data.hypothesis_id)
    if data.parent_id is not None:
        clauses.append(row.parent_id == data.parent_id)
    if data.status is not None:
        clauses.append(row.status.in_(data.status) if data.status else false())
    if data.model:
        clauses.append(row.model == data.model)
    if data.owner_id is not None:
        clauses.append(row.owner_id == data.owner_id)
    if data.type is not None:
        clauses.append(row.type == data.type)
    if data.created_after is not None:
        clauses.append(row.created_at >= data.created_after)
    if data.created_before is not None:
        clauses.append(row.created_at < data.created_before)
    if data.search and data.search.strip():
        pattern = like_pattern(data.search.strip())
        clauses.append(
            or_(
                row.name.ilike(pattern, escape="\\"),
                row.description.ilike(pattern, escape="\\"),
            )
        )
    clauses.extend(_has_tag(row.tags, tag, dialect) for tag in data.tags or [])
    return and_(true(), *clauses)


def seconds_between(
    later: SQLColumnExpression[datetime], earlier: SQLColumnExpression[datetime], dialect: str
) -> ColumnElement[float]:
    """``later - earlier`` in seconds, in SQL."""
    if dialect == "postgresql":
        return cast(extract("epoch", later - earlier), Float)
    return (func.julianday(later) - func.julianday(earlier)) * 86400.0


def cost_expression(dialect: str, now: datetime) -> ColumnElement[float]:
    """An experiment's total cost at ``now``, in SQL: its API costs plus the GPU and CPU
    costs, final once released, else growing live from its open reservation (the same rule
    as ``app.resources.costs.cost_of``)."""
    seconds = seconds_between(literal(now, UTCDateTime()), Reservation.reserved_at, dialect)
    live = (
        select(
            (
                Reservation.gpu_count * Reservation.hourly_cost_per_gpu
                + Reservation.cpu_cores * Reservation.hourly_cost_per_cpu_core
            )
            * case((seconds > 0, seconds), else_=0.0)
            / 3600.0
        )
        .where(Reservation.experiment_id == Experiment.id, Reservation.released_at.is_(None))
        .scalar_subquery()
    )
    return Experiment.api_cost + func.coalesce(live, Experiment.gpu_cost + Experiment.cpu_cost)


def metric_last_value(key: str) -> ColumnElement[float]:
    """The last value of the experiment's ``key`` (NULL without one, or for a NaN)."""
    return (
        select(MetricSeries.last_value)
        .where(MetricSeries.experiment_id == Experiment.id, MetricSeries.key == key)
        .scalar_subquery()
    )


@dataclass(frozen=True)
class Sort:
    """One list's sort: the SQL value rows are ordered by, and for COST the moment the
    costs are computed at (carried by the cursors, so every page of a walk agrees)."""

    order: ExperimentOrderData
    expression: ColumnElement[Any]
    now: datetime | None = None


def metric_key_of(order: ExperimentOrderData) -> str:
    key = (order.metric_key or "").strip()
    if not key:
        raise ValidationFailed({"orderBy.metricKey": "required when sorting by METRIC"})
    if len(key) > MAX_METRIC_KEY:
        raise ValidationFailed({"orderBy.metricKey": f"at most {MAX_METRIC_KEY} characters"})
    if problem := text_problem(key):
        raise ValidationFailed({"orderBy.metricKey": problem})
    return key


def sort_for(order: ExperimentOrderData, dialect: str, now: datetime) -> Sort:
    if order.field is SortField.COST:
        return Sort(order, cost_expression(dialect, now), now)
    if order.field is SortField.METRIC:
        return Sort(order, metric_last_value(metric_key_of(order)))
    column = SORT_COLUMNS.get(order.field)
    if column is None:
        raise ValidationFailed({"orderBy.field": f"cannot sort by {order.field.value}"})
    return Sort(order, column.expression)


@dataclass(frozen=True)
class Cursor:
    value: Any
    id: uuid.UUID
    now: datetime | None = None


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value)  # "inf" / "-inf" (JSON has no infinities)
    return value


def encode_cursor(sort: Sort, experiment: Experiment, value: Any) -> str:
    """``value`` is the sort value the page was computed with (selected with the row)."""
    extra: dict[str, str] = {}
    if sort.now is not None:
        extra["now"] = sort.now.isoformat()
    if sort.order.field is SortField.METRIC:
        extra["key"] = metric_key_of(sort.order)
    raw = orjson.dumps([sort.order.field.value, _plain(value), str(experiment.id), extra])
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(order: ExperimentOrderData, text: str) -> Cursor:
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        field, value, ident, *rest = orjson.loads(raw)
        extra = rest[0] if rest else {}
        if field != order.field.value or not isinstance(extra, dict):
            raise ValueError("cursor belongs to another sort order")
        if order.field is SortField.METRIC and extra.get("key") != metric_key_of(order):
            raise ValueError("cursor belongs to another metric")
        if value is not None and order.field in {
            SortField.CREATED_AT,
            SortField.STARTED_AT,
            SortField.FINISHED_AT,
        }:
            value = datetime.fromisoformat(value)
        elif value is not None and order.field in NUMERIC_FIELDS:
            value = float(value)
        now = None
        if order.field is SortField.COST:
            now = datetime.fromisoformat(extra["now"])
            if now.tzinfo is None:
                raise ValueError("naive time in cursor")
        return Cursor(value=value, id=uuid.UUID(ident), now=now)
    except (ValueError, TypeError, KeyError) as exc:
        raise ValidationFailed({"after": "invalid cursor"}) from exc


def after_clause(sort: Sort, cursor: Cursor) -> ColumnElement[bool]:
    """Rows strictly after the cursor in (value NULLS LAST, id) order."""
    column = sort.expression
    ascending = sort.order.direction is SortDirection.ASC
    id_after = Experiment.id > cursor.id if ascending else Experiment.id < cursor.id
    if cursor.value is None:
        return and_(column.is_(None), id_after)
    beyond = column > cursor.value if ascending else column < cursor.value
    return or_(beyond, and_(column == cursor.value, id_after), column.is_(None))


def apply_order(query: Select[Any], sort: Sort) -> Select[Any]:
    column = sort.expression
    if sort.order.direction is SortDirection.ASC:
        return query.order_by(column.asc().nulls_last(), Experiment.id.asc())
    return query.order_by(column.desc().nulls_last(), Experiment.id.desc())
