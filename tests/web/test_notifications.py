"""Notifications in a real browser: a run failing through the API raises the bell's count
while the page is open (no reload), the list shows it newest first and unread, linked to
its experiment; `Mark as read` and `Mark all as read` lower the count."""

from __future__ import annotations

from playwright.async_api import Browser, Page, expect

from tests.web.accounts import SocketWatch, new_account, sign_in
from tests.web.proxy import page_behind_proxy
from tests.web.seed import FAIL, START
from tests.web.server import ConsoleServer


async def test_a_failed_run_rings_the_bell_live_and_mark_read_lowers_it(
    page: Page, server: ConsoleServer
) -> None:
    account = new_account(server.admin, "Bea Belling", "Label smoothing helps calibration")
    ident = account.create("forms-smoothing-0.1")
    sockets = SocketWatch(page)
    await sign_in(page, account.api.token, "/notifications")
    await expect(page.get_by_role("heading", name="Notifications")).to_be_visible()
    await expect(page.get_by_text("No notifications yet")).to_be_visible()
    bell = page.get_by_role("button", name="Notifications", exact=True)
    await expect(bell).to_be_visible()

    # the run starts, then fails: two notifications arrive while the page is open
    await sockets.subscribed("NewNotifications")
    account.api.gql(START, id=ident)
    await expect(page.get_by_role("button", name="Notifications (1)")).to_be_visible()
    account.api.gql(FAIL, id=ident)
    await expect(page.get_by_role("button", name="Notifications (2)")).to_be_visible()

    items = page.get_by_role("list", name="Notifications").get_by_role("listitem")
    await expect(items).to_have_count(2)
    failed, started = items.nth(0), items.nth(1)
    await expect(failed).to_contain_text("forms-smoothing-0.1 failed: OOM (CUDA OOM)")
    await expect(failed).to_contain_text("Unread")
    await expect(failed).to_contain_text("Failed")
    await expect(started).to_contain_text("forms-smoothing-0.1 started")
    await expect(page.get_by_text("2 unread")).to_be_visible()

    await failed.get_by_role("button", name="Mark as read").click()
    await expect(page.get_by_role("button", name="Notifications (1)")).to_be_visible()
    await expect(failed).not_to_contain_text("Unread")
    await expect(failed.get_by_role("button", name="Mark as read")).to_have_count(0)
    await expect(started).to_contain_text("Unread")

    await page.get_by_role("button", name="Mark all as read").click()
    await expect(bell).to_be_visible()
    await expect(page.get_by_text("All read")).to_be_visible()
    await expect(page.get_by_role("button", name="Mark all as read")).to_be_disabled()
    await expect(started).not_to_contain_text("Unread")
    unread = account.api.gql("{ unreadNotificationCount }")["unreadNotificationCount"]
    assert unread == 0

    # the bell leads to the list from any view; an item links to its experiment
    await page.get_by_role("link", name="Experiments").click()
    await bell.click()
    await expect(page).to_have_url(f"{server.base}/notifications")
    await failed.get_by_role("link", name="forms-smoothing-0.1").click()
    await expect(page).to_have_url(f"{server.base}/experiments/{ident}")


async def test_what_happened_while_the_socket_was_down_shows_after_it_is_back(
    browser: Browser, server: ConsoleServer
) -> None:
    """The live feed does not replay: when the page's websocket comes back after a drop,
    the bell and the list are read again, so a notification raised meanwhile shows."""
    account = new_account(server.admin, "Rhea Reconnect", "Warm restarts help")
    ident = account.create("forms-reconnect")
    async with page_behind_proxy(browser, server.base) as behind:
        page = behind.page
        sockets = SocketWatch(page)
        await sign_in(page, account.api.token, "/notifications")
        await expect(page.get_by_text("No notifications yet")).to_be_visible()
        await sockets.subscribed("NewNotifications")

        await behind.cut()
        account.api.gql(START, id=ident)  # a notification while the page cannot hear it
        await page.wait_for_timeout(1000)
        await expect(page.get_by_role("button", name="Notifications", exact=True)).to_be_visible()
        await behind.restore()

        await expect(page.get_by_role("button", name="Notifications (1)")).to_be_visible(
            timeout=30_000
        )
        items = page.get_by_role("list", name="Notifications").get_by_role("listitem")
        await expect(items).to_have_count(1)
        await expect(items.nth(0)).to_contain_text("forms-reconnect started")
        assert not behind.errors, behind.errors
