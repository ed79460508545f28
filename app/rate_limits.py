"""Rate limits per token and route class; per client address without a valid token.

What a request costs is decided here, once, for every transport:

- **reads** (``EXPSVC_RATE_LIMIT_READS_PER_MINUTE``): a REST or MLflow GET (and the POSTs
  that only read, marked on their endpoint: compare, MLflow's searches), a GraphQL query,
  a subscription's start (its events are free; a websocket's ``connection_init`` is not
  counted);
- **mutations** (``…_MUTATIONS_PER_MINUTE``): every other write, one per GraphQL mutation
  operation (unless all its fields are batches);
- **ingest** (``…_INGEST_POINTS_PER_SECOND``): the metric points and log lines of a batch
  (REST ``…/metrics``, ``…/metrics/batch``, ``…/logs``; GraphQL ``logMetrics``,
  ``logMessages``; MLflow ``runs/log-batch``, ``runs/log-metric``), counted once the batch
  is parsed and before anything is written, so a refused batch writes nothing;
- **unauthenticated** (``…_UNAUTHENTICATED_PER_MINUTE``), per client address: a request
  without a token or with a bad one. Once an address has used its allowance, a token that
  is not already known good is refused before it is looked up, so a guessing loop gets
  ``RATE_LIMITED`` — whether its guess was right or not — and never reaches the database.

Health, readiness, ``/metrics``, the console's files and the REST API's own documents are
not limited. Refusals are counted on ``/metrics`` (``expsvc_rate_limited_total{limit}``).
Each transport has one seam that asks ``RateLimits``: REST
``app/rest/endpoints.py``, the MLflow API ``app/mlflow_api/app.py``, GraphQL
``schema/rate_limits.py`` (and ``Context.charge_ingest`` in the batch resolvers).

Each (class, caller) is a token bucket holding one period's allowance (a minute of reads,
a second of points) and refilled continuously. A request needs ``min(cost, allowance)``
in the bucket and takes its whole cost (the bucket may go below zero, so a batch larger
than a second's allowance still goes, and the rate holds over time). A refusal says how
long until it would pass: ``RateLimited.retry_after``, sent as ``Retry-After``. With Redis
the buckets are hashes under ``<EXPSVC_REDIS_KEY_PREFIX>ratelimit:`` updated by one Lua
script (atomic, on Redis's clock, so replicas share them) that expire once refilled; without,
a dict in the process, swept of refilled buckets every minute. If Redis cannot be reached
the request is let through (logged): the limits protect the service, they must not stop it.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol

from prometheus_client import Counter as PrometheusCounter
from starlette.requests import HTTPConnection

from app.config import Settings
from app.errors import DomainError, RateLimited, Unauthenticated
from app.users.tokens import hash_token

if TYPE_CHECKING:
    import redis.asyncio as redis

    from app.models import User
    from app.users.auth_cache import AuthCache

log = logging.getLogger("expsvc.rate_limits")

REFUSED = PrometheusCounter(
    "expsvc_rate_limited", "Requests refused by the rate limits, by limit", ["limit"]
)


class RouteClass(StrEnum):
    READ = "reads"
    MUTATION = "mutations"
    INGEST = "ingest"
    UNAUTHENTICATED = "unauthenticated"


READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# GraphQL mutation fields that are batches: charged by their points, not as a mutation
GRAPHQL_INGEST_FIELDS = frozenset({"logMetrics", "logMessages", "__typename"})


def method_class(method: str) -> RouteClass:
    """A REST or MLflow route's class from its method (endpoints may say otherwise)."""
    return RouteClass.READ if method.upper() in READ_METHODS else RouteClass.MUTATION


def operation_class(operation: str, fields: list[str]) -> RouteClass | None:
    """A GraphQL operation's class (``query``, ``mutation``, ``subscription``) from its
    top-level field names; None for a mutation of batches only (charged by their points)."""
    if operation != "mutation":
        return RouteClass.READ
    if fields and all(name in GRAPHQL_INGEST_FIELDS for name in fields):
        return None
    return RouteClass.MUTATION


def ingest_cost(points: int) -> int:
    """A batch costs its points (or lines); an empty one still costs one."""
    return max(1, points)


@dataclass(frozen=True)
class Allowance:
    amount: int  # the bucket's size: what one period allows
    period: float  # seconds

    @property
    def rate(self) -> float:
        return self.amount / self.period


def allowances(settings: Settings) -> dict[RouteClass, Allowance | None]:
    def per(amount: int, period: float) -> Allowance | None:
        return Allowance(amount, period) if amount > 0 else None

    return {
        RouteClass.READ: per(settings.rate_limit_reads_per_minute, 60.0),
        RouteClass.MUTATION: per(settings.rate_limit_mutations_per_minute, 60.0),
        RouteClass.INGEST: per(settings.rate_limit_ingest_points_per_second, 1.0),
        RouteClass.UNAUTHENTICATED: per(settings.rate_limit_unauthenticated_per_minute, 60.0),
    }


class Counter(Protocol):
    async def take(self, key: str, cost: int, allowance: Allowance) -> float:
        """Take ``cost`` from the bucket at ``key``: 0 when taken, else the seconds until
        it could be (nothing taken). A cost of 0 only asks whether one would pass."""
        ...


@dataclass
class _Bucket:
    tokens: float
    at: float
    full_at: float


class MemoryCounter:
    """Buckets in this process (no Redis): a replica counts only what it serves."""

    SWEEP_SECONDS = 60.0

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.buckets: dict[str, _Bucket] = {}
        self._next_sweep = 0.0

    async def take(self, key: str, cost: int, allowance: Allowance) -> float:
        now = self.clock()
        burst, rate = allowance.amount, allowance.rate
        bucket = self.buckets.get(key)
        tokens = burst if bucket is None else min(burst, bucket.tokens + (now - bucket.at) * rate)
        need = max(1, min(cost, burst))
        if tokens < need:
            return (need - tokens) / rate
        if cost > 0:
            tokens -= cost
            self.buckets[key] = _Bucket(tokens, now, now + (burst - tokens) / rate)
            if now >= self._next_sweep:
                self._sweep(now)
        return 0.0

    def _sweep(self, now: float) -> None:
        """Forget refilled buckets: a missing bucket is a full one."""
        self._next_sweep = now + self.SWEEP_SECONDS
        for key in [key for key, bucket in self.buckets.items() if bucket.full_at <= now]:
            del self.buckets[key]


# KEYS[1]: the bucket (a hash: tokens, at). ARGV: cost, amount, rate (per second).
# Returns "0" when taken, else the seconds to wait, as text (Lua numbers would be cut to
# integers). Redis's clock, so every replica sees the same time; a script that reads TIME
# and then writes must be replicated by its effects (always so from Redis 7; asked for
# before it, where replicate_commands exists).
TAKE_SCRIPT = """
if redis.replicate_commands then redis.replicate_commands() end
local cost = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local rate = tonumber(ARGV[3])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1])
if tokens == nil then
  tokens = burst
else
  tokens = math.min(burst, tokens + math.max(0, now - tonumber(state[2])) * rate)
end
local need = math.max(1, math.min(cost, burst))
if tokens < need then
  return tostring((need - tokens) / rate)
end
if cost > 0 then
  tokens = tokens - cost
  redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
  redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) / rate * 1000) + 1000)
end
return '0'
"""


class RedisCounter:
    """Buckets in Redis, shared by every replica; each expires once it would be full."""

    def __init__(self, client: redis.Redis, prefix: str) -> None:
        self.client = client
        self.prefix = prefix + "ratelimit:"
        self._script = client.register_script(TAKE_SCRIPT)
        self._warned_at = -math.inf

    async def take(self, key: str, cost: int, allowance: Allowance) -> float:
        try:
            answer = await self._script(
                keys=[self.prefix + key], args=[cost, allowance.amount, repr(allowance.rate)]
            )
        except Exception:  # Redis down or slow: let the request through
            now = time.monotonic()
            if now - self._warned_at > 60:
                self._warned_at = now
                log.warning("rate limits not counted: Redis failed", exc_info=True)
            return 0.0
        return float(answer)


@dataclass(frozen=True)
class Caller:
    """An authenticated caller and the name its buckets go by."""

    user: User
    key: str


def token_key(token: str) -> str:
    return "t:" + hash_token(token)[:32]


def address_key(address: str) -> str:
    return "a:" + address


def client_address(connection: HTTPConnection) -> str:
    """The peer's address (behind a proxy, what uvicorn's proxy headers make of it)."""
    client = connection.client
    return client.host if client else ""


def retry_after_headers(error: DomainError) -> dict[str, str] | None:
    if isinstance(error, RateLimited) and error.retry_after is not None:
        return {"Retry-After": str(error.retry_after)}
    return None


class RateLimits:
    def __init__(self, settings: Settings, counter: Counter | None = None) -> None:
        self.counter: Counter = counter or MemoryCounter()
        self.allowances = allowances(settings)

    async def charge(self, who: str, kind: RouteClass, cost: int = 1) -> None:
        """Take ``cost`` from ``who``'s bucket of ``kind``, or raise ``RATE_LIMITED``."""
        allowance = self.allowances[kind]
        if allowance is None:
            return
        wait = await self.counter.take(f"{kind.value}:{who}", cost, allowance)
        if wait > 0:
            REFUSED.labels(kind.value).inc()
            raise _refusal(kind, allowance, wait)

    async def caller(self, auth: AuthCache, token: str | None, address: str) -> Caller:
        """The token's caller. No token or a bad one is ``UNAUTHENTICATED`` and costs the
        address one unauthenticated request (``RATE_LIMITED`` once they are used up, and
        then a token not known good is not even looked up)."""
        if not token:
            await self.charge(address_key(address), RouteClass.UNAUTHENTICATED)
            raise Unauthenticated()

        async def address_not_refused() -> None:
            await self.charge(address_key(address), RouteClass.UNAUTHENTICATED, 0)

        guard = address_not_refused if self.allowances[RouteClass.UNAUTHENTICATED] else None
        try:
            user = await auth.user(token, guard=guard)
        except Unauthenticated:
            await self.charge(address_key(address), RouteClass.UNAUTHENTICATED)
            raise
        return Caller(user, token_key(token))


_WHAT = {
    RouteClass.READ: "reads a minute for this token",
    RouteClass.MUTATION: "mutations a minute for this token",
    RouteClass.INGEST: "points a second for this token",
    RouteClass.UNAUTHENTICATED: "requests a minute without a valid token from this address",
}


def _refusal(kind: RouteClass, allowance: Allowance, wait: float) -> RateLimited:
    retry_after = max(1, math.ceil(wait))
    return RateLimited(
        f"rate limit: at most {allowance.amount:,} {_WHAT[kind]}; retry in {retry_after} s",
        details={
            "limit": kind.value,
            "allowance": allowance.amount,
            "retry_after_seconds": retry_after,
        },
        retry_after=retry_after,
    )
