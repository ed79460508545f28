"""Two server processes sharing PostgreSQL and Redis, and a Redis outage between them.

Defined only where both a PostgreSQL and a Redis are given (CI sets both). The replicas
use a database of their own and a private redis-server this test stops and restarts.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from app.db import Database
from app.migrate import upgrade
from app.models.enums import Role
from app.users.service import create_user
from tests.live.client import Collector, ws_session
from tests.pg import TEST_DATABASE_ENV, TEST_REDIS_ENV, create_database, drop_database
from tests.redis_server import PrivateRedis, free_port

ENABLED = bool(os.environ.get(TEST_DATABASE_ENV) and os.environ.get(TEST_REDIS_ENV))

if ENABLED:

    @pytest.fixture(scope="module")
    def replica_db() -> Iterator[str]:
        server = os.environ[TEST_DATABASE_ENV]
        url = create_database(server, prefix="expsvc_replicas")
        upgrade(url)
        yield url
        drop_database(server, url)

    @pytest.fixture
    def redis_server(tmp_path: Path) -> Iterator[PrivateRedis]:
        server = PrivateRedis(tmp_path)
        server.start()
        yield server
        server.stop()

    async def wait_ready(
        base: str,
        want: int = 200,
        seconds: float = 90,
        process: subprocess.Popen[bytes] | None = None,
        log: Path | None = None,
    ) -> None:
        """Poll ``/readyz`` until it answers ``want``; fail early, with the log, if the
        server process has exited, and say what it last answered if time runs out."""
        last = "no answer"
        async with httpx.AsyncClient() as client:
            try:
                async with asyncio.timeout(seconds):
                    while True:
                        if process is not None and process.poll() is not None:
                            pytest.fail(f"{base} exited with {process.returncode}:\n{tail(log)}")
                        try:
                            answer = await client.get(f"{base}/readyz")
                            if answer.status_code == want:
                                return
                            last = f"{answer.status_code} {answer.text}"
                        except httpx.TransportError as error:
                            last = repr(error)
                        await asyncio.sleep(0.1)
            except TimeoutError:
                pytest.fail(f"{base} not ready after {seconds} s: {last}\n{tail(log)}")

    def tail(log: Path | None, lines: int = 40) -> str:
        if log is None or not log.exists():
            return ""
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])

    def distinct_free_ports(count: int) -> list[int]:
        ports: list[int] = []
        while len(ports) < count:
            port = free_port()
            if port not in ports:
                ports.append(port)
        return ports

    @pytest.fixture
    async def replicas(
        replica_db: str, redis_server: PrivateRedis, tmp_path: Path
    ) -> AsyncIterator[list[str]]:
        ports = distinct_free_ports(2)
        logs = [tmp_path / f"replica-{port}.log" for port in ports]
        env = {
            **os.environ,
            "EXPSVC_DATABASE_URL": replica_db,
            "EXPSVC_REDIS_URL": redis_server.url,
            "EXPSVC_DATA_DIR": str(tmp_path / "data"),
            "EXPSVC_LOG_LEVEL": "WARNING",
        }
        processes = []
        for port, log in zip(ports, logs, strict=True):
            with log.open("wb") as sink:
                processes.append(
                    subprocess.Popen(  # noqa: ASYNC220 - starts and returns at once
                        [sys.executable, "-m", "app.cli", "serve", "--port", str(port)],
                        env=env,
                        stdout=sink,
                        stderr=subprocess.STDOUT,
                    )
                )
        bases = [f"http://127.0.0.1:{port}" for port in ports]
        try:
            for base, process, log in zip(bases, processes, logs, strict=True):
                await wait_ready(base, process=process, log=log)
            yield bases
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                process.wait(timeout=20)

    async def new_token(url: str) -> str:
        db = Database(url)
        try:
            async with db.unit_of_work() as session:
                _, token = await create_user(
                    session,
                    actor=None,
                    name="replica tester",
                    email=f"r{os.urandom(4).hex()}@example.test",
                    role=Role.DS,
                )
            return token
        finally:
            await db.dispose()

    async def running_experiment(base: str, token: str) -> str:
        headers = {"Authorization": f"Bearer {token}"}
        async with httpx.AsyncClient(base_url=base, headers=headers) as client:
            made = await client.post(
                "/graphql",
                json={
                    "query": """mutation {
                createHypothesis(input: {title: "replicas"}) { id } }"""
                },
            )
            hypothesis = made.json()["data"]["createHypothesis"]["id"]
            body = {
                "hypothesis_id": hypothesis,
                "name": "r",
                "type": "ML",
                "model": "m",
                "framework": "f",
            }
            experiment = (await client.post("/api/v1/experiments", json=body)).json()["id"]
            assert (await client.post(f"/api/v1/experiments/{experiment}/start")).is_success
            return str(experiment)

    METRICS = """subscription($id: ID!) { metricPoints(experimentId: $id, sinceStep: -1) {
        points { step } } }"""
    UPDATED = "subscription($id: ID!) { experimentUpdated(id: $id) { status } }"

    def steps(items: list[dict[str, object]]) -> list[int]:
        return [p["step"] for i in items for p in i["metricPoints"]["points"]]  # type: ignore[index]

    async def test_events_cross_replicas_and_survive_a_redis_outage(
        replicas: list[str], replica_db: str, redis_server: PrivateRedis
    ) -> None:
        a, b = replicas
        token = await new_token(replica_db)
        experiment = await running_experiment(a, token)
        headers = {"Authorization": f"Bearer {token}"}
        batch_url = f"{a}/api/v1/experiments/{experiment}/metrics/batch"
        async with (
            httpx.AsyncClient(headers=headers) as http,
            ws_session(b.removeprefix("http://"), token) as session,
        ):
            points = Collector(session, METRICS, {"id": experiment})
            updates = Collector(session, UPDATED, {"id": experiment})
            await asyncio.sleep(0.5)
            response = await http.post(
                batch_url, json={"key": "loss", "steps": [0, 1], "values": [1.0, 0.9]}
            )
            assert response.status_code == 202
            await points.wait_for(lambda items: steps(items) == [0, 1])

            redis_server.stop()
            response = await http.post(
                batch_url, json={"key": "loss", "steps": [2, 3], "values": [0.8, 0.7]}
            )
            assert response.status_code == 202  # ingestion does not need the broker
            ready = await http.get(f"{a}/readyz")
            assert ready.status_code == 503
            assert ready.json()["checks"]["broker"] != "ok"
            done = await http.post(f"{a}/api/v1/experiments/{experiment}/complete")
            assert done.json()["status"] == "COMPLETED"

            redis_server.start()
            await wait_ready(a)
            await points.wait_for(lambda items: len(steps(items)) >= 4, seconds=30)
            await updates.wait_for(
                lambda items: any(i["experimentUpdated"]["status"] == "COMPLETED" for i in items),
                seconds=30,
            )
            await asyncio.sleep(0.5)
            await points.stop()
            await updates.stop()
        assert steps(points.items) == [0, 1, 2, 3]  # all of them, once, in order
