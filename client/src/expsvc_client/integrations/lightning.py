"""PyTorch Lightning: ``Trainer(callbacks=[ExpsvcLightningCallback(run)])``.

Works with ``lightning`` (``lightning.pytorch``) and, without it, ``pytorch_lightning``.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

try:
    from lightning.pytorch.callbacks import Callback
except ImportError:  # the older distribution
    from pytorch_lightning.callbacks import Callback

from expsvc_client.integrations import scalars

if TYPE_CHECKING:
    from expsvc_client.run import Run

# Where a metric key first showed up in ``trainer.logged_metrics``, and so where it is logged
TRAIN_STEP, VALIDATION, TRAIN_EPOCH = "train step", "validation", "train epoch"


class ExpsvcLightningCallback(Callback):  # type: ignore[misc]
    """Reports ``Trainer.fit`` into ``run``.

    Logs what the module logs for its loggers (``self.log``; ``trainer.logged_metrics``)
    at ``trainer.global_step``: training step metrics every ``log_every_n_steps`` steps
    (default: the trainer's ``log_every_n_steps``), validation metrics when a validation
    ends (not the sanity check), epoch aggregates (``<name>_epoch``) when a training epoch
    ends. ``logged_metrics`` keeps every key's last value, so each key is logged in the
    phase where it first appeared (a key logged both in training and validation steps
    belongs to the first). Reports progress (global step of ``max_steps`` or the estimated
    stepping batches, the 1-based epoch of ``max_epochs``) after every batch, and sets
    ``trainer.should_stop`` once ``run.should_stop``: fit ends after that batch.
    """

    def __init__(self, run: Run, log_every_n_steps: int | None = None) -> None:
        super().__init__()
        if log_every_n_steps is not None and log_every_n_steps < 1:
            raise ValueError("log_every_n_steps must be 1 or more")
        self.run = run
        self.log_every_n_steps = log_every_n_steps
        self._phase_of: dict[str, str] = {}
        self._total_steps: int | None = None

    # -- hooks ----------------------------------------------------------------------------

    def on_train_start(self, trainer: Any, pl_module: Any) -> None:
        self._total_steps = _total_steps(trainer)
        self._check_stop(trainer)

    def on_train_batch_end(
        self, trainer: Any, pl_module: Any, outputs: Any, batch: Any, batch_idx: int
    ) -> None:
        every = self.log_every_n_steps or trainer.log_every_n_steps or 1
        # Read every batch, so a key is placed at the first step it shows up in (cheap:
        # during a training batch Lightning hands out the step values it already holds)
        metrics = self._of_phase(trainer, TRAIN_STEP)
        if trainer.global_step % every == 0:
            self._log(trainer, metrics)
        self._report(trainer)
        self._check_stop(trainer)

    def on_validation_end(self, trainer: Any, pl_module: Any) -> None:
        if trainer.sanity_checking:  # Lightning gives its loggers none of these either
            self._of_phase(trainer, VALIDATION)
            return
        self._log(trainer, self._of_phase(trainer, VALIDATION))
        self._check_stop(trainer)

    def on_train_epoch_end(self, trainer: Any, pl_module: Any) -> None:
        self._log(trainer, self._of_phase(trainer, TRAIN_EPOCH))
        self._report(trainer)

    # -- helpers --------------------------------------------------------------------------

    def _of_phase(self, trainer: Any, phase: str) -> dict[str, Any]:
        """The logged metrics that belong to ``phase`` (new keys join it)."""
        chosen = {}
        for name, value in trainer.logged_metrics.items():
            if self._phase_of.setdefault(name, phase) == phase:
                chosen[name] = value
        return chosen

    def _log(self, trainer: Any, metrics: dict[str, Any]) -> None:
        numbers = scalars(metrics)
        if numbers and trainer.is_global_zero:
            self.run.log(numbers, step=trainer.global_step)

    def _report(self, trainer: Any) -> None:
        if not trainer.is_global_zero:
            return
        step, total = trainer.global_step, self._total_steps
        epochs = trainer.max_epochs
        epoch = trainer.current_epoch + 1
        self.run.progress(
            step,
            total if total is not None and total >= step else None,
            epoch=epoch,
            total_epochs=epochs if isinstance(epochs, int) and epochs >= epoch else None,
        )

    def _check_stop(self, trainer: Any) -> None:
        if self.run.should_stop:
            trainer.should_stop = True


def _total_steps(trainer: Any) -> int | None:
    """``max_steps`` when set, else Lightning's estimate (None when unknown or infinite)."""
    if isinstance(trainer.max_steps, int) and trainer.max_steps > 0:
        return trainer.max_steps
    try:
        estimate = float(trainer.estimated_stepping_batches)
    except (TypeError, ValueError, RuntimeError):
        return None
    return int(estimate) if math.isfinite(estimate) and estimate > 0 else None
