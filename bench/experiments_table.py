"""The Experiments table with 10,000 experiments, timed in Chromium.

Starts ``expsvc serve`` with the built console (``make web``) on a fresh database (SQLite,
or ``--postgres`` for a throw-away PostgreSQL database), seeds ``--experiments``
experiments through the GraphQL API (``--batch`` ``createExperiment`` mutations per
request, aliased), signs a browser in and opens the table. Then, in Debian's Chromium:

* ``first page``: from navigation to the first rows shown;
* ``page``: the table scrolled to its end, which loads the next page by itself (keyset,
  ``MORE_PAGE_SIZE`` rows): from the scroll to the new rows counted in the summary, each
  page until every experiment is loaded (median, p95, max and the total);
* ``scroll``: with every row loaded, the table scrolled by ``--scroll-step`` px each
  animation frame from top to bottom and back, ``--scroll-frames`` frames; the time
  between frames (median, p95, max, and frames over 25 ms) and the table rows in the DOM
  (windowed rendering keeps them to the visible ones).

Figures are printed; nothing is asserted. Run from the repository root (``make install``,
``make web``; Chromium: ``apt-get install -y chromium``):

    .venv/bin/python bench/experiments_table.py [--experiments 10000]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import machine_line, percentile

from tests.web.chromium import CHROMIUM_ARGS
from tests.web.seed import CREATE_HYPOTHESIS, CREATE_USER
from tests.web.server import WEB_DIST, Api, console_server

MODELS = ("resnet50", "vit-b16", "llama-3-8b", "xgboost", "bert-base")
TAGS = ("sweep", "baseline", "ablation", "nightly")


def seed(admin: Api, count: int, batch: int) -> tuple[Api, float]:
    """A DS user owning ``count`` experiments; returns its API and the seconds it took."""
    created = admin.gql(
        CREATE_USER, input={"name": "Bench Tables", "email": "bench@example.test", "role": "DS"}
    )["createUser"]
    user = admin.as_user(created["token"])
    hypothesis = user.gql(CREATE_HYPOTHESIS, title="10,000 runs")["createHypothesis"]["id"]
    started = time.perf_counter()
    for first in range(0, count, batch):
        numbers = range(first, min(count, first + batch))
        fields = "\n".join(f"e{n}: createExperiment(input: $i{n}) {{ id }}" for n in numbers)
        params = ", ".join(f"$i{n}: CreateExperimentInput!" for n in numbers)
        variables: dict[str, Any] = {
            f"i{n}": {
                "hypothesisId": hypothesis,
                "name": f"run-{n:05d}",
                "type": "CV",
                "model": MODELS[n % len(MODELS)],
                "framework": "pytorch",
                "tags": [TAGS[n % len(TAGS)]],
            }
            for n in numbers
        }
        user.gql(f"mutation ({params}) {{ {fields} }}", **variables)
    return user, time.perf_counter() - started


def summary_count(page: Page) -> int:
    text = page.get_by_text("Showing ").first.inner_text()
    return int(text.split()[1].replace(",", ""))


def stats(values: list[float]) -> str:
    return (
        f"median {statistics.median(values):.1f} ms, p95 {percentile(values, 95):.1f} ms, "
        f"max {max(values):.1f} ms (n={len(values)})"
    )


SCROLL_SCRIPT = """
async ([step, frames]) => {
  const el = document.querySelector('[data-testid="experiments-scroll"]');
  const times = [];
  const rows = [];
  let direction = 1;
  el.scrollTop = 0;
  await new Promise((resolve) => requestAnimationFrame(resolve));
  let last = performance.now();
  for (let i = 0; i < frames; i++) {
    const top = el.scrollTop + direction * step;
    if (top >= el.scrollHeight - el.clientHeight) direction = -1;
    if (top <= 0) direction = 1;
    el.scrollTop = top;
    await new Promise((resolve) => requestAnimationFrame(resolve));
    const now = performance.now();
    times.push(now - last);
    last = now;
    if (i % 20 === 0) rows.push(el.querySelectorAll("tbody tr").length);
  }
  return { times, rows };
}
"""


def run(args: argparse.Namespace) -> None:
    print(machine_line())
    with tempfile.TemporaryDirectory() as workdir:
        backend = "postgresql" if args.postgres else "sqlite"
        with console_server(Path(workdir), backend, args.postgres) as server:
            user, seconds = seed(server.admin, args.experiments, args.batch)
            print(
                f"seeded {args.experiments:,} experiments on {backend} in {seconds:.1f} s "
                f"({args.batch} per request)"
            )
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
                )
                context = browser.new_context(
                    base_url=server.base, viewport={"width": 1400, "height": 900}
                )
                context.add_init_script(f"localStorage.setItem('expsvc.token', {user.token!r})")
                page = context.new_page()
                started = time.perf_counter()
                page.goto("/")
                table = page.get_by_role("table", name="Experiments")
                table.get_by_role("link", name="run-").first.wait_for()
                first_ms = (time.perf_counter() - started) * 1000
                print(f"first page: {first_ms:.0f} ms from navigation to rows shown")

                scroller = page.get_by_test_id("experiments-scroll")
                pages: list[float] = []
                loaded = summary_count(page)
                load_started = time.perf_counter()
                while loaded < args.experiments:
                    began = time.perf_counter()
                    scroller.evaluate("el => { el.scrollTop = el.scrollHeight; }")
                    page.wait_for_function(
                        "n => { const m = document.body.innerText.match(/Showing ([\\d,]+) of/);"
                        " return m && Number(m[1].replace(/,/g, '')) > n; }",
                        arg=loaded,
                        timeout=60_000,
                    )
                    pages.append((time.perf_counter() - began) * 1000)
                    loaded = summary_count(page)
                total_s = time.perf_counter() - load_started
                print(f"page: {stats(pages)}; all {loaded:,} rows loaded in {total_s:.1f} s")

                measured = scroller.evaluate(
                    f"el => ({SCROLL_SCRIPT})([{args.scroll_step}, {args.scroll_frames}])"
                )
                times = measured["times"]
                slow = sum(1 for t in times if t > 25)
                print(
                    f"scroll ({args.scroll_step} px a frame through {loaded:,} rows): "
                    f"frame {stats(times)}; {slow} of {len(times)} frames over 25 ms; "
                    f"rows in the DOM {min(measured['rows'])}-{max(measured['rows'])}"
                )
                browser.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--experiments", type=int, default=10_000)
    parser.add_argument(
        "--batch", type=int, default=50, help="creates per request (at most the alias limit, 50)"
    )
    parser.add_argument("--scroll-step", type=int, default=600, help="px a frame")
    parser.add_argument("--scroll-frames", type=int, default=600)
    parser.add_argument(
        "--postgres",
        nargs="?",
        const=os.environ.get(
            "EXPSVC_TEST_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
        ),
        help="a PostgreSQL server URL (a throw-away database is made next to it)",
    )
    args = parser.parse_args()
    if not (WEB_DIST / "index.html").is_file():
        print(f"the console is not built in {WEB_DIST}: run `make web` first", file=sys.stderr)
        return 1
    run(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
