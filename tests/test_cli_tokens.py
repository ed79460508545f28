"""``expsvc tokens list|create|revoke``: the operator's commands, on a database of their own."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from app.cli import main
from app.db import Database
from app.errors import Unauthenticated
from app.users.service import authenticate


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("EXPSVC_DATABASE_URL", url)
    monkeypatch.setenv("EXPSVC_HOME", str(tmp_path / "data"))
    assert main(["db", "upgrade"]) == 0  # the commands refuse to start a new database
    return url


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str], str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out.strip().splitlines(), err


def owner_email(url: str, token: str) -> str | None:
    async def look() -> str | None:
        db = Database(url)
        try:
            async with db.reader() as session:
                return (await authenticate(session, token)).email
        except Unauthenticated:
            return None
        finally:
            await db.dispose()

    return asyncio.run(look())


def test_create_list_and_revoke(database: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "users", "create", "--name", "Ann", "--email", "ann@lab.io", "--role", "DS"
    )
    assert code == 0
    initial = out[-1]

    code, out, err = run(
        capsys,
        "tokens", "create", "--email", "ANN@lab.io", "--name", "ci",
        "--expires-at", "2999-01-01T00:00:00Z",
    )  # fmt: skip
    assert code == 0, err
    secret = out[-1]
    assert secret != initial and owner_email(database, secret) == "ann@lab.io"
    assert "expires 2999-01-01T00:00:00+00:00" in out[0]

    code, out, _ = run(capsys, "tokens", "list", "--email", "ann@lab.io")
    assert code == 0
    header, *rows = out
    assert header.split("\t")[:4] == ["id", "name", "last4", "status"]
    by_name = {row.split("\t")[1]: row.split("\t") for row in rows}
    assert set(by_name) == {"ci", "initial"}
    assert by_name["ci"][2:4] == [secret[-4:], "active"]
    assert secret not in "\n".join(out)

    code, out, _ = run(capsys, "tokens", "revoke", by_name["ci"][0])
    assert code == 0 and out[0].startswith(f"revoked token {by_name['ci'][0]}")
    assert owner_email(database, secret) is None
    assert owner_email(database, initial) == "ann@lab.io"
    code, out, _ = run(capsys, "tokens", "list", "--email", "ann@lab.io")
    assert [row.split("\t")[3] for row in out[1:] if "\tci\t" in row] == ["revoked"]


def test_refusals(database: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        run(capsys, "users", "create", "--name", "B", "--email", "b@lab.io", "--role", "DS")[0] == 0
    )
    code, _, err = run(capsys, "tokens", "list", "--email", "nobody@lab.io")
    assert code == 1 and "NOT_FOUND" in err
    code, _, err = run(capsys, "tokens", "revoke", "00000000-0000-0000-0000-000000000000")
    assert code == 1 and "NOT_FOUND" in err
    code, _, err = run(
        capsys,
        "tokens", "create", "--email", "b@lab.io", "--name", "old",
        "--expires-at", "2001-01-01T00:00:00Z",
    )  # fmt: skip
    assert code == 1 and "VALIDATION_FAILED" in err
    for bad in (["revoke", "not-a-uuid"], ["create", "--email", "b@lab.io", "--name", "x",
                                           "--expires-at", "2999-01-01T00:00:00"]):  # fmt: skip
        with pytest.raises(SystemExit):
            main(["tokens", *bad])
