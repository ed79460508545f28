"""What ``Experiment.wandb`` shows: the shared link view (``app.integrations.mirror.links``)
of target "wandb", its run path and the run's address in the W&B UI."""

from __future__ import annotations


def run_path(remote_group: str, run_id: str) -> str:
    """``entity/project/run_id`` (offline, before W&B names the entity: ``/project/…``)."""
    return f"{remote_group}/{run_id}"


def run_url(base_url: str, remote_group: str, run_id: str) -> str | None:
    """The run in the W&B UI: W&B cloud's API (api.wandb.ai) answers its UI at wandb.ai,
    a W&B server answers both at its base URL. None while the entity is unknown."""
    entity, _, project = remote_group.partition("/")
    if not entity:
        return None
    base = (base_url or "https://api.wandb.ai").rstrip("/")
    base = base.replace("://api.wandb.ai", "://wandb.ai")
    return f"{base}/{entity}/{project}/runs/{run_id}"
