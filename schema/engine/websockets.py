"""Websockets on ``/graphql``: who may connect, how long a socket may idle, keep-alive.

This module is the one boundary where strawberry's websocket handlers are extended: it
subclasses strawberry 0.341's protocol handlers (``BaseGraphQLTransportWSHandler``,
``BaseGraphQLWSHandler``) and reads their state (``operations``, ``tasks``,
``connection_init_received``, ``connection_init_timeout_task``, ``connection_acknowledged``)
and ``ASGIWebSocketAdapter.ws`` (``tests/live/test_ws_admission.py`` holds them to the
behaviour). Admission and the limits are not switchable tricks; only the direct live
delivery below is (off with the tricks):

- **Admission at ``connection_init``**: the token (the ``Authorization`` of the payload, or
  of the upgrade request) is authenticated before any ``connection_ack``. Missing → close
  4401 ``Unauthorized``, invalid → close 4403 ``Forbidden`` (graphql-transport-ws); the
  legacy graphql-ws protocol gets a ``connection_error`` carrying the ``UNAUTHENTICATED``
  error, then the same close. More sockets for one token than
  ``EXPSVC_WS_MAX_CONNECTIONS_PER_TOKEN`` (or from one address than
  ``EXPSVC_WS_MAX_CONNECTIONS_PER_ADDRESS``) → close 1013 ``Try Again Later``.
- **Idle limits**: no ``connection_init`` within ``EXPSVC_WS_CONNECTION_INIT_TIMEOUT_SECONDS``
  → close 4408 (both protocols); no operation running for ``EXPSVC_WS_IDLE_TIMEOUT_SECONDS``
  → close 1000 ``Idle``.
- **Message size**: a message over ``EXPSVC_MAX_REQUEST_BYTES`` → close 1009.
- **Keep-alive**: the server pings graphql-transport-ws clients after each keep-alive
  interval in which it sent them nothing (graphql-ws clients get strawberry's own "ka"
  messages), so idle connections through proxies stay open and dead peers are noticed.
- **Direct live delivery**: each operation's task starts by naming its ``Outlet``
  (``schema/engine/live_delivery.py``), so shared live events can be written to the socket without
  strawberry's per-event path (``run_operation`` and ``handle_async_results`` are extended,
  not replaced).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncGenerator, Awaitable, Callable, Coroutine
from dataclasses import dataclass
from json import JSONDecodeError
from typing import Any, Protocol, cast

from graphql import GraphQLFormattedError
from starlette.websockets import WebSocketDisconnect, WebSocketState
from strawberry.asgi import ASGIWebSocketAdapter
from strawberry.http.exceptions import NonJsonMessageReceived, NonTextMessageReceived
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
    Operation,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import (
    ConnectionInitMessage,
    SubscribeMessage,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import (
    ErrorMessage as TransportErrorMessage,
)
from strawberry.subscriptions.protocols.graphql_ws.handlers import BaseGraphQLWSHandler
from strawberry.subscriptions.protocols.graphql_ws.types import (
    ConnectionInitMessage as LegacyConnectionInitMessage,
)
from strawberry.subscriptions.protocols.graphql_ws.types import ErrorMessage, StartMessage

from app.config import Settings
from app.errors import DomainError, RateLimited, Unauthenticated
from schema.context import Context
from schema.engine.live_delivery import serve_operation
from schema.engine.tricks import tricks_on
from schema.errors import error_entry
from schema.ws_limits import ConnectionLimits

CLOSE_NORMAL = 1000
CLOSE_MESSAGE_TOO_BIG = 1009
CLOSE_TRY_AGAIN_LATER = 1013
CLOSE_UNAUTHORIZED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_INIT_TIMEOUT = 4408


class WebSocketPolicy:
    """The settings and the per-process connection counts every socket answers to."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.limits = ConnectionLimits(
            per_token=settings.ws_max_connections_per_token,
            per_address=settings.ws_max_connections_per_address,
        )


class _HasPolicy(Protocol):
    ws_policy: WebSocketPolicy


def policy_of(view: object) -> WebSocketPolicy:
    return cast(_HasPolicy, view).ws_policy


@dataclass(frozen=True)
class Refusal:
    close_code: int
    reason: str
    error: DomainError


class Admission:
    """One socket's admission: authenticates at ``connection_init`` and holds the socket's
    place in its token's count until the socket ends."""

    def __init__(self, policy: WebSocketPolicy) -> None:
        self.policy = policy
        self.token_key: str | None = None
        self.last_active = time.monotonic()

    async def admit(self, context: Context, payload: dict[str, Any]) -> Refusal | None:
        if self.token_key is not None:
            return None  # a second connection_init (graphql-ws allows it): already in
        context.connection_params = payload
        token = context.connection_token()
        if token is None:
            error = Unauthenticated("a token is required in the connection_init payload")
            return Refusal(CLOSE_UNAUTHORIZED, "Unauthorized", error)
        try:
            await context.actor()
        except Unauthenticated as exc:
            return Refusal(CLOSE_FORBIDDEN, "Forbidden", exc)
        key = self.policy.limits.token_key(token)
        if not self.policy.limits.claim_token(key):
            limit = self.policy.limits.per_token
            crowded = RateLimited(
                f"this token already holds {limit} websocket connections",
                details={"limit": limit},
            )
            return Refusal(CLOSE_TRY_AGAIN_LATER, "Too many connections for this token", crowded)
        self.token_key = key
        return None

    async def serve(
        self, handle: Callable[[], Awaitable[None]], *helpers: Coroutine[Any, Any, None]
    ) -> None:
        """Run a socket's ``handle`` with its helper tasks beside it; when it ends, stop
        them and give back the socket's place in its token's count."""
        tasks = [asyncio.create_task(helper) for helper in helpers]
        try:
            await handle()
        finally:
            for task in tasks:
                await _stop(task)
            self.release()

    def release(self) -> None:
        if self.token_key is not None:
            self.policy.limits.release_token(self.token_key)
            self.token_key = None

    def note_activity(self) -> None:
        self.last_active = time.monotonic()

    async def close_when_idle(
        self, busy: Callable[[], bool], close: Callable[[], Coroutine[Any, Any, None]]
    ) -> None:
        """Close the socket once no operation has run for the idle timeout."""
        idle = self.policy.settings.ws_idle_timeout_seconds
        while True:
            await asyncio.sleep(max(self.last_active + idle - time.monotonic(), idle / 8))
            if busy():
                self.note_activity()
            elif time.monotonic() - self.last_active >= idle:
                with contextlib.suppress(Exception):  # already closed: nothing to do
                    await close()
                return


class LimitedWebSocketAdapter(ASGIWebSocketAdapter):
    """strawberry's adapter, closing with 1009 on a message over the request size limit
    (uvicorn's ``ws_max_size`` refuses it earlier under ``expsvc serve``)."""

    async def iter_json(
        self, *, ignore_parsing_errors: bool = False
    ) -> AsyncGenerator[object, None]:
        limit = policy_of(self.view).settings.max_request_bytes
        try:
            while self.ws.application_state != WebSocketState.DISCONNECTED:
                try:
                    text = await self.ws.receive_text()
                    if len(text) > limit or (len(text) * 4 > limit and len(text.encode()) > limit):
                        await self.ws.close(CLOSE_MESSAGE_TOO_BIG, f"Message over {limit} bytes")
                        return
                    yield self.view.decode_json(text)
                except JSONDecodeError as exc:
                    if not ignore_parsing_errors:
                        raise NonJsonMessageReceived from exc
        except KeyError as exc:
            raise NonTextMessageReceived from exc
        except WebSocketDisconnect:
            pass


def subscription_limit(limit: int) -> RateLimited:
    return RateLimited(
        f"subscription limit reached: at most {limit} operations per connection",
        details={"limit": limit},
    )


async def _stop(task: asyncio.Task[None]) -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


class TransportWSHandler(BaseGraphQLTransportWSHandler[Context, None]):
    """graphql-transport-ws with admission, the idle limit and server pings."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.admission = Admission(policy_of(self.view))
        self.sent_at = 0.0  # the loop's time of the last message sent

    def note_sent(self) -> None:
        self.sent_at = asyncio.get_running_loop().time()

    async def send_message(self, message: Any) -> None:
        await super().send_message(message)
        self.note_sent()

    async def handle(self) -> None:
        idle = self.admission.close_when_idle(lambda: bool(self.operations), self._close_idle)
        await self.admission.serve(super().handle, self._ping_forever(), idle)

    async def _close_idle(self) -> None:
        await self.websocket.close(code=CLOSE_NORMAL, reason="Idle")

    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        payload = message.get("payload", {})
        if isinstance(payload, dict) and not (
            self.connection_init_received or self.connection_timed_out
        ):
            refusal = await self.admission.admit(self.context, payload)
            if refusal is not None:
                if self.connection_init_timeout_task:
                    self.connection_init_timeout_task.cancel()
                self.connection_init_received = True
                await self.websocket.close(code=refusal.close_code, reason=refusal.reason)
                return
        await super().handle_connection_init(message)

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        self.admission.note_activity()
        limit = self.max_subscriptions_per_connection
        if (
            self.connection_acknowledged
            and limit is not None
            and message["id"] not in self.operations
            and len(self.operations) >= limit
        ):  # strawberry's own refusal carries no code
            error = cast(GraphQLFormattedError, error_entry(subscription_limit(limit)))
            await self.send_message(
                TransportErrorMessage(id=message["id"], type="error", payload=[error])
            )
            return
        await super().handle_subscribe(message)

    async def run_operation(self, operation: Operation[Context, None]) -> None:
        if tricks_on(self.schema):
            serve_operation(
                self.websocket, operation.id, "next", lambda: operation.completed, self.note_sent
            )
        await super().run_operation(operation)

    async def _ping_forever(self) -> None:
        """A ping after each ``interval`` in which nothing was sent: a connection carrying
        live events needs none (thousands of them would otherwise cost the server a few
        hundred messages a second)."""
        interval = float(getattr(self.view, "keep_alive_interval", 15) or 15)
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(max(self.sent_at + interval - loop.time(), 0.0) or interval)
            if loop.time() - self.sent_at < interval:
                continue  # something was sent meanwhile
            if self.connection_acknowledged:
                with contextlib.suppress(Exception):  # a closed socket ends handle() anyway
                    await self.send_message({"type": "ping"})


class LegacyWSHandler(BaseGraphQLWSHandler[Context, None]):
    """graphql-ws (subscriptions-transport-ws) with admission and both idle limits."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.admission = Admission(policy_of(self.view))

    async def handle(self) -> None:
        idle = self.admission.close_when_idle(lambda: bool(self.tasks), self._close_idle)
        await self.admission.serve(super().handle, self._close_unless_initialised(), idle)

    async def _close_idle(self) -> None:
        await self.websocket.close(code=CLOSE_NORMAL, reason="Idle")

    async def _close_unless_initialised(self) -> None:
        await asyncio.sleep(self.admission.policy.settings.ws_connection_init_timeout_seconds)
        if not self.connection_acknowledged:
            with contextlib.suppress(Exception):
                await self.websocket.close(
                    code=CLOSE_INIT_TIMEOUT, reason="Connection initialisation timeout"
                )

    async def handle_connection_init(self, message: LegacyConnectionInitMessage) -> None:
        payload = message.get("payload")
        if payload is None or isinstance(payload, dict):
            refusal = await self.admission.admit(self.context, payload or {})
            if refusal is not None:
                error = error_entry(refusal.error)
                await self.send_message({"type": "connection_error", "payload": error})
                await self.websocket.close(code=refusal.close_code, reason=refusal.reason)
                return
        await super().handle_connection_init(message)

    async def handle_start(self, message: StartMessage) -> None:
        self.admission.note_activity()
        limit = self.max_subscriptions_per_connection
        if (
            self.connection_acknowledged
            and limit is not None
            and message["id"] not in self.tasks
            and len(self.tasks) >= limit
        ):  # strawberry's own refusal carries no code
            error = cast(GraphQLFormattedError, error_entry(subscription_limit(limit)))
            await self.send_message(ErrorMessage(type="error", id=message["id"], payload=error))
            return
        await super().handle_start(message)

    async def handle_async_results(
        self,
        operation_id: str,
        query: str,
        operation_name: str | None,
        variables: dict[str, object] | None,
    ) -> None:
        if tricks_on(self.schema):
            serve_operation(self.websocket, operation_id, "data", lambda: False, None)
        await super().handle_async_results(operation_id, query, operation_name, variables)
