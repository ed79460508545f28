"""The log service on each backend: gapless sequences, rules, paging and permissions."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

import pytest
from asyncpg.exceptions import UniqueViolationError
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from app.errors import Forbidden, InvalidTransition, NotFound, ValidationFailed
from app.logs import service as logs
from app.logs.schemas import MAX_MESSAGE_BYTES
from app.models import Experiment, log_lines
from app.models.enums import LogLevel, Role
from tests.builders import create_experiment, create_hypothesis, create_running, move
from tests.logs.helpers import append, running, stored

WRITERS = 20
LINES_PER_WRITER = 25


async def log_seq(services, experiment_id: uuid.UUID) -> int:
    async with services.db.reader() as session:
        return int(
            await session.scalar(select(Experiment.log_seq).where(Experiment.id == experiment_id))
            or 0
        )


async def page(services, run, **kwargs):
    async with services.db.reader() as session:
        return await logs.read_lines(session, actor=run.user, experiment_id=run.id, **kwargs)


async def test_append_returns_and_stores_consecutive_lines(services, make_user):
    run = await running(services, make_user)
    stamp = datetime(2026, 1, 1, 0, 0, 5, tzinfo=UTC)
    rows = await append(
        services,
        run.user,
        run.id,
        [
            {"message": "starting"},
            {"level": "ERROR", "message": "boom", "source": "stderr", "timestamp": stamp},
        ],
    )
    assert [row.seq for row in rows] == [1, 2]
    lines = await stored(services, run.id)
    assert [(r.seq, r.level, r.message, r.source) for r in lines] == [
        (1, "INFO", "starting", "stdout"),
        (2, "ERROR", "boom", "stderr"),
    ]
    assert lines[1].timestamp == stamp
    more = await append(services, run.user, run.id, [{"message": "again"}])
    assert [row.seq for row in more] == [3]
    assert await log_seq(services, run.id) == 3


async def test_concurrent_writers_get_gapless_strictly_increasing_seqs(services, make_user):
    run = await running(services, make_user)

    async def writer(index: int):
        items = [{"message": f"w{index} l{n}"} for n in range(LINES_PER_WRITER)]
        return await append(services, run.user, run.id, items)

    batches = await asyncio.gather(*(writer(index) for index in range(WRITERS)))
    total = WRITERS * LINES_PER_WRITER
    for rows in batches:  # each batch got one consecutive block, in the order sent
        seqs = [row.seq for row in rows]
        assert seqs == list(range(seqs[0], seqs[0] + LINES_PER_WRITER))
    assert sorted(row.seq for rows in batches for row in rows) == list(range(1, total + 1))
    lines = await stored(services, run.id)
    assert [line.seq for line in lines] == list(range(1, total + 1))
    for rows in batches:
        by_seq = {line.seq: line.message for line in lines}
        assert [by_seq[row.seq] for row in rows] == [row.message for row in rows]
    assert await log_seq(services, run.id) == total


async def test_a_long_message_is_stored_cut_with_its_marker(services, make_user):
    run = await running(services, make_user)
    await append(services, run.user, run.id, [{"message": "é" * MAX_MESSAGE_BYTES}])
    (line,) = await stored(services, run.id)
    assert len(line.message.encode()) <= MAX_MESSAGE_BYTES
    assert line.message.startswith("éé")
    assert "… [truncated " in line.message[-40:]


async def test_a_failed_insert_writes_nothing_and_leaves_no_gap(services, make_user):
    run = await running(services, make_user)
    await append(services, run.user, run.id, [{"message": "one"}])
    async with services.db.unit_of_work() as session:  # a stray row where line 3 would go
        await session.execute(
            insert(log_lines).values(
                experiment_id=run.id,
                seq=3,
                timestamp=datetime.now(UTC),
                level="INFO",
                message="stray",
                source="system",
            )
        )
    with pytest.raises((IntegrityError, UniqueViolationError)):  # COPY's own on PostgreSQL
        await append(services, run.user, run.id, [{"message": "two"}, {"message": "three"}])
    assert [line.message for line in await stored(services, run.id)] == ["one", "stray"]
    assert await log_seq(services, run.id) == 1  # the reservation was rolled back too


async def test_an_empty_batch_is_refused_by_the_service(services, make_user):
    run = await running(services, make_user)
    async with services.db.unit_of_work() as session:
        with pytest.raises(ValidationFailed):
            await logs.append_lines(session, actor=run.user, experiment_id=run.id, lines=[])


@pytest.mark.parametrize("status", ["queued", "complete", "fail", "stop"])
async def test_only_a_running_experiment_accepts_logs(services, make_user, status):
    user, _ = await make_user(Role.DS)
    hypothesis = await create_hypothesis(services, user)
    if status == "queued":
        experiment = await create_experiment(services, user, hypothesis)
    else:
        experiment = await move(
            services, user, await create_running(services, user, hypothesis), status
        )
    with pytest.raises(InvalidTransition):
        await append(services, user, experiment.id, [{"message": "late"}])
    assert await stored(services, experiment.id) == []
    assert await log_seq(services, experiment.id) == 0


async def test_who_may_write_and_read(services, make_user):
    owner, _ = await make_user(Role.DS)
    observer, _ = await make_user(Role.DS)
    stranger, _ = await make_user(Role.MLE)
    curator, _ = await make_user(Role.CURATOR)
    hypothesis = await create_hypothesis(services, owner, observers=[observer])
    experiment = await create_running(services, owner, hypothesis)
    with pytest.raises(NotFound):
        await append(services, stranger, experiment.id, [{"message": "x"}])
    with pytest.raises(Forbidden):
        await append(services, observer, experiment.id, [{"message": "x"}])
    await append(services, curator, experiment.id, [{"message": "by the curator"}])
    async with services.db.reader() as session:
        with pytest.raises(NotFound):
            await logs.read_lines(session, actor=stranger, experiment_id=experiment.id)
        seen = await logs.read_lines(session, actor=observer, experiment_id=experiment.id)
        with pytest.raises(NotFound):
            await logs.read_lines(session, actor=owner, experiment_id=uuid.uuid4())
    assert [line.message for line in seen.lines] == ["by the curator"]


async def test_accepted_batches_record_activity(services, make_user):
    run = await running(services, make_user)
    before = run.experiment.last_activity_at
    await append(services, run.user, run.id, [{"message": "tick"}])
    async with services.db.reader() as session:
        after = (await session.get_one(Experiment, run.id)).last_activity_at
    assert after is not None and (before is None or after > before)


async def test_paging_with_after_and_first(services, make_user):
    run = await running(services, make_user)
    await append(services, run.user, run.id, [{"message": f"m{n}"} for n in range(1, 11)])
    first = await page(services, run, first=4)
    assert [line.seq for line in first.lines] == [1, 2, 3, 4]
    assert (first.next_after, first.has_more) == (4, True)
    second = await page(services, run, after=first.next_after, first=4)
    assert [line.seq for line in second.lines] == [5, 6, 7, 8]
    last = await page(services, run, after=second.next_after, first=4)
    assert [line.seq for line in last.lines] == [9, 10]
    assert (last.next_after, last.has_more) == (10, False)
    empty = await page(services, run, after=10)
    assert (empty.lines, empty.next_after, empty.has_more) == ([], 10, False)
    assert (await page(services, run)).next_after == 10
    none = await page(services, run, first=0)
    assert (none.lines, none.next_after, none.has_more) == ([], None, True)


async def test_filters_by_level_and_search(services, make_user):
    run = await running(services, make_user)
    await append(
        services,
        run.user,
        run.id,
        [
            {"level": "DEBUG", "message": "Loading shard 1"},
            {"level": "INFO", "message": "epoch 1 loss=0.5"},
            {"level": "WARNING", "message": "LOSS is NaN"},
            {"level": "ERROR", "message": "100% done_ish"},
            {"level": "INFO", "message": "1000 done"},
            {"level": "CRITICAL", "message": "out of memory"},
        ],
    )
    levels = await page(services, run, levels=[LogLevel.WARNING, LogLevel.ERROR])
    assert [line.seq for line in levels.lines] == [3, 4]
    assert [line.seq for line in (await page(services, run, search="loss")).lines] == [2, 3]
    assert [line.seq for line in (await page(services, run, search="0% d")).lines] == [4]
    assert [line.seq for line in (await page(services, run, search="%")).lines] == [4]
    assert [line.seq for line in (await page(services, run, search="e_i")).lines] == [4]
    both = await page(services, run, levels=[LogLevel.INFO], search="DONE")
    assert [line.seq for line in both.lines] == [5]
    assert len((await page(services, run, levels=[], search="")).lines) == 6
    paged = await page(services, run, levels=[LogLevel.INFO, LogLevel.WARNING], first=1, after=2)
    assert ([line.seq for line in paged.lines], paged.next_after, paged.has_more) == ([3], 3, True)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"first": logs.MAX_PAGE + 1}, "first"),
        ({"first": -1}, "first"),
        ({"after": -1}, "after"),
    ],
)
async def test_page_arguments_are_bounded(services, make_user, kwargs, field):
    run = await running(services, make_user)
    with pytest.raises(ValidationFailed) as caught:
        await page(services, run, **kwargs)
    assert set(caught.value.fields) == {field}


async def test_the_text_export_reads_in_chunks(services, make_user):
    run = await running(services, make_user)
    await append(
        services,
        run.user,
        run.id,
        [{"message": f"m{n}", "timestamp": datetime(2026, 1, 1, tzinfo=UTC)} for n in range(5)],
    )
    chunks = [
        chunk async for chunk in logs.stream_text(services.db, experiment_id=run.id, chunk_rows=2)
    ]
    assert len(chunks) == 3
    text = "".join(chunks)
    assert text.splitlines()[0] == "2026-01-01T00:00:00.000000+00:00 INFO [stdout] m0"
    assert text.count("\n") == 5 and text.endswith("m4\n")
