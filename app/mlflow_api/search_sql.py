"""``runs/search`` and ``experiments/search`` as SQL: each parsed comparison becomes a
clause of one statement (subqueries on ``metric_series`` and ``mlflow_tags``, JSON
extraction for params), ANDed with the caller's visibility, then ordered and paged in the
database. Nothing is filtered in Python.

What a run's values are, as ``shapes.runs_json`` renders them:

- a **metric** is its series' last value (a stored NULL is NaN: it satisfies only ``!=``);
- a **param** is a hyperparameter's text as ``mlflow_terms.param_text`` writes it (strings as
  they are, numbers, booleans and null as JSON), found at the top-level key or, for a
  dotted key, at the nested path it flattens from; a list compares as its JSON text,
  items as the database writes them (so a number under 1e-4 inside a list, and on
  SQLite non-ASCII text inside one, may read differently from the run's text);
- a **tag** is the stored MLflow tag, except the system tags our columns hold
  (``shapes.runs_json``), read from the column when it is set;
- **attributes**: ``status`` in MLflow's names, ``start_time`` (started, else created),
  ``end_time`` in epoch milliseconds, ``user_id`` the owner's email, ``run_name``,
  ``run_id``, ``artifact_uri``; no run has datasets, so a ``datasets.*`` comparison
  matches nothing.

``LIKE`` is case-sensitive and ``ILIKE`` is not (ASCII letters on SQLite) on both
backends; neither has an escape character. Ordering puts runs without the value last in
either direction (a NaN metric after the numbers, before the runs without the metric),
texts in code-point order, then ``start_time DESC`` unless ordered by it, then run id.
"""

from __future__ import annotations

import math
import operator
import re
import typing
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    SQLColumnExpression,
    String,
    Text,
    and_,
    case,
    cast,
    exists,
    false,
    func,
    literal,
    literal_column,
    not_,
    null,
    or_,
    select,
    true,
    type_coerce,
)
from sqlalchemy.dialects.postgresql import JSONB, aggregate_order_by
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from app.access import experiment_visible, hypothesis_visible
from app.mlflow_api.search import (
    ATTRIBUTE,
    DATASET,
    METRIC,
    NULL_OPS,
    PARAM,
    TAG,
    Comparison,
    OrderKey,
)
from app.mlflow_api.shapes import (
    RUN_STATUS,
    RunRow,
    is_deleted,
    owner_email,
    run_columns,
    start_time,
    status_text,
    uuid_text,
)
from app.mlflow_terms import MAX_KEY, MAX_PARAM_VALUE, TRUNCATED
from app.models import Experiment, Hypothesis, MetricSeries, User
from app.models.mlflow_tracking import mlflow_tags

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Epoch milliseconds beyond these are clamped (Python's datetimes end at year 9999)
_MS_RANGE = (-62_135_596_800_000 + 86_400_000, 253_402_300_799_000 - 86_400_000)
_PARAM_KEY = re.compile(r"[/\w.\- :]+")
_MAX_PATHS = 16  # a dotted param key is looked up at this many nested paths at most

Expr = SQLColumnExpression[Any]

_PYTHON_OPS: dict[str, Callable[[Any, Any], Any]] = {
    "=": operator.eq,
    "!=": operator.ne,
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
}


def like_regex(pattern: str, *, ignore_case: bool) -> re.Pattern[str]:
    """LIKE's ``%`` and ``_`` as a regular expression (no escape character)."""
    parts = (".*" if c == "%" else "." if c == "_" else re.escape(c) for c in pattern)
    return re.compile("".join(parts), re.DOTALL | (re.IGNORECASE if ignore_case else 0))


def like_glob(pattern: str) -> str:
    """A LIKE pattern as a GLOB pattern: SQLite's case-sensitive LIKE."""
    special = {"%": "*", "_": "?", "*": "[*]", "?": "[?]", "[": "[[]"}
    return "".join(special.get(c, c) for c in pattern)


def text_matches(text: str, op: str, value: Any) -> bool:
    """``text <op> value`` in Python, for values known without the database (status)."""
    if op in ("LIKE", "ILIKE"):
        return like_regex(value, ignore_case=op == "ILIKE").fullmatch(text) is not None
    if op == "IN":
        return text in value
    if op == "NOT IN":
        return text not in value
    return bool(_PYTHON_OPS[op](text, value))


def _moment(ms: int) -> datetime:
    return EPOCH + timedelta(milliseconds=min(max(ms, _MS_RANGE[0]), _MS_RANGE[1]))


def time_compare(column: Expr, op: str, value: float) -> ColumnElement[bool]:
    """``millis(column) <op> value``, where ``millis`` truncates to the millisecond, as
    ranges of the column itself (so an index on it could serve)."""
    if not math.isfinite(value):
        value = math.copysign(_MS_RANGE[1], value)
    floor, ceil = math.floor(value), math.ceil(value)
    if op == ">":
        return column >= _moment(floor + 1)
    if op == ">=":
        return column >= _moment(ceil)
    if op == "<":
        return column < _moment(ceil)
    if op == "<=":
        return column < _moment(floor + 1)
    equal = and_(column >= _moment(floor), column < _moment(floor + 1))
    if floor != value:
        equal = false()
    return equal if op == "=" else and_(column.is_not(None), not_(equal))


class Dialect:
    """The SQL that differs between SQLite and PostgreSQL."""

    def __init__(self, name: str) -> None:
        self.postgresql = name == "postgresql"

    def text_compare(self, column: Expr, op: str, value: Any) -> ColumnElement[bool]:
        clause: Any
        if op == "=":
            clause = column == value
        elif op == "!=":
            clause = column != value
        elif op == "IN":
            clause = column.in_(value)
        elif op == "NOT IN":
            clause = column.not_in(value)
        elif self.postgresql:
            clause = (
                column.like(value, escape="") if op == "LIKE" else column.ilike(value, escape="")
            )
        else:  # SQLite's LIKE ignores ASCII case; its GLOB does not
            clause = column.op("GLOB")(like_glob(value)) if op == "LIKE" else column.like(value)
        return typing.cast(ColumnElement[bool], clause)

    def sort_text(self, column: Expr) -> Expr:
        """Code-point order on both (SQLite's BINARY; PostgreSQL's "C")."""
        return column.collate("C") if self.postgresql else column

    def uuid_text(self, column: Expr) -> Expr:
        """A UUID column as ``str(uuid)`` writes it (SQLite stores 32 hex digits)."""
        return uuid_text(self.postgresql, column)

    # --- params ---

    def param_text(self, key: str) -> Expr:
        """The param ``key`` as ``mlflow_terms.params_of`` renders it; NULL when the run has
        none (see the module's docstring)."""
        if len(key) > MAX_KEY or not _PARAM_KEY.fullmatch(key):
            return null()  # params_of never writes such a key
        texts = [self._param_at(path) for path in _paths(key)]
        text: Expr = texts[0] if len(texts) == 1 else func.coalesce(*texts)
        return case(
            (
                func.length(text) > MAX_PARAM_VALUE,
                func.substr(text, 1, MAX_PARAM_VALUE - len(TRUNCATED)) + TRUNCATED,
            ),
            else_=text,
        )

    def _param_at(self, path: list[str]) -> Expr:
        if self.postgresql:
            return self._pg_param_at(path)
        return self._sqlite_param_at(path)

    def _sqlite_param_at(self, path: list[str]) -> Expr:
        """SQLite keeps a number's JSON text as Python's ``json`` wrote it (``1e-05``);
        ``param_text`` writes orjson's (``0.00001``, ``1e-7``)."""
        if any('"' in part for part in path):
            return null()
        where = "$" + "".join(f'."{part}"' for part in path)
        document = type_coerce(Experiment.hyperparams, String)
        kind = func.json_type(document, where)
        raw = document.op("->", return_type=String)(literal(where, String))
        as_text = document.op("->>", return_type=String)(literal(where, String))
        mantissa = func.substr(raw, 1, func.length(raw) - 4)
        fixed = (
            case((raw.like("-%"), "-"), else_="")
            + "0.0000"
            + func.replace(func.replace(mantissa, "-", ""), ".", "")
        )
        real = case(
            (raw.like("%e-05"), fixed),
            (raw.op("GLOB")("*e-0[6-9]"), func.replace(raw, "e-0", "e-")),
            else_=raw,
        )
        return case(
            (kind == "text", as_text),
            (kind == "real", real),
            (and_(kind == "object", raw != "{}"), null()),
            else_=raw,
        )

    def _pg_param_at(self, path: list[str]) -> Expr:
        """PostgreSQL writes a JSONB number in plain decimals (``0.00000025``), orjson
        one under 1e-5 with an exponent (``2.5e-7``); a list's items as PostgreSQL writes
        them."""
        document = type_coerce(Experiment.hyperparams, JSONB)
        value = document[tuple(path)]
        kind = func.jsonb_typeof(value)
        raw = cast(value, Text)
        zeros = func.length(func.substring(raw, r"^-?0\.(0*)"))
        digits = func.substring(raw, r"^-?0\.0*([0-9]+)$")
        mantissa = func.left(digits, 1) + case(
            (func.length(digits) > 1, "." + func.substr(digits, 2)), else_=""
        )
        exponent = case((raw.like("-%"), "-"), else_="") + mantissa + "e-" + cast(zeros + 1, Text)
        # PostgreSQL writes "[1, 2]"; orjson "[1,2]"
        elements = (
            func.jsonb_array_elements(value)
            .table_valued("value", with_ordinality="n")
            .render_derived()
        )
        joined = func.string_agg(
            cast(elements.c.value, Text), aggregate_order_by(literal_column("','"), elements.c.n)
        )
        array = select("[" + func.coalesce(joined, "") + "]").scalar_subquery()
        rendered = case(
            (kind == "string", document[tuple(path)].astext),
            (kind == "array", array),
            (and_(kind == "number", raw.op("~")(r"^-?0\.00000")), exponent),
            (and_(kind == "object", raw != "{}"), null()),
            else_=raw,
        )
        # ``#>`` reads an integer-like step of a path as an index into an array; a
        # param's path only goes through objects
        guards = [
            func.jsonb_typeof(document[tuple(path[:i])]) == "object"
            for i in range(1, len(path))
            if re.fullmatch(r"-?\d+", path[i])
        ]
        return case((and_(*guards), rendered), else_=null()) if guards else rendered


def _paths(key: str) -> list[list[str]]:
    """The nested paths a dotted key may flatten from: the key itself first, then every
    split at its dots (at most ``_MAX_PATHS``; for more dots, the key and every dot)."""
    parts = key.split(".")
    gaps = len(parts) - 1
    if 2**gaps > _MAX_PATHS:
        return [[key], parts]
    paths = []
    for mask in range(2**gaps):
        path, current = [], parts[0]
        for gap in range(gaps):
            if mask >> gap & 1:
                path.append(current)
                current = parts[gap + 1]
            else:
                current += "." + parts[gap + 1]
        paths.append([*path, current])
    return paths


# --- runs ---


def _field_tags(sql: Dialect) -> dict[str, Expr]:
    """The system tags ``shapes.runs_json`` reads from our columns."""
    return {
        "mlflow.runName": Experiment.name,
        "mlflow.note.content": Experiment.description,
        "mlflow.source.git.commit": Experiment.git_commit,
        "mlflow.source.git.repoURL": Experiment.git_repo_url,
        "mlflow.source.git.branch": Experiment.git_branch,
        "mlflow.parentRunId": sql.uuid_text(Experiment.parent_id),
    }


def _artifact_uri(sql: Dialect) -> ColumnElement[str]:
    return (
        "mlflow-artifacts:/"
        + sql.uuid_text(Experiment.hypothesis_id)
        + "/"
        + sql.uuid_text(Experiment.id)
        + "/artifacts"
    )


def _stored_tag(key: str) -> Select[Any]:
    return select(mlflow_tags.c.key).where(
        mlflow_tags.c.experiment_id == Experiment.id, mlflow_tags.c.key == key
    )


def run_clause(sql: Dialect, comparison: Comparison) -> ColumnElement[bool]:
    """One comparison of a runs filter, on ``Experiment``."""
    entity, key, op, value = comparison.entity, comparison.key, comparison.op, comparison.value
    if entity == METRIC:
        series = MetricSeries
        if op == "!=":  # NaN (NULL) is unequal to everything
            matches = or_(series.last_value != value, series.last_value.is_(None))
        else:
            matches = _PYTHON_OPS[op](series.last_value, value)
        # IN rather than EXISTS: SQLite then reads the matching series first (by
        # ix_metric_series_key_last_value) instead of probing them run by run
        return Experiment.id.in_(select(series.experiment_id).where(series.key == key, matches))
    if entity == PARAM:
        text = sql.param_text(key)
        if op == "IS NULL":
            return text.is_(None)
        if op == "IS NOT NULL":
            return text.is_not(None)
        return sql.text_compare(text, op, value)
    if entity == TAG:
        return _tag_clause(sql, key, op, value)
    if entity == DATASET:
        return false()
    return _attribute_clause(sql, key, op, value)


def _tag_clause(sql: Dialect, key: str, op: str, value: Any) -> ColumnElement[bool]:
    """A stored tag, or for a system tag our column, when it is set (else the stored
    tag, as ``shapes.runs_json`` merges them)."""
    stored = _stored_tag(key)
    column = _field_tags(sql).get(key)
    if op in NULL_OPS:
        present = exists(stored) if column is None else or_(column.is_not(None), exists(stored))
        return not_(present) if op == "IS NULL" else present
    matches = exists(stored.where(sql.text_compare(mlflow_tags.c.value, op, value)))
    if column is None:
        return matches
    from_column = and_(column.is_not(None), sql.text_compare(column, op, value))
    return or_(from_column, and_(column.is_(None), matches))


def _attribute_clause(sql: Dialect, key: str, op: str, value: Any) -> ColumnElement[bool]:
    if key == "start_time":
        return time_compare(start_time(), op, value)
    if key == "end_time":
        return time_compare(Experiment.finished_at, op, value)
    if key == "status":
        statuses = [ours for ours, theirs in RUN_STATUS.items() if text_matches(theirs, op, value)]
        return Experiment.status.in_(statuses) if statuses else false()
    if key == "run_name":
        return sql.text_compare(Experiment.name, op, value)
    if key == "user_id":
        return exists(
            select(User.id).where(
                User.id == Experiment.owner_id, sql.text_compare(User.email, op, value)
            )
        )
    if key == "artifact_uri":
        return sql.text_compare(_artifact_uri(sql), op, value)
    if key == "run_id":
        if op in ("=", "!=", "IN", "NOT IN"):
            values = value if isinstance(value, tuple) else (value,)
            ids = [i for i in map(_uuid, values) if i is not None]
            found = Experiment.id.in_(ids) if ids else false()
            return found if op in ("=", "IN") else not_(found)
        return sql.text_compare(sql.uuid_text(Experiment.id), op, value)
    raise ValueError(f"unknown run attribute {key}")


def _uuid(text: str) -> uuid.UUID | None:
    """The id ``text`` is exactly ``str()`` of, if any (a run id compares as text)."""
    try:
        found = uuid.UUID(text)
    except ValueError:
        return None
    return found if str(found) == text else None


def _run_order(
    sql: Dialect, query: Select[Any], keys: Sequence[OrderKey]
) -> tuple[Select[Any], list[Any]]:
    """``query`` with what ordering by ``keys`` joins, and the ORDER BY clauses: for each
    key, runs without the value last, then the value; then start time (newest first)
    unless ordered by it, then run id."""
    clauses: list[Any] = []
    for number, key in enumerate(keys):
        missing: ColumnElement[int]
        if key.entity == METRIC:
            series = aliased(MetricSeries, name=f"order_metric_{number}")
            query = query.outerjoin(
                series, and_(series.experiment_id == Experiment.id, series.key == key.key)
            )
            value: Expr = series.last_value
            missing = case((series.id.is_(None), 2), (value.is_(None), 1), else_=0)
        else:
            if key.entity == TAG:
                tags = mlflow_tags.alias(f"order_tag_{number}")
                query = query.outerjoin(
                    tags, and_(tags.c.experiment_id == Experiment.id, tags.c.key == key.key)
                )
                column = _field_tags(sql).get(key.key)
                value = tags.c.value if column is None else func.coalesce(column, tags.c.value)
            elif key.entity == PARAM:
                value = sql.param_text(key.key)
            else:
                value = _attribute_value(sql, key.key)
            if key.entity != ATTRIBUTE or key.key in (
                "run_name",
                "user_id",
                "status",
                "artifact_uri",
            ):
                value = sql.sort_text(value)
            missing = case((value.is_(None), 1), else_=0)
        clauses += [missing, value if key.ascending else value.desc()]
    if not any(k.entity == ATTRIBUTE and k.key == "start_time" for k in keys):
        clauses.append(start_time().desc())
    clauses.append(Experiment.id)
    return query, clauses


def _attribute_value(sql: Dialect, key: str) -> Expr:
    values: dict[str, Callable[[], Expr]] = {
        "start_time": start_time,
        "end_time": lambda: Experiment.finished_at,
        "status": status_text,
        "run_name": lambda: Experiment.name,
        "user_id": owner_email,
        "artifact_uri": lambda: _artifact_uri(sql),
        "run_id": lambda: Experiment.id,
    }
    return values[key]()


def run_query(
    sql: Dialect,
    *,
    actor: User,
    hypothesis_ids: Sequence[uuid.UUID],
    comparisons: Sequence[Comparison],
    order: Sequence[OrderKey],
    view: str,
    offset: int = 0,
    limit: int | None = None,
) -> Select[Any]:
    """A page of the runs (our experiments) of ``hypothesis_ids`` the caller may read that
    match every comparison, in ``view`` (``ACTIVE_ONLY``, ``DELETED_ONLY``, ``ALL``),
    ordered, as ``RunRow``s. The runs are matched, ordered and cut to the page in a
    subquery of ids; a run's rendered columns are computed for the page alone (computed in
    the ordered query, SQLite computes them for every match before it sorts)."""
    deleted = is_deleted()
    lifecycle = {"ACTIVE_ONLY": not_(deleted), "DELETED_ONLY": deleted, "ALL": true()}[view]
    matching = select(Experiment.id.label("page_id")).where(
        Experiment.hypothesis_id.in_(hypothesis_ids),
        experiment_visible(actor),
        lifecycle,
        *(run_clause(sql, comparison) for comparison in comparisons),
    )
    matching, clauses = _run_order(sql, matching, order)
    page = (
        matching.add_columns(func.row_number().over(order_by=clauses).label("position"))
        .order_by(*clauses)
        .offset(offset)
        .limit(limit)
        .subquery("page")
    )
    # whether a run is deleted, as its JSON says: known from the filter but for ALL
    marked = {"ACTIVE_ONLY": false(), "DELETED_ONLY": true(), "ALL": is_deleted()}[view]
    return (
        select(*run_columns(sql.postgresql, marked))
        .join(page, Experiment.id == page.c.page_id)
        .order_by(page.c.position)
    )


async def search_runs(
    session: AsyncSession,
    *,
    actor: User,
    hypothesis_ids: Sequence[uuid.UUID],
    comparisons: Sequence[Comparison],
    order: Sequence[OrderKey],
    view: str,
    offset: int,
    limit: int,
) -> tuple[Sequence[RunRow], bool]:
    """A page of ``run_query``'s runs, and whether more follow."""
    if not hypothesis_ids:
        return [], False
    sql = Dialect(session.get_bind().dialect.name)
    query = run_query(
        sql,
        actor=actor,
        hypothesis_ids=hypothesis_ids,
        comparisons=comparisons,
        order=order,
        view=view,
        offset=offset,
        limit=limit + 1,
    )
    rows = list((await session.execute(query)).all())
    return rows[:limit], len(rows) > limit


# --- experiments ---


def experiment_clause(sql: Dialect, comparison: Comparison) -> ColumnElement[bool]:
    """One comparison of an experiments filter, on ``Hypothesis``. MLflow experiments
    here (our hypotheses) have no tags: a tag is always missing."""
    key, op, value = comparison.key, comparison.op, comparison.value
    if comparison.entity == TAG:
        return true() if op == "IS NULL" else false()
    if key == "name":
        return sql.text_compare(Hypothesis.title, op, value)
    if key == "experiment_id":
        values = value if isinstance(value, tuple) else (value,)
        ids = [i for i in map(_uuid, values) if i is not None]  # type: ignore[arg-type]
        found = Hypothesis.id.in_(ids) if ids else false()
        return found if op in ("=", "IN") else not_(found)
    assert isinstance(value, int | float)
    return time_compare(Hypothesis.created_at, op, value)  # its creation and last update


DEFAULT_EXPERIMENT_ORDER = [
    OrderKey(ATTRIBUTE, "creation_time", ascending=False),
    OrderKey(ATTRIBUTE, "experiment_id", ascending=True),
]


def _experiment_order(sql: Dialect, keys: Sequence[OrderKey]) -> list[Any]:
    """As MLflow: newest first by default; ties by experiment id, descending unless
    ordered by it."""
    columns: dict[str, Expr] = {
        "name": sql.sort_text(Hypothesis.title),
        "experiment_id": Hypothesis.id,
        "creation_time": Hypothesis.created_at,
        "last_update_time": Hypothesis.created_at,
    }
    keys = list(keys) or DEFAULT_EXPERIMENT_ORDER
    clauses = [columns[k.key] if k.ascending else columns[k.key].desc() for k in keys]
    if not any(k.key == "experiment_id" for k in keys):
        clauses.append(Hypothesis.id.desc())
    return clauses


async def search_experiments(
    session: AsyncSession,
    *,
    actor: User,
    comparisons: Sequence[Comparison],
    order: Sequence[OrderKey],
    view: str,
    offset: int,
    limit: int,
) -> tuple[list[Hypothesis], bool]:
    """A page of the hypotheses the caller may read that match every comparison, and
    whether more follow. None is ever deleted in MLflow's sense."""
    if view == "DELETED_ONLY":
        return [], False
    sql = Dialect(session.get_bind().dialect.name)
    query = (
        select(Hypothesis)
        .where(
            hypothesis_visible(actor),
            *(experiment_clause(sql, comparison) for comparison in comparisons),
        )
        .order_by(*_experiment_order(sql, order))
        .offset(offset)
        .limit(limit + 1)
    )
    rows = list((await session.scalars(query)).all())
    return rows[:limit], len(rows) > limit
