"""The Run Monitor's screenshot (``docs/screenshots/run-monitor.png``): a real server, a
RUNNING experiment with four metric keys, progress and logs, in Debian's Chromium.

    .venv/bin/python -m tests.web.shoot_run_monitor
"""

from __future__ import annotations

import asyncio
import math
import random
import re
import tempfile
from pathlib import Path

import httpx
from playwright.async_api import async_playwright, expect

from tests.web.conftest import CHROMIUM_ARGS, chromium_path
from tests.web.seed import API_COST, CREATE_HYPOTHESIS, PROGRESS, seed
from tests.web.server import REPO, Api, ConsoleServer, console_server
from tests.web.test_run_monitor import running_experiment

OUT = REPO / "docs" / "screenshots" / "run-monitor.png"
STEPS = 3000
TOTAL = 10_000
NAME = "resnet50-cosine-lr3e-4"


def curves(rng: random.Random) -> dict[str, list[float]]:
    loss, acc, lr, grad = [], [], [], []
    for step in range(STEPS):
        decay = math.exp(-step / 900)
        loss.append(0.35 + 2.1 * decay + rng.gauss(0, 0.04 + 0.05 * decay))
        lr.append(3e-4 * min(1.0, step / 300) * (0.5 + 0.5 * math.cos(math.pi * step / TOTAL)))
        grad.append(abs(1.2 * decay + 0.3 + rng.gauss(0, 0.08)) + (4.0 if step == 1710 else 0.0))
        if step % 100 == 0:
            acc.append(0.91 - 0.6 * math.exp(-step / 700) + rng.gauss(0, 0.006))
    return {"train/loss": loss, "val/accuracy": acc, "lr": lr, "grad_norm": grad}


LINES = [
    ("INFO", "loading shard 14/32 from s3://datasets/imagenet-1k/train"),
    ("DEBUG", "prefetch queue 8/8, dataloader workers 12"),
    ("INFO", "step 2900 loss 0.412 lr 2.87e-04 throughput 1,842 img/s"),
    ("WARNING", "grad norm 5.42 above 5.0: clipped"),
    ("INFO", "step 2950 loss 0.405 lr 2.86e-04 throughput 1,851 img/s"),
    ("INFO", "eval at step 2900: val/accuracy 0.9012 (best so far)"),
    ("INFO", "checkpoint saved to s3://runs/resnet50-cosine/ckpt-2900.pt (97.8 MB)"),
    ("ERROR", "dataloader worker 7 exited unexpectedly (SIGKILL); restarting it"),
    ("INFO", "dataloader worker 7 restarted"),
    ("INFO", "step 2999 loss 0.398 lr 2.85e-04 throughput 1,839 img/s"),
]


def prepare(server: ConsoleServer) -> tuple[Api, str]:
    """The seeded user and its RUNNING experiment with metrics, progress, a cost and logs."""
    user = seed(server.admin).user
    hypothesis = user.gql(CREATE_HYPOTHESIS, title="Cosine schedules beat step decay")
    ident = running_experiment(user, hypothesis["createHypothesis"]["id"], NAME)
    rng = random.Random(7)
    with httpx.Client(
        base_url=f"{server.base}/api/v1",
        headers={"Authorization": f"Bearer {user.token}"},
        timeout=60,
    ) as rest:
        for key, values in curves(rng).items():
            stride = 100 if key == "val/accuracy" else 1
            steps = [i * stride for i in range(len(values))]
            body = {"key": key, "steps": steps, "values": values}
            rest.post(f"/experiments/{ident}/metrics/batch", json=body).raise_for_status()
        lines = [{"level": level, "message": message} for level, message in LINES * 3]
        rest.post(f"/experiments/{ident}/logs", json={"lines": lines}).raise_for_status()
    user.gql(PROGRESS, id=ident, step=2950, total=TOTAL)
    user.gql(API_COST, id=ident, amount=18.4)
    return user, ident


async def shoot(server: ConsoleServer, user: Api, ident: str) -> None:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True
        )
        context = await browser.new_context(
            base_url=server.base, viewport={"width": 1400, "height": 1050}
        )
        page = await context.new_page()
        await page.goto(f"/experiments/{ident}/monitor")
        await page.get_by_label("API token").fill(user.token)
        await page.get_by_role("button", name="Sign in").click()
        await expect(page.get_by_text(re.compile("^Last: step 2,999 "))).to_have_count(3)
        # live: progress moves on, so the ETA has a rate
        for step in (2975, 3000):
            await asyncio.sleep(2)
            user.gql(PROGRESS, id=ident, step=step, total=TOTAL)
        await expect(page.get_by_text("step 3,000 / 10,000 · 30%")).to_be_visible()
        await page.wait_for_timeout(500)
        OUT.parent.mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(OUT), full_page=True)
        await browser.close()


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp, console_server(Path(tmp), "sqlite") as server:
        user, ident = prepare(server)
        asyncio.run(shoot(server, user, ident))
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
