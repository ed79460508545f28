"""Screenshots of every view of the web console, for the README and ``docs/console.md``.

Starts ``expsvc serve`` on a fresh SQLite home with the built console (``make web``), seeds
it with ``expsvc demo``'s own ``seed`` (through the API, as the admin), plays the demo's live
run with ``simulate`` in the background, and drives Debian's Chromium with Playwright at a
fixed 1400 px wide viewport in the light scheme.

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots] [name ...]

Each view is one ``Shot``: a name and an async function that takes the page and the seeded
demo, and leaves the page ready to capture (it waits for the data, never for a time).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import re
import sys
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
from playwright.async_api import Browser, Page, async_playwright, expect

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from app.demo import LLM_HYPOTHESIS_TITLE, DemoIds, demo_client, graphql, seed, simulate  # noqa: E402
from tests.web.conftest import CHROMIUM_ARGS, chromium_path  # noqa: E402
from tests.web.server import WEB_DIST, ConsoleServer, console_server  # noqa: E402

WIDTH = 1400
VIEWPORT = {"width": WIDTH, "height": 900}
TOKEN_KEY = "expsvc.token"
# The live run: 10 epochs x 200 steps at 40 steps/s (50 s); the monitor is shot from step
# MONITOR_FROM on, so its charts have history and still move
EPOCHS, STEPS_PER_EPOCH, TICK_SECONDS, STEPS_PER_SECOND = 10, 200, 0.5, 40.0
MONITOR_FROM = 700
# Charts, log tails and counts may take a while on a busy machine
expect.set_options(timeout=30_000)


@dataclass(frozen=True)
class Demo:
    """The running server, the admin's token and what ``seed`` made."""

    server: ConsoleServer
    token: str
    ids: DemoIds
    client: httpx.AsyncClient

    async def name_of(self, experiment_id: str) -> str:
        query = "query($id: ID!) { experiment(id: $id) { name } }"
        data = await graphql(self.client, query, {"id": experiment_id})
        name: str = data["experiment"]["name"]
        return name

    async def step(self) -> int:
        query = "query($id: ID!) { experiment(id: $id) { progress { step } } }"
        data = await graphql(self.client, query, {"id": self.ids.running})
        step: int = data["experiment"]["progress"]["step"]
        return step


@dataclass(frozen=True)
class Shot:
    name: str
    prepare: Callable[[Page, Demo], Awaitable[None]]
    signed_in: bool = True
    full_page: bool = False
    height: int = VIEWPORT["height"]


# --- the views ---------------------------------------------------------------------------------


async def sign_in(page: Page, _demo: Demo) -> None:
    await page.goto("/signin")
    await page.get_by_label("API token").fill("esk_a-token-that-was-revoked")
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_role("alert")).to_be_visible()


async def experiments(page: Page, demo: Demo) -> None:
    await page.goto("/")
    rows = page.get_by_role("table", name="Experiments").get_by_role("link")
    await expect(rows).to_have_count(9)
    leaderboard = page.get_by_role("region", name="Leaderboard")
    await leaderboard.get_by_label("Metric").fill("val/accuracy")
    await leaderboard.get_by_label("Metric").press("Enter")
    await leaderboard.get_by_label("Goal").select_option("MAX")
    board = page.get_by_role("table", name="Leaderboard by val/accuracy")
    # header + the completed, stopped and running ones (the failed one died before epoch 1)
    await expect(board.get_by_role("row")).to_have_count(5)
    for experiment_id in demo.ids.completed:
        name = await demo.name_of(experiment_id)
        await page.get_by_role("checkbox", name=f"Select {name}", exact=True).check()
    await expect(page.get_by_role("button", name="Compare", exact=True)).to_be_enabled()
    await page.evaluate("window.scrollTo(0, 0)")


async def experiments_kanban(page: Page, _demo: Demo) -> None:
    await page.goto("/?view=board")
    columns = page.get_by_role("region", name=re.compile("^(Queued|Running|Completed|Failed|Sto)"))
    await expect(columns.get_by_role("listitem")).to_have_count(9)


async def experiment_detail(page: Page, demo: Demo) -> None:
    await page.goto(f"/experiments/{demo.ids.running}")
    await expect(page.get_by_role("table", name="Config")).to_be_visible()
    await expect(page.get_by_role("group", name="Lifecycle").get_by_role("button")).to_have_text(
        ["Complete", "Stop", "Fail"]
    )
    await expect(page.get_by_text(re.compile(r"^[\d,]+ / 2,000 steps"))).to_be_visible()


async def _metrics_ready(page: Page, keys: list[str]) -> None:
    for key in keys:
        chart = page.get_by_role("group", name=key, exact=True)
        await expect(chart.get_by_role("img", name=f"Chart of {key}")).to_be_visible()
        await expect(chart.get_by_text(re.compile(r"^Last: step "))).to_be_visible()


async def experiment_metrics(page: Page, demo: Demo) -> None:
    await page.goto(f"/experiments/{demo.ids.completed[1]}")
    await page.get_by_role("tab", name="Metrics").click()
    await expect(page.get_by_role("table", name="Metric summaries")).to_be_visible()
    await _metrics_ready(
        page, ["train/accuracy", "train/loss", "train/lr", "val/accuracy", "val/loss"]
    )


async def experiment_logs(page: Page, demo: Demo) -> None:
    await page.goto(f"/experiments/{demo.ids.failed}")
    await page.get_by_role("tab", name="Logs").click()
    log = page.get_by_role("list", name="Log lines")
    await expect(log.get_by_text(re.compile("CUDA out of memory"))).to_be_visible()


async def run_monitor(page: Page, demo: Demo) -> None:
    async with asyncio.timeout(120):
        while await demo.step() < MONITOR_FROM:  # noqa: ASYNC110 - polls the server
            await asyncio.sleep(0.5)
    await page.goto(f"/experiments/{demo.ids.running}/monitor")
    await expect(page.get_by_role("progressbar", name="Progress")).to_be_visible()
    for key in ("train/loss", "train/accuracy", "val/accuracy"):
        chart = page.get_by_role("group", name=key, exact=True)
        await expect(chart.get_by_text(re.compile(r"points? loaded$"))).to_be_visible()
    log = page.get_by_role("log", name="Log tail")
    await expect(log.get_by_text(re.compile("gradient norm spiked"))).to_be_visible()
    # live: a few more ticks arrive over the subscription while the page is open
    shown = await demo.step()
    await expect(page.get_by_text(re.compile(r"^step [\d,]+ / 2,000"))).not_to_have_text(
        f"step {shown:,} / 2,000", timeout=10_000
    )


async def new_experiment(page: Page, _demo: Demo) -> None:
    await page.goto("/experiments/new")
    await expect(page.get_by_role("heading", name="New experiment")).to_be_visible()
    await page.get_by_label("Hypothesis").select_option(label=LLM_HYPOTHESIS_TITLE)
    await page.get_by_role("radio", name="LLM", exact=True).check()
    rank = page.get_by_label("Lora rank", exact=True)
    await expect(rank).to_have_value("16")  # the LLM preset's defaults
    await page.get_by_label("Name").fill("llama-3-8b LoRA r=64")
    await page.get_by_label("Model").fill("llama-3-8b")
    await page.get_by_label("Framework").fill("pytorch")
    await rank.fill("2048")
    await page.get_by_role("button", name="Create", exact=True).click()
    await expect(rank).to_have_accessible_description(re.compile("^must be <= 1024"))
    await expect(page.get_by_role("table", name="GPU pools")).to_be_visible()
    await page.evaluate("window.scrollTo(0, 0)")  # the sticky header back on top


async def compare(page: Page, demo: Demo) -> None:
    await page.goto(f"/compare?ids={','.join(demo.ids.llm_completed)}")
    await expect(page.get_by_role("table", name="Parameters")).to_be_visible()
    await expect(page.get_by_role("table", name="Metrics")).to_contain_text("★ best")
    await page.get_by_label("Only differences").check()
    await expect(page.get_by_text(re.compile(r"^\d+ of \d+ parameters differ"))).to_be_visible()
    for key in ("eval/judge_score", "eval/loss", "train/loss", "train/lr"):
        await expect(page.get_by_role("img", name=f"Chart of {key}")).to_be_visible()
    await page.evaluate("window.scrollTo(0, 0)")


async def notifications(page: Page, demo: Demo) -> None:
    # the oldest half read, so the list shows both kinds
    query = "query { notifications(first: 100) { id } }"
    ids = [n["id"] for n in (await graphql(demo.client, query))["notifications"]]
    mark = "mutation($ids: [ID!]!) { markNotificationsRead(ids: $ids) }"
    await graphql(demo.client, mark, {"ids": ids[len(ids) // 2 :]})
    await page.goto("/notifications")
    items = page.get_by_role("list", name="Notifications").get_by_role("listitem")
    await expect(items.first).to_be_visible()
    await expect(
        page.get_by_role("button", name=re.compile(r"^Notifications \(\d+\)"))
    ).to_be_visible()


QUEUE_POOL = """mutation { upsertResourcePool(input: {name: "l4-pool", gpuType: "L4",
  capacity: 2, hourlyCostPerGpu: 0.8}) { name } }"""
QUEUE_RUN = """mutation ($input: CreateExperimentInput!) {
  createExperiment(input: $input) { id } }"""
QUEUE_START = "mutation ($id: ID!) { startExperiment(id: $id) { id } }"
QUEUE_PRIORITY = """mutation ($id: ID!, $p: Int!) { setExperimentPriority(id: $id, priority: $p) {
  id } }"""


async def gpu_queue(page: Page, demo: Demo) -> None:
    """A two-GPU pool of its own (L4), full, with three runs waiting; the last one raised.
    Taken last: the other shots count the demo's nine experiments."""
    await graphql(demo.client, QUEUE_POOL)
    runs = [
        ("vit-b16-l4-baseline", 2, 180),
        ("vit-b16-l4-warmup-10", 1, 120),
        ("vit-b16-l4-mixup", 2, 240),
        ("vit-b16-l4-cutmix", 1, 90),
    ]
    ids = []
    for name, gpus, minutes in runs:
        experiment = {
            "hypothesisId": demo.ids.hypothesis,
            "name": name,
            "type": "CV",
            "model": "vit-b16",
            "framework": "pytorch",
            "resources": {"gpuType": "L4", "gpuCount": gpus, "maxDurationMinutes": minutes},
        }
        created = await graphql(demo.client, QUEUE_RUN, {"input": experiment})
        ids.append(created["createExperiment"]["id"])
        await graphql(demo.client, QUEUE_START, {"id": ids[-1]})
    await graphql(demo.client, QUEUE_PRIORITY, {"id": ids[-1], "p": 10})
    await page.goto(f"/?hypothesis={demo.ids.hypothesis}&status=QUEUED,RUNNING")
    rows = page.get_by_role("table", name="Experiments").get_by_role("row")
    await expect(rows.filter(has_text="vit-b16-l4-cutmix")).to_contain_text("#1 in queue")
    await expect(rows.filter(has_text="vit-b16-l4-mixup")).to_contain_text("#3 in queue")


async def graphiql(page: Page, _demo: Demo) -> None:
    await page.goto("/graphql")
    await page.get_by_role("button", name="Execute query (Ctrl-Enter)").click()
    result = page.get_by_role("region", name="Result Window")
    await expect(result.get_by_text('"Administrator"')).to_be_visible()


SHOTS = [
    Shot("signin", sign_in, signed_in=False),
    Shot("experiments", experiments, height=1240),
    Shot("experiments-kanban", experiments_kanban),
    Shot("experiment-detail", experiment_detail, full_page=True),
    Shot("experiment-metrics", experiment_metrics, full_page=True),
    Shot("experiment-logs", experiment_logs),
    Shot("run-monitor", run_monitor, full_page=True),
    Shot("new-experiment", new_experiment, full_page=True),
    Shot("compare", compare, full_page=True),
    Shot("notifications", notifications),
    Shot("graphiql", graphiql),
    Shot("gpu-queue", gpu_queue),
]


# --- the run -----------------------------------------------------------------------------------


@contextlib.asynccontextmanager
async def live_run(demo: Demo) -> AsyncIterator[None]:
    """The demo's simulated training on the RUNNING experiment while the shots are taken;
    stopped (by cancelling, as Ctrl-C does) when they are done."""
    task = asyncio.create_task(
        simulate(
            demo.client,
            demo.ids.running,
            epochs=EPOCHS,
            steps_per_epoch=STEPS_PER_EPOCH,
            tick_seconds=TICK_SECONDS,
            steps_per_second=STEPS_PER_SECOND,
        )
    )
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def take(browser: Browser, demo: Demo, shot: Shot, out: Path) -> Path:
    context = await browser.new_context(
        base_url=demo.server.base,
        viewport={"width": WIDTH, "height": shot.height},
        color_scheme="light",
        reduced_motion="reduce",
    )
    if shot.signed_in:
        await context.add_init_script(
            f"localStorage.getItem('{TOKEN_KEY}') || "
            f"localStorage.setItem('{TOKEN_KEY}', {demo.token!r})"
        )
    try:
        page = await context.new_page()
        await shot.prepare(page, demo)
        await page.evaluate("document.fonts.ready")
        path = out / f"{shot.name}.png"
        await page.screenshot(path=path, full_page=shot.full_page, animations="disabled")
        return path
    finally:
        await context.close()


async def capture(server: ConsoleServer, out: Path, only: set[str]) -> None:
    async with demo_client(server.base, server.admin.token) as client:
        ids = await seed(client)
        demo = Demo(server, server.admin.token, ids, client)
        async with live_run(demo), async_playwright() as playwright:
            browser = await playwright.chromium.launch(
                executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True
            )
            for shot in SHOTS:
                if only and shot.name not in only:
                    continue
                path = await take(browser, demo, shot, out)
                print(f"wrote {path.relative_to(REPO) if path.is_relative_to(REPO) else path}")
            await browser.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    parser.add_argument("names", nargs="*", help="only these shots (default: all)")
    args = parser.parse_args()
    unknown = set(args.names) - {shot.name for shot in SHOTS}
    if unknown:
        parser.error(f"no such shot: {', '.join(sorted(unknown))}")
    if not (WEB_DIST / "index.html").is_file():
        print(f"the console is not built in {WEB_DIST}: run `make web` first", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as workdir, console_server(Path(workdir), "sqlite") as srv:
        asyncio.run(capture(srv, args.out.resolve(), set(args.names)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
