"""How many websockets one token and one client address may hold open, in this process.

Counted per process (a replica knows only its own sockets): behind N replicas a client may
hold up to N times the limits.
"""

from __future__ import annotations

import hashlib
from collections import Counter


class ConnectionLimits:
    def __init__(self, *, per_token: int, per_address: int) -> None:
        self.per_token = per_token
        self.per_address = per_address
        self._tokens: Counter[str] = Counter()
        self._addresses: Counter[str] = Counter()

    @staticmethod
    def token_key(token: str) -> str:
        """Tokens are counted by their SHA-256, so none is kept in the table."""
        return hashlib.sha256(token.encode()).hexdigest()

    def claim_address(self, address: str) -> bool:
        return self._claim(self._addresses, address, self.per_address)

    def release_address(self, address: str) -> None:
        self._release(self._addresses, address)

    def claim_token(self, key: str) -> bool:
        return self._claim(self._tokens, key, self.per_token)

    def release_token(self, key: str) -> None:
        self._release(self._tokens, key)

    def open_for(self, *, address: str | None = None, token_key: str | None = None) -> int:
        if address is not None:
            return self._addresses[address]
        return self._tokens[token_key or ""]

    @staticmethod
    def _claim(counts: Counter[str], key: str, limit: int) -> bool:
        if counts[key] >= limit:
            return False
        counts[key] += 1
        return True

    @staticmethod
    def _release(counts: Counter[str], key: str) -> None:
        counts[key] -= 1
        if counts[key] <= 0:
            del counts[key]
