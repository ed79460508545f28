"""Where the server is and who we are: arguments first, then the environment."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

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

    remote = git("config", "--get", "remote.origin.url")
    if remote is None:
        return None
    found = {
        "repo_url": remote,
        "commit": git("rev-parse", "HEAD"),
        "branch": git("rev-parse", "--abbrev-ref", "HEAD"),
    }
    return {k: v for k, v in found.items() if v}
