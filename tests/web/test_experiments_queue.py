"""The GPU queue in the Experiments table: a run waiting for GPUs shows its place in the
queue and its estimated start, and moves up (then starts) live as the runs ahead end. The
pool is the test's own (one GPU of a type no other test uses), so nothing else waits."""

from __future__ import annotations

import re

from playwright.async_api import Page, expect

from tests.web.seed import COMPLETE, START
from tests.web.server import ConsoleServer
from tests.web.test_experiments_live import Lab, open_list

UPSERT_POOL = """mutation { upsertResourcePool(input: {name: "browser-queue-pool",
  gpuType: "QTEST", capacity: 1, hourlyCostPerGpu: 1.0}) { name } }"""
CREATE = """mutation ($input: CreateExperimentInput!) { createExperiment(input: $input) { id } }"""


def one_gpu(lab: Lab, name: str) -> str:
    experiment = {
        "hypothesisId": lab.hypothesis,
        "name": name,
        "type": "CV",
        "model": "resnet50",
        "framework": "pytorch",
        "resources": {"gpuType": "QTEST", "gpuCount": 1, "maxDurationMinutes": 30},
    }
    ident: str = lab.api.gql(CREATE, input=experiment)["createExperiment"]["id"]
    return ident


async def test_waiting_runs_show_their_place_and_move_up(page: Page, server: ConsoleServer) -> None:
    server.admin.gql(UPSERT_POOL)
    lab = Lab(server)
    holder, first, second = (one_gpu(lab, name) for name in ("holder", "first", "second"))
    for ident in (holder, first, second):
        lab.api.gql(START, id=ident)
    await open_list(page, lab)

    rows = page.get_by_role("table", name="Experiments").get_by_role("row")
    await expect(rows.filter(has_text="holder")).to_contain_text("Running")
    await expect(rows.filter(has_text="first")).to_contain_text(
        re.compile(r"#1 in queue · ~\d\d-\d\d \d\d:\d\d")
    )
    await expect(rows.filter(has_text="second")).to_contain_text("#2 in queue")

    lab.api.gql(COMPLETE, id=holder)
    await expect(rows.filter(has_text="first")).to_contain_text("Running")
    await expect(rows.filter(has_text="second")).to_contain_text("#1 in queue")
