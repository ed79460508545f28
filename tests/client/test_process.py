"""A training script as its own process: how it ends decides how the run ends."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from tests.client.conftest import User
from tests.service_process import REPO

HEAD = """
import sys, time
import expsvc_client as xs
"""
INIT = (
    "xs.init(hypothesis={hypothesis!r}, type='ML', model='m', url={url!r}, token={token!r}, "
    "spool_dir={spool!r}, system_metrics=False)"
)


def script(user: User, body: str) -> str:
    init = INIT.format(
        hypothesis=user.hypothesis_title, url=user.url, token=user.token, spool=str(user.spool)
    )
    return HEAD + textwrap.dedent(body).replace("INIT", init)


def run_script(user: User, body: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", script(user, body)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
        check=False,
    )


def experiment_of(done: subprocess.CompletedProcess[str]) -> str:
    return done.stdout.splitlines()[0].strip()


def test_sigterm_stops_the_run(user: User) -> None:
    body = """
    with INIT as run:
        print(run.id, flush=True)
        step = 0
        while True:
            run.log({"loss": 1.0}, step=step)
            step += 1
            time.sleep(0.001)
    """
    with subprocess.Popen(
        [sys.executable, "-c", script(user, body)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
    ) as process:
        assert process.stdout is not None
        experiment_id = process.stdout.readline().strip()
        time.sleep(0.5)
        process.send_signal(signal.SIGTERM)
        assert process.wait(60) == 128 + signal.SIGTERM
    assert user.experiment(experiment_id)["status"] == "STOPPED"
    steps = [s for s, _ in user.series(experiment_id, "loss")]
    assert steps == list(range(len(steps))) and steps


def test_an_uncaught_exception_without_a_with_block_fails_the_run(user: User) -> None:
    done = run_script(
        user,
        """
        run = INIT
        print(run.id, flush=True)
        run.log({"loss": 1.0}, step=0)
        raise RuntimeError("CUDA out of memory. Tried to allocate 20.00 MiB")
        """,
    )
    assert done.returncode == 1
    experiment = user.experiment(experiment_of(done))
    assert experiment["status"] == "FAILED"
    assert experiment["failure"]["reason"] == "OOM"
    assert "CUDA out of memory" in experiment["failure"]["message"]
    assert user.series(experiment["id"], "loss") == [(0, 1.0)]


def test_ctrl_c_without_a_with_block_stops_the_run(user: User) -> None:
    done = run_script(
        user,
        """
        run = INIT
        print(run.id, flush=True)
        raise KeyboardInterrupt
        """,
    )
    assert done.returncode != 0
    assert user.experiment(experiment_of(done))["status"] == "STOPPED"


def test_a_script_that_just_ends_completes_its_run(user: User) -> None:
    done = run_script(
        user,
        """
        run = INIT
        print(run.id, flush=True)
        run.log({"loss": 1.0}, step=0)
        """,
    )
    assert done.returncode == 0, done.stderr
    assert user.experiment(experiment_of(done))["status"] == "COMPLETED"


def test_a_traceback_on_stderr_is_logged_as_errors(user: User) -> None:
    done = run_script(
        user,
        """
        import traceback
        with INIT as run:
            print(run.id, flush=True)
            print("before", file=sys.stderr)
            try:
                {}["missing"]
            except KeyError:
                traceback.print_exc()
            print("after", file=sys.stderr)
            print("plain output")
        """,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback (most recent call last):" in done.stderr  # still printed
    lines = [(line["level"], line["message"]) for line in user.log_lines(experiment_of(done))]
    messages = [m for _, m in lines]
    start = messages.index("Traceback (most recent call last):")
    end = messages.index("KeyError: 'missing'")
    assert {level for level, _ in lines[start : end + 1]} == {"ERROR"}
    assert ("WARNING", "before") in lines
    assert ("WARNING", "after") in lines
    assert ("INFO", "plain output") in lines


@pytest.mark.parametrize("where", ["argument", "environment"])
def test_server_and_token_from_arguments_or_the_environment(user: User, where: str) -> None:
    body = """
    import os
    with xs.init(hypothesis=os.environ["HYPOTHESIS"], type="ML", model="m",
                 system_metrics=False, **ARGS) as run:
        print(run.id, flush=True)
        print(run.url, flush=True)
    """
    if where == "argument":
        args = f"dict(url={user.url!r}, token={user.token!r}, spool_dir={str(user.spool)!r})"
        env = {}
    else:
        args = "{}"
        env = {
            "EXPSVC_URL": user.url,
            "EXPSVC_TOKEN": user.token,
            "EXPSVC_CLIENT_SPOOL": str(user.spool),
        }
    done = subprocess.run(
        [sys.executable, "-c", HEAD + textwrap.dedent(body).replace("ARGS", args)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
        check=False,
        env={**os.environ, **env, "HYPOTHESIS": user.hypothesis_title},
    )
    assert done.returncode == 0, done.stderr
    experiment_id, url = done.stdout.split()[:2]
    assert url == f"{user.url}/experiments/{experiment_id}"
    assert user.experiment(experiment_id)["status"] == "COMPLETED"


def test_importing_the_client_loads_nothing_of_the_server() -> None:
    probe = (
        "import sys, expsvc_client; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & "
        "{'app', 'schema', 'sqlalchemy', 'strawberry', 'pydantic', 'starlette', 'asyncpg'}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd="/"
    )
    assert done.stdout.strip() == "[]"
