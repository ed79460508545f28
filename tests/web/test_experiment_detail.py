"""The Experiment detail view in a real browser, on data made through the API: the
Overview of a QUEUED experiment opened from its URL, Start, log lines and a metric posted
over REST seen in Logs (paged, then live with Live tail) and Metrics, the log download,
an artifact uploaded and downloaded byte for byte, an API cost entry in Costs, Stop with
its confirmation, Fail with its dialog; and a caller who may only read sees no lifecycle
buttons.

The experiments belong to users of their own (not the seeded data scientist), so the
other browser tests' lists are unchanged."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from playwright.async_api import Page, expect

from tests.web.seed import CREATE_USER
from tests.web.server import Api, ConsoleServer
from tests.web.test_experiments_view import sign_in

CREATE_HYPOTHESIS = """
mutation ($title: String!, $observers: [ID!]) {
  createHypothesis(input: { title: $title, observerIds: $observers }) { id }
}
"""
CREATE_EXPERIMENT = """
mutation ($input: CreateExperimentInput!) { createExperiment(input: $input) { id } }
"""

_people = itertools.count(1)


@dataclass
class Cast:
    """An owner (DS) with a hypothesis that an observer (DS) may read but not act on."""

    owner: Api
    owner_name: str
    observer: Api
    hypothesis_id: str
    hypothesis_title: str


def _user(admin: Api, name: str) -> tuple[Api, str]:
    n = next(_people)
    created = admin.gql(
        CREATE_USER,
        input={"name": name, "email": f"detail-{n}@example.test", "role": "DS"},
    )["createUser"]
    return admin.as_user(created["token"]), created["user"]["id"]


def _cast(server: ConsoleServer) -> Cast:
    owner, _ = _user(server.admin, "Erin Owner")
    observer, observer_id = _user(server.admin, "Omar Observer")
    title = "Cosine decay beats step decay"
    hypothesis_id = owner.gql(CREATE_HYPOTHESIS, title=title, observers=[observer_id])[
        "createHypothesis"
    ]["id"]
    return Cast(owner, "Erin Owner", observer, hypothesis_id, title)


def _experiment(cast: Cast, name: str, **extra: Any) -> str:
    experiment = {
        "hypothesisId": cast.hypothesis_id,
        "name": name,
        "type": "LLM",
        "model": "llama-3-8b",
        "approach": "LoRA",
        "framework": "pytorch",
        "tags": ["sft", "cosine"],
        "hyperparams": {
            "learning_rate": 0.0003,
            "lr_scheduler": "cosine",
            "lora_target_modules": ["q_proj", "v_proj"],
        },
        "config": {"dataset": {"name": "alpaca", "splits": [{"name": "train", "rows": 52000}]}},
        "git": {
            "repoUrl": "https://github.com/example/llm-train",
            "commit": "4f2a9c1",
            "branch": "main",
        },
        **extra,
    }
    ident: str = cast.owner.gql(CREATE_EXPERIMENT, input=experiment)["createExperiment"]["id"]
    return ident


async def open_signed_in(page: Page, server: ConsoleServer, path: str, token: str) -> None:
    """Open ``path``, sign in on the page it sends to, and wait to be back on it."""
    await page.goto(path)
    await sign_in(page, token)
    await expect(page).to_have_url(f"{server.base}{path}")


def _rest(server: ConsoleServer, api: Api, method: str, path: str, **kwargs: Any) -> Any:
    response = httpx.request(
        method,
        f"{server.base}/api/v1{path}",
        headers={"Authorization": f"Bearer {api.token}"},
        timeout=30,
        **kwargs,
    )
    assert response.status_code < 300, response.text
    return response.json()


async def test_detail_overview_start_logs_metrics_artifacts_costs_stop(
    page: Page, server: ConsoleServer, tmp_path: Path
) -> None:
    cast = _cast(server)
    ident = _experiment(cast, "llama-lora-cosine")

    # a pasted link: sign in, then the experiment
    await page.goto(f"/experiments/{ident}")
    await expect(page).to_have_url(re.compile(r"/signin\?next="))
    await sign_in(page, cast.owner.token)
    await expect(page).to_have_url(f"{server.base}/experiments/{ident}")

    # the header and the Overview
    await expect(page.get_by_role("heading", level=1)).to_have_text("llama-lora-cosine")
    status = page.get_by_role("status", name="Status")
    await expect(status).to_have_text("Queued")
    await expect(page.get_by_role("link", name=cast.hypothesis_title).first).to_be_visible()
    await expect(page.get_by_role("link", name="Open monitor")).to_have_attribute(
        "href", f"/experiments/{ident}/monitor"
    )
    overview = page.get_by_role("tabpanel", name="Overview")
    await expect(page.get_by_role("tab", name="Overview")).to_have_attribute(
        "aria-selected", "true"
    )
    for text in ("Erin Owner", "llama-3-8b", "LoRA", "pytorch", "LLM", "sft", "cosine"):
        await expect(overview).to_contain_text(text)
    hyperparams = page.get_by_role("table", name="Hyperparameters")
    await expect(hyperparams.get_by_role("row", name="lr_scheduler")).to_contain_text("cosine")
    await expect(hyperparams.get_by_role("row", name="lora_target_modules")).to_contain_text(
        '["q_proj","v_proj"]'
    )
    await expect(hyperparams.get_by_role("row", name="learning_rate")).to_contain_text("0.0003")
    # the preset's defaults fill what was not given
    await expect(hyperparams.get_by_role("row", name="lora_rank")).to_contain_text("16")
    config = page.get_by_role("table", name="Config")
    await expect(config.get_by_role("row", name="dataset.name")).to_contain_text("alpaca")
    await expect(config.get_by_role("row", name="dataset.splits[0].rows")).to_contain_text("52000")

    # QUEUED: Start and Stop only
    lifecycle = page.get_by_role("group", name="Lifecycle")
    await expect(lifecycle.get_by_role("button")).to_have_text(["Start", "Stop"])

    await lifecycle.get_by_role("button", name="Start").click()
    await expect(status).to_have_text("Running")
    await expect(lifecycle.get_by_role("button")).to_have_text(["Complete", "Stop", "Fail"])
    await expect(overview).to_contain_text("Started")

    # progress over REST reaches the open page (experimentUpdated)
    _rest(server, cast.owner, "POST", f"/experiments/{ident}/progress", json={
        "step": 250, "total_steps": 1000,
    })  # fmt: skip
    await expect(page.get_by_text("250 / 1,000 steps · 25%")).to_be_visible()

    # log lines and a metric over REST
    first_lines = [
        {"level": "INFO", "message": "loading checkpoint shards"},
        {"level": "WARNING", "message": "gradient overflow, skipping step"},
        {"level": "INFO", "message": "epoch 1 loss=1.234"},
    ]
    _rest(server, cast.owner, "POST", f"/experiments/{ident}/logs", json={"lines": first_lines})
    _rest(server, cast.owner, "POST", f"/experiments/{ident}/metrics", json={
        "key": "train_loss", "value": 1.234, "step": 10,
    })  # fmt: skip
    _rest(server, cast.owner, "POST", f"/experiments/{ident}/metrics", json={
        "key": "train_loss", "value": 0.875, "step": 20,
    })  # fmt: skip

    # Metrics: the summaries
    await page.get_by_role("tab", name="Metrics").click()
    await expect(page).to_have_url(re.compile(r"\?tab=metrics$"))
    summaries = page.get_by_role("table", name="Metric summaries")
    row = summaries.get_by_role("row", name="train_loss")
    await expect(row.get_by_role("cell")).to_have_text(["20", "0.875", "0.875", "1.234", "2"])
    # ... and one chart per key, its last point as text; a drag reads that step range again
    chart = page.get_by_role("group", name="train_loss")
    await expect(chart.get_by_role("img", name="Chart of train_loss")).to_be_visible()
    await expect(chart.get_by_text("Last: step 20 · 0.875")).to_be_visible()
    box = await chart.get_by_role("img", name="Chart of train_loss").bounding_box()
    assert box is not None
    async with page.expect_request(
        lambda request: (
            request.method == "POST"
            and request.url.endswith("/graphql")
            and '"stepFrom"' in (request.post_data or "")
            and '"stepFrom":null' not in (request.post_data or "").replace(" ", "")
        )
    ):
        await page.mouse.move(box["x"] + box["width"] * 0.2, box["y"] + box["height"] / 2)
        await page.mouse.down()
        await page.mouse.move(box["x"] + box["width"] * 0.8, box["y"] + box["height"] / 2, steps=5)
        await page.mouse.up()
    await chart.get_by_role("button", name="Reset zoom").click()
    await expect(chart.get_by_role("button", name="Reset zoom")).to_have_count(0)
    # a point logged while the tab is open reaches its chart
    _rest(server, cast.owner, "POST", f"/experiments/{ident}/metrics", json={
        "key": "train_loss", "value": 0.5, "step": 30,
    })  # fmt: skip
    await expect(chart.get_by_text("Last: step 30 · 0.5")).to_be_visible()

    # Logs: the lines, the level filter and the search; the tab survives a reload
    await page.get_by_role("tab", name="Logs").click()
    await expect(page).to_have_url(re.compile(r"\?tab=logs$"))
    await page.reload()
    await expect(page.get_by_role("tab", name="Logs")).to_have_attribute("aria-selected", "true")
    log = page.get_by_role("list", name="Log lines")
    await expect(log.get_by_role("listitem")).to_have_count(3)
    await expect(log).to_contain_text("gradient overflow, skipping step")
    await page.get_by_role("checkbox", name="INFO").uncheck()
    await expect(log.get_by_role("listitem")).to_have_count(1)
    await expect(log).to_contain_text("gradient overflow")
    await page.get_by_role("checkbox", name="INFO").check()
    await page.get_by_label("Search logs").fill("LOSS=")
    await expect(log.get_by_role("listitem")).to_have_count(1)
    await expect(log).to_contain_text("epoch 1 loss=1.234")
    await page.get_by_label("Search logs").fill("")
    await expect(log.get_by_role("listitem")).to_have_count(3)

    # Live tail: a line posted now shows without a reload
    await page.get_by_label("Live tail").check()
    await expect(page.get_by_text("Following new lines")).to_be_visible()
    _rest(server, cast.owner, "POST", f"/experiments/{ident}/logs", json={
        "lines": [{"level": "ERROR", "message": "live: NaN in attention scores"}],
    })  # fmt: skip
    await expect(log).to_contain_text("live: NaN in attention scores")
    await expect(log.get_by_role("listitem")).to_have_count(4)

    # Download logs: the text export, with every line
    async with page.expect_download() as downloading:
        await page.get_by_role("button", name="Download logs").click()
    download = await downloading.value
    assert download.suggested_filename == f"experiment-{ident}.log"
    saved = tmp_path / "logs.txt"
    await download.save_as(saved)
    text = saved.read_text()
    for line in [*first_lines, {"message": "live: NaN in attention scores"}]:
        assert line["message"] in text
    await page.get_by_label("Live tail").uncheck()

    # Artifacts: upload with a kind, listed, downloaded byte for byte
    await page.get_by_role("tab", name="Artifacts").click()
    await expect(page.get_by_text("No artifacts yet.")).to_be_visible()
    weights = bytes(range(256)) * 400  # 100 KiB
    await page.get_by_label("File", exact=True).set_input_files(
        files=[{"name": "adapter.safetensors", "mimeType": "application/octet-stream",
                "buffer": weights}]
    )  # fmt: skip
    await page.get_by_label("Kind").select_option(label="Checkpoint")
    await page.get_by_role("button", name="Upload", exact=True).click()
    await expect(page.get_by_text("Uploaded adapter.safetensors.")).to_be_visible()
    listed = page.get_by_role("table", name="Artifacts").get_by_role("row").nth(1)
    await expect(listed).to_contain_text("adapter.safetensors")
    await expect(listed).to_contain_text("CHECKPOINT")
    await expect(listed).to_contain_text("100.0 KiB")
    async with page.expect_download() as downloading:
        await page.get_by_role("button", name="Download adapter.safetensors").click()
    artifact = await downloading.value
    copy = tmp_path / "adapter.safetensors"
    await artifact.save_as(copy)
    assert copy.read_bytes() == weights

    # Costs: an API cost entry recorded over REST shows live, in the list and the header
    await page.get_by_role("tab", name="Costs").click()
    await expect(page.get_by_text("No API costs recorded.")).to_be_visible()
    _rest(server, cast.owner, "POST", f"/experiments/{ident}/api-costs", json={
        "amount": 4.5, "description": "judge model calls",
    })  # fmt: skip
    entries = page.get_by_role("table", name="API cost entries")
    await expect(entries.get_by_role("row").nth(1)).to_contain_text("judge model calls")
    await expect(entries.get_by_role("row").nth(1)).to_contain_text("$4.50")
    await expect(entries.get_by_role("row").nth(1)).to_contain_text("Erin Owner")
    costs = page.get_by_role("tabpanel", name="Costs")
    await expect(costs.get_by_role("definition").nth(1)).to_have_text("$4.50")  # API

    # Code: the git reference
    await page.get_by_role("tab", name="Code").click()
    await expect(
        page.get_by_role("link", name="https://github.com/example/llm-train")
    ).to_have_attribute("href", "https://github.com/example/llm-train")
    await expect(page.get_by_role("tabpanel", name="Code")).to_contain_text("4f2a9c1")

    # Stop asks first: Cancel keeps it running, confirming stops it
    await lifecycle.get_by_role("button", name="Stop").click()
    dialog = page.get_by_role("dialog", name="Stop this experiment?")
    await expect(dialog).to_be_visible()
    await dialog.get_by_role("button", name="Cancel").click()
    await expect(dialog).to_be_hidden()
    await expect(status).to_have_text("Running")
    await lifecycle.get_by_role("button", name="Stop").click()
    await dialog.get_by_label("Message (optional)").fill("superseded by the cosine-v2 run")
    await dialog.get_by_role("button", name="Stop experiment").click()
    await expect(status).to_have_text("Stopped")
    await expect(page.get_by_role("group", name="Lifecycle")).to_have_count(0)
    await page.get_by_role("tab", name="Overview").click()
    await expect(overview).to_contain_text("superseded by the cosine-v2 run")


async def test_fail_asks_for_a_reason_and_a_message(page: Page, server: ConsoleServer) -> None:
    cast = _cast(server)
    ident = _experiment(cast, "doomed-run")
    cast.owner.gql("mutation ($id: ID!) { startExperiment(id: $id) { id } }", id=ident)
    await open_signed_in(page, server, f"/experiments/{ident}", cast.owner.token)
    status = page.get_by_role("status", name="Status")
    await expect(status).to_have_text("Running")

    await page.get_by_role("button", name="Fail").click()
    dialog = page.get_by_role("dialog", name="Mark this experiment as failed")
    await dialog.get_by_label("Reason").select_option(label="Out of memory")
    await dialog.get_by_label("Message").fill("CUDA out of memory at step 812")
    await dialog.get_by_role("button", name="Mark as failed").click()
    await expect(status).to_have_text("Failed")
    overview = page.get_by_role("tabpanel", name="Overview")
    await expect(overview).to_contain_text("Out of memory")
    await expect(overview).to_contain_text("CUDA out of memory at step 812")


async def test_a_caller_who_may_only_read_sees_no_lifecycle_buttons(
    page: Page, server: ConsoleServer
) -> None:
    cast = _cast(server)
    queued = _experiment(cast, "observed-queued")
    running = _experiment(cast, "observed-running")
    cast.owner.gql("mutation ($id: ID!) { startExperiment(id: $id) { id } }", id=running)

    await open_signed_in(page, server, "/", cast.observer.token)
    for ident, label in ((queued, "Queued"), (running, "Running")):
        await page.goto(f"/experiments/{ident}")
        await expect(page.get_by_role("status", name="Status")).to_have_text(label)
        await expect(page.get_by_role("tabpanel", name="Overview")).to_contain_text("Erin Owner")
        for name in ("Start", "Complete", "Stop", "Fail"):
            await expect(page.get_by_role("button", name=name, exact=True)).to_have_count(0)
        # nor the GPU queue's controls (priority, Leave queue)
        await expect(page.get_by_role("group", name="GPU queue")).to_have_count(0)
        # nor an upload form: it may download, not add
        await page.get_by_role("tab", name="Artifacts").click()
        await expect(page.get_by_text("No artifacts yet.")).to_be_visible()
        await expect(page.get_by_role("button", name="Upload", exact=True)).to_have_count(0)
