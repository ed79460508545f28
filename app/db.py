"""The engine, the session factory and the unit of work.

Services only ``flush()``; the edge (a GraphQL mutation, a REST handler, a background job)
opens a unit of work that commits on success and rolls back on error.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from app.errors import ValidationFailed

T = TypeVar("T")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_transactions(engine: AsyncEngine, begin: str) -> None:
    """Take transactions from pysqlite's hands: it would only BEGIN before a write, so two
    SELECTs of one "transaction" could see different data. ``begin`` is what we emit."""

    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        _sqlite_pragmas(dbapi_connection, _record)
        dbapi_connection.isolation_level = None

    def on_begin(connection: Any) -> None:
        connection.exec_driver_sql(begin)

    event.listen(engine.sync_engine, "connect", on_connect)
    event.listen(engine.sync_engine, "begin", on_begin)


def make_engine(url: str, *, sqlite_begin: str = "BEGIN", **kwargs: Any) -> AsyncEngine:
    """Create the async engine; for SQLite make the folder, set safe pragmas and real
    transactions (``sqlite_begin`` is ``BEGIN`` or ``BEGIN IMMEDIATE``)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, **kwargs)
        _sqlite_transactions(engine, sqlite_begin)
        return engine
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    # recycle rather than ping before every checkout: a ping is a round trip per request
    kwargs.setdefault("pool_recycle", 1800)
    kwargs["connect_args"] = _without_jit(kwargs.get("connect_args", {}))
    return create_async_engine(url, **kwargs)


def _without_jit(connect_args: dict[str, Any]) -> dict[str, Any]:
    """asyncpg's arguments with PostgreSQL's JIT off for every connection (unless the
    caller set ``jit`` itself). The service's statements are short reads and writes; on the
    metric reads the planner cannot see how few rows a range holds and JIT-compiled a
    ~100 ms read for ~350 ms. Set when the connection opens, it costs no statement."""
    settings = {"jit": "off", **connect_args.get("server_settings", {})}
    return {**connect_args, "server_settings": settings}


def _connection_spoilt(error: BaseException) -> bool:
    """Whether a connection that raised ``error`` may be in an unknown state: anything but
    an error the server reported for the statement alone (which leaves it idle)."""
    import asyncpg

    if not isinstance(error, asyncpg.PostgresError):
        return True  # cancelled, the socket failed, an interface error
    return isinstance(
        error, asyncpg.PostgresConnectionError | asyncpg.exceptions.OperatorInterventionError
    )


# SQLSTATEs of a value PostgreSQL cannot take (data exceptions the caller's input caused)
_REFUSED_VALUES = {
    "22021": "text must not contain NUL characters",  # character_not_in_repertoire
    "22003": "a number is out of range",  # numeric_value_out_of_range
    "22008": "a time is out of range",  # datetime_field_overflow
}


def _refused_value(error: BaseException) -> ValidationFailed | None:
    """The backstop behind ``app.validation``: input that reached the database though no
    rule caught it is still ``VALIDATION_FAILED``, never an internal error."""
    if isinstance(error, DBAPIError):
        message = _REFUSED_VALUES.get(getattr(error.orig, "sqlstate", None) or "")
        if message is not None:
            return ValidationFailed({"input": message})
    return None


# ``session.info`` flag set by ``note_outbox_write``
OUTBOX_WRITTEN = "outbox_written"


def note_outbox_write(session: AsyncSession) -> None:
    """The session wrote outbox rows: its commit wakes the outbox consumers. Only such
    commits do — were every commit to wake them, consumers committing their own progress
    would wake each other in a loop."""
    session.info[OUTBOX_WRITTEN] = True


class Database:
    """The engine and session factories; the app holds exactly one.

    On SQLite, writers and readers get separate engines: a unit of work starts with
    ``BEGIN IMMEDIATE`` (writers queue for the lock up front, instead of failing when a
    read turns into a write), a reader with a plain ``BEGIN`` (a consistent snapshot that
    never blocks writers in WAL mode). PostgreSQL needs one engine for both.
    """

    def __init__(self, url: str, **engine_kwargs: Any) -> None:
        self.url = url
        self.engine = make_engine(url, sqlite_begin="BEGIN IMMEDIATE", **engine_kwargs)
        self.read_engine = (
            make_engine(url, **engine_kwargs)
            if self.engine.dialect.name == "sqlite"
            else self.engine
        )
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        # Called after a unit of work that wrote outbox rows commits (wakes the consumers)
        self.after_outbox_commit: list[Callable[[], None]] = []
        self.read_sessions = async_sessionmaker(self.read_engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @asynccontextmanager
    async def unit_of_work(self) -> AsyncIterator[AsyncSession]:
        """A session whose transaction commits when the block succeeds."""
        async with self.sessions() as session:
            try:
                yield session
                await session.commit()
            except BaseException as error:
                await session.rollback()
                refused = _refused_value(error)
                if refused is not None:
                    raise refused from error
                raise
            wrote_outbox = session.info.pop(OUTBOX_WRITTEN, False)
        if wrote_outbox:
            for callback in self.after_outbox_commit:
                callback()

    @asynccontextmanager
    async def autocommit_driver(self) -> AsyncIterator[Any]:
        """A pooled asyncpg connection outside any transaction (PostgreSQL only): each
        statement sent on it is a transaction of its own, committed when it ends. For a
        hot path that fits in one statement, it saves BEGIN and COMMIT round trips."""
        async with self.engine.connect() as connection:
            raw = await connection.get_raw_connection()
            driver: Any = raw.driver_connection
            if driver.is_in_transaction():
                raise RuntimeError("a pooled connection came back inside a transaction")
            try:
                yield driver
            except BaseException as error:
                # SQLAlchemy never saw the statement: it is told here when the connection
                # must not go back to the pool (lost, shut down, or cut off mid-statement)
                if _connection_spoilt(error) or driver.is_closed():
                    await connection.invalidate()
                raise

    @asynccontextmanager
    async def reader(self) -> AsyncIterator[AsyncSession]:
        """A session for reads only; one snapshot for all its statements on SQLite."""
        async with self.read_sessions() as session:
            try:
                yield session
            except DBAPIError as error:
                refused = _refused_value(error)
                if refused is not None:
                    raise refused from error
                raise

    async def dispose(self) -> None:
        await self.engine.dispose()
        if self.read_engine is not self.engine:
            await self.read_engine.dispose()


def dialect_insert(session: AsyncSession, table: Any) -> Any:
    """An INSERT with the dialect's ``on_conflict_*`` methods (PostgreSQL or SQLite)."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


# Rows a COPY encodes between two turns of the event loop (``in_turns``)
COPY_ROWS_PER_TURN = 1000


async def in_turns(rows: Iterable[T], per_turn: int = COPY_ROWS_PER_TURN) -> AsyncIterator[T]:
    """``rows`` as an async iterable that gives the event loop a turn every ``per_turn``
    rows. asyncpg's ``copy_records_to_table`` builds and encodes a list of records in one
    go — ~30 ms of the loop for 10,000 log lines; given this it takes them row by row, and
    other requests run between the turns. The rows are made as they are taken."""
    for index, row in enumerate(rows, start=1):
        yield row
        if index % per_turn == 0:
            await asyncio.sleep(0)


async def asyncpg_connection(session: AsyncSession) -> Any:
    """The asyncpg connection under ``session``, inside the session's transaction.

    SQLAlchemy's asyncpg adapter opens the database transaction lazily, on its first
    statement; a statement sent straight to asyncpg before that would run (and commit) on
    its own. So the transaction is started here if it is not yet (the adapter's
    ``_start_transaction``: no public API does it without a round trip), and checked.
    """
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    adapter: Any = raw.dbapi_connection
    driver: Any = raw.driver_connection
    if not driver.is_in_transaction():
        await adapter._start_transaction()
    if not driver.is_in_transaction():
        raise RuntimeError("the session's asyncpg connection is not in a transaction")
    return driver
