"""The GPU queue's controls in a real browser. A data scientist starts a run on a full
pool from its page: it waits in the queue (its place shown), `Leave queue` takes it out;
started again, the table's row shows its place and the same controls, with only priorities
of 0 or less offered. A team lead raises a waiting run's priority from the table and sees
it move to #1. Each test has a pool of its own (one GPU of a type no other test uses), so
nothing else waits with it; screenshots go to ``EXPSVC_WEB_SHOTS`` (else the test's
``tmp_path``)."""

from __future__ import annotations

import os
import re
import uuid
from pathlib import Path

from playwright.async_api import Page, expect

from tests.web.accounts import sign_in
from tests.web.seed import CREATE_EXPERIMENT, CREATE_USER, START, STOP
from tests.web.server import Api, ConsoleServer

CREATE_HYPOTHESIS = """mutation ($title: String!, $lead: ID) {
  createHypothesis(input: { title: $title, teamLeadId: $lead }) { id } }"""
MINUS = "\u2212"  # the console writes negative priorities with a minus sign
STATE = "query ($id: ID!) { experiment(id: $id) { status priority queue { position } } }"


def upsert_pool(admin: Api, name: str, gpu_type: str) -> None:
    admin.gql(
        """mutation ($name: String!, $type: String!) { upsertResourcePool(input: {
          name: $name, gpuType: $type, capacity: 1, hourlyCostPerGpu: 1.0}) { name } }""",
        name=name,
        type=gpu_type,
    )


def user(admin: Api, name: str, role: str) -> tuple[Api, str]:
    email = f"{uuid.uuid4().hex[:12]}@example.test"
    created = admin.gql(CREATE_USER, input={"name": name, "email": email, "role": role})
    return admin.as_user(created["createUser"]["token"]), created["createUser"]["user"]["id"]


def one_gpu(api: Api, hypothesis: str, name: str, gpu_type: str) -> str:
    experiment = {
        "hypothesisId": hypothesis,
        "name": name,
        "type": "CV",
        "model": "resnet50",
        "framework": "pytorch",
        "resources": {"gpuType": gpu_type, "gpuCount": 1, "maxDurationMinutes": 30},
    }
    ident: str = api.gql(CREATE_EXPERIMENT, input=experiment)["createExperiment"]["id"]
    return ident


def stop_all(api: Api, *idents: str) -> None:
    """Cleanup: whatever still waits or runs stops (the pool is the test's own)."""
    for ident in idents:
        if api.gql(STATE, id=ident)["experiment"]["status"] in ("QUEUED", "RUNNING"):
            api.gql(STOP, id=ident)


def shot_path(tmp_path: Path, name: str) -> Path:
    folder = Path(os.environ.get("EXPSVC_WEB_SHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{name}.png"


async def shot(page: Page, tmp_path: Path, name: str) -> Path:
    path = shot_path(tmp_path, name)
    await page.screenshot(path=str(path), full_page=True, animations="disabled")
    return path


async def test_a_data_scientist_queues_a_start_and_leaves_the_queue(
    page: Page, server: ConsoleServer, tmp_path: Path
) -> None:
    upsert_pool(server.admin, "browser-ds-queue-pool", "QDS")
    ds, _ = user(server.admin, "Dana Queuer", "DS")
    hypothesis = ds.gql(CREATE_HYPOTHESIS, title="Longer warm-up helps ViTs", lead=None)[
        "createHypothesis"
    ]["id"]
    holder = one_gpu(ds, hypothesis, "holds-the-gpu", "QDS")
    waiter = one_gpu(ds, hypothesis, "waits-for-the-gpu", "QDS")
    ds.gql(START, id=holder)
    try:
        await sign_in(page, ds.token, f"/experiments/{waiter}")
        status = page.get_by_role("status", name="Status")
        await expect(status).to_have_text("Queued")
        lifecycle = page.get_by_role("group", name="Lifecycle")
        # Start on a full pool: the run joins the queue, its place shown
        await lifecycle.get_by_role("button", name="Start", exact=True).click()
        place = page.get_by_label("GPU queue", exact=True).and_(page.get_by_role("definition"))
        # its place, and the estimate the scheduler's pass stores just after the start
        await expect(place).to_have_text(re.compile(r"#1 in queue · ~.*\(browser-ds-queue-pool\)"))
        await expect(status).to_have_text("Queued")
        await expect(lifecycle.get_by_role("button", name="Start", exact=True)).to_have_count(0)
        # a DS may lower its priority, not raise it: the limit is said
        queue = page.get_by_role("group", name="GPU queue")
        priority = queue.get_by_label("Priority")
        await expect(priority).to_have_value("0")
        await expect(priority).to_have_attribute("max", "0")
        await expect(priority).to_have_accessible_description(
            re.compile("Only team leads, curators and admins may put a run ahead")
        )
        await priority.fill("5")
        await queue.get_by_role("button", name="Set priority").click()
        await expect(priority).to_have_accessible_description(re.compile("^must be 0 or less"))
        await priority.fill("-3")
        await queue.get_by_role("button", name="Set priority").click()
        lowered = page.get_by_role("definition").filter(has_text=f"Custom ({MINUS}3)")
        await expect(lowered).to_be_visible()
        assert ds.gql(STATE, id=waiter)["experiment"]["priority"] == -3
        await shot(page, tmp_path, "queue-detail-ds")

        await queue.get_by_role("button", name="Leave queue").click()
        await expect(place).to_have_count(0)
        await expect(lifecycle.get_by_role("button", name="Start", exact=True)).to_be_visible()
        assert ds.gql(STATE, id=waiter)["experiment"]["queue"] is None

        # queued again, from the table: its place, its priority, Leave queue
        await lifecycle.get_by_role("button", name="Start", exact=True).click()
        await expect(place).to_contain_text("#1 in queue")
        await page.get_by_role("link", name="Experiments").first.click()
        row = (
            page.get_by_role("table", name="Experiments")
            .get_by_role("row")
            .filter(has_text="waits-for-the-gpu")
        )
        await expect(row).to_contain_text("#1 in queue")
        select = row.get_by_label("Priority of waits-for-the-gpu")
        await expect(select.get_by_role("option")).to_have_text(
            ["Normal (0)", f"Custom ({MINUS}3)", f"Low ({MINUS}10)"]
        )
        await shot(page, tmp_path, "queue-table-ds")
        await row.get_by_role("button", name="Leave queue").click()
        await expect(row).not_to_contain_text("in queue")
        await expect(row.get_by_role("button", name="Leave queue")).to_have_count(0)
        assert ds.gql(STATE, id=waiter)["experiment"]["queue"] is None
    finally:
        stop_all(ds, waiter, holder)


async def test_a_team_lead_raises_a_waiting_run_to_the_front(
    page: Page, server: ConsoleServer, tmp_path: Path
) -> None:
    upsert_pool(server.admin, "browser-tl-queue-pool", "QTL")
    lead, lead_id = user(server.admin, "Lee Leader", "TL")
    ds, _ = user(server.admin, "Sam Scientist", "DS")
    hypothesis = ds.gql(CREATE_HYPOTHESIS, title="Mixup regularises small sets", lead=lead_id)[
        "createHypothesis"
    ]["id"]
    holder, first, second = (
        one_gpu(ds, hypothesis, name, "QTL") for name in ("tl-holder", "tl-first", "tl-second")
    )
    for ident in (holder, first, second):
        ds.gql(START, id=ident)
    try:
        await sign_in(page, lead.token, f"/?hypothesis={hypothesis}")
        rows = page.get_by_role("table", name="Experiments").get_by_role("row")
        first_row = rows.filter(has_text="tl-first")
        second_row = rows.filter(has_text="tl-second")
        await expect(first_row).to_contain_text("#1 in queue")
        await expect(second_row).to_contain_text("#2 in queue")
        select = second_row.get_by_label("Priority of tl-second")
        # a lead is offered the raised levels too
        await expect(select.get_by_role("option")).to_have_text(
            ["Urgent (+100)", "High (+10)", "Normal (0)", f"Low ({MINUS}10)"]
        )
        await select.select_option(label="Urgent (+100)")
        await expect(second_row).to_contain_text("#1 in queue")
        await expect(first_row).to_contain_text("#2 in queue")
        await expect(select).to_have_value("100")
        assert ds.gql(STATE, id=second)["experiment"]["priority"] == 100
        await shot(page, tmp_path, "queue-table-tl")

        # its page says the same, and offers any priority to the lead
        await second_row.get_by_role("link", name="tl-second").click()
        raised = page.get_by_role("definition").filter(has_text="Urgent (+100)")
        await expect(raised).to_be_visible()
        priority = page.get_by_role("group", name="GPU queue").get_by_label("Priority")
        await expect(priority).to_have_attribute("max", "1000")
        await shot(page, tmp_path, "queue-detail-tl")

        # the run ahead ends: the raised one starts first
        ds.gql(STOP, id=holder)
        await expect(page.get_by_role("status", name="Status")).to_have_text("Running")
        await page.go_back()
        await expect(second_row).to_contain_text("Running")
        await expect(first_row).to_contain_text("#1 in queue")
    finally:
        stop_all(ds, second, first, holder)
