"""Rows as REST JSON: the information of the GraphQL types, in snake_case."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from app.experiments.progress import progress_view
from app.experiments.service import Page, duration_seconds
from app.experiments.validators import git_web_url
from app.models import Experiment


def iso(value: datetime | None) -> str | None:
    """ISO-8601 in UTC, the same text as GraphQL's ``DateTime``."""
    return None if value is None else value.astimezone(UTC).isoformat()


def _resources(row: Experiment) -> dict[str, Any]:
    return {
        "gpu_type": row.gpu_type,
        "gpu_count": row.gpu_count,
        "cpu_cores": row.cpu_cores,
        "memory_gb": row.memory_gb,
        "max_duration_minutes": row.max_duration_minutes,
    }


def _progress(row: Experiment, now: datetime) -> dict[str, Any]:
    view = progress_view(row, now)
    return {
        "step": view.step,
        "total_steps": view.total_steps,
        "epoch": view.epoch,
        "total_epochs": view.total_epochs,
        "fraction": view.fraction,
        "eta_seconds": view.eta_seconds,
    }


def _git(row: Experiment) -> dict[str, Any] | None:
    if row.git_repo_url is None:
        return None
    return {
        "repo_url": row.git_repo_url,
        "commit": row.git_commit,
        "branch": row.git_branch,
        "url": git_web_url(row.git_repo_url, row.git_commit, row.git_branch),
    }


def _failure(row: Experiment) -> dict[str, Any] | None:
    if row.failure_reason is None:
        return None
    return {"reason": row.failure_reason.value, "message": row.failure_message}


def experiment_json(row: Experiment, now: datetime) -> dict[str, Any]:
    return {
        "id": str(row.id),
        "name": row.name,
        "description": row.description,
        "status": row.status.value,
        "type": row.type.value,
        "model": row.model,
        "approach": row.approach,
        "framework": row.framework,
        "hyperparams": row.hyperparams,
        "config": row.config,
        "tags": list(row.tags),
        "hypothesis_id": str(row.hypothesis_id),
        "owner_id": str(row.owner_id),
        "resources": _resources(row),
        "progress": _progress(row, now),
        "git": _git(row),
        "failure": _failure(row),
        "created_at": iso(row.created_at),
        "started_at": iso(row.started_at),
        "finished_at": iso(row.finished_at),
        "last_activity_at": iso(row.last_activity_at),
        "duration_seconds": duration_seconds(row, now),
    }


def page_json(page: Page, now: datetime) -> dict[str, Any]:
    return {
        "items": [experiment_json(row, now) for row in page.items],
        "page_info": {"has_next_page": page.has_next_page, "end_cursor": page.end_cursor},
        "total_count": page.total_count,
    }
