"""Log lines: appending a batch with gapless sequence numbers, paging, and the text export.

Appending reserves the batch's sequence numbers on the experiment row in the same
transaction as the insert (``touch_running``), so concurrent writers serialise on that row
lock and a rolled-back batch gives its numbers back: the sequence never has a gap. A batch
with a ``batch_id`` claims it in ``log_batches`` in that transaction too, so a retry of an
acknowledged batch writes nothing, and a refused or failed one claims nothing.

A page is bounded by its number of lines (``first``) and by its messages' bytes
(``max_bytes``, ``EXPSVC_LOGS_MAX_PAGE_BYTES``): it ends with the line whose message
crosses the byte bound — always at least one line — and says ``has_more``, so the client
pages on from ``next_after``. The database applies the bound (a running sum of the
messages' lengths over the page's ``first + 1`` candidate rows), so it sends at most one
line past the page: 5,000 lines of 64 KiB are never all read into memory.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, Integer, Select, func, insert, literal, select, type_coerce
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from app.batch_ids import claim_batch_id
from app.db import Database, asyncpg_connection, in_turns
from app.errors import ValidationFailed
from app.experiments.activity import touch_running
from app.experiments.service import get_experiment
from app.logs.schemas import LogLineData
from app.models import Experiment, User, log_batches, log_lines
from app.models.base import utcnow
from app.models.enums import LogLevel
from app.validation import INT64_MAX, check_batch_id, text_problem

MAX_PAGE = 5000
DEFAULT_PAGE = 200
# A page's messages stop at the line crossing this many bytes (the setting's default)
DEFAULT_PAGE_BYTES = 4 * 1024 * 1024
# Rows per multi-row INSERT: 6 columns each stays far below SQLite's and asyncpg's
# bound-parameter limits (32766 / 32767)
INSERT_CHUNK_ROWS = 1000
# Lines per chunk of the download (one statement each), and its messages' bytes
EXPORT_CHUNK_ROWS = 2000
EXPORT_CHUNK_BYTES = 1024 * 1024

_COLUMNS = (
    log_lines.c.seq,
    log_lines.c.timestamp,
    log_lines.c.level,
    log_lines.c.message,
    log_lines.c.source,
)


@dataclass(frozen=True)
class LogLineRow:
    seq: int
    timestamp: datetime  # UTC
    level: LogLevel
    message: str
    source: str

    @classmethod
    def from_db(cls, row: Any) -> LogLineRow:
        return cls(
            seq=int(row.seq),
            timestamp=row.timestamp,
            level=LogLevel(row.level),
            message=row.message,
            source=row.source,
        )


@dataclass(frozen=True)
class LogPage:
    lines: list[LogLineRow]
    next_after: int | None  # pass it back as ``after`` for the next page
    has_more: bool


# --- writing -------------------------------------------------------------------------


def _chunks(rows: Sequence[dict[str, Any]], size: int) -> Iterable[Sequence[dict[str, Any]]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


@dataclass(frozen=True)
class AppendResult:
    accepted: int  # for a retried batch_id, the count the batch was first accepted with
    rows: list[LogLineRow]  # the lines this call stored (none for a retry): what to publish


async def append_lines(
    session: AsyncSession,
    *,
    actor: User,
    experiment_id: uuid.UUID,
    lines: Sequence[LogLineData],
    batch_id: str | None = None,
) -> AppendResult:
    """Store a validated batch on a RUNNING experiment the caller may act on.

    Records the activity, takes ``len(lines)`` consecutive sequence numbers and inserts
    every line (one multi-row INSERT per chunk). The caller's unit of work commits.

    With a ``batch_id`` (checked first), one more statement claims it before the touch.
    A batch id seen before stores nothing and answers the first count, once the touch
    has said the caller may still act and the experiment is still RUNNING (a retry is
    activity too). A refusal rolls the claim back with the unit of work.
    """
    if not lines:
        raise ValidationFailed({"lines": "a batch needs at least one line"})
    now = utcnow()
    if batch_id is not None:
        check_batch_id(batch_id)
        previous = await claim_batch_id(
            session, log_batches, experiment_id, batch_id, len(lines), now
        )
        if previous is not None:
            await touch_running(
                session, actor=actor, experiment_id=experiment_id, now=now, what="logs"
            )
            return AppendResult(accepted=previous, rows=[])
    last = await touch_running(
        session,
        actor=actor,
        experiment_id=experiment_id,
        now=now,
        what="logs",
        log_lines=len(lines),
    )
    first = last - len(lines) + 1
    rows = [
        LogLineRow(first + index, line.timestamp, line.level, line.message, line.source)
        for index, line in enumerate(lines)
    ]
    await _insert_rows(session, experiment_id, rows)
    return AppendResult(accepted=len(rows), rows=rows)


async def _insert_rows(
    session: AsyncSession, experiment_id: uuid.UUID, rows: Sequence[LogLineRow]
) -> None:
    """``COPY`` on PostgreSQL; elsewhere one prepared INSERT run over each chunk of rows."""
    if session.get_bind().dialect.name == "postgresql":
        driver = await asyncpg_connection(session)
        await driver.copy_records_to_table(
            log_lines.name,
            records=in_turns(
                (experiment_id, r.seq, r.timestamp, r.level.value, r.message, r.source)
                for r in rows
            ),
            columns=[column.name for column in log_lines.columns],
        )
        return
    values = [_db_values(experiment_id, row) for row in rows]
    for chunk in _chunks(values, INSERT_CHUNK_ROWS):
        await session.execute(insert(log_lines), list(chunk))


def _db_values(experiment_id: uuid.UUID, row: LogLineRow) -> dict[str, Any]:
    return {
        "experiment_id": experiment_id,
        "seq": row.seq,
        "timestamp": row.timestamp,
        "level": row.level.value,
        "message": row.message,
        "source": row.source,
    }


# --- reading -------------------------------------------------------------------------


def check_page_args(after: int | None, first: int, search: str | None = None) -> None:
    errors: dict[str, str] = {}
    if after is not None and not 0 <= after <= INT64_MAX:
        errors["after"] = f"must be 0-{INT64_MAX}"
    if not 0 <= first <= MAX_PAGE:
        errors["first"] = f"must be 0-{MAX_PAGE}"
    if search is not None and (problem := text_problem(search)):
        errors["search"] = problem
    if errors:
        raise ValidationFailed(errors)


def _filtered(
    experiment_id: uuid.UUID,
    after: int | None,
    levels: Sequence[LogLevel] | None,
    search: str | None,
    columns: Sequence[Any] = _COLUMNS,
) -> Select[Any]:
    """Lines of one experiment past ``after``; no levels (or an empty list) means all."""
    query = select(*columns).where(log_lines.c.experiment_id == experiment_id)
    if after is not None:
        query = query.where(log_lines.c.seq > after)
    if levels:
        query = query.where(log_lines.c.level.in_(sorted({level.value for level in levels})))
    if search:
        query = query.where(log_lines.c.message.icontains(search, autoescape=True))
    return query.order_by(log_lines.c.seq)


class message_bytes(FunctionElement[int]):
    """A text's length in bytes of UTF-8 (SQLite before 3.43 has no ``octet_length``)."""

    type = Integer()
    inherit_cache = True


@compiles(message_bytes)
def _octet_length(element: message_bytes, compiler: SQLCompiler, **kw: Any) -> str:
    return f"octet_length({compiler.process(element.clauses, **kw)})"


@compiles(message_bytes, "sqlite")
def _blob_length(element: message_bytes, compiler: SQLCompiler, **kw: Any) -> str:
    return f"length(CAST({compiler.process(element.clauses, **kw)} AS BLOB))"


def bounded_page(query: Select[Any], first: int, max_bytes: int) -> Select[Any]:
    """``query`` (ordered by seq) cut to a page's candidate rows: its first ``first + 1``
    rows, and of those only the ones that start before ``max_bytes`` of messages — plus
    the next one, which tells ``page_of`` there is more. Each row carries ``before``, the
    bytes of the messages before it."""
    size = message_bytes(log_lines.c.message)
    candidates = query.add_columns(
        func.coalesce(
            func.sum(size).over(order_by=log_lines.c.seq, rows=(None, -1)), literal(0)
        ).label("before"),
        func.coalesce(
            func.sum(size).over(order_by=log_lines.c.seq, rows=(None, -2)), literal(0)
        ).label("before_previous"),
    ).limit(first + 1)
    rows = candidates.subquery()
    columns = [column for column in rows.c if column.name != "before_previous"]
    return select(*columns).where(rows.c.before_previous < max_bytes).order_by(rows.c.seq)


def within(rows: Sequence[Any], first: int, max_bytes: int) -> Sequence[Any]:
    """The rows of ``bounded_page``'s answer that make the page (the rest, at most one
    row, only says there is more)."""
    return [row for row in rows[:first] if row.before < max_bytes]


def page_of(rows: Sequence[Any], *, after: int | None, first: int, max_bytes: int) -> LogPage:
    """The page in ``bounded_page``'s rows (ordered by seq): up to ``first`` lines, up to
    the one crossing ``max_bytes``; ``has_more`` when a row is left over."""
    lines = [LogLineRow.from_db(row) for row in within(rows, first, max_bytes)]
    next_after = lines[-1].seq if lines else after
    return LogPage(lines=lines, next_after=next_after, has_more=len(rows) > len(lines))


async def read_page(
    session: AsyncSession,
    *,
    experiment_id: uuid.UUID,
    after: int | None = None,
    levels: Sequence[LogLevel] | None = None,
    search: str | None = None,
    first: int = DEFAULT_PAGE,
    max_bytes: int = DEFAULT_PAGE_BYTES,
) -> LogPage:
    """A page of lines of an experiment the caller was already allowed to read.

    ``search`` is a case-insensitive substring of the message (``%`` and ``_`` match
    themselves). The page ends after ``first`` lines or with the line whose message
    crosses ``max_bytes`` (see the module). ``next_after`` is the last line's sequence
    number (``after`` itself when the page is empty), so paging never skips or repeats a
    line.
    """
    check_page_args(after, first, search)
    query = bounded_page(_filtered(experiment_id, after, levels, search), first, max_bytes)
    rows = (await session.execute(query)).all()
    return page_of(rows, after=after, first=first, max_bytes=max_bytes)


async def read_lines(
    session: AsyncSession,
    *,
    actor: User,
    experiment_id: uuid.UUID,
    after: int | None = None,
    levels: Sequence[LogLevel] | None = None,
    search: str | None = None,
    first: int = DEFAULT_PAGE,
    max_bytes: int = DEFAULT_PAGE_BYTES,
) -> LogPage:
    """``read_page`` after checking the caller may read the experiment (``NOT_FOUND``)."""
    await get_experiment(session, actor=actor, experiment_id=experiment_id)
    return await read_page(
        session,
        experiment_id=experiment_id,
        after=after,
        levels=levels,
        search=search,
        first=first,
        max_bytes=max_bytes,
    )


# --- the text export -----------------------------------------------------------------


# The export reads the timestamp without ``UTCDateTime``'s per-row conversion: SQLite gives
# a naive UTC time, asyncpg an aware UTC one; ``format_lines`` renders both the same way.
_EXPORT_COLUMNS = (
    type_coerce(log_lines.c.timestamp, DateTime(timezone=True)),
    log_lines.c.level,
    log_lines.c.source,
    log_lines.c.message,
)


def format_lines(rows: Iterable[Any]) -> str:
    """``2026-01-01T00:00:00.000000+00:00 INFO [stdout] message``, one per line.

    ``rows`` are (timestamp, level, source, message); a naive timestamp is UTC.
    """
    return "".join(
        f"{stamp.isoformat(timespec='microseconds')}{'' if stamp.tzinfo else '+00:00'} "
        f"{level} [{source}] {message}\n"
        for stamp, level, source, message in rows
    )


async def open_text_export(
    db: Database,
    *,
    actor: User,
    experiment_id: uuid.UUID,
    after: int | None = None,
    levels: Sequence[LogLevel] | None = None,
    search: str | None = None,
) -> AsyncIterator[str]:
    """Check the caller may read the experiment now; return the export's chunks.

    The check runs before anything is sent, so a refusal is an ordinary error answer;
    the returned iterator opens its own session and holds it while it is consumed.
    """
    check_page_args(after, 0, search)
    async with db.reader() as session:
        await get_experiment(session, actor=actor, experiment_id=experiment_id)
    return stream_text(db, experiment_id=experiment_id, after=after, levels=levels, search=search)


async def stream_text(
    db: Database,
    *,
    experiment_id: uuid.UUID,
    after: int | None = None,
    levels: Sequence[LogLevel] | None = None,
    search: str | None = None,
    chunk_rows: int = EXPORT_CHUNK_ROWS,
    chunk_bytes: int = EXPORT_CHUNK_BYTES,
) -> AsyncIterator[str]:
    """The log (all of it unless filtered) as text chunks, read a page at a time.

    Each chunk is a page bounded like any other (``bounded_page``: ``chunk_rows`` lines,
    messages up to the line crossing ``chunk_bytes``), so memory stays flat whatever the
    size of the log or of its lines. The lines are those committed when the export
    started: sequence numbers are handed out in commit order, so those up to the
    experiment's ``log_seq`` read then.
    """
    async with db.reader() as session:
        last = await session.scalar(
            select(Experiment.log_seq).where(Experiment.id == experiment_id)
        )
        cursor = after
        while True:
            query = _filtered(
                experiment_id, cursor, levels, search, (*_EXPORT_COLUMNS, log_lines.c.seq)
            ).where(log_lines.c.seq <= (last or 0))
            rows = (await session.execute(bounded_page(query, chunk_rows, chunk_bytes))).all()
            page = within(rows, chunk_rows, chunk_bytes)
            if page:
                yield format_lines(
                    (row.timestamp, row.level, row.source, row.message) for row in page
                )
            if len(page) == len(rows):
                return
            cursor = page[-1].seq
