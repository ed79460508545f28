"""``GET /experiments``: filters, ordering and keyset pagination over REST."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.models.enums import Role
from tests.rest.helpers import API, act, bearer, create_experiment, error_of, new_hypothesis


async def _list(client, token, **params):
    response = await client.get(f"{API}/experiments", params=params, headers=bearer(token))
    assert response.status_code == 200, response.text
    return response.json()


def _names(page) -> list[str]:
    return [item["name"] for item in page["items"]]


async def test_filters(client, services, make_user):
    user, token = await make_user(Role.DS)
    other, other_token = await make_user(Role.DS)
    first = await new_hypothesis(services, user, title="one")
    second = await new_hypothesis(services, user, title="two")
    a = await create_experiment(client, token, first, name="alpha", tags=["x", "y"])
    b = await create_experiment(client, token, first, name="beta", model="xgboost", tags=["x"])
    c = await create_experiment(client, token, second, name="gamma", type="CV", model="resnet")
    await create_experiment(client, other_token, await new_hypothesis(services, other))
    await act(client, token, a["id"], "start")
    await act(client, token, b["id"], "stop")

    everything = await _list(client, token)
    assert everything["total_count"] == 3
    assert set(_names(everything)) == {"alpha", "beta", "gamma"}
    assert set(everything["items"][0]) >= {"id", "status", "resources", "progress"}

    assert _names(await _list(client, token, hypothesis_id=str(second))) == ["gamma"]
    assert _names(await _list(client, token, status="RUNNING")) == ["alpha"]
    both = await _list(client, token, status="RUNNING,STOPPED", order_by="name", direction="asc")
    assert _names(both) == ["alpha", "beta"]
    repeated = await _list(
        client, token, status=["running", "QUEUED"], order_by="name", direction="asc"
    )
    assert _names(repeated) == ["alpha", "gamma"]
    assert _names(await _list(client, token, model="xgboost")) == ["beta"]
    assert _names(await _list(client, token, type="CV")) == ["gamma"]
    assert _names(await _list(client, token, owner_id=str(other.id))) == []
    assert _names(await _list(client, token, search="AMM")) == ["gamma"]
    assert set(_names(await _list(client, token, tag="x"))) == {"alpha", "beta"}
    assert _names(await _list(client, token, tag=["x", "y"])) == ["alpha"]
    future = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    assert _names(await _list(client, token, created_after=future)) == []
    assert (await _list(client, token, created_before=future))["total_count"] == 3
    assert c["id"] in {item["id"] for item in everything["items"]}


async def test_pagination_walks_every_item_once(client, services, make_user):
    user, token = await make_user(Role.DS)
    hypothesis_id = await new_hypothesis(services, user)
    names = [f"run-{index}" for index in range(5)]
    for name in names:
        await create_experiment(client, token, hypothesis_id, name=name)
    seen: list[str] = []
    after = None
    pages = 0
    while True:
        params = {"order_by": "name", "direction": "asc", "first": 2}
        if after is not None:
            params["after"] = after
        page = await _list(client, token, **params)
        pages += 1
        assert page["total_count"] == 5
        seen += _names(page)
        if not page["page_info"]["has_next_page"]:
            break
        after = page["page_info"]["end_cursor"]
    assert seen == names
    assert pages == 3

    newest_first = await _list(client, token, first=5)
    assert _names(newest_first) == list(reversed(names))


async def test_bad_list_parameters_are_validation_errors(client, make_user):
    _, token = await make_user(Role.DS)
    cases = [
        ({"status": "DONE"}, "status.0"),
        ({"order_by": "cost_of_living"}, "order_by"),
        ({"first": "many"}, "first"),
        ({"first": "1000"}, "first"),
        ({"hypothesis_id": "nope"}, "hypothesis_id"),
        ({"after": "garbage!"}, "after"),
        ({"statuses": "RUNNING"}, "statuses"),
        ({"model": ["a", "b"]}, "model"),
    ]
    for params, field in cases:
        response = await client.get(f"{API}/experiments", params=params, headers=bearer(token))
        assert response.status_code == 422, (params, response.text)
        assert field in error_of(response)["details"]["fields"], (params, response.text)
