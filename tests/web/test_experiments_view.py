"""The console in a real browser: sign-in (a wrong token, then the right one), the
experiments table with real data, filtering and sorting kept in the URL across a reload,
sign-out."""

from __future__ import annotations

import re

from playwright.async_api import Page, expect

from tests.web.seed import CREATE_EXPERIMENT, CREATE_HYPOTHESIS, CREATE_USER, RUNS, Seeded
from tests.web.server import ConsoleServer

# web/src/views/experiments/ExperimentTable.tsx: PAGE_SIZE
PAGE_SIZE = 50
HEADERS = ["Name", "Status", "Hypothesis", "Owner", "Model", "Progress", "Cost", "Created"]


async def sign_in(page: Page, token: str) -> None:
    await page.get_by_label("API token").fill(token)
    await page.get_by_role("button", name="Sign in").click()


async def expect_names(page: Page, names: list[str]) -> None:
    table = page.get_by_role("table", name="Experiments")
    await expect(table.get_by_role("row").get_by_role("link")).to_have_text(names)


async def test_sign_in_filter_sort_reload_sign_out(
    page: Page, server: ConsoleServer, seeded: Seeded
) -> None:
    await page.goto("/")
    await expect(page).to_have_url(re.compile(r"/signin$"))

    await sign_in(page, "not-a-real-token")
    await expect(page.get_by_role("alert")).to_have_text(re.compile("This token was not accepted"))
    await expect(page).to_have_url(re.compile(r"/signin$"))

    await sign_in(page, seeded.user.token)
    await expect(page).to_have_url(f"{server.base}/")
    table = page.get_by_role("table", name="Experiments")
    for header in HEADERS:
        await expect(table.get_by_role("columnheader", name=header)).to_be_visible()
    newest_first = [run.name for run in reversed(RUNS)]
    await expect_names(page, newest_first)
    await expect(
        page.get_by_text(f"Showing {len(RUNS)} of {len(RUNS)} experiments")
    ).to_be_visible()
    running = table.get_by_role("row").filter(has_text="lr-1e-4")
    await expect(running).to_contain_text("Running")
    await expect(running).to_contain_text("1,200 / 10,000 steps · 12%")
    await expect(running).to_contain_text(seeded.user_name)
    await expect(running).to_contain_text("Lower learning rates generalise better")

    # filter by status: the URL holds it
    await page.get_by_role("checkbox", name="Running").check()
    await expect(page).to_have_url(re.compile(r"\?status=RUNNING$"))
    await expect_names(page, ["llama-sft-judge", "lr-1e-4"])

    # sort by cost, from the column header: the dearest first, then flipped
    await page.get_by_role("button", name="Cost").click()
    await expect(table.get_by_role("columnheader", name="Cost")).to_have_attribute(
        "aria-sort", "descending"
    )
    await expect_names(page, ["llama-sft-judge", "lr-1e-4"])
    await page.get_by_role("button", name="Cost").click()
    await expect(table.get_by_role("columnheader", name="Cost")).to_have_attribute(
        "aria-sort", "ascending"
    )
    await expect_names(page, ["lr-1e-4", "llama-sft-judge"])

    # more statuses, sorted by name from the sort control
    await page.get_by_role("checkbox", name="Failed").check()
    await page.get_by_role("checkbox", name="Stopped").check()
    await page.get_by_label("Sort by").select_option(label="Name")
    await page.get_by_label("Order").select_option(label="Ascending")
    by_name = ["cosine-schedule", "llama-sft-judge", "lr-1e-4", "lr-3e-5"]
    await expect_names(page, by_name)
    await expect(page).to_have_url(re.compile(r"status=RUNNING%2CFAILED%2CSTOPPED"))

    # a reload keeps filter and sort
    await page.reload()
    await expect_names(page, by_name)
    await expect(page.get_by_role("checkbox", name="Failed")).to_be_checked()
    await expect(page.get_by_role("checkbox", name="Completed")).not_to_be_checked()
    await expect(page.get_by_label("Sort by")).to_have_value("NAME")

    # the text search and the type filter
    await page.get_by_label("Search").fill("llama")
    await expect_names(page, ["llama-sft-judge"])
    await page.get_by_role("button", name="Clear filters").click()
    await expect_names(page, newest_first)
    await page.get_by_label("Type").select_option("LLM")
    await expect_names(page, ["llama-sft-judge"])

    # a row links to its experiment
    await page.get_by_role("link", name="llama-sft-judge").click()
    await expect(page).to_have_url(f"{server.base}/experiments/{seeded.ids['llama-sft-judge']}")

    await page.get_by_role("button", name="Sign out").click()
    await expect(page).to_have_url(re.compile(r"/signin"))
    assert await page.evaluate("localStorage.getItem('expsvc.token')") is None
    await page.goto("/")
    await expect(page).to_have_url(re.compile(r"/signin$"))


async def test_a_pasted_link_signs_in_then_shows_that_view(
    page: Page, server: ConsoleServer, seeded: Seeded
) -> None:
    await page.goto("/?status=QUEUED&sort=NAME&dir=ASC")
    await expect(page).to_have_url(re.compile(r"/signin\?next="))
    await sign_in(page, seeded.user.token)
    await expect(page).to_have_url(f"{server.base}/?status=QUEUED&sort=NAME&dir=ASC")
    await expect_names(page, ["warmup-ablation"])
    await expect(page.get_by_role("checkbox", name="Queued")).to_be_checked()


async def test_a_revoked_token_signs_the_console_out(
    page: Page, server: ConsoleServer, seeded: Seeded
) -> None:
    token = server.admin.as_user(seeded.user.token).gql(
        'mutation { createApiToken(name: "browser-revoked") }'
    )["createApiToken"]
    await page.goto("/signin")
    await sign_in(page, token)
    await expect(page.get_by_role("table", name="Experiments")).to_be_visible()
    listed = seeded.user.gql("{ apiTokens { id name } }")["apiTokens"]
    revoked = next(t["id"] for t in listed if t["name"] == "browser-revoked")
    seeded.user.gql("mutation ($id: ID!) { revokeApiToken(id: $id) { id } }", id=revoked)
    await page.reload()
    await expect(page).to_have_url(re.compile(r"/signin"))
    await expect(page.get_by_role("status")).to_contain_text("no longer accepts")


async def test_load_more_pages_on_with_the_keyset_cursor(page: Page, server: ConsoleServer) -> None:
    created = server.admin.gql(
        CREATE_USER, input={"name": "Pat Pager", "email": "pat@example.test", "role": "DS"}
    )["createUser"]
    pat = server.admin.as_user(created["token"])
    hypothesis = pat.gql(CREATE_HYPOTHESIS, title="Paging")["createHypothesis"]["id"]
    total = PAGE_SIZE + 5
    for number in range(total):
        pat.gql(
            CREATE_EXPERIMENT,
            input={
                "hypothesisId": hypothesis,
                "name": f"page-run-{number:03d}",
                "type": "CV",
                "model": "resnet50",
                "framework": "pytorch",
            },
        )
    await page.goto("/signin?next=%2F%3Fsort%3DNAME%26dir%3DASC")
    await sign_in(page, pat.token)
    await expect(page.get_by_text(f"Showing {PAGE_SIZE} of {total} experiments")).to_be_visible()
    await page.get_by_role("button", name="Load more").click()
    await expect(page.get_by_text(f"Showing {total} of {total} experiments")).to_be_visible()
    await expect(page.get_by_role("button", name="Load more")).to_have_count(0)
    # the table renders the rows in view (windowed): the first ones, then, scrolled to
    # its end, the last ones
    links = page.get_by_role("table", name="Experiments").get_by_role("row").get_by_role("link")
    await expect(links.first).to_have_text("page-run-000")
    await page.get_by_role("table", name="Experiments").hover()
    await page.mouse.wheel(0, 100 * 44)
    await expect(links.last).to_have_text(f"page-run-{total - 1:03d}")
    shown = await links.all_text_contents()
    assert shown == [f"page-run-{number:03d}" for number in range(total)][-len(shown) :]
    assert len(shown) < total
