"""Rows as REST JSON: the information of the GraphQL types, in snake_case."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from app.experiments.progress import progress_view
from app.experiments.service import Page, duration_seconds
from app.experiments.validators import git_web_url
from app.models import Experiment
from app.models.resource import Reservation
from app.resources.costs import cost_of
from app.rest.related import Related


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


def _reservation(reservation: Reservation | None) -> dict[str, Any] | None:
    if reservation is None:
        return None
    return {
        "pool": reservation.pool_name,
        "gpu_count": reservation.gpu_count,
        "reserved_at": iso(reservation.reserved_at),
        "expires_at": iso(reservation.expires_at),
        "released_at": iso(reservation.released_at),
        "hourly_cost_per_gpu": reservation.hourly_cost_per_gpu,
        "cpu_cores": reservation.cpu_cores,
        "memory_gb": reservation.memory_gb,
        "hourly_cost_per_cpu_core": reservation.hourly_cost_per_cpu_core,
    }


def _cost(row: Experiment, reservation: Reservation | None, now: datetime) -> dict[str, Any]:
    view = cost_of(row, reservation, now)
    return {
        "gpu": view.gpu,
        "api": view.api,
        "total": view.total,
        "currency": view.currency,
        "cpu": view.cpu,
    }


def _mlflow(row: Experiment, related: Related) -> dict[str, Any] | None:
    view = related.mlflow_links.get(row.id)
    if view is None:
        return None
    from app.integrations.mlflow.links import run_url  # a link exists only with MLflow

    return {
        "experiment_id": view.remote_group,
        "run_id": view.run_id,
        "url": run_url(related.mlflow_ui, view.remote_group, view.run_id),
        "synced_at": iso(view.synced_at),
        "pending_points": view.pending_points,
        "last_error": view.last_error,
        "last_error_at": iso(view.last_error_at),
    }


def _wandb(row: Experiment, related: Related) -> dict[str, Any] | None:
    view = related.wandb_links.get(row.id)
    if view is None:
        return None
    from app.integrations.wandb.links import run_path, run_url  # a link exists only with W&B

    return {
        "run_path": run_path(view.remote_group, view.run_id),
        "url": run_url(related.wandb_base_url, view.remote_group, view.run_id),
        "synced_at": iso(view.synced_at),
        "pending_points": view.pending_points,
        "last_error": view.last_error,
        "last_error_at": iso(view.last_error_at),
    }


def experiment_json(row: Experiment, now: datetime, related: Related) -> dict[str, Any]:
    """``related`` holds the experiment's reservation, MLflow link and the caller's allowed
    actions (``load_related``)."""
    reservation = related.reservations.get(row.id)
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
        "parent_id": str(row.parent_id) if row.parent_id in related.visible_parents else None,
        "resources": _resources(row),
        "progress": _progress(row, now),
        "git": _git(row),
        "failure": _failure(row),
        "status_message": row.failure_message,
        "reservation": _reservation(reservation),
        "cost": _cost(row, reservation, now),
        "mlflow": _mlflow(row, related),
        "wandb": _wandb(row, related),
        "created_at": iso(row.created_at),
        "started_at": iso(row.started_at),
        "finished_at": iso(row.finished_at),
        "last_activity_at": iso(row.last_activity_at),
        "duration_seconds": duration_seconds(row, now),
        "allowed_actions": [action.value for action in related.allowed_actions.get(row.id, ())],
        "last_log_seq": row.log_seq or 0,
        "priority": row.priority,
        "queue": queue_json(row),
    }


def queue_json(row: Experiment) -> dict[str, Any] | None:
    """Its place in the GPU queue while it waits (``app/resources/queue.py``)."""
    if row.queued_at is None:
        return None
    return {
        "pool": row.queue_pool,
        "position": row.queue_position,
        "since": iso(row.queued_at),
        "estimated_start_at": iso(row.queue_estimated_start_at),
    }


def page_json(page: Page, now: datetime, related: Related) -> dict[str, Any]:
    return {
        "items": [experiment_json(row, now, related) for row in page.items],
        "page_info": {"has_next_page": page.has_next_page, "end_cursor": page.end_cursor},
        "total_count": page.total_count,
    }
