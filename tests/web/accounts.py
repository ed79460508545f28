"""A user of its own for a browser test, made through the API: what it creates stays out
of the seeded user's experiments table (a DS sees only its own hypotheses' runs), whatever
order the tests run in. Also: signing in, and watching the page ask for a subscription."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from playwright.async_api import Page, WebSocket, expect

from tests.web.seed import CREATE_EXPERIMENT, CREATE_HYPOTHESIS, CREATE_USER
from tests.web.server import Api

# How long a page may take to ask for a subscription (a shared 2-core machine)
SUBSCRIBE_WAIT_SECONDS = 15.0


@dataclass
class Account:
    api: Api
    name: str
    hypothesis_id: str
    hypothesis_title: str

    def create(self, name: str, **fields: Any) -> str:
        experiment = {
            "hypothesisId": self.hypothesis_id,
            "name": name,
            "type": "ML",
            "model": "xgboost",
            "framework": "sklearn",
            **fields,
        }
        ident: str = self.api.gql(CREATE_EXPERIMENT, input=experiment)["createExperiment"]["id"]
        return ident


def new_account(admin: Api, name: str, hypothesis: str) -> Account:
    """A DS user with one hypothesis of its own."""
    email = f"{uuid.uuid4().hex[:12]}@example.test"
    created = admin.gql(CREATE_USER, input={"name": name, "email": email, "role": "DS"})
    api = admin.as_user(created["createUser"]["token"])
    hypothesis_id = api.gql(CREATE_HYPOTHESIS, title=hypothesis)["createHypothesis"]["id"]
    return Account(api, name, hypothesis_id, hypothesis)


async def sign_in(page: Page, token: str, path: str = "/") -> None:
    await page.goto(f"/signin?next={quote(path, safe='')}")
    await page.get_by_label("API token").fill(token)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_role("button", name="Sign out")).to_be_visible()


class SocketWatch:
    """The GraphQL websocket frames a page sends: a test waits until the page has asked
    for a subscription before it causes the events that subscription should deliver (a
    live feed sends what happens after it starts, nothing from before). Create it before
    the page opens its socket."""

    def __init__(self, page: Page) -> None:
        self.sent: list[str] = []
        self._changed = asyncio.Event()
        page.on("websocket", self._watch)

    def _watch(self, socket: WebSocket) -> None:
        socket.on("framesent", self._frame)

    def _frame(self, payload: str | bytes) -> None:
        self.sent.append(payload if isinstance(payload, str) else payload.decode())
        self._changed.set()

    async def subscribed(self, operation: str) -> None:
        """Until a `subscribe` frame for ``operation`` (its name) has been sent (at most
        ``SUBSCRIBE_WAIT_SECONDS``)."""

        def asked() -> bool:
            return any('"subscribe"' in frame and operation in frame for frame in self.sent)

        async with asyncio.timeout(SUBSCRIBE_WAIT_SECONDS):
            while not asked():
                self._changed.clear()
                await self._changed.wait()
