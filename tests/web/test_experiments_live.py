"""The Experiments view beyond the table: rows that appear and leave live, the Kanban board
(counts, cards moving, paging inside a column), the stats strip, the leaderboard, selecting
rows for Compare and the owner picker. Each test makes its own user and data through the
API, so its lists hold only what it made."""

from __future__ import annotations

import re
from itertools import count

from playwright.async_api import Browser, Page, expect

from tests.web.accounts import SocketWatch
from tests.web.proxy import page_behind_proxy
from tests.web.seed import (
    API_COST,
    COMPLETE,
    CREATE_EXPERIMENT,
    CREATE_HYPOTHESIS,
    CREATE_USER,
    FAIL,
    PROGRESS,
    START,
)
from tests.web.server import Api, ConsoleServer
from tests.web.test_experiments_view import expect_names, sign_in

LOG_METRICS = """
mutation ($id: ID!, $points: [MetricPointInput!]!) {
  logMetrics(experimentId: $id, points: $points)
}
"""

_numbers = count()


class Lab:
    """A DS user of its own with a hypothesis, making experiments through the API."""

    def __init__(self, server: ConsoleServer, name: str | None = None) -> None:
        number = next(_numbers)
        self.name = name or f"Live Tester {number}"
        created = server.admin.gql(
            CREATE_USER,
            input={"name": self.name, "email": f"live{number}@example.test", "role": "DS"},
        )["createUser"]
        self.api: Api = server.admin.as_user(created["token"])
        self.hypothesis = self.api.gql(CREATE_HYPOTHESIS, title=f"Live {number}")[
            "createHypothesis"
        ]["id"]

    def create(self, name: str, *, model: str = "resnet50", tags: tuple[str, ...] = ()) -> str:
        experiment = {
            "hypothesisId": self.hypothesis,
            "name": name,
            "type": "CV",
            "model": model,
            "framework": "pytorch",
            "tags": list(tags),
        }
        ident: str = self.api.gql(CREATE_EXPERIMENT, input=experiment)["createExperiment"]["id"]
        return ident

    def run(self, name: str, **kwargs: object) -> str:
        ident = self.create(name, **kwargs)  # type: ignore[arg-type]
        self.api.gql(START, id=ident)
        return ident


async def open_list(page: Page, lab: Lab, query: str = "") -> None:
    await page.goto("/signin?next=" + ("%2F" + query.replace("?", "%3F").replace("&", "%26")))
    await sign_in(page, lab.api.token)
    await expect(page.get_by_role("table", name="Experiments")).to_be_visible()


async def test_a_created_experiment_appears_at_the_top(page: Page, server: ConsoleServer) -> None:
    lab = Lab(server)
    lab.create("first-run")
    lab.create("second-run")
    await open_list(page, lab)
    await expect_names(page, ["second-run", "first-run"])
    await expect(page.get_by_text("Showing 2 of 2 experiments")).to_be_visible()

    lab.create("made-over-the-api")
    await expect_names(page, ["made-over-the-api", "second-run", "first-run"])
    await expect(page.get_by_text("Showing 3 of 3 experiments")).to_be_visible()
    strip = page.get_by_role("region", name="Statistics")
    await expect(strip.get_by_role("listitem").filter(has_text="Queued")).to_have_text(
        re.compile(r"Queued\s*3")
    )


async def test_rows_arriving_above_keep_the_scrolled_view_still(
    page: Page, server: ConsoleServer
) -> None:
    lab = Lab(server)
    for number in range(60):
        lab.create(f"run-{number:02d}")
    await open_list(page, lab)
    await expect(page.get_by_text("Showing 50 of 60 experiments")).to_be_visible()
    table = page.get_by_role("table", name="Experiments")
    await table.hover()
    await page.mouse.wheel(0, 20 * 44)
    # scrolling on loads the rest by itself
    await expect(page.get_by_text("Showing 60 of 60 experiments")).to_be_visible()
    watched = table.get_by_role("link", name="run-35", exact=True)
    await expect(watched).to_be_visible()
    before = await watched.bounding_box()
    await expect(table.get_by_role("link", name="run-59", exact=True)).to_have_count(0)

    lab.create("newest")
    await expect(page.get_by_text("Showing 61 of 61 experiments")).to_be_visible()
    after = await watched.bounding_box()
    assert before and after and abs(after["y"] - before["y"]) < 1, (before, after)
    # back at the top, the new row is first
    await page.mouse.wheel(0, -100 * 44)
    await expect(table.get_by_role("row").get_by_role("link").first).to_have_text("newest")


async def test_a_row_leaves_a_running_filter_when_its_run_completes(
    page: Page, server: ConsoleServer
) -> None:
    lab = Lab(server)
    finishing = lab.run("finishing-run")
    lab.run("still-running")
    lab.create("waiting")
    await open_list(page, lab, "?status=RUNNING")
    await expect_names(page, ["still-running", "finishing-run"])

    # progress reports change the row in place
    running = page.get_by_role("table", name="Experiments").get_by_role("row")
    lab.api.gql(PROGRESS, id=finishing, step=500, total=1000)
    await expect(running.filter(has_text="finishing-run")).to_contain_text(
        "500 / 1,000 steps · 50%"
    )

    lab.api.gql(COMPLETE, id=finishing)
    await expect_names(page, ["still-running"])
    await expect(page.get_by_text("Showing 1 of 1 experiments")).to_be_visible()

    # and one that starts enters the list, in its place
    waiting = page.get_by_role("link", name="waiting")
    await expect(waiting).to_have_count(0)
    lab.api.gql(START, id=lab.create("started-later"))
    await expect_names(page, ["started-later", "still-running"])


async def test_kanban_columns_count_and_a_card_moves_when_its_run_starts(
    page: Page, server: ConsoleServer
) -> None:
    lab = Lab(server)
    queued = [lab.create(f"queued-{number:02d}") for number in range(21)]
    lab.run("already-running")
    await open_list(page, lab)

    await page.get_by_role("button", name="Kanban").click()
    await expect(page).to_have_url(re.compile(r"\?view=board$"))
    await expect(page.get_by_role("button", name="Kanban")).to_have_attribute(
        "aria-pressed", "true"
    )
    columns = {
        label: page.get_by_role("region", name=re.compile(f"^{label}"))
        for label in ("Queued", "Running", "Completed", "Failed", "Stopped")
    }
    expected = {"Queued": 21, "Running": 1, "Completed": 0, "Failed": 0, "Stopped": 0}
    for label, number in expected.items():
        await expect(columns[label].get_by_role("heading")).to_have_text(f"{label} {number}")
    # 20 cards a page: the 21st after Load more inside the column
    queued_cards = columns["Queued"].get_by_role("listitem")
    await expect(queued_cards).to_have_count(20)
    await columns["Queued"].get_by_role("button", name="Load more").click()
    await expect(queued_cards).to_have_count(21)
    await expect(columns["Queued"].get_by_role("button", name="Load more")).to_have_count(0)
    card = columns["Running"].get_by_role("listitem").filter(has_text="already-running")
    await expect(card).to_contain_text("resnet50")
    await expect(card).to_contain_text(lab.name)
    await expect(card).to_contain_text("$0.00")

    # a run starts: its card moves from Queued to Running, the counts follow
    lab.api.gql(START, id=queued[0])
    await expect(columns["Running"].get_by_role("link", name="queued-00")).to_be_visible()
    await expect(columns["Queued"].get_by_role("link", name="queued-00")).to_have_count(0)
    await expect(columns["Running"].get_by_role("heading")).to_have_text("Running 2")
    await expect(columns["Queued"].get_by_role("heading")).to_have_text("Queued 20")

    # a reload keeps the board; Table goes back
    await page.reload()
    await expect(columns["Running"].get_by_role("heading")).to_have_text("Running 2")
    await page.get_by_role("button", name="Table").click()
    await expect(page).to_have_url(f"{server.base}/")
    await expect(page.get_by_role("table", name="Experiments")).to_be_visible()


async def test_stats_strip(page: Page, server: ConsoleServer) -> None:
    lab = Lab(server)
    for name in ("done-a", "done-b"):
        ident = lab.run(name)
        lab.api.gql(API_COST, id=ident, amount=10.25)
        lab.api.gql(COMPLETE, id=ident)
    lab.api.gql(FAIL, id=lab.run("oom"))
    lab.run("ongoing")
    lab.create("later")
    await open_list(page, lab)

    strip = page.get_by_role("region", name="Statistics")
    await expect(strip).to_contain_text(re.compile(r"Experiments\s*5"))
    await expect(strip).to_contain_text(re.compile(r"Success rate\s*66\.7%"))
    await expect(strip).to_contain_text(re.compile(r"Total cost \(GPU \+ CPU \+ API\)\s*\$20\.50"))
    statuses = strip.get_by_role("list", name="Experiments by status").get_by_role("listitem")
    await expect(statuses).to_have_text(
        [
            re.compile(r"Queued\s*1"),
            re.compile(r"Running\s*1"),
            re.compile(r"Completed\s*2"),
            re.compile(r"Failed\s*1"),
            re.compile(r"Stopped\s*0"),
        ]
    )
    # the strip follows the filter
    await page.get_by_role("checkbox", name="Completed").check()
    await expect(strip).to_contain_text(re.compile(r"Experiments\s*2"))
    await expect(strip).to_contain_text(re.compile(r"Success rate\s*100%"))


async def test_leaderboard_for_a_logged_metric(page: Page, server: ConsoleServer) -> None:
    lab = Lab(server)
    curves = {"bs-64": [0.9, 0.41, 0.5], "bs-128": [0.8, 0.35, 0.37], "bs-256": [0.7, 0.6]}
    for name, values in curves.items():
        ident = lab.run(name)
        points = [
            {"key": "val_loss", "value": value, "step": step * 100}
            for step, value in enumerate(values, start=1)
        ]
        points.append({"key": "accuracy", "value": 1 - min(values), "step": 100})
        lab.api.gql(LOG_METRICS, id=ident, points=points)
    await open_list(page, lab)

    panel = page.get_by_role("region", name="Leaderboard")
    await panel.get_by_label("Metric").fill("val_loss")
    # a loss: the lowest first, without choosing the goal
    await expect(panel.get_by_label("Goal")).to_have_value("MIN")
    board = panel.get_by_role("table", name="Leaderboard by val_loss")
    rows = board.get_by_role("row")
    await expect(rows).to_have_count(4)
    await expect(rows.nth(1)).to_have_text(re.compile(r"1\s*bs-128\s*0\.35\s*200"))
    await expect(rows.nth(2)).to_have_text(re.compile(r"2\s*bs-64\s*0\.41\s*200"))
    await expect(rows.nth(3)).to_have_text(re.compile(r"3\s*bs-256\s*0\.6\s*200"))

    await panel.get_by_label("Goal").select_option("MAX")
    await expect(rows.nth(1)).to_have_text(re.compile(r"1\s*bs-64\s*0\.9\s*100"))
    await board.get_by_role("link", name="bs-64").click()
    await expect(page).to_have_url(re.compile(r"/experiments/[0-9a-f-]{36}$"))


async def test_select_three_rows_then_compare(page: Page, server: ConsoleServer) -> None:
    lab = Lab(server)
    ids = {name: lab.create(name) for name in ("alpha", "beta", "gamma", "delta")}
    await open_list(page, lab)

    compare = page.get_by_role("button", name="Compare")
    await expect(compare).to_be_disabled()
    for name in ("gamma", "alpha"):
        await page.get_by_role("checkbox", name=f"Select {name}").check()
    await expect(page.get_by_text("2 selected")).to_be_visible()
    await page.get_by_role("checkbox", name="Select alpha").uncheck()
    await expect(page.get_by_text("1 selected")).to_be_visible()
    await expect(compare).to_be_disabled()
    for name in ("alpha", "delta"):
        await page.get_by_role("checkbox", name=f"Select {name}").check()
    await expect(page.get_by_text("3 selected")).to_be_visible()
    await expect(compare).to_be_enabled()
    await compare.click()
    picked = ",".join(ids[name] for name in ("gamma", "alpha", "delta"))
    await expect(page).to_have_url(f"{server.base}/compare?ids={picked}")


async def test_owner_picker_filters_by_user(page: Page, server: ConsoleServer) -> None:
    olive = Lab(server, name="Olive Picker")
    quinn = Lab(server, name="Quinn Picker")
    olive.create("olive-one")
    olive.create("olive-two", model="vit-b16", tags=("picked",))
    quinn.create("quinn-one")
    await page.goto("/signin")
    await sign_in(page, server.admin.token)  # an ADMIN reads everyone's experiments
    await expect(page.get_by_role("link", name="quinn-one")).to_be_visible()

    owner = page.get_by_role("combobox", name="Owner")
    await owner.click()
    await owner.fill("Picker")
    options = page.get_by_role("listbox", name="Users").get_by_role("option")
    await expect(options).to_have_text(
        [re.compile(r"Olive Picker\s*DS"), re.compile(r"Quinn Picker\s*DS")]
    )
    await options.filter(has_text="Olive Picker").click()
    await expect(page).to_have_url(re.compile(r"\?owner=[0-9a-f-]{36}$"))
    await expect_names(page, ["olive-two", "olive-one"])
    await expect(owner).to_have_value("Olive Picker")

    # the model field offers the models of these experiments; free text still filters
    await page.get_by_label("Model").fill("vit-b16")
    await page.get_by_label("Model").press("Enter")
    await expect_names(page, ["olive-two"])
    await page.reload()
    await expect(owner).to_have_value("Olive Picker")
    await page.get_by_role("button", name="Any owner").click()
    await expect(page.get_by_role("link", name="olive-two")).to_be_visible()
    await expect(page).to_have_url(re.compile(r"\?model=vit-b16$"))

    # a tag, typed: a chip that removes it again
    await page.get_by_label("Model").fill("")
    await page.get_by_label("Model").press("Enter")
    await page.get_by_label("Tags").fill("picked")
    await page.get_by_label("Tags").press("Enter")
    await expect(page).to_have_url(re.compile(r"\?tags=picked$"))
    await expect_names(page, ["olive-two"])
    await page.get_by_role("button", name="Remove tag picked").click()
    await expect(page).to_have_url(f"{server.base}/")
    await expect(page.get_by_role("link", name="quinn-one")).to_be_visible()


async def test_changes_made_while_the_socket_was_down_show_after_it_is_back(
    browser: Browser, server: ConsoleServer
) -> None:
    """``experimentsChanged`` does not replay: when the page's websocket comes back after a
    drop, the list is read again, so a run created meanwhile shows."""
    lab = Lab(server)
    lab.create("before-the-drop")
    async with page_behind_proxy(browser, server.base) as behind:
        page = behind.page
        sockets = SocketWatch(page)
        await open_list(page, lab)
        await expect_names(page, ["before-the-drop"])
        await sockets.subscribed("ExperimentsChanged")

        await behind.cut()
        lab.create("made-while-cut")
        await page.wait_for_timeout(1000)
        await expect_names(page, ["before-the-drop"])
        await behind.restore()

        await expect_names(page, ["made-while-cut", "before-the-drop"])
        assert not behind.errors, behind.errors
