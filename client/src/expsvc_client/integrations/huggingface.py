"""Hugging Face ``transformers``: ``Trainer(..., callbacks=[ExpsvcHuggingFaceCallback(run)])``.

With ``report_to="none"`` the Trainer reports to no other service.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from transformers import TrainerCallback

from expsvc_client.integrations import scalars

if TYPE_CHECKING:
    from expsvc_client.run import Run


def hf_key(name: str) -> str:
    """The Trainer's log names grouped as its own loggers do: ``eval_loss`` → ``eval/loss``,
    ``test_…`` → ``test/…``, anything else → ``train/<name>``."""
    for prefix in ("eval", "test"):
        if name.startswith(prefix + "_"):
            return f"{prefix}/{name[len(prefix) + 1 :]}"
    return f"train/{name}"


class ExpsvcHuggingFaceCallback(TrainerCallback):  # type: ignore[misc]
    """Reports ``Trainer.train`` into ``run``.

    Every log of the Trainer (``logging_steps``, evaluations, the final summary) is logged
    at ``state.global_step``, numbers only, named by ``hf_key``. Progress (global step of
    ``max_steps``, the epoch in course of the epochs to train) after every step; once
    ``run.should_stop``, ``control.should_training_stop``: training ends after that step.
    """

    def __init__(self, run: Run) -> None:
        super().__init__()
        self.run = run

    def on_train_begin(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        self._check_stop(control)

    def on_log(
        self,
        args: Any,
        state: Any,
        control: Any,
        logs: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        if logs and state.is_world_process_zero:
            numbers = scalars(logs, hf_key)
            if numbers:
                self.run.log(numbers, step=state.global_step)

    def on_step_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        if state.is_world_process_zero:
            self._report(args, state)
        self._check_stop(control)

    def _report(self, args: Any, state: Any) -> None:
        step = state.global_step
        total = state.max_steps if state.max_steps and state.max_steps >= step else None
        epochs = getattr(state, "num_train_epochs", None) or args.num_train_epochs
        total_epochs = math.ceil(epochs) if epochs and epochs > 0 else None
        epoch = max(1, math.ceil(state.epoch or 0))
        if total_epochs is not None:
            epoch = min(epoch, total_epochs)
        self.run.progress(step, total, epoch=epoch, total_epochs=total_epochs)

    def _check_stop(self, control: Any) -> None:
        if self.run.should_stop:
            control.should_training_stop = True
