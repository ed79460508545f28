"""The ``expsvc`` command: users create prints a working token last; db upgrade; bootstrap;
one home folder for every command; one line (no traceback) for what a newcomer gets wrong."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from app.cli import _bootstrap, main, write_admin_token
from app.config import Settings
from app.db import Database
from app.users.service import authenticate
from tests.pg import TEST_DATABASE_ENV, drop_database

ROOT = Path(__file__).resolve().parent.parent


def expsvc(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """``python -m app.cli`` in ``cwd`` with only ``env`` set (plus PATH and the project)."""
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def run_cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return expsvc(
        *args,
        cwd=tmp_path,
        EXPSVC_DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}",
        EXPSVC_DATA_DIR=str(tmp_path / "data"),
    )


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    """The command failed with exactly one line on stderr (no traceback) and printed nothing."""
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("expsvc: error: "), result.stderr
    return lines[0]


async def user_of(tmp_path: Path, token: str) -> tuple[str, str]:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}")
    try:
        async with db.reader() as session:
            user = await authenticate(session, token)
            return user.email, user.role.value
    finally:
        await db.dispose()


def test_users_create_prints_a_working_token_last(tmp_path):
    assert run_cli(tmp_path, "db", "upgrade").returncode == 0
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


def test_users_commands_refuse_to_start_a_new_database(tmp_path):
    """Run from a folder without the server's data, they say where they looked, and leave
    nothing behind (no empty database created, no token printed for it)."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    for args in (
        ("users", "create", "--name", "A", "--email", "a@x.io", "--role", "DS"),
        ("users", "list"),
    ):
        line = one_line_error(expsvc(*args, cwd=elsewhere))
        assert str(elsewhere / ".expsvc" / "expsvc.db") in line and "EXPSVC_HOME" in line
    assert list(elsewhere.iterdir()) == []


def test_every_command_uses_the_home_folder_of_EXPSVC_HOME(tmp_path):
    project, elsewhere = tmp_path / "project", tmp_path / "elsewhere"
    project.mkdir()
    elsewhere.mkdir()
    created = expsvc("db", "upgrade", cwd=project)  # as `make run` does, in the project
    assert created.returncode == 0, created.stderr
    database = project / ".expsvc" / "expsvc.db"
    assert f"Created a new database at {database}" in created.stdout
    again = expsvc("db", "upgrade", cwd=project)
    assert again.returncode == 0 and "Created" not in again.stdout

    home = str(project / ".expsvc")
    made = expsvc(
        "users",
        "create",
        "--name",
        "Bo",
        "--email",
        "bo@x.io",
        "--role",
        "TL",
        cwd=elsewhere,
        EXPSVC_HOME=home,
    )
    assert made.returncode == 0, made.stderr
    assert str(database) in made.stdout
    token = made.stdout.strip().splitlines()[-1]
    db = Database(f"sqlite+aiosqlite:///{database}")

    async def owner() -> str:
        try:
            async with db.reader() as session:
                return (await authenticate(session, token)).email
        finally:
            await db.dispose()

    assert asyncio.run(owner()) == "bo@x.io"
    listed = expsvc("users", "list", cwd=elsewhere, EXPSVC_HOME=home)
    assert listed.returncode == 0, listed.stderr
    header, *rows = listed.stdout.strip().splitlines()
    assert header.split() == ["ID", "ROLE", "EMAIL", "NAME", "CREATED"]
    assert [row.split()[1:4] for row in rows] == [["TL", "bo@x.io", "Bo"]]
    assert list(elsewhere.iterdir()) == []


def test_a_taken_port_is_one_line_before_the_banner(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = expsvc("serve", "--port", str(port), cwd=tmp_path)
        line = one_line_error(result)
        assert f"port {port} on 127.0.0.1 is already in use" in line and "EXPSVC_PORT" in line
        by_env = expsvc("serve", cwd=tmp_path, EXPSVC_PORT=str(port))
        assert f"port {port}" in one_line_error(by_env)
    assert list(tmp_path.iterdir()) == []  # nothing was created either


def test_a_bad_setting_is_one_line(tmp_path):
    line = one_line_error(expsvc("users", "list", cwd=tmp_path, EXPSVC_PORT="eighty"))
    assert "EXPSVC_PORT" in line


def test_version_and_help_name_the_settings(tmp_path, capsys):
    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out.startswith("expsvc 0.")
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for name in ("EXPSVC_HOME", "EXPSVC_DATABASE_URL", "EXPSVC_REDIS_URL", "EXPSVC_PORT"):
        assert name in out
    with pytest.raises(SystemExit):
        main(["serve", "--help"])
    out = capsys.readouterr().out
    assert "$EXPSVC_HOST, else 127.0.0.1" in out and "$EXPSVC_PORT, else 8000" in out
    for command in (["db", "create"], ["db", "upgrade"], ["users", "create"], ["users", "list"]):
        with pytest.raises(SystemExit):
            main([*command, "--help"])
        out = capsys.readouterr().out
        assert "$EXPSVC_DATABASE_URL" in out and "$EXPSVC_HOME" in out, command


def test_unreachable_postgresql_is_one_line(tmp_path):
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()  # nothing listens there now
    url = f"postgresql+asyncpg://postgres@127.0.0.1:{port}/expsvc"
    line = one_line_error(expsvc("db", "upgrade", cwd=tmp_path, EXPSVC_DATABASE_URL=url))
    assert f"cannot reach PostgreSQL at 127.0.0.1:{port}" in line


@pytest.mark.skipif(not os.environ.get(TEST_DATABASE_ENV), reason="needs PostgreSQL")
def test_a_missing_postgresql_database_is_one_line_and_db_create_makes_it(tmp_path):
    server = os.environ[TEST_DATABASE_ENV]
    name = f"expsvc_cli_{os.getpid()}_{tmp_path.name[-6:]}".lower().replace("-", "_")
    url = make_url(server).set(database=name).render_as_string(hide_password=False)
    try:
        for args in (("serve", "--port", "0"), ("users", "list"), ("db", "upgrade")):
            line = one_line_error(expsvc(*args, cwd=tmp_path, EXPSVC_DATABASE_URL=url))
            assert f'the database "{name}" does not exist' in line
            assert "expsvc db create" in line
        created = expsvc("db", "create", cwd=tmp_path, EXPSVC_DATABASE_URL=url)
        assert created.returncode == 0 and f'Created PostgreSQL database "{name}"' in created.stdout
        again = expsvc("db", "create", cwd=tmp_path, EXPSVC_DATABASE_URL=url)
        assert again.returncode == 0 and "exists already" in again.stdout
        upgraded = expsvc("db", "upgrade", cwd=tmp_path, EXPSVC_DATABASE_URL=url)
        assert upgraded.returncode == 0, upgraded.stderr
        listed = expsvc("users", "list", cwd=tmp_path, EXPSVC_DATABASE_URL=url)
        assert listed.returncode == 0 and listed.stdout.split() == [
            "ID",
            "ROLE",
            "EMAIL",
            "NAME",
            "CREATED",
        ]
    finally:
        drop_database(server, url)


def test_db_create_on_sqlite_makes_the_file_and_folder(tmp_path):
    result = expsvc("db", "create", cwd=tmp_path)
    database = tmp_path / ".expsvc" / "expsvc.db"
    assert result.returncode == 0 and f"Created {database}" in result.stdout
    assert database.is_file()
    assert "exists already" in expsvc("db", "create", cwd=tmp_path).stdout
