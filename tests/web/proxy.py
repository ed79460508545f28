"""A TCP forwarder in front of the test server whose connections can be cut: the browser
talks to the service through it, so cutting it drops the page's websocket for real (as a
flaky network or a restarting load balancer would), while the test keeps reaching the
service directly. Chromium's offline emulation (``BrowserContext.set_offline``) leaves an
open websocket alone, so it cannot stand in for this."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from playwright.async_api import Browser, Page, WebSocket

from tests.redis_server import free_port

CHUNK = 64 * 1024
VIEWPORT = {"width": 1400, "height": 900}


class CuttableProxy:
    def __init__(self, target: str) -> None:
        parts = urlsplit(target)
        assert parts.hostname and parts.port
        self.target = (parts.hostname, parts.port)
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    async def start(self) -> None:
        self._server = await asyncio.start_server(
            self._connection, "127.0.0.1", self.port, reuse_address=True
        )

    async def cut(self) -> None:
        """Refuse new connections and reset every open one."""
        if self._server is not None:
            self._server.close()
            self._server = None
        for writer in list(self._writers):
            writer.transport.abort()
        self._writers.clear()

    async def restore(self) -> None:
        await self.start()

    async def close(self) -> None:
        await self.cut()

    async def _connection(
        self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter
    ) -> None:
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(*self.target)
        except OSError:
            client_writer.transport.abort()
            return
        self._writers.update((client_writer, upstream_writer))
        await asyncio.gather(
            self._pipe(client_reader, upstream_writer),
            self._pipe(upstream_reader, client_writer),
        )
        self._writers.difference_update((client_writer, upstream_writer))

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(CHUNK):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            with contextlib.suppress(Exception):
                writer.close()


@dataclass
class PageBehindProxy:
    """A page whose every connection to the service goes through a ``CuttableProxy``; it
    notes the websockets the page opened and those that closed, and its page errors."""

    page: Page
    proxy: CuttableProxy
    sockets: list[str] = field(default_factory=list)
    closed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    async def cut(self) -> None:
        """Reset every connection and wait until the page has heard its websocket close."""
        await self.proxy.cut()
        for _ in range(100):  # the browser hears the reset at once; allow a slow machine
            if self.closed:
                return
            await self.page.wait_for_timeout(100)
        raise AssertionError("the page's websocket did not drop")

    async def restore(self) -> None:
        await self.proxy.restore()


@contextlib.asynccontextmanager
async def page_behind_proxy(browser: Browser, base: str) -> AsyncIterator[PageBehindProxy]:
    """A new browser context whose pages reach the service at ``base`` through a
    ``CuttableProxy``; both are closed on the way out."""
    proxy = CuttableProxy(base)
    await proxy.start()
    context = await browser.new_context(base_url=proxy.base, viewport=VIEWPORT)
    try:
        behind = PageBehindProxy(await context.new_page(), proxy)

        def on_socket(socket: WebSocket) -> None:
            behind.sockets.append(socket.url)
            socket.on("close", lambda _socket: behind.closed.append(socket.url))

        behind.page.on("websocket", on_socket)
        behind.page.on("pageerror", lambda error: behind.errors.append(str(error)))
        yield behind
    finally:
        await context.close()
        await proxy.close()
