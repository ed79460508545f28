"""``expsvc import wandb PATH… [--url URL] [--token TOKEN] [--hypothesis TITLE]``: bring
W&B run folders in through a running server's REST API (so it works against a remote
server, and the caller's role applies). The token is ``--token``, else ``$EXPSVC_TOKEN``.

Prints progress on stderr, one report line per run on stdout; exit status 0 when every
run was imported (or had been), 1 when one was refused, 2 when a run was imported with
unreadable parts (the report says which).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from pathlib import Path
from typing import Any

from app.config import Settings


def add_import_commands(commands: Any) -> None:
    """Register ``import wandb`` on the ``expsvc`` sub-command parser ``commands``."""
    imports = commands.add_parser("import", help="bring runs in from other trackers")
    sources = imports.add_subparsers(dest="import_source", required=True)
    wandb = sources.add_parser(
        "wandb",
        help="import W&B run folders (wandb/run-*, wandb/offline-run-*) through the API",
        description="Each run becomes one experiment owned by the caller, under the "
        "hypothesis --hypothesis (the W&B project's name by default), with its own start "
        "and end times; importing a run again changes nothing.",
    )
    wandb.add_argument(
        "paths",
        nargs="+",
        type=Path,
        metavar="PATH",
        help="a run folder, a .wandb file, or a folder holding run folders (./wandb)",
    )
    wandb.add_argument("--url", help="the server (default: http://$EXPSVC_HOST:$EXPSVC_PORT)")
    wandb.add_argument("--token", help="an API token (default: $EXPSVC_TOKEN)")
    wandb.add_argument("--hypothesis", help="the hypothesis's title (default: the project)")
    wandb.set_defaults(run=cmd_import_wandb)


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def cmd_import_wandb(args: argparse.Namespace, settings: Settings) -> int:
    token = args.token or os.environ.get("EXPSVC_TOKEN")
    if not token:
        _say("expsvc: error: no token: give --token or set EXPSVC_TOKEN")
        return 1
    host = "127.0.0.1" if settings.host in ("", "0.0.0.0", "::") else settings.host
    url = (args.url or f"http://{host}:{settings.port}").rstrip("/")
    return asyncio.run(_import(args.paths, url, token, args.hypothesis))


async def _import(paths: list[Path], url: str, token: str, hypothesis: str | None) -> int:
    import httpx

    from app.integrations.wandb.importer import Importer
    from app.integrations.wandb.reader import find_runs

    missing = [str(path) for path in paths if not path.exists()]
    if missing:
        _say(f"expsvc: error: no such path: {', '.join(missing)}")
        return 1
    folders = find_runs(paths)
    if not folders:
        _say("expsvc: error: no W&B run folders (none holds a .wandb file)")
        return 1
    _say(f"{len(folders)} W&B run(s) to import into {url}")
    code = 0
    headers = {"authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(
        base_url=url + "/api/v1", headers=headers, timeout=httpx.Timeout(120.0)
    ) as client:
        importer = Importer(client, hypothesis=hypothesis, progress=_say)
        for number, folder in enumerate(folders, 1):
            began = time.monotonic()
            _say(f"[{number}/{len(folders)}] {folder}")
            try:
                report = await importer.import_folder(folder)
            except httpx.HTTPError as error:
                _say(f"expsvc: error: {url}: {error.__class__.__name__}: {error}")
                return 1
            seconds = time.monotonic() - began
            for problem in report.problems:
                _say(f"  not read: {problem}")
            if report.error:
                code = 1
                print(f"{report.run_id}: refused: {report.error}", flush=True)
                continue
            if report.problems:
                code = max(code, 2)
            if report.already_imported:
                print(
                    f"{report.run_id}: already imported as {report.experiment_id}, unchanged",
                    flush=True,
                )
                continue
            print(
                f"{report.run_id}: {report.status} experiment {report.experiment_id}: "
                f"{report.points:,} points, {report.lines:,} log lines, "
                f"{report.files} files ({seconds:.1f} s)"
                + (f", {len(report.problems)} problem(s)" if report.problems else ""),
                flush=True,
            )
    return code
