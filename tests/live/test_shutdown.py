"""SIGTERM ends ``expsvc serve`` within its grace period, whatever is still open:
subscriptions on both websocket protocols, a socket that never sent ``connection_init``,
a request whose body stalls."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import websockets
from websockets.exceptions import ConnectionClosed

from tests.redis_server import free_port

GRACE = 2.0
# Start-up of a fresh process, migrations included, on a shared 2-core machine
STARTUP_SECONDS = 90


async def wait_ready(base: str, process: subprocess.Popen[bytes]) -> None:
    async with httpx.AsyncClient() as client, asyncio.timeout(STARTUP_SECONDS):
        while True:
            assert process.poll() is None, "the server exited while starting"
            try:
                if (await client.get(f"{base}/readyz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)


async def subscribed(address: str, token: str, protocol: str) -> websockets.ClientConnection:
    socket = await websockets.connect(f"ws://{address}/graphql", subprotocols=[protocol])
    payload = {"Authorization": f"Bearer {token}"}
    await socket.send(json.dumps({"type": "connection_init", "payload": payload}))
    assert json.loads(await socket.recv())["type"] == "connection_ack"
    kind = "subscribe" if protocol == "graphql-transport-ws" else "start"
    query = "subscription { notifications { id } }"
    await socket.send(json.dumps({"id": "1", "type": kind, "payload": {"query": query}}))
    return socket


async def test_sigterm_exits_within_the_grace_period_with_websockets_open(tmp_path: Path):
    port = free_port()
    address = f"127.0.0.1:{port}"
    env = {
        **os.environ,
        "EXPSVC_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}",
        "EXPSVC_REDIS_URL": "",
        "EXPSVC_DATA_DIR": str(tmp_path / "data"),
        "EXPSVC_ARTIFACT_STORE_URL": f"file://{tmp_path / 'artifacts'}",
        "EXPSVC_LOG_LEVEL": "WARNING",
        "EXPSVC_SHUTDOWN_GRACE_SECONDS": str(GRACE),
        "EXPSVC_HTTP_BODY_TIMEOUT_SECONDS": "600",
        "EXPSVC_WS_CONNECTION_INIT_TIMEOUT_SECONDS": "600",
    }
    log = tmp_path / "serve.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(  # noqa: ASYNC220 - starts and returns at once
            [sys.executable, "-m", "app.cli", "serve", "--port", str(port)],
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    sockets = []
    try:
        await wait_ready(f"http://{address}", process)
        token = (tmp_path / "data" / "admin-token").read_text().strip()
        for protocol in ("graphql-transport-ws", "graphql-ws"):
            sockets += [await subscribed(address, token, protocol) for _ in range(3)]
        sockets.append(await websockets.connect(f"ws://{address}/graphql"))  # no init
        _reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(
            b"POST /graphql HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
            b"Content-Length: 1000\r\n\r\n{"  # and the rest never comes
        )
        await writer.drain()
        await asyncio.sleep(0.5)

        process.send_signal(signal.SIGTERM)
        began = time.monotonic()
        while process.poll() is None and time.monotonic() - began < GRACE + 20:  # noqa: ASYNC110
            await asyncio.sleep(0.1)
        took = time.monotonic() - began
        assert process.poll() is not None, f"still running {took:.1f} s after SIGTERM"
        # the grace period plus the application's own shutdown (jobs, engine), generously
        assert took < GRACE + 10, log.read_text(errors="replace")[-3000:]
        for socket in sockets[:6]:  # told to go elsewhere, not left to time out
            with contextlib.suppress(ConnectionClosed):
                while True:
                    await asyncio.wait_for(socket.recv(), 5)
            assert socket.close_code == 1012
        writer.close()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        for socket in sockets:
            await socket.close()
