"""Nested runs in the Experiment detail view, in a real browser: a child run shows its
parent as a link, and the parent's page lists its child runs (name, status, link); a run
without either shows neither.

The runs belong to a user of their own (not the seeded data scientist), so the other
browser tests' lists are unchanged."""

from __future__ import annotations

from playwright.async_api import Page, expect

from tests.web.seed import START
from tests.web.server import ConsoleServer
from tests.web.test_experiment_detail import CREATE_EXPERIMENT, _cast, open_signed_in


async def test_a_child_links_to_its_parent_which_lists_its_children(
    page: Page, server: ConsoleServer
) -> None:
    cast = _cast(server)

    def create(name: str, parent_id: str | None = None) -> str:
        experiment = {
            "hypothesisId": cast.hypothesis_id,
            "name": name,
            "type": "ML",
            "model": "xgboost",
            "framework": "sklearn",
            "parentId": parent_id,
        }
        ident: str = cast.owner.gql(CREATE_EXPERIMENT, input=experiment)["createExperiment"]["id"]
        return ident

    parent = create("lr sweep")
    first = create("lr sweep / trial 1", parent)
    second = create("lr sweep / trial 2", parent)
    cast.owner.gql(START, id=first)

    await open_signed_in(page, server, f"/experiments/{second}", cast.owner.token)
    await expect(page.get_by_role("heading", level=1)).to_have_text("lr sweep / trial 2")
    await expect(page.get_by_text("Parent run", exact=True)).to_be_visible()
    # a child has no children of its own: no section for them
    await expect(page.get_by_role("heading", name="Child runs")).to_have_count(0)

    await page.get_by_role("link", name="lr sweep", exact=True).click()
    await expect(page).to_have_url(f"{server.base}/experiments/{parent}")
    await expect(page.get_by_role("heading", level=1)).to_have_text("lr sweep")
    await expect(page.get_by_text("Parent run", exact=True)).to_have_count(0)  # none
    children = page.get_by_role("table", name="Child runs")
    await expect(children.get_by_role("row")).to_have_count(3)  # the header and two runs
    await expect(children.get_by_role("row", name="lr sweep / trial 1")).to_contain_text("Running")
    await expect(children.get_by_role("row", name="lr sweep / trial 2")).to_contain_text("Queued")

    # and back down to a child
    await children.get_by_role("link", name="lr sweep / trial 1").click()
    await expect(page).to_have_url(f"{server.base}/experiments/{first}")
    await expect(page.get_by_role("heading", level=1)).to_have_text("lr sweep / trial 1")
