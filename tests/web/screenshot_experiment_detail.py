"""The Experiment detail view's screenshot (``docs/screenshots/experiment-detail.png``): the
Overview of a running LLM fine-tune holding GPUs from a pool, with progress, logs,
metrics, an artifact and API costs, on a fresh ``expsvc serve``.

    .venv/bin/python -m tests.web.screenshot_experiment_detail [output.png]
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
from pathlib import Path

import httpx
from playwright.async_api import async_playwright

from tests.web.conftest import CHROMIUM_ARGS, chromium_path
from tests.web.seed import CREATE_USER
from tests.web.server import REPO, Api, console_server

OUTPUT = REPO / "docs" / "screenshots" / "experiment-detail.png"
POOLS = [{"name": "a100-east", "gpu_type": "A100", "capacity": 8, "hourly_cost_per_gpu": 2.4}]


def _seed(admin: Api) -> tuple[str, str]:
    """A data scientist's running experiment with data; returns (token, experiment id)."""
    created = admin.gql(
        CREATE_USER, input={"name": "Dana Scientist", "email": "dana@example.test", "role": "DS"}
    )["createUser"]
    user = admin.as_user(created["token"])
    hypothesis = user.gql(
        'mutation { createHypothesis(input: { title: "LoRA on judge feedback beats plain SFT" })'
        " { id } }"
    )["createHypothesis"]["id"]
    experiment = {
        "hypothesisId": hypothesis,
        "name": "llama-3-8b-lora-judge",
        "description": "LoRA fine-tune on 52k instructions scored by the judge model.",
        "type": "LLM",
        "model": "llama-3-8b",
        "approach": "LoRA",
        "framework": "pytorch",
        "tags": ["sft", "lora", "judge"],
        "hyperparams": {
            "learning_rate": 0.0002,
            "lora_rank": 32,
            "lora_target_modules": ["q_proj", "k_proj", "v_proj", "o_proj"],
            "max_steps": 4000,
        },
        "config": {
            "dataset": {"name": "alpaca-judged", "revision": "2025-05", "split": "train"},
            "eval": {"every_steps": 250, "judge": "gpt-4o-mini"},
        },
        "resources": {
            "gpuType": "A100",
            "gpuCount": 2,
            "cpuCores": 16,
            "memoryGb": 128,
            "maxDurationMinutes": 480,
        },
        "git": {
            "repoUrl": "https://github.com/example/llm-train",
            "commit": "4f2a9c1e8b7d",
            "branch": "lora-judge",
        },
    }
    ident: str = user.gql(
        "mutation ($input: CreateExperimentInput!) { createExperiment(input: $input) { id } }",
        input=experiment,
    )["createExperiment"]["id"]
    user.gql("mutation ($id: ID!) { startExperiment(id: $id) { id } }", id=ident)
    rest = httpx.Client(
        base_url=f"{admin.base}/api/v1", headers={"Authorization": f"Bearer {user.token}"}
    )
    with rest:
        steps = list(range(0, 1450, 50))
        rest.post(
            f"/experiments/{ident}/metrics/batch",
            json=[
                {
                    "key": "train_loss",
                    "steps": steps,
                    "values": [2.1 * 0.9985**s + 0.35 for s in steps],
                },
                {"key": "eval_judge_score", "steps": [250, 500, 750, 1000, 1250],
                 "values": [6.1, 6.8, 7.2, 7.4, 7.5]},
            ],
        ).raise_for_status()  # fmt: skip
        rest.post(
            f"/experiments/{ident}/logs",
            json={
                "lines": [
                    {"level": "INFO", "message": "loaded 4 checkpoint shards"},
                    {"level": "INFO", "message": "step 1250 eval judge score 7.5"},
                ]
            },
        ).raise_for_status()
        rest.post(
            f"/experiments/{ident}/progress", json={"step": 1400, "total_steps": 4000}
        ).raise_for_status()
        rest.post(
            f"/experiments/{ident}/api-costs",
            json={"amount": 18.4, "description": "judge model calls, steps 0-1250"},
        ).raise_for_status()
        rest.post(
            f"/experiments/{ident}/artifacts",
            data={"kind": "CHECKPOINT", "name": "adapter-step-1000.safetensors"},
            files={"file": ("adapter.safetensors", b"\0" * 300_000)},
        ).raise_for_status()
    return user.token, ident


async def _shoot(base: str, token: str, ident: str, output: Path) -> None:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True
        )
        context = await browser.new_context(
            base_url=base, viewport={"width": 1400, "height": 1100}, color_scheme="light"
        )
        page = await context.new_page()
        await page.goto("/signin")
        await page.evaluate("token => localStorage.setItem('expsvc.token', token)", token)
        await page.goto(f"/experiments/{ident}")
        await page.get_by_role("table", name="Config").wait_for()
        await page.get_by_text("1,400 / 4,000 steps").wait_for()
        output.parent.mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(output), full_page=True)
        await browser.close()


def main() -> None:
    output = Path(sys.argv[1]) if len(sys.argv) > 1 else OUTPUT
    with (
        tempfile.TemporaryDirectory() as workdir,
        console_server(Path(workdir), "sqlite", resource_pools=json.dumps(POOLS)) as server,
    ):
        token, ident = _seed(server.admin)
        asyncio.run(_shoot(server.base, token, ident, output))
    print(f"wrote {output}")


if __name__ == "__main__":
    main()
