"""``expsvc-client``: send what runs left in the spool.

expsvc-client sync [--spool DIR] [--url URL] [--token TOKEN]
expsvc-client status [--spool DIR]
"""

from __future__ import annotations

import argparse
import logging
import sys
from functools import partial
from pathlib import Path

from expsvc_client import spool
from expsvc_client.api import Api, retrying
from expsvc_client.config import Config
from expsvc_client.errors import ApiError, Unreachable
from expsvc_client.sender import Sender


def sync_run(folder: Path, api: Api, *, grace: float = 10.0) -> str:
    """Send one run folder's journal and artifacts, then make its recorded lifecycle move;
    the folder is removed when all of it was accepted. Returns what happened, in words."""
    run = spool.read_run(folder)
    experiment_id, session = run["experiment_id"], run["session"]
    sender = Sender(api, experiment_id, folder, session, grace=grace, final=True)
    if not sender.drain():
        if sender.fatal is not None:
            return f"refused: {sender.fatal}"
        return "the server is unreachable; kept"
    sent = f"{sender.sent_points} points, {sender.sent_lines} log lines"
    if sender.ended is not None:
        spool.remove(folder, None)
        return f"{sent}; the run is already {sender.ended}, the rest was dropped"
    for description, data, kind, name in list(spool.artifacts(folder)):
        try:
            retrying(partial(api.upload_artifact, experiment_id, data, kind, name), within=grace)
        except Unreachable:
            return f"{sent}; the server is unreachable during an artifact upload; kept"
        description.unlink()
        data.unlink()
    finish = spool.read_finish(folder)
    outcome = ""
    if finish is not None:
        try:
            status = api.end(experiment_id, finish["action"], finish, within=10)
            outcome = f"; the run is {status}"
        except Unreachable:
            return f"{sent}; the server is unreachable for the final {finish['action']}; kept"
    spool.remove(folder, None)
    return sent + outcome


def sync(spool_dir: str | None, url: str | None, token: str | None) -> int:
    root = Config.resolve(spool=spool_dir).spool
    folders = spool.runs(root)
    if not folders:
        print(f"nothing to sync in {root}")
        return 0
    failures = 0
    for folder in folders:
        handle = spool.try_hold(folder)
        if handle is None:
            print(f"{folder.name}: in use by a running process; skipped")
            continue
        try:
            run = spool.read_run(folder)
            settings = Config.resolve(url=url or run["url"], token=token, spool=spool_dir)
            api = Api(settings.url, settings.token)
            try:
                outcome = sync_run(folder, api)
            except ApiError as error:
                outcome = f"refused: {error}"
            finally:
                api.close()
        finally:
            spool.release(handle)
        if folder.exists():
            failures += 1
        print(f"{run['experiment_id']} ({folder.name}): {outcome}")
    return 1 if failures else 0


def status(spool_dir: str | None) -> int:
    root = Config.resolve(spool=spool_dir).spool
    folders = spool.runs(root)
    for folder in folders:
        points, lines = spool.unsent(folder)
        finish = spool.read_finish(folder)
        move = f", then {finish['action']}" if finish else ""
        print(f"{folder.name}: {points} points, {lines} log lines to send{move}")
    if not folders:
        print(f"nothing to sync in {root}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="expsvc-client", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    for name, text in (
        ("sync", "send the spooled points, logs and artifacts of runs that ended early"),
        ("status", "list what the spool holds"),
    ):
        command = commands.add_parser(name, help=text, description=text)
        command.add_argument(
            "--spool", help="the spool folder (EXPSVC_CLIENT_SPOOL, default ~/.cache/expsvc-client)"
        )
        if name == "sync":
            command.add_argument("--url", help="the server (default: the run's own URL)")
            command.add_argument("--token", help="the API token (default: EXPSVC_TOKEN)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")
    if args.command == "sync":
        return sync(args.spool, args.url, args.token)
    return status(args.spool)


if __name__ == "__main__":
    sys.exit(main())
