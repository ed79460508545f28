"""What the client sends about the code's repository: only what the server takes, and no
credentials."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from expsvc_client.config import detect_git, shareable_remote


@pytest.mark.parametrize(
    ("remote", "sent"),
    [
        ("https://github.com/lab/model.git", "https://github.com/lab/model.git"),
        ("https://ann:ghp_secret@github.com/lab/model.git", "https://github.com/lab/model.git"),
        ("git@github.com:lab/model.git", "git@github.com:lab/model.git"),
        ("ssh://git@gitlab.lab:2222/lab/model.git", "ssh://git@gitlab.lab:2222/lab/model.git"),
        ("/home/ann/src/model", None),  # a local clone: no URL the server takes
        ("../model", None),
        ("", None),
        (None, None),
    ],
)
def test_the_remote_as_sent(remote: str | None, sent: str | None) -> None:
    assert shareable_remote(remote) == sent


def git(folder: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(folder), *args], capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def test_a_repository_is_read(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q", "-b", "train")
    git(
        tmp_path,
        "-c",
        "user.name=t",
        "-c",
        "user.email=t@t",
        "commit",
        "-q",
        "--allow-empty",
        "-m",
        "first",
    )
    assert detect_git(tmp_path) is None  # no remote
    git(tmp_path, "remote", "add", "origin", "/elsewhere/on/disk")
    assert detect_git(tmp_path) is None  # a remote that is a path
    git(tmp_path, "remote", "set-url", "origin", "https://x:token@example.com/lab/m.git")
    commit = git(tmp_path, "rev-parse", "HEAD")
    assert detect_git(tmp_path) == {
        "repo_url": "https://example.com/lab/m.git",
        "commit": commit,
        "branch": "train",
    }
    git(tmp_path, "checkout", "-q", "--detach")
    assert detect_git(tmp_path) == {"repo_url": "https://example.com/lab/m.git", "commit": commit}
