"""Who a token belongs to, remembered for a few seconds.

Every REST call and GraphQL operation authenticates; a training script posting a batch
every few milliseconds would otherwise pay a database round trip each time for the same
answer. Entries live ``ttl`` seconds (a changed role is seen that much later) and the
cache is bounded; only successful lookups are kept.
"""

from __future__ import annotations

import time
from collections import OrderedDict

from app.db import Database
from app.errors import Unauthenticated
from app.models import User
from app.users.service import authenticate
from app.users.tokens import hash_token
from app.validation import text_problem


class AuthCache:
    def __init__(self, db: Database, *, ttl: float = 10.0, size: int = 10_000) -> None:
        self.db = db
        self.ttl = ttl
        self.size = size
        self._entries: OrderedDict[str, tuple[float, User]] = OrderedDict()

    async def user(self, token: str | None) -> User:
        """The token's user; ``UNAUTHENTICATED`` for none or a bad one."""
        if not token or text_problem(token):  # a NUL or lone surrogate is no token of ours
            raise Unauthenticated()
        key = hash_token(token)
        now = time.monotonic()
        hit = self._entries.get(key)
        if hit is not None and now - hit[0] < self.ttl:
            self._entries.move_to_end(key)
            return hit[1]
        async with self.db.reader() as session:
            found = await authenticate(session, token)
        self._entries[key] = (now, found)
        self._entries.move_to_end(key)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)
        return found

    def clear(self) -> None:
        self._entries.clear()
