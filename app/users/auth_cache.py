"""Who a token belongs to, remembered for a few seconds; and when it was last used.

Every REST call and GraphQL operation authenticates; a training script posting a batch
every few milliseconds would otherwise pay a database round trip each time for the same
answer. Entries live ``ttl`` seconds (``EXPSVC_AUTH_CACHE_TTL_SECONDS``, default 10), or
until the token expires if that is sooner, and the cache is bounded; only successful
lookups are kept. So a change made elsewhere — a token revoked on another replica or with
the CLI, a changed role — is seen here at most ``ttl`` seconds later; a revocation made
through this process (``api_tokens.revoke_api_token``) drops its entry at once.

A token's ``last_used_at`` is written at most once per ``LAST_USED_RESOLUTION`` per token by
this process, by a background task the request never waits for; the UPDATE is conditional
(``WHERE last_used_at <= now - resolution``), so replicas do not rewrite each other's.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from cachetools import LRUCache

from app.db import Database
from app.errors import Unauthenticated
from app.models import User
from app.models.base import utcnow
from app.users.api_tokens import LAST_USED_RESOLUTION, touch_last_used
from app.users.service import credential
from app.users.tokens import hash_token
from app.validation import text_problem

log = logging.getLogger(__name__)


@dataclass
class _Entry:
    until: datetime  # the TTL's end, or the token's expiry if sooner
    user: User
    token_id: uuid.UUID
    use_due: datetime  # when a use is worth recording again (a minute after the last one)


class AuthCache:
    def __init__(
        self,
        db: Database,
        *,
        ttl: float = 10.0,
        size: int = 10_000,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.db = db
        self.ttl = ttl
        self.size = size
        self.clock = clock
        self._entries: LRUCache[str, _Entry] = LRUCache(size)
        self._writes: set[asyncio.Task[None]] = set()

    async def user(
        self, token: str | None, *, guard: Callable[[], Awaitable[None]] | None = None
    ) -> User:
        """The token's user; ``UNAUTHENTICATED`` for none or a bad, revoked or expired one.
        ``guard`` is awaited before a database lookup (not for a remembered token): the rate
        limits refuse there an address that sent too many bad tokens."""
        if not token or text_problem(token):  # a NUL or lone surrogate is no token of ours
            raise Unauthenticated()
        key = hash_token(token)
        now = self.clock()
        entry = self._entries.get(key)  # a hit is the most recently used
        if entry is not None and now < entry.until:
            if now >= entry.use_due:
                self._record_use(entry, now)
            return entry.user
        if guard is not None:
            await guard()
        async with self.db.reader() as session:
            found = await credential(session, token, now)
        until = now + timedelta(seconds=self.ttl)
        if found.expires_at is not None:
            until = min(until, found.expires_at)
        if entry is not None:
            use_due = entry.use_due
        elif found.last_used_at is not None:
            use_due = found.last_used_at + LAST_USED_RESOLUTION
        else:
            use_due = now
        entry = _Entry(until, found.user, found.token_id, use_due)
        self._entries[key] = entry
        if now >= entry.use_due:
            self._record_use(entry, now)
        return found.user

    def forget(self, token_hash: str) -> None:
        """Drop a token's entry (it was just revoked): its next use looks it up again."""
        self._entries.pop(token_hash, None)

    def clear(self) -> None:
        self._entries.clear()

    def _record_use(self, entry: _Entry, now: datetime) -> None:
        """Write ``last_used_at`` in the background; the request never waits for it."""
        entry.use_due = now + LAST_USED_RESOLUTION
        # A context of its own: the write belongs to no request (nor to its statement counts)
        task = asyncio.get_running_loop().create_task(
            self._write_use(entry.token_id, now), context=contextvars.Context()
        )
        self._writes.add(task)
        task.add_done_callback(self._writes.discard)

    async def _write_use(self, token_id: uuid.UUID, now: datetime) -> None:
        try:
            async with self.db.unit_of_work() as session:
                await touch_last_used(session, token_id=token_id, now=now)
        except Exception:  # a lost "last used" is no reason to fail anything
            log.warning("could not record the use of token %s", token_id, exc_info=True)

    async def drain(self) -> None:
        """Wait for the ``last_used_at`` writes under way (tests, shutdown)."""
        while self._writes:
            await asyncio.gather(*list(self._writes), return_exceptions=True)
