"""Compare in a real browser: three runs made and measured through the API, side by side.
The differing params are marked (and `Only differences` hides the rest), the best value per
metric is marked, and choosing another baseline changes the deltas (and the URL)."""

from __future__ import annotations

import re

from playwright.async_api import Page, expect

from tests.web.accounts import new_account, sign_in
from tests.web.seed import COMPLETE, START
from tests.web.server import ConsoleServer

LOG = """mutation ($id: ID!, $points: [MetricPointInput!]!) {
  logMetrics(experimentId: $id, points: $points) }"""

# name → (hyperparams, final val_loss, final accuracy)
RUNS = {
    "gbm-lr-0.1": ({"learning_rate": 0.1, "n_estimators": 100}, 0.40, 0.80),
    "gbm-lr-0.05": ({"learning_rate": 0.05, "n_estimators": 100}, 0.30, 0.85),
    "gbm-lr-0.1-deep": ({"learning_rate": 0.1, "n_estimators": 300}, 0.50, 0.90),
}


async def test_three_runs_side_by_side(page: Page, server: ConsoleServer) -> None:
    account = new_account(server.admin, "Cy Comparer", "A lower learning rate generalises")
    ids = {}
    for name, (hyperparams, loss, accuracy) in RUNS.items():
        ident = account.create(name, hyperparams=hyperparams)
        account.api.gql(START, id=ident)
        points = [
            {"key": "val_loss", "step": step, "value": loss + 0.1 * (3 - step)}
            for step in range(1, 4)
        ] + [{"key": "accuracy", "step": 3, "value": accuracy}]
        account.api.gql(LOG, id=ident, points=points)
        account.api.gql(COMPLETE, id=ident)
        ids[name] = ident
    order = list(RUNS)
    first, second, third = (ids[name] for name in order)

    await sign_in(page, account.api.token, f"/compare?ids={first},{second},{third}")
    params = page.get_by_role("table", name="Parameters")
    for name in order:
        header = params.get_by_role("columnheader").filter(has_text=name)
        await expect(header.get_by_role("link", name=name, exact=True)).to_have_attribute(
            "href", f"/experiments/{ids[name]}"
        )
    await expect(page.get_by_label("Baseline")).to_have_value(first)

    lr = params.get_by_role("row").filter(has_text="hyperparams.learning_rate")
    await expect(lr).to_contain_text("differs")
    await expect(lr.get_by_role("cell")).to_have_text(["0.1", "0.05", "0.1"])
    trees = params.get_by_role("row").filter(has_text="hyperparams.n_estimators")
    await expect(trees).to_contain_text("differs")
    seed = params.get_by_role("row").filter(has_text="hyperparams.seed")
    await expect(seed).not_to_contain_text("differs")
    await expect(page.get_by_text("2 of ")).to_contain_text("parameters differ")

    await page.get_by_label("Only differences").check()
    await expect(seed).to_have_count(0)
    await expect(lr).to_be_visible()
    await expect(page).to_have_url(re.compile(r"diff=1"))
    await page.get_by_label("Only differences").uncheck()
    await expect(seed).to_have_count(1)

    metrics = page.get_by_role("table", name="Metrics")
    loss = metrics.get_by_role("row").filter(has_text="val_loss")
    await expect(loss).to_contain_text("lower is better")
    # last values 0.4, 0.3, 0.5: the second is best
    loss_cells = loss.get_by_role("cell")
    await expect(loss_cells.nth(1)).to_contain_text("★ best")
    await expect(loss_cells.nth(0)).not_to_contain_text("★")
    await expect(loss_cells.nth(2)).not_to_contain_text("★")
    # against the first: -0.1 (-25%), better; +0.1 (+25%), worse (a minus sign shown)
    await expect(loss_cells.nth(1)).to_contain_text("\u22120.1 (\u221225%)")
    await expect(loss_cells.nth(1)).to_contain_text("better")
    await expect(loss_cells.nth(2)).to_contain_text("+0.1 (+25%)")
    await expect(loss_cells.nth(2)).to_contain_text("worse")
    accuracy = metrics.get_by_role("row").filter(has_text="accuracy")
    await expect(accuracy.get_by_role("cell").nth(2)).to_contain_text("★ best")
    await expect(accuracy.get_by_role("cell").nth(2)).to_contain_text("+0.1 (+12.5%)")
    # one overlaid chart per metric, the runs named in its legend
    charts = page.get_by_role("list", name="Experiments in the charts")
    await expect(charts.get_by_role("listitem")).to_have_text(order)
    await expect(page.get_by_role("img", name="Chart of val_loss")).to_be_visible()
    await expect(page.get_by_role("img", name="Chart of accuracy")).to_be_visible()

    # another baseline: the deltas follow, and the URL keeps it
    await page.get_by_label("Baseline").select_option(label="gbm-lr-0.05")
    await expect(page).to_have_url(re.compile(f"baseline={second}"))
    await expect(loss_cells.nth(0)).to_contain_text("+0.1 (+33.3%)")
    await expect(loss_cells.nth(1)).not_to_contain_text("%")
    await expect(loss_cells.nth(2)).to_contain_text("+0.2 (+66.7%)")
    await expect(accuracy.get_by_role("cell").nth(0)).to_contain_text("\u22120.05 (\u22125.88%)")
    await expect(params.get_by_role("columnheader").filter(has_text="gbm-lr-0.05")).to_contain_text(
        "baseline"
    )

    # a reload keeps the comparison and its baseline
    await page.reload()
    await expect(page.get_by_label("Baseline")).to_have_value(second)
    await expect(loss_cells.nth(2)).to_contain_text("+0.2 (+66.7%)")

    # an experiment the caller may not read (or that does not exist) is refused, said so
    stranger = new_account(server.admin, "Ola Other", "Not shared").create("not-yours")
    await page.goto(f"/compare?ids={first},{stranger}")
    await expect(page.get_by_role("alert")).to_contain_text("Could not compare these experiments")
    await page.go_back()
    await expect(page.get_by_label("Baseline")).to_have_value(second)

    # one out: two left, the baseline stays
    await params.get_by_role("button", name="Remove gbm-lr-0.1-deep").click()
    await expect(params.get_by_role("columnheader")).to_have_count(3)
    await expect(page).to_have_url(re.compile(f"ids={first},{second}&baseline={second}"))
