"""New experiment in a real browser: the ML preset fills the form; an empty name and a
learning rate out of range are refused in the browser under their fields; a field the
service refuses (a bidirectional control character) shows the service's message under that
field; fixed, `Create and start` opens the running experiment, and `Create` a queued one
(`?hypothesis=` preselects the hypothesis). A start that cannot get its
GPUs waits in the GPU queue (its page shows its place) and starts by itself once they are
free; a DS is offered a priority of 0 or less, and told why."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.async_api import Page, expect

from tests.web.accounts import new_account, sign_in
from tests.web.seed import START, STOP
from tests.web.server import ConsoleServer
from tests.web.test_queue_controls import shot

EXPERIMENT = """query ($id: ID!) { experiment(id: $id) {
  name status priority framework hyperparams resources { gpuType gpuCount } } }"""
WIDEST_POOL = """mutation { upsertResourcePool(input: {name: "widest-pool", gpuType: "L40S",
  capacity: 2, hourlyCostPerGpu: 1.5, queueOrder: WIDEST_FIRST}) { queueOrder } }"""
NAME_MESSAGE = "must not contain control or bidirectional formatting characters"


def experiment_id(page: Page) -> str:
    match = re.search(r"/experiments/([0-9a-f-]{36})$", page.url)
    assert match, page.url
    return match.group(1)


async def test_create_from_a_preset_with_field_errors_then_create_and_start(
    page: Page, server: ConsoleServer
) -> None:
    account = new_account(server.admin, "Nia Former", "Shallower trees overfit less")
    server.admin.gql(WIDEST_POOL)
    await sign_in(page, account.api.token)
    await page.get_by_role("link", name="New experiment").click()
    await expect(page).to_have_url(f"{server.base}/experiments/new")
    await expect(page.get_by_role("heading", name="New experiment")).to_be_visible()

    await page.get_by_label("Hypothesis").select_option(label=account.hypothesis_title)
    await page.get_by_role("radio", name="ML", exact=True).check()
    # the ML preset's defaults and resources
    await expect(page.get_by_label("Learning rate")).to_have_value("0.1")
    await expect(page.get_by_label("N estimators")).to_have_value("100")
    await expect(page.get_by_label("Max depth")).to_have_value("6")
    await expect(page.get_by_label("Total epochs")).to_have_value("")
    await expect(page.get_by_label("Model")).to_have_value("xgboost")
    await expect(page.get_by_label("GPU type")).to_have_value("")
    await expect(page.get_by_label("CPU cores")).to_have_value("8")
    await expect(page.get_by_label("Memory (GB)")).to_have_value("32")
    # each pool with its free GPUs
    pools = page.get_by_role("table", name="GPU pools")
    await expect(pools.get_by_role("row").filter(has_text="h100-pool")).to_contain_text("H100")
    # and its queue order
    await expect(pools.get_by_role("row").filter(has_text="h100-pool")).to_contain_text("Arrival")
    await expect(pools.get_by_role("row").filter(has_text="widest-pool")).to_contain_text(
        "Widest first"
    )
    await expect(page.get_by_label("GPU type").get_by_role("option")).to_contain_text(
        [re.compile(r"None"), re.compile(r"A100 — \d+ of 16 free")]
    )

    # refused in the browser: nothing is sent
    await page.get_by_label("Learning rate").fill("5")
    await page.get_by_label("Total epochs").fill("0")
    await page.get_by_role("button", name="Create", exact=True).click()
    await expect(page.get_by_label("Name")).to_have_accessible_description(
        re.compile("^is required")
    )
    await expect(page.get_by_label("Learning rate")).to_have_accessible_description(
        re.compile("^must be <= 1")
    )
    await expect(page.get_by_label("Total epochs")).to_have_accessible_description(
        re.compile("^must be >= 1")
    )
    await expect(page.get_by_label("Name")).to_be_focused()
    assert page.url.endswith("/experiments/new")

    # fixed; a framework only the service refuses: its message lands under Framework
    await page.get_by_label("Name").fill("forms-depth-4")
    await expect(page.get_by_label("Name")).not_to_have_attribute("aria-invalid", "true")
    await page.get_by_label("Learning rate").fill("0.05")
    await page.get_by_label("Total epochs").fill("20")
    await page.get_by_label("Max depth").fill("4")
    await page.get_by_label("Framework").fill("scikit\u202elearn")
    await page.get_by_role("button", name="Create and start").click()
    await expect(page.get_by_label("Framework")).to_have_accessible_description(
        re.compile(f"^{NAME_MESSAGE}")
    )
    await expect(page.get_by_role("alert").filter(has_text="refused some fields")).to_be_visible()
    await expect(page.get_by_label("Learning rate")).not_to_have_attribute("aria-invalid", "true")

    await page.get_by_label("Framework").fill("scikit-learn")
    await page.get_by_role("button", name="Create and start").click()
    await expect(page).to_have_url(re.compile(r"/experiments/[0-9a-f-]{36}$"))
    created = account.api.gql(EXPERIMENT, id=experiment_id(page))["experiment"]
    assert created["name"] == "forms-depth-4"
    assert created["status"] == "RUNNING"
    assert created["framework"] == "scikit-learn"
    assert created["hyperparams"]["learning_rate"] == 0.05
    assert created["hyperparams"]["epochs"] == 20
    assert created["hyperparams"]["max_depth"] == 4
    assert created["hyperparams"]["n_estimators"] == 100
    assert created["resources"] == {"gpuType": None, "gpuCount": 0}
    account.api.gql(STOP, id=experiment_id(page))

    # `Create` alone: the LLM preset as it comes, queued
    await page.goto(f"/experiments/new?hypothesis={account.hypothesis_id}")
    await expect(page.get_by_label("Hypothesis")).to_have_value(account.hypothesis_id)
    await expect(page.get_by_label("Model")).to_have_value("llama-3-8b")
    await page.get_by_label("Name").fill("forms-llm-defaults")
    await page.get_by_role("button", name="Create", exact=True).click()
    await expect(page).to_have_url(re.compile(r"/experiments/[0-9a-f-]{36}$"))
    queued = account.api.gql(EXPERIMENT, id=experiment_id(page))["experiment"]
    assert queued["status"] == "QUEUED"
    assert queued["resources"] == {"gpuType": "A100", "gpuCount": 4}
    assert queued["hyperparams"]["lora_rank"] == 16


async def test_a_start_without_free_gpus_waits_in_the_queue_and_starts_by_itself(
    page: Page, server: ConsoleServer, tmp_path: Path
) -> None:
    account = new_account(server.admin, "Gil Pooler", "Bigger batches need more GPUs")
    # one H100 held elsewhere: a request for all eight has to wait
    hog = account.create(
        "h100-holder",
        type="CV",
        model="vit-b",
        framework="pytorch",
        resources={"gpuType": "H100", "gpuCount": 1},
    )
    account.api.gql(START, id=hog)
    queued = None
    try:
        await sign_in(page, account.api.token, "/experiments/new")
        await page.get_by_label("Hypothesis").select_option(label=account.hypothesis_title)
        await page.get_by_role("radio", name="CV", exact=True).check()
        await expect(page.get_by_label("Learning rate")).to_have_value("0.001")
        # the preset's image_size (integer or pair) is edited as JSON
        await expect(page.get_by_label("Advanced: edit as JSON")).to_have_value(
            re.compile(r'"image_size": 224')
        )
        # a DS is offered priorities of 0 or less, and told why
        priority = page.get_by_label("Priority")
        await expect(priority).to_have_value("0")
        await expect(priority).to_have_attribute("max", "0")
        await expect(priority).to_have_accessible_description(
            re.compile("Only team leads, curators and admins may put a run ahead")
        )
        await priority.fill("2")
        await page.get_by_label("Name").fill("forms-vit-8xh100")
        await page.get_by_label("GPU type").select_option("H100")
        await page.get_by_label("GPU count").fill("8")
        await expect(page.get_by_label("GPU type")).to_have_accessible_description(
            re.compile("Only 7 H100 free in one pool now: a start would wait in the GPU queue")
        )
        await page.get_by_role("button", name="Create and start").click()
        await expect(priority).to_have_accessible_description(re.compile("^must be 0 or less"))
        assert page.url.endswith("/experiments/new"), "refused in the browser, nothing sent"
        await shot(page, tmp_path, "new-experiment-priority")
        await priority.fill("-1")
        await page.get_by_role("button", name="Create and start").click()

        # it waits in the queue: its page shows its place
        await expect(page).to_have_url(re.compile(r"/experiments/[0-9a-f-]{36}$"))
        queued = experiment_id(page)
        await expect(page.get_by_role("status", name="Status")).to_have_text("Queued")
        await expect(page.get_by_role("definition").filter(has_text="in queue")).to_have_text(
            re.compile(r"^#1 in queue · ")
        )
        waiting = account.api.gql(EXPERIMENT, id=queued)["experiment"]
        assert waiting["status"] == "QUEUED"
        assert waiting["priority"] == -1

        # the GPUs come free: the scheduler starts it, the page follows
        account.api.gql(STOP, id=hog)
        await expect(page.get_by_role("status", name="Status")).to_have_text("Running")
        started = account.api.gql(EXPERIMENT, id=queued)["experiment"]
        assert started["status"] == "RUNNING"
        assert started["resources"] == {"gpuType": "H100", "gpuCount": 8}
        assert started["hyperparams"]["image_size"] == 224
    finally:
        for ident in (queued, hog):
            if ident is None:
                continue
            status = account.api.gql(EXPERIMENT, id=ident)["experiment"]["status"]
            if status in ("QUEUED", "RUNNING"):
                account.api.gql(STOP, id=ident)
