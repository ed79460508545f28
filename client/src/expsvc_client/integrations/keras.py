"""Keras 3 (any backend): ``model.fit(..., callbacks=[ExpsvcKerasCallback(run)])``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import keras

from expsvc_client.integrations import scalars

if TYPE_CHECKING:
    from expsvc_client.run import Run


def _epoch_key(name: str) -> str:
    return f"val/{name[4:]}" if name.startswith("val_") else f"epoch/{name}"


class ExpsvcKerasCallback(keras.callbacks.Callback):  # type: ignore[misc]
    """Reports ``model.fit`` into ``run``.

    - every ``log_every_n_batches`` batches: the batch logs as ``train/<name>`` at the
      global step (batches trained since the callback was made, 1 after the first);
    - at each epoch's end: its logs as ``epoch/<name>``, validation ones (``val_<name>``)
      as ``val/<name>``, at the step of the epoch's last batch;
    - progress after every batch: step of ``steps * epochs`` (when Keras knows the steps
      per epoch), epoch (1-based, the one in course) of ``epochs``;
    - sets ``model.stop_training`` once ``run.should_stop``: fit ends after that batch.
    """

    def __init__(self, run: Run, log_every_n_batches: int = 1) -> None:
        super().__init__()
        if log_every_n_batches < 1:
            raise ValueError("log_every_n_batches must be 1 or more")
        self.run = run
        self.log_every_n_batches = log_every_n_batches
        self.step = 0
        self._epoch = 0

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        self._check_stop()

    def on_epoch_begin(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        self._epoch = epoch
        steps = self.params.get("steps")
        if steps:  # fit(initial_epoch=…) resumes: the global step counts the skipped epochs
            self.step = max(self.step, epoch * steps)

    def on_train_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        self.step += 1
        if logs and self.step % self.log_every_n_batches == 0:
            self._log(scalars(logs, lambda name: f"train/{name}"))
        self._report()
        self._check_stop()

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        if logs:
            self._log(scalars(logs, _epoch_key))
        self._report()
        self._check_stop()

    def _log(self, metrics: dict[str, Any]) -> None:
        if metrics:
            self.run.log(metrics, step=self.step)

    def _report(self) -> None:
        steps, epochs = self.params.get("steps"), self.params.get("epochs")
        total = steps * epochs if isinstance(steps, int) and isinstance(epochs, int) else None
        self.run.progress(
            self.step,
            total if total and total >= self.step else None,
            epoch=self._epoch + 1,
            total_epochs=epochs if isinstance(epochs, int) and epochs > self._epoch else None,
        )

    def _check_stop(self) -> None:
        if self.run.should_stop and self.model is not None:
            self.model.stop_training = True
