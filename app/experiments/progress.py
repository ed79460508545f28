"""Progress arithmetic: the fraction done and an ETA from the observed rate."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.models import Experiment
from app.models.enums import ExperimentStatus

# Weight of the newest observation in the smoothed rate (an exponential moving average)
RATE_SMOOTHING = 0.5


@dataclass(frozen=True)
class ProgressView:
    step: int | None
    total_steps: int | None
    epoch: int | None
    total_epochs: int | None
    fraction: float | None
    eta_seconds: float | None


def _units(
    step: int | None, total_steps: int | None, epoch: int | None, total_epochs: int | None
) -> tuple[float | None, float | None]:
    """Work done and work total, in steps when the total of steps is known, else epochs."""
    if total_steps is not None and step is not None:
        return float(step), float(total_steps)
    if total_epochs is not None and epoch is not None:
        return float(epoch), float(total_epochs)
    return None, None


def current_units(experiment: Experiment) -> tuple[float | None, float | None]:
    return _units(
        experiment.progress_step,
        experiment.progress_total_steps,
        experiment.progress_epoch,
        experiment.progress_total_epochs,
    )


def next_rate(experiment: Experiment, done: float | None, now: datetime) -> float | None:
    """The smoothed rate after a new report of ``done`` units at ``now``."""
    if done is None:
        return experiment.progress_rate
    previous_done, _ = current_units(experiment)
    previous_at = experiment.progress_reported_at
    if previous_done is None or previous_at is None:
        previous_done, previous_at = 0.0, experiment.started_at
    if previous_at is None:
        return experiment.progress_rate
    elapsed = (now - previous_at).total_seconds()
    if elapsed <= 0 or done < previous_done:
        return experiment.progress_rate
    observed = (done - previous_done) / elapsed
    if experiment.progress_rate is None:
        return observed
    return RATE_SMOOTHING * observed + (1 - RATE_SMOOTHING) * experiment.progress_rate


def progress_view(experiment: Experiment, now: datetime) -> ProgressView:
    done, total = current_units(experiment)
    fraction = None if done is None or not total else max(0.0, min(1.0, done / total))
    eta = None
    rate = experiment.progress_rate
    running = experiment.status is ExperimentStatus.RUNNING
    if running and done is not None and total is not None and rate and rate > 0:
        since = experiment.progress_reported_at or now
        eta = max(0.0, (total - done) / rate - (now - since).total_seconds())
        if done >= total:
            eta = 0.0
    return ProgressView(
        step=experiment.progress_step,
        total_steps=experiment.progress_total_steps,
        epoch=experiment.progress_epoch,
        total_epochs=experiment.progress_total_epochs,
        fraction=fraction,
        eta_seconds=eta,
    )
