"""SQL for experiment lists: filters, sort orders and keyset cursors."""

from __future__ import annotations

import base64
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import ColumnElement, Select, and_, cast, false, func, or_, select, true
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import InstrumentedAttribute

from app.errors import ValidationFailed
from app.experiments.schemas import (
    ExperimentFilterData,
    ExperimentOrderData,
    SortDirection,
    SortField,
)
from app.models import Experiment

SORT_COLUMNS: dict[SortField, InstrumentedAttribute[Any]] = {
    SortField.CREATED_AT: Experiment.created_at,
    SortField.STARTED_AT: Experiment.started_at,
    SortField.FINISHED_AT: Experiment.finished_at,
    SortField.DURATION: Experiment.duration_seconds,
    SortField.NAME: Experiment.name,
}


def _like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _has_tag(tag: str, dialect: str) -> ColumnElement[bool]:
    if dialect == "postgresql":
        return Experiment.tags.op("@>")(cast([tag], JSONB))
    each = func.json_each(Experiment.tags).table_valued("value")
    return select(each.c.value).where(each.c.value == tag).exists()


def filter_clause(data: ExperimentFilterData | None, dialect: str) -> ColumnElement[bool]:
    if data is None:
        return true()
    clauses: list[ColumnElement[bool]] = []
    if data.hypothesis_id is not None:
        clauses.append(Experiment.hypothesis_id == data.hypothesis_id)
    if data.status is not None:
        clauses.append(Experiment.status.in_(data.status) if data.status else false())
    if data.model:
        clauses.append(Experiment.model == data.model)
    if data.owner_id is not None:
        clauses.append(Experiment.owner_id == data.owner_id)
    if data.type is not None:
        clauses.append(Experiment.type == data.type)
    if data.created_after is not None:
        clauses.append(Experiment.created_at >= data.created_after)
    if data.created_before is not None:
        clauses.append(Experiment.created_at < data.created_before)
    if data.search and data.search.strip():
        pattern = _like_pattern(data.search.strip())
        clauses.append(
            or_(
                Experiment.name.ilike(pattern, escape="\\"),
                Experiment.description.ilike(pattern, escape="\\"),
            )
        )
    clauses.extend(_has_tag(tag, dialect) for tag in data.tags or [])
    return and_(true(), *clauses)


def sort_column(order: ExperimentOrderData) -> InstrumentedAttribute[Any]:
    column = SORT_COLUMNS.get(order.field)
    if column is None:
        raise ValidationFailed(
            {"orderBy.field": f"sorting by {order.field.value} is not available yet"}
        )
    return column


@dataclass(frozen=True)
class Cursor:
    value: Any
    id: uuid.UUID


def encode_cursor(order: ExperimentOrderData, experiment: Experiment) -> str:
    value = getattr(experiment, sort_column(order).key)
    if isinstance(value, datetime):
        value = value.isoformat()
    raw = orjson.dumps([order.field.value, value, str(experiment.id)])
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(order: ExperimentOrderData, text: str) -> Cursor:
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        field, value, ident = orjson.loads(raw)
        if field != order.field.value:
            raise ValueError("cursor belongs to another sort order")
        if value is not None and order.field in {
            SortField.CREATED_AT,
            SortField.STARTED_AT,
            SortField.FINISHED_AT,
        }:
            value = datetime.fromisoformat(value)
        return Cursor(value=value, id=uuid.UUID(ident))
    except (ValueError, TypeError) as exc:
        raise ValidationFailed({"after": "invalid cursor"}) from exc


def after_clause(order: ExperimentOrderData, cursor: Cursor) -> ColumnElement[bool]:
    """Rows strictly after the cursor in (column NULLS LAST, id) order."""
    column = sort_column(order)
    ascending = order.direction is SortDirection.ASC
    id_after = Experiment.id > cursor.id if ascending else Experiment.id < cursor.id
    if cursor.value is None:
        return and_(column.is_(None), id_after)
    beyond = column > cursor.value if ascending else column < cursor.value
    return or_(beyond, and_(column == cursor.value, id_after), column.is_(None))


def apply_order(query: Select[Any], order: ExperimentOrderData) -> Select[Any]:
    column = sort_column(order)
    if order.direction is SortDirection.ASC:
        return query.order_by(column.asc().nulls_last(), Experiment.id.asc())
    return query.order_by(column.desc().nulls_last(), Experiment.id.desc())


def visible_select(visibility: ColumnElement[bool], where: ColumnElement[bool]) -> Select[Any]:
    return select(Experiment).where(visibility, where)
