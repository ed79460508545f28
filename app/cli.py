"""The ``expsvc`` command: ``serve``, ``db upgrade``, ``users create``, ``tokens …``, ``demo``."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.exc import IntegrityError

from app.cli_tokens import add_token_commands
from app.config import Settings
from app.db import Database
from app.errors import ValidationFailed
from app.migrate import upgrade
from app.models.enums import Role
from app.users.api_tokens import TokenPolicy
from app.users.service import bootstrap_admin, create_user


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
    import uvicorn

    from app.main import create_app
    from app.runtime import tune_garbage_collector
    from app.server import server_options

    upgrade(settings.database_url)
    token = asyncio.run(_bootstrap(settings))
    if token is not None:
        path = write_admin_token(settings, token)
        print("Created the first ADMIN user. Its API token (shown once, also saved to", path)
        print(f"  {token}")
    base = f"http://{args.host}:{args.port}"
    print(f"GraphQL (GraphiQL in a browser): {base}/graphql")
    print(f"REST: {base}/api/v1  (OpenAPI: {base}/api/v1/openapi.json)")
    sys.stdout.flush()
    app = create_app(settings)
    tune_garbage_collector()
    uvicorn.run(app, host=args.host, port=args.port, **server_options(settings))
    return 0


def cmd_db_upgrade(_args: argparse.Namespace, settings: Settings) -> int:
    upgrade(settings.database_url)
    print("database is at the latest revision")
    return 0


async def _create_user(settings: Settings, name: str, email: str, role: Role) -> str:
    db = Database(settings.database_url)
    try:
        async with db.unit_of_work() as session:
            policy = TokenPolicy.from_settings(settings)  # the first token's lifetime
            user, token = await create_user(
                session, actor=None, name=name, email=email, role=role, policy=policy
            )
        print(f"created user {user.id} ({user.role.value}) {user.email}")
        return token
    finally:
        await db.dispose()


def cmd_users_create(args: argparse.Namespace, settings: Settings) -> int:
    from app.errors import DomainError

    upgrade(settings.database_url)
    try:
        token = asyncio.run(_create_user(settings, args.name, args.email, Role(args.role)))
    except DomainError as exc:
        print(f"error: {exc.code}: {exc.message} {exc.details or ''}", file=sys.stderr)
        return 1
    print(token)
    return 0


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    from app import demo  # needs httpx, which only this command uses

    def warn(message: str) -> None:
        print(message, file=sys.stderr)

    try:
        options = demo.DemoOptions(
            url=args.url,
            token=demo.resolve_token(args.token, args.token_file, settings.data_dir),
            duration=args.duration,
            tick_seconds=args.tick,
            steps_per_second=args.speed,
            epochs=args.epochs,
            steps_per_epoch=args.steps_per_epoch,
        )
    except demo.DemoError as exc:
        warn(f"error: {exc}")
        return 1
    return demo.run_demo(options, say=lambda line: print(line, flush=True), warn=warn)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="expsvc", description="The Experiment Service")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="migrate, then serve HTTP and websockets")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.set_defaults(run=cmd_serve)

    db = commands.add_parser("db", help="database maintenance")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    db_commands.add_parser("upgrade", help="apply all migrations").set_defaults(run=cmd_db_upgrade)

    users = commands.add_parser("users", help="user management")
    user_commands = users.add_subparsers(dest="users_command", required=True)
    create = user_commands.add_parser("create", help="create a user; prints its token last")
    create.add_argument("--name", required=True)
    create.add_argument("--email", required=True)
    create.add_argument("--role", required=True, choices=[role.value for role in Role])
    create.set_defaults(run=cmd_users_create)

    add_token_commands(commands)

    demo = commands.add_parser(
        "demo", help="seed demo experiments and play a live training run on a running server"
    )
    demo.add_argument("--url", default="http://127.0.0.1:8000", help="the running server")
    auth = demo.add_mutually_exclusive_group()
    auth.add_argument("--token", help="an API token (default: the admin token file)")
    auth.add_argument("--token-file", type=Path, help="default: $EXPSVC_DATA_DIR/admin-token")
    demo.add_argument("--duration", type=float, help="seconds, then complete (default: all)")
    demo.add_argument("--tick", type=float, default=1.0, help="seconds between reports")
    demo.add_argument("--speed", type=float, default=10.0, help="simulated steps per second")
    demo.add_argument("--epochs", type=int, default=10)
    demo.add_argument("--steps-per-epoch", type=int, default=200)
    demo.set_defaults(run=cmd_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = Settings()
    code: int = args.run(args, settings)
    return code


if __name__ == "__main__":
    raise SystemExit(main())
