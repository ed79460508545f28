"""Background jobs that run on one replica at a time.

``LeaderLock`` decides which process is the leader for a named job. On PostgreSQL it is a
session-level advisory lock (``pg_try_advisory_lock``) held on a dedicated connection for
as long as this process leads: the lock lives exactly as long as that database session, so
a crashed or partitioned replica loses it when the server drops its connection, and another
replica takes over on its next attempt. Every ``acquire()`` re-checks that the lock is still
held on a live connection; if not, leadership is dropped and tried for afresh. SQLite is
one process by design, so there the lock is an in-process one, keyed by database and name.

``PeriodicJob`` runs a coroutine function every ``interval_seconds`` while this process is
the leader for its name. A failing run is logged and the loop carries on.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import weakref
from collections.abc import Awaitable, Callable

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from app.background import BackgroundLoop, Loop
from app.db import Database

log = logging.getLogger("expsvc.leader")

KEY_NAMESPACE = "expsvc:"
CHECK_TIMEOUT_SECONDS = 10.0

_TRY_LOCK = text("SELECT pg_try_advisory_lock(:key)")
_UNLOCK = text("SELECT pg_advisory_unlock(:key)")
# True only while this very backend holds the lock (a bigint key is split into two oids)
_STILL_HELD = text(
    "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory'"
    " AND pid = pg_backend_pid() AND granted AND objsubid = 1"
    " AND classid = CAST(:classid AS oid) AND objid = CAST(:objid AS oid))"
)

# In-process holders for backends without advisory locks: (database url, name) → lock.
# Weak, so a lock that is dropped without ``release()`` does not hold its name forever.
_LOCAL_HOLDERS: weakref.WeakValueDictionary[tuple[str, str], LeaderLock] = (
    weakref.WeakValueDictionary()
)


def lock_key(name: str) -> int:
    """A stable signed 64-bit advisory lock key for a job name (the same on every replica)."""
    digest = hashlib.blake2b((KEY_NAMESPACE + name).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def _split_key(key: int) -> tuple[int, int]:
    """The (classid, objid) pair ``pg_locks`` shows for a bigint advisory key."""
    unsigned = key & 0xFFFF_FFFF_FFFF_FFFF
    return unsigned >> 32, unsigned & 0xFFFF_FFFF


class LeaderLock:
    """Non-blocking leadership for one named job; see the module docstring."""

    def __init__(self, db: Database, name: str) -> None:
        self.db = db
        self.name = name
        self.key = lock_key(name)
        self._connection: AsyncConnection | None = None
        self._local = False
        self._guard = asyncio.Lock()

    @property
    def is_leader(self) -> bool:
        """Whether this process held the lock at the last ``acquire()``."""
        return self._connection is not None or self._local

    @property
    def _uses_advisory_lock(self) -> bool:
        return self.db.dialect == "postgresql"

    async def acquire(self) -> bool:
        """Become (or stay) the leader if nobody else is; never waits for another holder."""
        async with self._guard:
            if not self._uses_advisory_lock:
                return self._acquire_local()
            if self._connection is not None:
                if await self._still_held(self._connection):
                    return True
                log.warning("leadership of %s lost; trying to take it again", self.name)
                await self._discard_connection()
            return await self._try_advisory_lock()

    async def release(self) -> None:
        """Give up leadership (no-op when not the leader)."""
        async with self._guard:
            if self._local:
                _LOCAL_HOLDERS.pop(self._local_key, None)
                self._local = False
            if self._connection is not None:
                await self._unlock_and_close(self._connection)
                self._connection = None

    # --- in process ----------------------------------------------------------------------

    @property
    def _local_key(self) -> tuple[str, str]:
        return (self.db.url, self.name)

    def _acquire_local(self) -> bool:
        holder = _LOCAL_HOLDERS.setdefault(self._local_key, self)
        self._local = holder is self
        return self._local

    # --- PostgreSQL ----------------------------------------------------------------------

    async def _try_advisory_lock(self) -> bool:
        connection = await self.db.engine.connect()
        try:
            # Autocommit: the session holds the lock without sitting idle in a transaction
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            acquired = bool(await connection.scalar(_TRY_LOCK, {"key": self.key}))
        except BaseException:
            await _close_quietly(connection, invalidate=True)
            raise
        if not acquired:
            await _close_quietly(connection)
            return False
        self._connection = connection
        log.info("leadership of %s acquired", self.name)
        return True

    async def _still_held(self, connection: AsyncConnection) -> bool:
        classid, objid = _split_key(self.key)
        try:
            async with asyncio.timeout(CHECK_TIMEOUT_SECONDS):
                held = await connection.scalar(_STILL_HELD, {"classid": classid, "objid": objid})
        except Exception as exc:  # a dropped connection means the lock is gone with it
            log.warning("leader connection for %s failed its check: %s", self.name, exc)
            return False
        return bool(held)

    async def _discard_connection(self) -> None:
        if self._connection is not None:
            await _close_quietly(self._connection, invalidate=True)
            self._connection = None

    async def _unlock_and_close(self, connection: AsyncConnection) -> None:
        try:
            async with asyncio.timeout(CHECK_TIMEOUT_SECONDS):
                await connection.scalar(_UNLOCK, {"key": self.key})
        except Exception as exc:  # closing the session below releases the lock anyway
            log.warning("unlocking %s failed (%s); dropping its connection", self.name, exc)
            await _close_quietly(connection, invalidate=True)
            return
        await _close_quietly(connection)
        log.info("leadership of %s released", self.name)


async def _close_quietly(connection: AsyncConnection, *, invalidate: bool = False) -> None:
    """Return the connection to the pool, or with ``invalidate`` throw it away.

    Invalidating closes the database session itself, which releases any lock it held, so a
    connection in doubt never goes back to the pool still holding the lock.
    """
    try:
        if invalidate:
            await connection.invalidate()
        await connection.close()
    except Exception as exc:
        log.warning("closing a leader connection failed: %s", exc)


class PeriodicJob(BackgroundLoop):
    """Run ``run()`` every ``interval_seconds`` on whichever replica holds ``lock``."""

    def __init__(
        self,
        name: str,
        interval_seconds: float,
        run: Callable[[], Awaitable[object]],
        lock: LeaderLock,
    ) -> None:
        self.name = name
        self.interval_seconds = interval_seconds
        self.run = run
        self.lock = lock
        self.runs = 0
        self.failures = 0
        self._tasks = []

    def _loops(self) -> dict[str, Loop]:
        return {f"job:{self.name}": self._loop}  # the first tick is immediate

    async def _after_stop(self, *, started: bool) -> None:
        """Give up leadership."""
        try:
            await self.lock.release()
        except Exception as exc:
            log.warning("job %s: releasing its lock failed: %s", self.name, exc)

    async def tick(self) -> bool:
        """One cycle: take or confirm leadership, and run if leader. True if it ran.

        ``runs`` counts every run, ``failures`` those that raised.
        """
        try:
            leader = await self.lock.acquire()
        except Exception:
            log.exception("job %s: leadership check failed", self.name)
            return False
        if not leader:
            return False
        try:
            await self.run()
        except Exception:
            self.failures += 1
            log.exception("job %s: run failed", self.name)
        self.runs += 1
        return True

    async def _loop(self) -> None:
        while True:
            await self.tick()
            await asyncio.sleep(self.interval_seconds)
