"""How the service serves the web console (``app/web_console.py``), with a tiny fake dist
folder: pages for client-side routes, cached hashed assets, 404s that stay 404s,
GraphiQL at ``GET /graphql``, and a service that starts without a build."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.main import create_app
from app.services import Services
from app.web_console import IMMUTABLE

INDEX = b"<!doctype html><title>console</title><script src='/assets/console-abc123.js'></script>"
GRAPHIQL = b"<!doctype html><title>GraphiQL page</title>"
SCRIPT = b"console.log('hashed');"

ClientFor = Callable[[Path], Any]


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    folder = tmp_path / "dist"
    (folder / "assets").mkdir(parents=True)
    (folder / "index.html").write_bytes(INDEX)
    (folder / "graphiql.html").write_bytes(GRAPHIQL)
    (folder / "assets" / "console-abc123.js").write_bytes(SCRIPT)
    (folder / "assets" / "style-def456.css").write_text("body{color:red}")
    (tmp_path / "secret.txt").write_text("not for the web")
    return folder


@pytest.fixture
async def console(services: Services, dist: Path) -> AsyncIterator[httpx.AsyncClient]:
    async with _client(services, dist) as client:
        yield client


def _client(services: Services, dist: Path) -> httpx.AsyncClient:
    settings = services.settings.model_copy(update={"web_dist": dist})
    app = create_app(settings, dataclasses.replace(services, settings=settings))
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    return httpx.AsyncClient(transport=transport, base_url="http://test")


def _is_index(response: httpx.Response) -> bool:
    return response.status_code == 200 and response.content == INDEX


async def test_root_answers_the_console_page_never_cached(console):
    response = await console.get("/")
    assert _is_index(response)
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["cache-control"] == "no-cache"
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy


@pytest.mark.parametrize(
    "path",
    [
        "/signin",
        "/experiments/0b7d5c1e-4a0f-4d59-9d2b-9bb0a8f5f3a1",
        "/experiments/0b7d5c1e-4a0f-4d59-9d2b-9bb0a8f5f3a1/monitor",
        "/experiments/new",
        "/compare?ids=a,b,c",
        "/notifications",
        "/?status=RUNNING&sort=COST",
        "/apis",  # only the service's own prefixes are reserved, whole segments
    ],
)
async def test_every_client_side_route_answers_the_console_page(console, path):
    response = await console.get(path)
    assert _is_index(response), path
    assert response.headers["cache-control"] == "no-cache"


async def test_head_answers_the_page_headers(console):
    response = await console.head("/experiments/x")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-cache"


async def test_hashed_assets_are_cached_for_a_year(console):
    script = await console.get("/assets/console-abc123.js")
    assert script.status_code == 200
    assert script.content == SCRIPT
    assert script.headers["cache-control"] == IMMUTABLE
    assert "javascript" in script.headers["content-type"]
    style = await console.get("/assets/style-def456.css")
    assert style.headers["content-type"].startswith("text/css")
    assert style.headers["cache-control"] == IMMUTABLE


@pytest.mark.parametrize(
    "path",
    [
        "/assets/console-000000.js",
        "/assets/",
        "/assets/%2e%2e/index.html",
        "/assets/%2e%2e/%2e%2e/secret.txt",
    ],
)
async def test_a_missing_asset_is_a_404_not_the_page(console, path):
    response = await console.get(path)
    assert response.status_code == 404
    assert response.content != INDEX
    assert b"not for the web" not in response.content


@pytest.mark.parametrize(
    "path", ["/api/v2/experiments", "/api/v1x", "/graphql/extra", "/healthz/x", "/metrics/x"]
)
async def test_unknown_paths_under_the_service_prefixes_stay_404_in_the_envelope(console, path):
    response = await console.get(path)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "NOT_FOUND"


async def test_the_api_still_answers_beside_the_console(console):
    assert (await console.get("/healthz")).status_code == 200
    graphql = await console.post("/graphql", json={"query": "{ __typename }"})
    assert graphql.json() == {"data": {"__typename": "Query"}}
    # a GET that carries a query is a GraphQL request, whatever the browser accepts
    get = await console.get(
        "/graphql", params={"query": "{ __typename }"}, headers={"Accept": "text/html"}
    )
    assert get.json() == {"data": {"__typename": "Query"}}


async def test_a_browser_opening_graphql_gets_the_self_hosted_graphiql(console):
    response = await console.get("/graphql", headers={"Accept": "text/html,*/*;q=0.8"})
    assert response.status_code == 200
    assert response.content == GRAPHIQL
    assert response.headers["cache-control"] == "no-cache"
    assert "default-src 'self'" in response.headers["content-security-policy"]


async def test_a_posted_page_is_not_a_route(console):
    response = await console.post("/experiments/x")
    assert response.status_code == 405


async def test_a_build_made_while_serving_is_served_at_once(console, dist):
    assert _is_index(await console.get("/"))
    rebuilt = INDEX.replace(b"abc123", b"fff999") + b"<!-- a longer page -->"
    (dist / "index.html").write_bytes(rebuilt)
    assert (await console.get("/")).content == rebuilt


async def test_without_a_build_the_service_starts_and_says_how_to_build(services, tmp_path):
    missing = tmp_path / "never-built"
    async with _client(services, missing) as client:
        page = await client.get("/")
        assert page.status_code == 503
        assert page.headers["content-type"].startswith("text/html")
        assert "not built" in page.text and "make run" in page.text
        assert str(missing) in page.text
        graphiql = await client.get("/graphql", headers={"Accept": "text/html"})
        assert graphiql.status_code == 503
        assert "graphiql.html" in graphiql.text
        assert (await client.get("/assets/console-abc123.js")).status_code == 404
        assert (await client.get("/healthz")).status_code == 200
        graphql = await client.post("/graphql", json={"query": "{ __typename }"})
        assert graphql.json() == {"data": {"__typename": "Query"}}
