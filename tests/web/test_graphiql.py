"""GraphiQL at ``/graphql`` in a real browser: every request goes to the service (no CDN),
the console's token is its Authorization header, a query runs, and a subscription runs
over graphql-ws with that token in ``connection_init``."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from playwright.async_api import Page, Request, expect

from tests.web.seed import CREATE_EXPERIMENT, CREATE_HYPOTHESIS, PROGRESS, START
from tests.web.server import ConsoleServer
from tests.web.test_experiments_view import sign_in


async def test_graphiql_is_self_hosted_and_uses_the_console_token(
    page: Page, server: ConsoleServer
) -> None:
    admin = server.admin
    hypothesis = admin.gql(CREATE_HYPOTHESIS, title="GraphiQL watch")["createHypothesis"]["id"]
    experiment = admin.gql(
        CREATE_EXPERIMENT,
        input={
            "hypothesisId": hypothesis,
            "name": "watched-in-graphiql",
            "type": "ML",
            "model": "xgboost",
            "framework": "sklearn",
        },
    )["createExperiment"]["id"]
    admin.gql(START, id=experiment)

    await page.goto("/signin")
    await sign_in(page, admin.token)
    await expect(page.get_by_role("table", name="Experiments")).to_be_visible()

    requested: list[str] = []

    def record(request: Request) -> None:
        requested.append(request.url)

    page.on("request", record)
    await page.get_by_role("link", name="GraphiQL", exact=True).click()
    await expect(page).to_have_url(f"{server.base}/graphql")
    headers = page.get_by_role("region", name="Headers")
    await expect(headers.get_by_text(f"Bearer {admin.token}")).to_be_visible()
    # GraphiQL's own sockets only: the console page before it opens its own for its live
    # feeds, and may still be doing so when the link is clicked
    sockets: list[str] = []
    page.on("websocket", lambda socket: sockets.append(socket.url))

    await page.get_by_role("button", name=re.compile("Execute query")).click()
    result = page.get_by_role("region", name="Result Window")
    await expect(result.get_by_text('"ADMIN"')).to_be_visible()

    editor = page.get_by_role("region", name="Operation Editor").get_by_role("textbox")
    await editor.focus()
    await page.keyboard.press("ControlOrMeta+A")
    await page.keyboard.press("Delete")
    await page.keyboard.insert_text(
        f'subscription Watch {{ experimentUpdated(id: "{experiment}") {{ progress {{ step }} }} }}'
    )
    await expect(page.get_by_role("tab", name="Watch")).to_be_visible()
    await page.get_by_role("button", name=re.compile("Execute query")).click()
    for _ in range(100):
        if sockets:
            break
        await page.wait_for_timeout(100)
    assert sockets, "GraphiQL opened no websocket for the subscription"
    # the subscription is open once the socket acknowledged it; report until it shows
    for step in range(4321, 4341):
        admin.gql(PROGRESS, id=experiment, step=step, total=10000)
        if await result.get_by_text(re.compile(rf'"step":\s{step}')).count():
            break
        await page.wait_for_timeout(250)
    await expect(result.get_by_text(re.compile(r'"step":\s43[2-4]\d'))).to_be_visible()

    origin = urlsplit(server.base)
    for url in requested + sockets:
        parts = urlsplit(url)
        assert parts.scheme in ("http", "ws", "data", "blob"), url
        if parts.scheme in ("http", "ws"):
            assert parts.netloc == origin.netloc, f"{url} is not from the service"
    assert any(urlsplit(url).path.startswith("/assets/") for url in requested)
    assert sockets == [f"{server.ws_base}/graphql"]
