"""The Alembic migrations build exactly the models' schema, and tear it all down again.

SQLite always runs (a file under tmp_path). PostgreSQL runs too when
EXPSVC_TEST_DATABASE_URL names a server (e.g. postgresql+asyncpg://postgres@127.0.0.1:5432/test):
each test gets a brand-new database there, dropped afterwards.
"""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import asyncpg
import pytest
import sqlalchemy as sa
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import pool
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from app.migrate import alembic_config, downgrade, pending_model_changes, upgrade
from app.models import Base

T = TypeVar("T")


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert head is not None
    return head


APP_TABLES = set(Base.metadata.tables)

POSTGRES_SERVER_URL = os.environ.get("EXPSVC_TEST_DATABASE_URL", "")
BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRES_SERVER_URL else [])


async def _run_on_server(server: URL, statement: str) -> None:
    """Run one statement (CREATE/DROP DATABASE) outside a transaction with asyncpg."""
    connection = await asyncpg.connect(
        host=server.host or "127.0.0.1",
        port=server.port or 5432,
        user=server.username or "postgres",
        password=server.password,
        database=server.database or "postgres",
    )
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database on each backend under test."""
    if request.param == "sqlite":
        # A folder that does not exist yet: the helpers must create it.
        yield f"sqlite+aiosqlite:///{tmp_path / 'data' / 'expsvc.db'}"
        return
    server = make_url(POSTGRES_SERVER_URL)
    name = f"expsvc_mig_{secrets.token_hex(6)}"
    asyncio.run(_run_on_server(server, f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        asyncio.run(_run_on_server(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _with_connection(url: str, fn: Callable[[Connection], T]) -> T:
    engine = create_async_engine(url, poolclass=pool.NullPool)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(fn)
    finally:
        await engine.dispose()


def inspect_db(url: str, fn: Callable[[Connection], T]) -> T:
    """Run ``fn`` on a sync view of a fresh connection to ``url``."""
    return asyncio.run(_with_connection(url, fn))


def table_names(url: str) -> set[str]:
    return inspect_db(url, lambda c: set(sa.inspect(c).get_table_names()))


def current_revisions(url: str) -> list[str]:
    return inspect_db(
        url,
        lambda c: [row[0] for row in c.execute(sa.text("SELECT version_num FROM alembic_version"))],
    )


def outbox_indexes(url: str) -> dict[str, dict[str, Any]]:
    return inspect_db(
        url, lambda c: {str(ix["name"]): dict(ix) for ix in sa.inspect(c).get_indexes("outbox")}
    )


def test_upgrade_downgrade_upgrade_matches_models(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # alembic.ini and migrations/ are found from the package, not from the working directory.
    monkeypatch.chdir(tmp_path)

    upgrade(database_url)
    assert table_names(database_url) == APP_TABLES | {"alembic_version"}
    assert current_revisions(database_url) == [head_revision()]

    downgrade(database_url)
    assert table_names(database_url) == {"alembic_version"}
    assert current_revisions(database_url) == []

    upgrade(database_url)
    assert current_revisions(database_url) == [head_revision()]
    assert pending_model_changes(database_url) == []


def test_outbox_unpublished_index_is_partial(database_url: str) -> None:
    # Autogenerate does not compare index predicates, so check this one directly.
    upgrade(database_url)
    index = outbox_indexes(database_url)["ix_outbox_unpublished"]
    assert index["column_names"] == ["id"]
    dialect = make_url(database_url).get_backend_name()
    where = index["dialect_options"][f"{dialect}_where"]
    assert "published_at is null" in str(where).lower()


def test_empty_database_has_pending_changes(database_url: str) -> None:
    changes = pending_model_changes(database_url)
    added = {diff[1].name for diff in changes if isinstance(diff, tuple) and diff[0] == "add_table"}
    assert added == APP_TABLES


def test_migrations_run_on_a_given_connection(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'given.db'}"

    def migrate(connection: Connection) -> None:
        config = alembic_config(url)
        config.attributes["connection"] = connection
        command.upgrade(config, "head")

    async def run() -> None:
        engine = create_async_engine(url, poolclass=pool.NullPool)
        try:
            async with engine.begin() as connection:
                await connection.run_sync(migrate)
        finally:
            await engine.dispose()

    asyncio.run(run())
    assert current_revisions(url) == [head_revision()]
    assert pending_model_changes(url) == []


async def test_async_callers_use_a_worker_thread(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'async.db'}"
    with pytest.raises(RuntimeError, match="to_thread"):
        upgrade(url)
    await asyncio.to_thread(upgrade, url)
    assert await asyncio.to_thread(pending_model_changes, url) == []


def test_0007_keeps_older_tokens_working_and_its_downgrade_drops_revoked_ones(
    database_url: str,
) -> None:
    """Tokens made before 0007 stay live (no expiry, no hint); going back to 0006 deletes
    revoked tokens and tokens with an expiry, which would otherwise work again for good."""
    import uuid
    from datetime import UTC, datetime

    from app.users.service import authenticate
    from app.users.tokens import hash_token

    upgrade(database_url, "0006")
    when = sa.column("created_at", sa.DateTime(timezone=True))
    users = sa.table(
        "users", sa.column("id", sa.Uuid()), *map(sa.column, ("name", "email", "role")), when
    )
    tokens = sa.table(
        "api_tokens",
        sa.column("id", sa.Uuid()),
        sa.column("user_id", sa.Uuid()),
        *map(sa.column, ("name", "token_hash")),
        sa.column("created_at", sa.DateTime(timezone=True)),
    )
    user_id = uuid.uuid4()
    now = datetime(2026, 1, 1, tzinfo=UTC)

    def seed(connection: Connection) -> None:
        connection.execute(
            users.insert().values(id=user_id, name="old", email="o@x.io", role="DS", created_at=now)
        )
        for name in ("kept", "revoked"):
            connection.execute(
                tokens.insert().values(
                    id=uuid.uuid4(),
                    user_id=user_id,
                    name=name,
                    token_hash=hash_token(f"esk_{name}"),
                    created_at=now,
                )
            )
        connection.commit()

    inspect_db(database_url, seed)
    upgrade(database_url)

    async def email_of(token: str) -> str:
        engine = create_async_engine(database_url, poolclass=pool.NullPool)
        try:
            async with AsyncSession(engine) as session:
                return (await authenticate(session, token)).email
        finally:
            await engine.dispose()

    assert asyncio.run(email_of("esk_kept")) == "o@x.io"

    def revoke(connection: Connection) -> None:
        connection.execute(
            sa.text("UPDATE api_tokens SET revoked_at = created_at WHERE name = 'revoked'")
        )
        connection.commit()

    inspect_db(database_url, revoke)
    downgrade(database_url, "0006")
    names = inspect_db(
        database_url,
        lambda c: [row[0] for row in c.execute(sa.text("SELECT name FROM api_tokens"))],
    )
    assert names == ["kept"]


def test_0014_gives_existing_pools_cores_and_memory_and_counts_what_runs_holds(
    database_url: str,
) -> None:
    """Pools made before 0014 get 16 cores and 128 GB per GPU and a CPU rate of 0; an open
    reservation holds its experiment's requested cores and memory (a released one nothing),
    so the new reserved counters match what runs."""
    import uuid
    from datetime import UTC, datetime, timedelta

    from app.models.base import UTCDateTime

    upgrade(database_url, "0013")
    now = datetime(2026, 1, 1, tzinfo=UTC)
    ids = {name: uuid.uuid4() for name in ("user", "hypothesis", "running", "done")}

    def table(name: str, *columns: sa.ColumnClause[Any]) -> sa.TableClause:
        return sa.table(name, *columns)

    def uid(name: str) -> sa.ColumnClause[Any]:
        return sa.column(name, sa.Uuid())

    def at(name: str) -> sa.ColumnClause[Any]:
        return sa.column(name, UTCDateTime())

    text = sa.column
    users = table("users", uid("id"), text("name"), text("email"), text("role"), at("created_at"))
    hypotheses = table("hypotheses", uid("id"), text("title"), uid("owner_id"), at("created_at"))
    experiments = table(
        "experiments",
        uid("id"),
        uid("hypothesis_id"),
        uid("owner_id"),
        *map(text, ("name", "status", "type", "model", "framework")),
        *(sa.column(name, sa.JSON()) for name in ("hyperparams", "config", "tags")),
        *map(text, ("gpu_count", "cpu_cores", "memory_gb", "max_duration_minutes")),
        at("created_at"),
        at("updated_at"),
    )
    pools = table(
        "resource_pools",
        *map(text, ("name", "gpu_type", "capacity", "reserved", "hourly_cost_per_gpu")),
        at("updated_at"),
    )
    reservations = table(
        "reservations",
        uid("id"),
        uid("experiment_id"),
        *map(text, ("pool_name", "gpu_count", "hourly_cost_per_gpu")),
        at("reserved_at"),
        at("expires_at"),
        at("released_at"),
    )

    def seed(connection: Connection) -> None:
        connection.execute(
            users.insert().values(
                id=ids["user"], name="old", email="o@x.io", role="DS", created_at=now
            )
        )
        connection.execute(
            hypotheses.insert().values(
                id=ids["hypothesis"], title="h", owner_id=ids["user"], created_at=now
            )
        )
        connection.execute(
            pools.insert().values(
                name="old-pool",
                gpu_type="A100",
                capacity=4,
                reserved=1,
                hourly_cost_per_gpu=2.0,
                updated_at=now,
            )
        )
        for key, cores, released in (("running", 6, None), ("done", 3, now)):
            connection.execute(
                experiments.insert().values(
                    id=ids[key],
                    hypothesis_id=ids["hypothesis"],
                    owner_id=ids["user"],
                    name=key,
                    status="RUNNING" if released is None else "COMPLETED",
                    type="ML",
                    model="m",
                    framework="f",
                    hyperparams={},
                    config={},
                    tags=[],
                    gpu_count=1,
                    cpu_cores=cores,
                    memory_gb=24,
                    max_duration_minutes=60,
                    created_at=now,
                    updated_at=now,
                )
            )
            connection.execute(
                reservations.insert().values(
                    id=uuid.uuid4(),
                    experiment_id=ids[key],
                    pool_name="old-pool",
                    gpu_count=1,
                    hourly_cost_per_gpu=2.0,
                    reserved_at=now,
                    expires_at=now + timedelta(hours=1),
                    released_at=released,
                )
            )
        connection.commit()

    inspect_db(database_url, seed)
    upgrade(database_url)

    def read(connection: Connection) -> tuple[Any, ...]:
        pool_row = connection.execute(
            sa.text(
                "SELECT cpu_cores, cpu_reserved, memory_gb, memory_reserved,"
                " hourly_cost_per_cpu_core FROM resource_pools WHERE name = 'old-pool'"
            )
        ).one()
        held = connection.execute(
            sa.text(
                "SELECT cpu_cores, memory_gb, hourly_cost_per_cpu_core FROM reservations"
                " ORDER BY cpu_cores"
            )
        ).all()
        costs = connection.execute(sa.text("SELECT cpu_cost FROM experiments")).all()
        return tuple(pool_row), [tuple(row) for row in held], [row[0] for row in costs]

    pool_row, held, costs = inspect_db(database_url, read)
    assert pool_row == (64, 6, 512, 24, 0.0)
    assert held == [(3, 24, 0.0), (6, 24, 0.0)]
    assert costs == [0.0, 0.0]
    downgrade(database_url, "0013")
    assert current_revisions(database_url) == ["0013"]


def typed(sql: str, values: dict[str, Any]) -> sa.TextClause:
    """``sql`` with its values bound by type (UUIDs and times as the models store them)."""
    import uuid
    from datetime import datetime

    from app.models.base import UTCDateTime

    def bind(name: str, value: Any) -> sa.BindParameter[Any]:
        if isinstance(value, uuid.UUID):
            return sa.bindparam(name, value, type_=sa.Uuid())
        if isinstance(value, datetime):
            return sa.bindparam(name, value, type_=UTCDateTime())
        return sa.bindparam(name, value)

    return sa.text(sql).bindparams(*(bind(k, v) for k, v in values.items()))


def seed_experiment(connection: Connection, experiment: Any, now: Any) -> None:
    """A RUNNING experiment ``experiment`` of a new user and hypothesis, as of 0015-0017."""
    import uuid

    from app.models.base import UTCDateTime

    user, hypothesis = uuid.uuid4(), uuid.uuid4()
    connection.execute(
        typed(
            "INSERT INTO users (id, name, email, role, created_at)"
            " VALUES (:id, 'old', 'o@x.io', 'DS', :now)",
            {"id": user, "now": now},
        )
    )
    connection.execute(
        typed(
            "INSERT INTO hypotheses (id, title, owner_id, created_at)"
            " VALUES (:id, 'h', :user, :now)",
            {"id": hypothesis, "user": user, "now": now},
        )
    )
    connection.execute(
        sa.table(
            "experiments",
            *(sa.column(name, sa.Uuid()) for name in ("id", "hypothesis_id", "owner_id")),
            *map(sa.column, ("name", "status", "type", "model", "framework")),
            *(sa.column(name, sa.JSON()) for name in ("hyperparams", "config", "tags")),
            *map(sa.column, ("gpu_count", "cpu_cores", "memory_gb", "max_duration_minutes")),
            sa.column("created_at", UTCDateTime()),
            sa.column("updated_at", UTCDateTime()),
        )
        .insert()
        .values(
            id=experiment,
            hypothesis_id=hypothesis,
            owner_id=user,
            name="e",
            status="RUNNING",
            type="ML",
            model="m",
            framework="f",
            hyperparams={},
            config={},
            tags=[],
            gpu_count=0,
            cpu_cores=1,
            memory_gb=1,
            max_duration_minutes=60,
            created_at=now,
            updated_at=now,
        )
    )


def test_0016_moves_the_mlflow_mirror_rows_to_the_shared_tables_and_back(
    database_url: str,
) -> None:
    """0016: MLflow's queue items (ids kept, the id sequence going on after them) and run
    rows become target 'mlflow' rows of mirror_queue and mirror_runs; the downgrade brings
    MLflow's back and drops what other targets queued."""
    import uuid
    from datetime import UTC, datetime

    upgrade(database_url, "0015")
    now = datetime(2026, 1, 1, tzinfo=UTC)
    experiment = uuid.uuid4()

    def seed(connection: Connection) -> None:
        def run(statement: Any, values: dict[str, Any] | None = None) -> None:
            if values is None:
                connection.execute(statement)
            else:
                connection.execute(typed(statement.text, values))

        seed_experiment(connection, experiment, now)
        for item_id, sent in ((7, 500), (9, 0)):
            run(
                sa.text(
                    "INSERT INTO mlflow_queue (id, experiment_id, kind, points, sent, payload,"
                    " created_at) VALUES (:id, :e, 'metrics', 1000, :sent, :payload, :now)"
                ),
                {"id": item_id, "e": experiment, "sent": sent, "payload": b"{}", "now": now},
            )
        run(
            sa.text(
                "INSERT INTO mlflow_runs (experiment_id, mlflow_experiment_id, run_id,"
                " artifact_uri, points_synced, last_error, created_at)"
                " VALUES (:e, '12', 'abc', 'mlflow-artifacts:/12/abc', 500, 'HTTP 503', :now)"
            ),
            {"e": experiment, "now": now},
        )
        connection.commit()

    inspect_db(database_url, seed)
    upgrade(database_url, "0016")

    def read(connection: Connection) -> tuple[Any, ...]:
        queue = connection.execute(
            sa.text("SELECT id, target, kind, points, sent FROM mirror_queue ORDER BY id")
        ).all()
        runs = connection.execute(
            sa.text(
                "SELECT target, remote_group, run_id, artifact_uri, points_synced, last_error,"
                " last_step, log_seq FROM mirror_runs"
            )
        ).all()
        return [tuple(row) for row in queue], [tuple(row) for row in runs]

    queue, runs = inspect_db(database_url, read)
    assert queue == [(7, "mlflow", "metrics", 1000, 500), (9, "mlflow", "metrics", 1000, 0)]
    assert runs == [("mlflow", "12", "abc", "mlflow-artifacts:/12/abc", 500, "HTTP 503", None, 0)]

    def queue_more(connection: Connection) -> int:
        for target in ("mlflow", "wandb"):
            connection.execute(
                typed(
                    "INSERT INTO mirror_queue (target, experiment_id, kind, points, sent,"
                    " payload, created_at) VALUES (:t, :e, 'metrics', 1, 0, :p, :now)",
                    {"t": target, "e": experiment, "p": b"{}", "now": now},
                )
            )
        connection.commit()
        return int(
            connection.execute(
                sa.text("SELECT MIN(id) FROM mirror_queue WHERE id > 9")
            ).scalar_one()
        )

    assert inspect_db(database_url, queue_more) == 10  # after the copied ids
    downgrade(database_url, "0015")

    def read_old(connection: Connection) -> tuple[Any, ...]:
        queue = connection.execute(sa.text("SELECT id, sent FROM mlflow_queue ORDER BY id")).all()
        runs = connection.execute(
            sa.text("SELECT mlflow_experiment_id, run_id, points_synced FROM mlflow_runs")
        ).all()
        return [tuple(row) for row in queue], [tuple(row) for row in runs]

    assert inspect_db(database_url, read_old) == ([(7, 500), (9, 0), (10, 0)], [("12", "abc", 500)])


def test_0017_sums_the_finite_values_of_the_series_written_before_it(database_url: str) -> None:
    """0017: each series gets the sum and number of its finite values (NaN, stored as
    NULL, and infinities left out); a series without finite values gets 0 and 0."""
    import math
    import uuid
    from datetime import UTC, datetime

    upgrade(database_url, "0016")
    now = datetime(2026, 1, 1, tzinfo=UTC)
    experiment = uuid.uuid4()
    values = {1: [1.5, None, math.inf, 2.5, -math.inf, 4.0], 2: [None, math.inf]}

    def seed(connection: Connection) -> None:
        seed_experiment(connection, experiment, now)
        for series, points in values.items():
            connection.execute(
                typed(
                    "INSERT INTO metric_series (id, experiment_id, key, count, updated_at)"
                    " VALUES (:id, :e, :key, :count, :now)",
                    {
                        "id": series,
                        "e": experiment,
                        "key": f"k{series}",
                        "count": len(points),
                        "now": now,
                    },
                )
            )
            for step, value in enumerate(points):
                connection.execute(
                    typed(
                        "INSERT INTO metric_points (series_id, step, value, timestamp)"
                        " VALUES (:s, :step, :value, :now)",
                        {"s": series, "step": step, "value": value, "now": now},
                    )
                )
        connection.commit()

    inspect_db(database_url, seed)
    upgrade(database_url, "0017")

    def read(connection: Connection) -> list[tuple[Any, ...]]:
        rows = connection.execute(
            sa.text("SELECT id, value_sum, finite_count FROM metric_series ORDER BY id")
        )
        return [tuple(row) for row in rows]

    assert inspect_db(database_url, read) == [(1, 8.0, 3), (2, 0.0, 0)]
    downgrade(database_url, "0016")

    def columns(connection: Connection) -> set[str]:
        return {column["name"] for column in sa.inspect(connection).get_columns("metric_series")}

    assert not {"value_sum", "finite_count"} & inspect_db(database_url, columns)


def test_0018_keeps_existing_pools_in_fifo_order(database_url: str) -> None:
    """0018: every pool made before it orders its queue as before (FIFO); the downgrade
    drops the column."""
    from datetime import UTC, datetime

    upgrade(database_url, "0017")

    def seed(connection: Connection) -> None:
        connection.execute(
            typed(
                "INSERT INTO resource_pools (name, gpu_type, capacity, reserved,"
                " hourly_cost_per_gpu, updated_at) VALUES ('old', 'A100', 4, 0, 1.0, :now)",
                {"now": datetime(2026, 1, 1, tzinfo=UTC)},
            )
        )
        connection.commit()

    inspect_db(database_url, seed)
    upgrade(database_url, "0018")

    def read(connection: Connection) -> list[tuple[Any, ...]]:
        rows = connection.execute(sa.text("SELECT name, queue_order FROM resource_pools"))
        return [tuple(row) for row in rows]

    assert inspect_db(database_url, read) == [("old", "FIFO")]
    downgrade(database_url, "0017")

    def columns(connection: Connection) -> set[str]:
        return {column["name"] for column in sa.inspect(connection).get_columns("resource_pools")}

    assert "queue_order" not in inspect_db(database_url, columns)


def test_0019_moves_the_points_into_chunks_on_postgresql(database_url: str) -> None:
    """0019: on PostgreSQL each series' points of a level-1 bucket become one chunk in step
    order (a NaN, stored as NULL, as NaN) and ``metric_points`` is left empty; SQLite keeps
    every point where it was. The downgrade puts every point back in ``metric_points``."""
    import math
    import uuid
    from datetime import UTC, datetime, timedelta

    upgrade(database_url, "0018")
    postgres = make_url(database_url).get_backend_name() == "postgresql"
    now = datetime(2026, 1, 1, tzinfo=UTC)
    experiment = uuid.uuid4()
    # bucket 0: steps 15..0 (written backwards) with a NaN; bucket 1: two points; bucket 5:
    # 70 points at step 80
    points = [(step, None if step == 3 else step / 2) for step in range(15, -1, -1)]
    points += [(17, 1.0), (16, 2.0)] + [(80, float(n)) for n in range(70)]

    def seed(connection: Connection) -> None:
        seed_experiment(connection, experiment, now)
        connection.execute(
            typed(
                "INSERT INTO metric_series (id, experiment_id, key, count, updated_at)"
                " VALUES (1, :e, 'loss', :count, :now)",
                {"e": experiment, "count": len(points), "now": now},
            )
        )
        for n, (step, value) in enumerate(points):
            connection.execute(
                typed(
                    "INSERT INTO metric_points (series_id, step, value, timestamp)"
                    " VALUES (1, :step, :value, :at)",
                    {"step": step, "value": value, "at": now + timedelta(seconds=n)},
                )
            )
        connection.commit()

    inspect_db(database_url, seed)
    upgrade(database_url, "0019")

    def chunks(connection: Connection) -> dict[int, tuple[Any, ...]]:
        rows = connection.execute(
            sa.text("SELECT bucket, steps, vals FROM metric_chunks WHERE series_id = 1")
        )
        return {row[0]: tuple(row[1:]) for row in rows}

    def left_in_points(connection: Connection) -> int:
        return int(connection.execute(sa.text("SELECT count(*) FROM metric_points")).scalar())

    found = inspect_db(database_url, chunks)
    if postgres:
        assert sorted(found) == [0, 1, 5]
        steps, values = found[0]
        assert steps == list(range(16))
        assert math.isnan(values[3])
        assert values[:3] + values[4:] == [step / 2 for step in range(16) if step != 3]
        assert found[1] == ([16, 17], [2.0, 1.0])
        assert found[5] == ([80] * 70, [float(n) for n in range(70)])
        assert inspect_db(database_url, left_in_points) == 0
    else:
        assert found == {}
        assert inspect_db(database_url, left_in_points) == len(points)

    downgrade(database_url, "0018")

    def stored(connection: Connection) -> list[tuple[Any, ...]]:
        rows = connection.execute(sa.text("SELECT step, value FROM metric_points"))
        return sorted((row[0], -1.0 if row[1] is None else row[1]) for row in rows)

    assert inspect_db(database_url, stored) == sorted(
        (step, -1.0 if value is None else value) for step, value in points
    )
    assert "metric_chunks" not in table_names(database_url)
