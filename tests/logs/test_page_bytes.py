"""A log page is bounded by its messages' bytes as well as by its number of lines: it
ends with the line crossing EXPSVC_LOGS_MAX_PAGE_BYTES (at least one line), says there
is more, and the next page goes on without a gap or a repeat — on every read path."""

from __future__ import annotations

from typing import Any

import pytest

from app.live.logs import LogFeed
from app.logs import service as logs
from app.logs.batched import PageRead, read_pages
from tests.graphql import ok
from tests.logs.helpers import append, running

# 30,000 characters of two bytes each: 60,000 bytes (counting characters would give 30,000)
BIG = "é" * 30_000
BOUND = 150_000  # three big lines: the third crosses it


async def big_run(services, make_user, count: int = 10):
    run = await running(services, make_user)
    await append(services, run.user, run.id, [{"message": f"{i}{BIG}"} for i in range(count)])
    return run


async def all_pages(read: Any) -> list[logs.LogPage]:
    pages: list[logs.LogPage] = []
    after = None
    while True:
        page = await read(after)
        pages.append(page)
        if not page.has_more:
            return pages
        after = page.next_after


def seqs(pages: list[logs.LogPage]) -> list[int]:
    return [line.seq for page in pages for line in page.lines]


async def test_a_page_of_big_lines_stops_at_the_byte_bound(services, make_user):
    run = await big_run(services, make_user)

    async def read(after: int | None) -> logs.LogPage:
        async with services.db.reader() as session:
            return await logs.read_page(
                session, experiment_id=run.id, after=after, first=5000, max_bytes=BOUND
            )

    pages = await all_pages(read)
    assert [len(page.lines) for page in pages] == [3, 3, 3, 1]
    assert [page.has_more for page in pages] == [True, True, True, False]
    assert seqs(pages) == list(range(1, 11))  # no gap, no repeat
    assert pages[0].next_after == 3 and pages[0].lines[0].message == f"0{BIG}"


async def test_a_line_over_the_bound_is_a_page_of_its_own(services, make_user):
    run = await big_run(services, make_user, count=3)
    async with services.db.reader() as session:
        page = await logs.read_page(session, experiment_id=run.id, first=100, max_bytes=10)
    assert [line.seq for line in page.lines] == [1] and page.has_more and page.next_after == 1


async def test_small_lines_page_by_count_as_before(services, make_user):
    run = await running(services, make_user)
    await append(services, run.user, run.id, [{"message": f"line {i}"} for i in range(50)])
    async with services.db.reader() as session:
        first = await logs.read_page(session, experiment_id=run.id, first=20, max_bytes=BOUND)
        last = await logs.read_page(session, experiment_id=run.id, after=40, first=20)
    assert [line.seq for line in first.lines] == list(range(1, 21)) and first.has_more
    assert [line.seq for line in last.lines] == list(range(41, 51)) and not last.has_more
    assert last.next_after == 50


async def test_the_database_sends_at_most_one_line_past_the_page(services, make_user):
    run = await big_run(services, make_user)
    async with services.db.reader() as session:
        query = logs.bounded_page(logs._filtered(run.id, None, None, None), 5000, BOUND)
        fetched = (await session.execute(query)).all()
    assert [row.seq for row in fetched] == [1, 2, 3, 4]  # the page, and one to say "more"


async def test_the_loaders_pages_are_bounded_too(services, make_user):
    run = await big_run(services, make_user)
    other = await big_run(services, make_user, count=2)

    async def read(after: int | None) -> logs.LogPage:
        async with services.db.reader() as session:
            reads = [
                PageRead(run.id, after, None, None, 5000, BOUND),
                PageRead(other.id, None, None, None, 5000, BOUND),
            ]
            pages = await read_pages(session, reads)
        assert [line.seq for line in pages[1].lines] == [1, 2] and not pages[1].has_more
        return pages[0]

    pages = await all_pages(read)
    assert [len(page.lines) for page in pages] == [3, 3, 3, 1]
    assert seqs(pages) == list(range(1, 11))


READ = """query($id: ID!, $after: Int) { experiment(id: $id) {
  logs(after: $after, first: 5000) { lines { seq } nextAfter hasMore } } }"""


@pytest.fixture
def page_bytes(services, monkeypatch):
    monkeypatch.setattr(services.settings, "logs_max_page_bytes", BOUND)


async def test_graphql_and_rest_pages_follow_the_setting(client, services, make_user, page_bytes):
    run = await big_run(services, make_user)
    got: list[int] = []
    after = None
    while True:
        data = await ok(client, READ, {"id": str(run.id), "after": after}, token=run.token)
        page = data["experiment"]["logs"]
        got.extend(line["seq"] for line in page["lines"])
        if not page["hasMore"]:
            break
        after = page["nextAfter"]
    assert got == list(range(1, 11))

    headers = {"Authorization": f"Bearer {run.token}"}
    answer = await client.get(
        f"/api/v1/experiments/{run.id}/logs", params={"limit": 5000}, headers=headers
    )
    body = answer.json()
    assert [line["seq"] for line in body["lines"]] == [1, 2, 3]
    assert body["has_more"] is True and body["next_after"] == 3


async def test_a_subscription_replay_reads_bounded_pages(services, make_user, page_bytes):
    run = await big_run(services, make_user)
    feed = LogFeed(None, 0)
    batches = [batch async for batch in feed.catch_up(services, run.id)]
    assert [len(batch) for batch in batches] == [3, 3, 3, 1]
    assert [row.seq for batch in batches for row in batch] == list(range(1, 11))
    assert feed.cursor == 10


async def test_the_text_export_reads_chunks_bounded_by_bytes(services, make_user):
    run = await big_run(services, make_user)
    chunks = [
        chunk
        async for chunk in logs.stream_text(services.db, experiment_id=run.id, chunk_bytes=BOUND)
    ]
    assert [chunk.count("\n") for chunk in chunks] == [3, 3, 3, 1]
    messages = [line.split("] ", 1)[1] for chunk in chunks for line in chunk.splitlines()]
    assert messages == [f"{i}{BIG}" for i in range(10)]


async def test_the_text_export_holds_the_lines_committed_when_it_started(services, make_user):
    run = await running(services, make_user)
    await append(services, run.user, run.id, [{"message": f"a{i}"} for i in range(5)])
    export = logs.stream_text(services.db, experiment_id=run.id, chunk_rows=2)
    first = await anext(export)
    await append(services, run.user, run.id, [{"message": "later"}])
    rest = [chunk async for chunk in export]
    text = first + "".join(rest)
    assert [line.rsplit(" ", 1)[1] for line in text.splitlines()] == [f"a{i}" for i in range(5)]
