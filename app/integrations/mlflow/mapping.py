"""Our experiment as the mirror writes it into MLflow: its tags, its final status and
the MLflow experiment it goes to (params, limits and times: ``app/mlflow_terms.py``)."""

from __future__ import annotations

from collections.abc import Iterator

from app.mlflow_terms import (
    MAX_TAG_VALUE,
    clip,
)
from app.models import Experiment
from app.models.enums import ExperimentStatus

FINAL_STATUS = {
    ExperimentStatus.COMPLETED: "FINISHED",
    ExperimentStatus.FAILED: "FAILED",
    ExperimentStatus.STOPPED: "KILLED",
}

TAG_EXPERIMENT_ID = "expsvc.experiment_id"


def tags_of(experiment: Experiment, owner_email: str) -> list[dict[str, str]]:
    tags = {
        TAG_EXPERIMENT_ID: str(experiment.id),
        "expsvc.hypothesis_id": str(experiment.hypothesis_id),
        "expsvc.owner": owner_email,
        "expsvc.type": experiment.type.value,
        "expsvc.model": experiment.model,
        "expsvc.framework": experiment.framework,
        "mlflow.runName": experiment.name,
        "mlflow.user": owner_email,
    }
    if experiment.approach:
        tags["expsvc.approach"] = experiment.approach
    if experiment.tags:
        tags["expsvc.tags"] = ", ".join(experiment.tags)
    if experiment.description:
        tags["mlflow.note.content"] = experiment.description
    if experiment.git_commit:
        tags["mlflow.source.git.commit"] = experiment.git_commit
    if experiment.git_branch:
        tags["mlflow.source.git.branch"] = experiment.git_branch
    if experiment.git_repo_url:
        tags["mlflow.source.git.repoURL"] = experiment.git_repo_url
    return [{"key": key, "value": clip(value, MAX_TAG_VALUE)} for key, value in tags.items()]


def chunks(items: list[dict[str, str]], size: int) -> Iterator[list[dict[str, str]]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def experiment_name(template: str, *, hypothesis: str, hypothesis_id: str) -> str:
    """The MLflow experiment a run goes to (``EXPSVC_MLFLOW_EXPERIMENT_NAME``)."""
    return template.format(hypothesis=hypothesis, hypothesis_id=hypothesis_id)[:500]
