"""How the browser tests, the screenshots and the chart benchmark start Debian's Chromium:
headless, and with the background services off (this machine's closed network refuses
their connections, many at a time)."""

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
