"""The ``expsvc`` command: ``serve``, ``db create|upgrade``, ``users create|list``,
``tokens list|create|revoke``, ``import wandb``, ``demo``.

Every command reads the same settings (``EXPSVC_*``, ``app/config.py``): run from another
folder, it finds the server's data only through ``EXPSVC_HOME``. Commands that only use the
database refuse to start a new one; those that create one say where. A database that
cannot be reached, or a port that is taken, is one line on stderr and exit status 1.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Sequence
from importlib.metadata import version
from pathlib import Path

from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError

from app.cli_help import setting_help, settings_epilog
from app.cli_import import add_import_commands
from app.cli_tokens import add_token_commands
from app.config import Settings
from app.database_setup import (
    DatabaseProblem,
    connection_problem,
    create_database,
    describe,
    migrate,
)
from app.db import Database
from app.errors import ValidationFailed
from app.listen_check import listen_problem
from app.models.enums import Role
from app.users.api_tokens import TokenPolicy
from app.users.service import bootstrap_admin, create_user, list_users


class CommandFailed(Exception):
    """A command cannot go on; its message is the one line to print."""


async def _bootstrap(settings: Settings) -> str | None:
    """The first ADMIN's token, or None if there are users (or another replica made it)."""
    db = Database(settings.database_url)
    try:
        async with db.unit_of_work() as session:
            return await bootstrap_admin(session)
    except (IntegrityError, ValidationFailed):  # a replica starting beside us won the race
        return None
    finally:
        await db.dispose()


def write_admin_token(settings: Settings, token: str) -> Path:
    path = settings.data_dir / "admin-token"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(token + "\n", encoding="utf-8")
    os.chmod(path, 0o600)
    return path


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    host = settings.host if args.host is None else args.host
    port = settings.port if args.port is None else args.port
    problem = listen_problem(host, port)  # before anything is printed or imported
    if problem is not None:
        raise CommandFailed(problem)

    import uvicorn

    from app.main import create_app
    from app.runtime import tune_garbage_collector
    from app.server import server_options
    from app.startup_checks import backing_service_warnings

    migrate(settings.database_url, may_create=True)
    token = asyncio.run(_bootstrap(settings))
    if token is not None:
        path = write_admin_token(settings, token)
        print(f"Created the first ADMIN user. Its API token (shown once, also saved to {path}):")
        print(f"  {token}")
    for warning in asyncio.run(backing_service_warnings(settings)):
        print(f"warning: {warning}")
    base = f"http://{host}:{port}"
    if (settings.web_dist / "index.html").is_file():
        print(f"Web console: {base}/  (sign in with an API token)")
    else:
        print(f"Web console: not built in {settings.web_dist} (make run builds it)")
    print(f"GraphQL (GraphiQL in a browser): {base}/graphql")
    print(f"REST: {base}/api/v1  (OpenAPI: {base}/api/v1/openapi.json)")
    sys.stdout.flush()
    app = create_app(settings)
    tune_garbage_collector()
    uvicorn.run(app, host=host, port=port, **server_options(settings))
    return 0


def cmd_db_upgrade(_args: argparse.Namespace, settings: Settings) -> int:
    migrate(settings.database_url, may_create=True)
    print(f"{describe(settings.database_url)} is at the latest revision")
    return 0


def cmd_db_create(_args: argparse.Namespace, settings: Settings) -> int:
    where = describe(settings.database_url)
    if asyncio.run(create_database(settings.database_url)):
        print(f"Created {where}; `expsvc serve` (or `expsvc db upgrade`) adds the tables")
    else:
        print(f"{where} exists already")
    return 0


async def _create_user(settings: Settings, name: str, email: str, role: Role) -> str:
    db = Database(settings.database_url)
    try:
        async with db.unit_of_work() as session:
            policy = TokenPolicy.from_settings(settings)  # the first token's lifetime
            user, token = await create_user(
                session, actor=None, name=name, email=email, role=role, policy=policy
            )
        where = describe(settings.database_url)
        print(f"created user {user.id} ({user.role.value}) {user.email} in {where}")
        return token
    finally:
        await db.dispose()


def cmd_users_create(args: argparse.Namespace, settings: Settings) -> int:
    from app.errors import DomainError

    migrate(settings.database_url, may_create=False)
    try:
        token = asyncio.run(_create_user(settings, args.name, args.email, Role(args.role)))
    except DomainError as exc:
        print(f"error: {exc.code}: {exc.message} {exc.details or ''}", file=sys.stderr)
        return 1
    print(token)
    return 0


async def _user_rows(settings: Settings) -> list[tuple[str, ...]]:
    db = Database(settings.database_url)
    try:
        async with db.reader() as session:
            users = await list_users(session)
    finally:
        await db.dispose()
    return [
        (str(u.id), u.role.value, u.email, u.name, u.created_at.isoformat(timespec="seconds"))
        for u in users
    ]


def cmd_users_list(_args: argparse.Namespace, settings: Settings) -> int:
    migrate(settings.database_url, may_create=False)
    rows = [("ID", "ROLE", "EMAIL", "NAME", "CREATED"), *asyncio.run(_user_rows(settings))]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        print("  ".join([*(cell.ljust(w) for cell, w in zip(row, widths, strict=False)), row[-1]]))
    return 0


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    from app import demo  # needs httpx, which only this command uses

    def warn(message: str) -> None:
        print(message, file=sys.stderr)

    url = args.url or f"http://{_local(settings.host)}:{settings.port}"
    try:
        options = demo.DemoOptions(
            url=url,
            token=demo.resolve_token(args.token, args.token_file, settings.data_dir),
            duration=args.duration,
            tick_seconds=args.tick,
            steps_per_second=args.speed,
            epochs=args.epochs,
            steps_per_epoch=args.steps_per_epoch,
            seed_only=args.seed_only,
        )
    except demo.DemoError as exc:
        warn(f"error: {exc}")
        return 1
    return demo.run_demo(options, say=lambda line: print(line, flush=True), warn=warn)


def _local(host: str) -> str:
    """An address to reach a server listening on ``host`` from this machine."""
    return "127.0.0.1" if host in ("", "0.0.0.0", "::") else host


# The database every command but demo works on, said in its --help
DATABASE_NOTE = (
    "The database is $EXPSVC_DATABASE_URL, else the SQLite file expsvc.db in the home folder "
    "$EXPSVC_HOME (default: .expsvc in the current folder) - the same as `expsvc serve`'s."
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="expsvc",
        description="The Experiment Service",
        epilog=settings_epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {version('expsvc')}")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser(
        "serve", help="create/migrate the database, then serve HTTP and websockets"
    )
    serve.add_argument("--host", help=setting_help("host", "address to listen on"))
    serve.add_argument("--port", type=int, help=setting_help("port", "port to listen on"))
    serve.set_defaults(run=cmd_serve)

    db = commands.add_parser(
        "db", help="database maintenance (EXPSVC_DATABASE_URL)", description=DATABASE_NOTE
    )
    db_commands = db.add_subparsers(dest="db_command", required=True)
    db_commands.add_parser(
        "create",
        help="create the database (PostgreSQL: CREATE DATABASE; SQLite: the file)",
        description=DATABASE_NOTE,
    ).set_defaults(run=cmd_db_create)
    db_commands.add_parser(
        "upgrade",
        help="apply all migrations (a new SQLite file is created, and said so)",
        description=DATABASE_NOTE,
    ).set_defaults(run=cmd_db_upgrade)

    users = commands.add_parser(
        "users", help="user management, on the server's database", description=DATABASE_NOTE
    )
    user_commands = users.add_subparsers(dest="users_command", required=True)
    create = user_commands.add_parser(
        "create", help="create a user; prints its token last", description=DATABASE_NOTE
    )
    create.add_argument("--name", required=True, help="the user's display name")
    create.add_argument("--email", required=True, help="unique, case-insensitively")
    create.add_argument("--role", required=True, choices=[role.value for role in Role])
    create.set_defaults(run=cmd_users_create)
    user_commands.add_parser(
        "list", help="every user: id, role, email, name, created", description=DATABASE_NOTE
    ).set_defaults(run=cmd_users_list)

    add_token_commands(commands)
    add_import_commands(commands)

    demo = commands.add_parser(
        "demo", help="seed demo experiments and play a live training run on a running server"
    )
    demo.add_argument(
        "--url", help="the running server (default: http://$EXPSVC_HOST:$EXPSVC_PORT)"
    )
    auth = demo.add_mutually_exclusive_group()
    auth.add_argument("--token", help="an API token (default: the admin token file)")
    auth.add_argument(
        "--token-file", type=Path, help="default: $EXPSVC_HOME/admin-token (./.expsvc/admin-token)"
    )
    demo.add_argument("--duration", type=float, help="seconds, then complete (default: all)")
    demo.add_argument(
        "--tick", type=float, default=1.0, help="seconds between reports (default: %(default)s)"
    )
    demo.add_argument(
        "--speed", type=float, default=10.0, help="simulated steps/s (default: %(default)s)"
    )
    demo.add_argument("--epochs", type=int, default=10, help="(default: %(default)s)")
    demo.add_argument("--steps-per-epoch", type=int, default=200, help="(default: %(default)s)")
    demo.add_argument(
        "--seed-only",
        action="store_true",
        help="seed, print the ids and exit, leaving the RUNNING experiment running",
    )
    demo.set_defaults(run=cmd_demo)
    return parser


def _fail(message: str) -> int:
    print(f"expsvc: error: {message}", file=sys.stderr)
    return 1


def _settings() -> Settings:
    try:
        return Settings()
    except ValidationError as error:
        lines = [
            f"EXPSVC_{'_'.join(str(part) for part in e['loc']).upper()}: {e['msg']}"
            for e in error.errors()
        ]
        raise CommandFailed("; ".join(lines)) from None


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = _settings()
    except CommandFailed as error:
        return _fail(str(error))
    try:
        code: int = args.run(args, settings)
    except (CommandFailed, DatabaseProblem) as error:
        return _fail(str(error))
    except Exception as error:
        problem = connection_problem(error, settings.database_url)
        if problem is None:
            raise
        return _fail(problem)
    return code


if __name__ == "__main__":
    raise SystemExit(main())
