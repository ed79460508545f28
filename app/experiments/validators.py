"""Domain rules for experiment input → ``VALIDATION_FAILED`` with ``details.fields``.

Field paths use the GraphQL spelling (``resources.gpuCount``); REST turns them into
snake_case when it renders the error.
"""

from __future__ import annotations

import re
from typing import Any

from app.config import Settings
from app.experiments.presets import hyperparam_errors
from app.experiments.schemas import (
    MAX_TAG_LENGTH,
    MAX_TAGS,
    GitRefData,
    ResourceRequestData,
)
from app.models.enums import ExperimentType
from app.validation import json_size, name_problem, text_problem, unstorable_fields

COMMIT_RE = re.compile(r"^[0-9a-fA-F]{7,64}$")
REPO_RE = re.compile(r"^(https?://|ssh://|git://|git@)\S+$")


def text_errors(
    field: str, value: str | None, *, required: bool, max_length: int, name: bool = False
) -> dict[str, str]:
    """Length and characters of a text; a ``name`` (one line) also refuses control and
    bidirectional formatting characters (``app.validation.name_problem``)."""
    if value is None:
        return {field: "is required"} if required else {}
    if required and not value.strip():
        return {field: f"must be 1-{max_length} characters"}
    if len(value) > max_length:
        return {field: f"must be at most {max_length} characters"}
    problem = name_problem(value) if name else text_problem(value)
    return {field: problem} if problem else {}


def tags_errors(tags: list[str] | None) -> dict[str, str]:
    if tags is None:
        return {}
    if len(tags) > MAX_TAGS:
        return {"tags": f"at most {MAX_TAGS} tags"}
    for index, tag in enumerate(tags):
        if not 1 <= len(tag.strip()) <= MAX_TAG_LENGTH:
            return {f"tags.{index}": f"must be 1-{MAX_TAG_LENGTH} characters"}
        if problem := name_problem(tag):
            return {f"tags.{index}": problem}
    return {}


def clean_tags(tags: list[str] | None) -> list[str]:
    return list(dict.fromkeys(tag.strip() for tag in tags or []))


def document_errors(field: str, value: Any, settings: Settings) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        return {field: "must be a JSON object"}
    unstorable = unstorable_fields(value, field)
    if unstorable:
        return unstorable
    if json_size(value) > settings.max_json_document_bytes:
        return {field: f"must be at most {settings.max_json_document_bytes} bytes as JSON"}
    return {}


def hyperparams_errors(
    experiment_type: ExperimentType, hyperparams: Any, settings: Settings, use_preset: bool = True
) -> dict[str, str]:
    """A storable JSON object, checked against the type's preset when ``use_preset``."""
    errors = document_errors("hyperparams", hyperparams, settings)
    if errors or hyperparams is None or not use_preset:
        return errors
    return hyperparam_errors(experiment_type, hyperparams)


def resources_errors(
    resources: ResourceRequestData, settings: Settings, gpu_types: set[str]
) -> dict[str, str]:
    """``gpu_types``: the GPU types of the configured pools (an admin may add pools)."""
    errors: dict[str, str] = {}
    known = sorted(gpu_types)
    if resources.gpu_type is not None and resources.gpu_type not in gpu_types:
        errors["resources.gpuType"] = "unknown GPU type; known: " + ", ".join(known)
    if not 0 <= resources.gpu_count <= settings.max_gpus_per_experiment:
        errors["resources.gpuCount"] = f"must be 0-{settings.max_gpus_per_experiment}"
    elif resources.gpu_count > 0 and resources.gpu_type is None:
        errors["resources.gpuType"] = "is required when gpuCount > 0; known: " + ", ".join(known)
    if not 1 <= resources.cpu_cores <= settings.max_cpu_cores:
        errors["resources.cpuCores"] = f"must be 1-{settings.max_cpu_cores}"
    if not 1 <= resources.memory_gb <= settings.max_memory_gb:
        errors["resources.memoryGb"] = f"must be 1-{settings.max_memory_gb}"
    if not 1 <= resources.max_duration_minutes <= settings.max_duration_minutes:
        errors["resources.maxDurationMinutes"] = f"must be 1-{settings.max_duration_minutes}"
    return errors


def git_errors(git: GitRefData | None) -> dict[str, str]:
    if git is None:
        return {}
    errors: dict[str, str] = {}
    if len(git.repo_url) > 1000 or not REPO_RE.match(git.repo_url.strip()):
        errors["git.repoUrl"] = "must be a git URL (https://, ssh://, git://, git@host:path)"
    if git.commit is not None and not COMMIT_RE.match(git.commit):
        errors["git.commit"] = "must be a hex commit id of 7-64 characters"
    if git.branch is not None:
        errors |= text_errors("git.branch", git.branch, required=True, max_length=255, name=True)
    return errors


def git_web_url(repo_url: str, commit: str | None, branch: str | None) -> str | None:
    """A browsable link for the usual forges: https or ``git@host:path`` remotes."""
    url = repo_url.strip()
    if url.startswith("git@") and ":" in url:
        host, _, path = url[4:].partition(":")
        url = f"https://{host}/{path}"
    if not url.startswith(("https://", "http://")):
        return None
    url = url.removesuffix(".git").rstrip("/")
    if commit:
        return f"{url}/commit/{commit}"
    if branch:
        return f"{url}/tree/{branch}"
    return url


PRIORITY_RANGE = (-1000, 1000)


def priority_errors(priority: int) -> dict[str, str]:
    """A queue priority (``app/resources/queue.py``): higher starts first."""
    low, high = PRIORITY_RANGE
    return {} if low <= priority <= high else {"priority": f"must be {low}-{high}"}
