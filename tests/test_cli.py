"""The ``expsvc`` command: users create prints a working token last; db upgrade; bootstrap."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli import _bootstrap, main, write_admin_token
from app.config import Settings
from app.db import Database
from app.users.service import authenticate


def run_cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        "EXPSVC_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}",
        "EXPSVC_DATA_DIR": str(tmp_path / "data"),
        "PATH": "/usr/bin:/bin",
    }
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


async def user_of(tmp_path: Path, token: str) -> tuple[str, str]:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}")
    try:
        async with db.reader() as session:
            user = await authenticate(session, token)
            return user.email, user.role.value
    finally:
        await db.dispose()


def test_users_create_prints_a_working_token_last(tmp_path):
    result = run_cli(
        tmp_path, "users", "create", "--name", "Ann", "--email", "ann@lab.io", "--role", "MLE"
    )
    assert result.returncode == 0, result.stderr
    token = result.stdout.strip().splitlines()[-1]
    assert asyncio.run(user_of(tmp_path, token)) == ("ann@lab.io", "MLE")
    again = run_cli(
        tmp_path, "users", "create", "--name", "Ann", "--email", "ann@lab.io", "--role", "MLE"
    )
    assert again.returncode == 1 and "VALIDATION_FAILED" in again.stderr


def test_db_upgrade_and_bad_arguments(tmp_path):
    assert run_cli(tmp_path, "db", "upgrade").returncode == 0
    assert (tmp_path / "cli.db").exists()
    with pytest.raises(SystemExit):
        main(["users", "create", "--name", "x", "--email", "x@y.z", "--role", "KING"])


def test_first_start_creates_one_admin_and_saves_its_token(tmp_path):
    assert run_cli(tmp_path, "db", "upgrade").returncode == 0
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}", data_dir=tmp_path / "data"
    )
    token = asyncio.run(_bootstrap(settings))
    assert token is not None
    path = write_admin_token(settings, token)
    assert path.read_text().strip() == token and oct(path.stat().st_mode)[-3:] == "600"
    assert asyncio.run(user_of(tmp_path, token))[1] == "ADMIN"
    assert asyncio.run(_bootstrap(settings)) is None  # not on a database with users
