"""Where the server is and who we are: arguments first, then the environment."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

DEFAULT_URL = "http://127.0.0.1:8000"


@dataclass(frozen=True)
class Config:
    url: str
    token: str | None
    spool: Path

    @classmethod
    def resolve(
        cls, *, url: str | None = None, token: str | None = None, spool: str | None = None
    ) -> Config:
        """``url`` or ``EXPSVC_URL`` (default http://127.0.0.1:8000); ``token`` or
        ``EXPSVC_TOKEN``; ``spool`` or ``EXPSVC_CLIENT_SPOOL`` (default
        ``~/.cache/expsvc-client``)."""
        return cls(
            url=(url or os.environ.get("EXPSVC_URL") or DEFAULT_URL).rstrip("/"),
            token=token or os.environ.get("EXPSVC_TOKEN") or None,
            spool=spool_root(spool),
        )


def spool_root(spool: str | None = None) -> Path:
    chosen = spool or os.environ.get("EXPSVC_CLIENT_SPOOL")
    return Path(chosen).expanduser() if chosen else Path.home() / ".cache" / "expsvc-client"


# Modules whose presence names the framework, most specific first
FRAMEWORKS = (
    ("lightning", "pytorch-lightning"),
    ("pytorch_lightning", "pytorch-lightning"),
    ("transformers", "transformers"),
    ("keras", "keras"),
    ("tensorflow", "tensorflow"),
    ("jax", "jax"),
    ("torch", "pytorch"),
    ("xgboost", "xgboost"),
    ("lightgbm", "lightgbm"),
    ("sklearn", "scikit-learn"),
)


def detect_framework() -> str:
    """The training framework the process imported, or "python"."""
    for module, name in FRAMEWORKS:
        if module in sys.modules:
            return name
    return "python"


# What the server takes as a repository URL (its REPO_RE)
_REMOTE = re.compile(r"^(https?://|ssh://|git://|git@)\S+$")


def shareable_remote(remote: str | None) -> str | None:
    """``remote`` as it may be stored with a run: an https URL without its user and
    password (often a token), and None when it is no URL the server takes (a local path,
    say)."""
    if not remote:
        return None
    parts = urlsplit(remote)
    if parts.scheme in ("http", "https") and "@" in parts.netloc:
        host = parts.netloc.rpartition("@")[2]
        remote = urlunsplit(parts._replace(netloc=host))
    return remote if _REMOTE.match(remote) else None


def detect_git(folder: Path | None = None) -> dict[str, str] | None:
    """The working directory's repository: remote URL, commit and branch (None outside a
    repository with a remote, or without git)."""

    def git(*args: str) -> str | None:
        try:
            out = subprocess.run(
                ["git", *args],
                cwd=folder,
                capture_output=True,
                text=True,
                timeout=5,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired):
            return None
        return out.stdout.strip() or None if out.returncode == 0 else None

    remote = shareable_remote(git("config", "--get", "remote.origin.url"))
    if remote is None:
        return None
    found = {
        "repo_url": remote,
        "commit": git("rev-parse", "HEAD"),
        "branch": git("symbolic-ref", "--short", "-q", "HEAD"),  # none when detached
    }
    return {k: v for k, v in found.items() if v}
