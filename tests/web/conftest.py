"""Browser tests: Playwright driving Debian's Chromium (``/usr/bin/chromium``, never a
browser Playwright downloads) against a real ``expsvc serve`` serving the built console.

Without Chromium or a built console (``make web``) they are skipped locally and FAIL when
the ``CI`` environment variable is set: in CI they must run."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, async_playwright, expect

from tests.conftest import BACKENDS
from tests.pg import TEST_DATABASE_ENV
from tests.web.chromium import CHROMIUM_ARGS
from tests.web.seed import Seeded, seed
from tests.web.server import WEB_DIST, ConsoleServer, console_server

# Assertions wait this long for the page (a shared 2-core machine, a cold server)
expect.set_options(timeout=15_000)


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set: the browser tests must run)", pytrace=False)
    pytest.skip(reason)


def chromium_path() -> str:
    found = shutil.which("chromium") or (
        "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
    )
    if not found:
        _unavailable("no chromium on this machine (apt-get install -y chromium)")
    assert found
    return found


def require_built_console() -> Path:
    if not (WEB_DIST / "index.html").is_file() or not (WEB_DIST / "graphiql.html").is_file():
        _unavailable(f"the console is not built in {WEB_DIST} (make web)")
    return WEB_DIST


@pytest.fixture(scope="session", params=BACKENDS)
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ConsoleServer]:
    """One ``expsvc serve`` per backend for the browser tests."""
    require_built_console()
    workdir = tmp_path_factory.mktemp(f"web-{request.param}")
    with console_server(workdir, request.param, os.environ.get(TEST_DATABASE_ENV)) as running:
        yield running


@pytest.fixture(scope="session")
def seeded(server: ConsoleServer) -> Seeded:
    """The demo user and its experiments, made once per server."""
    return seed(server.admin)


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    executable = chromium_path()
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_ARGS, headless=True
        )
        yield launched
        await launched.close()


@pytest.fixture
async def page(browser: Browser, server: ConsoleServer) -> AsyncIterator[Page]:
    """A fresh browser context (empty localStorage) on the server; fails the test on a
    page error or a console error (a Content-Security-Policy refusal is one)."""
    context = await browser.new_context(
        base_url=server.base, viewport={"width": 1400, "height": 900}
    )
    opened = await context.new_page()
    problems: list[str] = []
    opened.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    opened.on(
        "console",
        lambda message: (
            problems.append(f"console {message.type}: {message.text}")
            if message.type == "error"
            else None
        ),
    )
    opened.on(
        "response",
        lambda response: (
            problems.append(
                f"answer {response.status} to {response.request.method} {response.url}"
                f" {response.request.post_data or ''}"[:500]
            )
            if response.status >= 400
            else None
        ),
    )
    yield opened
    await context.close()
    assert not [p for p in problems if not _expected(p)], problems


def _expected(problem: str) -> bool:
    """Errors a test provokes on purpose: a refused token answers 401 (Chromium logs the
    failed request)."""
    return "401 (Unauthorized)" in problem or problem.startswith("answer 401 ")
