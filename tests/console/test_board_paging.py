"""Paging inside a Kanban column: ``BoardColumn.experiments(first, after)`` and
``BoardColumn.page`` continue with the ``experiments`` query's cursors."""

from __future__ import annotations

import pytest

from app.models.enums import Role
from tests.builders import create_experiment, create_hypothesis, move
from tests.graphql import error_codes, gql, ok

BOARD = """query($first: Int, $after: String, $order: ExperimentOrder) {
  experimentBoard(filter: {status: [QUEUED, STOPPED]}) {
    status count
    experiments(first: $first, after: $after) { name }
    page(first: $first, after: $after, orderBy: $order) {
      totalCount pageInfo { hasNextPage endCursor } edges { cursor node { name status } }
    } } }"""
PAGE = """query($first: Int, $after: String, $order: ExperimentOrder) {
  experimentBoard(filter: {status: [QUEUED, STOPPED]}) {
    status page(first: $first, after: $after, orderBy: $order) {
      pageInfo { endCursor } edges { node { name } } } } }"""
LIST = """query($first: Int) { experiments(filter: {status: [QUEUED]}, first: $first) {
  pageInfo { endCursor } edges { node { name } } } }"""


@pytest.fixture
async def board(services, make_user):
    """Seven QUEUED experiments q0…q6 (q6 newest), one STOPPED, and a stranger's QUEUED."""
    ann, token = await make_user(Role.DS, name="ann")
    stranger, _ = await make_user(Role.DS, name="stranger")
    hypothesis = await create_hypothesis(services, ann)
    for n in range(7):
        await create_experiment(services, ann, hypothesis, name=f"q{n}")
    stopped = await create_experiment(services, ann, hypothesis, name="s0")
    await move(services, ann, stopped, "stop")
    await create_experiment(services, stranger, await create_hypothesis(services, stranger))
    return token


def column(data, status):
    return next(c for c in data["experimentBoard"] if c["status"] == status)


async def test_a_column_pages_through_its_experiments(client, board):
    names, after = [], None
    while True:
        data = await ok(client, BOARD, {"first": 3, "after": after}, token=board)
        queued = column(data, "QUEUED")
        assert queued["count"] == 7
        page = queued["page"]
        assert [n["name"] for n in queued["experiments"]] == [
            e["node"]["name"] for e in page["edges"]
        ]
        names += [e["node"]["name"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert names == [f"q{n}" for n in range(6, -1, -1)]
    assert page["totalCount"] == 7


async def test_the_experiments_querys_cursor_continues_a_column(client, board):
    first_two = (await ok(client, LIST, {"first": 2}, token=board))["experiments"]
    cursor = first_two["pageInfo"]["endCursor"]
    data = await ok(client, BOARD, {"first": 2, "after": cursor}, token=board)
    assert [e["name"] for e in column(data, "QUEUED")["experiments"]] == ["q4", "q3"]


async def test_a_column_takes_an_order(client, board):
    order = {"field": "NAME", "direction": "ASC"}
    data = await ok(client, PAGE, {"first": 2, "order": order}, token=board)
    page = column(data, "QUEUED")["page"]
    assert [e["node"]["name"] for e in page["edges"]] == ["q0", "q1"]
    after = page["pageInfo"]["endCursor"]
    data = await ok(client, PAGE, {"first": 2, "order": order, "after": after}, token=board)
    assert [e["node"]["name"] for e in column(data, "QUEUED")["page"]["edges"]] == ["q2", "q3"]
    # the one cursor goes to every column: "s0" sorts after "q1"
    assert [e["node"]["name"] for e in column(data, "STOPPED")["page"]["edges"]] == ["s0"]


async def test_a_cursor_of_another_order_or_garbage_is_refused(client, board):
    order = {"field": "NAME", "direction": "ASC"}
    data = await ok(client, PAGE, {"first": 1, "order": order}, token=board)
    by_name = column(data, "QUEUED")["page"]["pageInfo"]["endCursor"]
    for after in (by_name, "garbage"):
        body = await gql(client, BOARD, {"first": 1, "after": after}, token=board)
        assert "VALIDATION_FAILED" in error_codes(body), body
    body = await gql(client, BOARD, {"first": 501}, token=board)
    assert "VALIDATION_FAILED" in error_codes(body)


async def test_without_a_token_no_board(client, board):
    assert error_codes(await gql(client, BOARD, {})) == ["UNAUTHENTICATED"]
