"""The W&B mirror's one use of wandb internals (``app/integrations/wandb/console.py``) is
checked at start-up: ``expsvc serve`` says when the installed wandb is outside the versions
it was written for, or lacks the call."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from app.integrations.wandb import console
from app.integrations.wandb.reader import read_run
from app.startup_checks import backing_service_warnings


def test_the_installed_wandb_is_one_the_mirror_was_written_for() -> None:
    assert console.problem() is None


@pytest.mark.parametrize(
    ("version", "said"),
    [
        ("0.21.4", "wandb 0.21.4 is outside the versions the mirror was written for"),
        ("0.32.0", "wandb 0.32.0 is outside the versions the mirror was written for"),
        ("1.0.0rc1", "(>=0.22,<0.32)"),
    ],
)
def test_a_wandb_outside_the_pinned_versions_is_said(monkeypatch, version, said) -> None:
    # another release cannot be installed beside the locked one: its version is what varies
    monkeypatch.setattr(console, "installed", lambda name: version)
    found = console.problem()
    assert found is not None and said in found


def test_a_missing_wandb_is_said(monkeypatch) -> None:
    monkeypatch.setattr(console, "installed", lambda name: None)
    assert console.problem() == "wandb is not installed (pip install 'expsvc[wandb]')"


async def test_serve_warns_only_when_the_mirror_is_configured(settings, monkeypatch) -> None:
    monkeypatch.setattr(console, "installed", lambda name: "0.40.1")
    assert await backing_service_warnings(settings) == []
    configured = settings.model_copy(update={"wandb_project": "lab"})
    (line,) = await backing_service_warnings(configured)
    assert line.startswith("wandb 0.40.1 is outside the versions")
    assert line.endswith("(EXPSVC_WANDB_PROJECT)")


WRITE_THROUGH_THE_PINNED_CALL = """
import sys
import wandb
from app.integrations.wandb import console

run = wandb.init(project="pin", dir=sys.argv[1],
                 settings=wandb.Settings(console="off", silent=True, x_disable_stats=True))
write = console.output_writer(run)
write("stdout", "epoch 1\\n")
write("stderr", "warning: slow\\n")
run.finish()
"""


def test_the_console_call_writes_the_run_output(tmp_path) -> None:
    """The pinned call is the one wandb's own console capture uses: the lines come back
    as output records of the run's transaction log. In a process of its own: wandb's
    service, once started, would be shared with the other tests' writers through the
    environment."""
    env = {**os.environ, "WANDB_MODE": "offline", "WANDB_SILENT": "true"}
    subprocess.run(
        [sys.executable, "-c", WRITE_THROUGH_THE_PINNED_CALL, str(tmp_path)],
        check=True,
        env=env,
        timeout=120,
    )
    (folder,) = (tmp_path / "wandb").glob("offline-run-*")
    read = read_run(folder)
    assert [(line.stream, line.text) for line in read.console] == [
        ("stdout", "epoch 1"),
        ("stderr", "warning: slow"),
    ]
