"""Screenshots of the web console for the README and docs/: starts ``expsvc serve`` on a
fresh SQLite database with the built console (``make web``), seeds it through the API
(``tests/web/seed.py``), and drives Debian's Chromium with Playwright.

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots]

Each view is one ``Shot``: add yours to ``SHOTS`` (a name and an async function that
takes the page, the server and the seeded data, and leaves the page ready to capture).
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from playwright.async_api import Page, async_playwright, expect

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.web.conftest import CHROMIUM_ARGS  # noqa: E402
from tests.web.seed import RUNS, Seeded, seed  # noqa: E402
from tests.web.server import WEB_DIST, ConsoleServer, console_server  # noqa: E402

VIEWPORT = {"width": 1400, "height": 860}


@dataclass(frozen=True)
class Shot:
    name: str
    prepare: Callable[[Page, ConsoleServer, Seeded], Awaitable[None]]
    signed_in: bool = True


async def sign_in_page(page: Page, _server: ConsoleServer, _seeded: Seeded) -> None:
    await page.goto("/signin")
    await page.get_by_label("API token").fill("a-token-that-was-revoked")
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_role("alert")).to_be_visible()


LOG_METRICS = """
mutation ($id: ID!, $points: [MetricPointInput!]!) {
  logMetrics(experimentId: $id, points: $points)
}
"""
# val_loss curves of the running runs, for the leaderboard (logged once)
CURVES = {"lr-1e-4": (1.9, 1.2, 0.82, 0.64), "llama-sft-judge": (2.4, 1.5, 1.1, 0.97)}


async def experiments_table(page: Page, _server: ConsoleServer, seeded: Seeded) -> None:
    for name, values in CURVES.items():
        points = [
            {"key": "val_loss", "value": value, "step": 100 * (step + 1)}
            for step, value in enumerate(values)
        ]
        seeded.user.gql(LOG_METRICS, id=seeded.ids[name], points=points)
    await page.goto("/")
    links = page.get_by_role("table", name="Experiments").get_by_role("link")
    await expect(links).to_have_count(len(RUNS))
    leaderboard = page.get_by_role("region", name="Leaderboard")
    await leaderboard.get_by_label("Metric").fill("val_loss")
    await expect(leaderboard.get_by_role("row")).to_have_count(len(CURVES) + 1)
    for name in ("lr-1e-4", "llama-sft-judge"):
        await page.get_by_role("checkbox", name=f"Select {name}").check()


async def experiments_kanban(page: Page, _server: ConsoleServer, _seeded: Seeded) -> None:
    await page.goto("/?view=board")
    cards = page.get_by_role(
        "region", name=re.compile("^(Queued|Running|Completed|Failed|Stopped)")
    )
    await expect(cards.get_by_role("listitem")).to_have_count(len(RUNS))


async def graphiql(page: Page, _server: ConsoleServer, _seeded: Seeded) -> None:
    await page.goto("/graphql")
    await page.get_by_role("button", name="Execute query (Ctrl-Enter)").click()
    result = page.get_by_role("region", name="Result Window")
    await expect(result.get_by_text('"Dana Scientist"')).to_be_visible()


SHOTS = [
    Shot("signin", sign_in_page, signed_in=False),
    Shot("experiments", experiments_table),
    Shot("experiments-kanban", experiments_kanban),
    Shot("graphiql", graphiql),
]


async def capture(server: ConsoleServer, seeded: Seeded, out: Path, only: set[str]) -> None:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        for shot in SHOTS:
            if only and shot.name not in only:
                continue
            context = await browser.new_context(
                base_url=server.base, viewport=VIEWPORT, color_scheme="light"
            )
            if shot.signed_in:
                token = seeded.user.token
                await context.add_init_script(
                    f"localStorage.getItem('expsvc.token') || "
                    f"localStorage.setItem('expsvc.token', {token!r})"
                )
            page = await context.new_page()
            await shot.prepare(page, server, seeded)
            await page.wait_for_timeout(300)  # fonts and the last paint settle
            path = out / f"{shot.name}.png"
            await page.screenshot(path=path)
            print(f"wrote {path.relative_to(REPO) if path.is_relative_to(REPO) else path}")
            await context.close()
        await browser.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    parser.add_argument("names", nargs="*", help="only these shots (default: all)")
    args = parser.parse_args()
    if not (WEB_DIST / "index.html").is_file():
        print(f"the console is not built in {WEB_DIST}: run `make web` first", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as workdir, console_server(Path(workdir), "sqlite") as srv:
        seeded = seed(srv.admin)
        asyncio.run(capture(srv, seeded, args.out.resolve(), set(args.names)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
