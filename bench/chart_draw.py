"""The console's chart drawing a long series, timed in Chromium.

Builds the benchmark page (``web/bench/``: the real ``TimeSeriesChart`` from
``web/src/charts``, its own Vite config) into a temporary directory, serves it from a
local static server, and drives it with Playwright in Debian's Chromium. In the page, with
``performance.now()``, each case times from handing the data to the chart to its first
complete draw (uPlot's ``draw`` hook, the canvas commands done), and to the animation
frame after it. The series are generated in the page beforehand (not timed):

* ``1,000,000 points → mounted chart``: a new 1,000,000-point series given to a chart on
  the page (points thinned to min/max per pixel column, then ``setData``);
* ``1,000,000 points → new chart``: the same, the chart made for it (a new uPlot);
* ``100 x 10,000 overlay`` / ``5 x 10,000 overlay``: Compare's overlay, one series per run
  (a shared pixel-column grid past 4 points per column);
* ``live: +100 points, 1,000,000 held``: a live event merged into a ``SeriesBuffer`` of
  1,000,000 points and redrawn (``setData`` on the same chart);
* ``uPlot alone, 1,000,000 unthinned``: uPlot given the raw 1,000,000 points, for
  comparison.

Each case runs ``--warmup`` times untimed, then ``--runs`` times; median and max are
printed. ``--screenshots DIR`` saves the 1,000,000-point loss curve (with its spike and
gap) and a 5-run overlay as ``chart-loss.png`` and ``chart-overlay.png``.

Run from the repository root (``make install`` first; Chromium: ``apt-get install -y
chromium``):

    .venv/bin/python bench/chart_draw.py [--runs 9] [--device-scale-factor 2]
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import os
import statistics
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT))

from common import machine_line  # noqa: E402

from tests.web.chromium import CHROMIUM_ARGS  # noqa: E402

WEB = ROOT / "web"
TARGET_MS = 300.0  # issue 13: a 1,000,000-point series drawn within 300 ms of its data


def build_page(out: Path) -> None:
    """``vite build`` of ``web/bench`` into ``out`` (node and npm come from the venv)."""
    env = {**os.environ, "PATH": f"{ROOT / '.venv' / 'bin'}{os.pathsep}{os.environ['PATH']}"}
    if not (WEB / "node_modules").is_dir():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=WEB, env=env, check=True)
    vite = WEB / "node_modules" / "vite" / "bin" / "vite.js"
    subprocess.run(
        ["node", str(vite), "build", "--config", "bench/vite.config.ts", "--outDir", str(out)],
        cwd=WEB,
        env=env,
        check=True,
    )


@contextlib.contextmanager
def static_server(directory: Path) -> Iterator[str]:
    """``directory`` over HTTP on 127.0.0.1 (a free port), for the duration."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def measure(page: Page, call: str, warmup: int, runs: int) -> list[dict[str, float]]:
    for _ in range(warmup):
        page.evaluate(call)
    return [page.evaluate(call) for _ in range(runs)]


def line(name: str, timings: list[dict[str, float]]) -> str:
    draw = [t["draw"] for t in timings]
    frame = [t["frame"] for t in timings]
    return (
        f"{name:<38} draw median {statistics.median(draw):7.1f} ms  max {max(draw):7.1f} ms"
        f"   to frame median {statistics.median(frame):7.1f} ms  max {max(frame):7.1f} ms"
        f"   (n={len(timings)})"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--device-scale-factor", type=float, default=1.0)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--screenshots", type=Path, help="save chart-*.png here")
    args = parser.parse_args()
    if not Path(args.chromium).exists():
        raise SystemExit(f"no Chromium at {args.chromium} (apt-get install -y chromium)")

    n = args.points
    with tempfile.TemporaryDirectory(prefix="chart-bench-") as out:
        build_page(Path(out))
        with static_server(Path(out)) as base, sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=args.chromium, args=CHROMIUM_ARGS, headless=True
            )
            try:
                page = browser.new_page(
                    viewport={"width": 1000, "height": 820},
                    device_scale_factor=args.device_scale_factor,
                )
                page.set_default_timeout(120_000)
                errors: list[str] = []
                page.on("pageerror", lambda error: errors.append(str(error)))
                page.goto(f"{base}/chart.html")
                page.wait_for_function("window.chartBenchReady === true")
                print(machine_line())
                print(
                    f"Chromium {browser.version} (headless, --disable-gpu), viewport 1000 px, "
                    f"device pixel ratio {args.device_scale_factor:g}, chart 936 x 300 px"
                )
                warmup, runs = args.warmup, args.runs
                results = [
                    (
                        f"{n:,} points → mounted chart",
                        measure(page, f"chartBench.single({n}, false)", warmup, runs),
                    ),
                    (
                        f"{n:,} points → new chart",
                        measure(page, f"chartBench.single({n}, true)", warmup, runs),
                    ),
                    (
                        "100 x 10,000 overlay",
                        measure(page, "chartBench.overlay(100, 10000)", warmup, runs),
                    ),
                    (
                        "5 x 10,000 overlay",
                        measure(page, "chartBench.overlay(5, 10000)", warmup, runs),
                    ),
                    (
                        f"live: +100 points, {n:,} held",
                        page.evaluate(f"chartBench.live({n}, 100, {warmup + runs})")[warmup:],
                    ),
                    (
                        f"uPlot alone, {n:,} unthinned",
                        measure(page, f"chartBench.bare({n})", warmup, runs),
                    ),
                ]
                for name, timings in results:
                    print(line(name, timings))
                big = [t["draw"] for t in results[0][1]]
                verdict = "met" if max(big) < TARGET_MS else "NOT met"
                print(
                    f"target: {n:,} points drawn < {TARGET_MS:.0f} ms after the data arrives: "
                    f"{verdict} (max {max(big):.1f} ms)"
                )
                if args.screenshots:
                    args.screenshots.mkdir(parents=True, exist_ok=True)
                    page.evaluate("chartBench.clear()")
                    page.evaluate(f"chartBench.single({n}, true)")
                    page.locator("#single").screenshot(path=args.screenshots / "chart-loss.png")
                    page.evaluate("chartBench.overlay(5, 10000)")
                    page.locator("#overlay").screenshot(path=args.screenshots / "chart-overlay.png")
                    print(f"screenshots: {args.screenshots}/chart-loss.png, chart-overlay.png")
                if errors:
                    print("page errors:", *errors, sep="\n  ")
                    return 1
            finally:
                browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
