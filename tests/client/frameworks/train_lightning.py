"""PyTorch Lightning with ExpsvcLightningCallback (see common.py)."""

from __future__ import annotations

import lightning as L
import torch
from common import epochs, mode, pause, say, start
from torch.nn import functional
from torch.utils.data import DataLoader, TensorDataset

from expsvc_client.integrations.lightning import ExpsvcLightningCallback


class Tiny(L.LightningModule):
    def __init__(self) -> None:
        super().__init__()
        self.layer = torch.nn.Linear(4, 1)

    def training_step(self, batch, batch_idx):  # type: ignore[no-untyped-def]
        x, y = batch
        loss = functional.binary_cross_entropy_with_logits(self.layer(x).squeeze(1), y)
        self.log("train_loss", loss, on_step=True, on_epoch=True)
        return loss

    def validation_step(self, batch, batch_idx):  # type: ignore[no-untyped-def]
        x, y = batch
        logits = self.layer(x).squeeze(1)
        self.log("val_loss", functional.binary_cross_entropy_with_logits(logits, y))
        self.log("val_acc", ((logits > 0).float() == y).float().mean())

    def configure_optimizers(self):  # type: ignore[no-untyped-def]
        return torch.optim.SGD(self.parameters(), lr=0.5)


class Slow(L.Callback):
    def __init__(self, chosen: str) -> None:
        self.chosen = chosen

    def on_train_batch_end(self, *args: object) -> None:
        pause(self.chosen)


chosen = mode()
torch.manual_seed(0)
x = torch.randn(64, 4)
y = (x.sum(dim=1) > 0).float()
train = DataLoader(TensorDataset(x, y), batch_size=16)  # 4 steps per epoch
validation = DataLoader(TensorDataset(x[:16], y[:16]), batch_size=16)

with start("lightning") as run:
    trainer = L.Trainer(
        max_epochs=epochs(chosen),
        callbacks=[ExpsvcLightningCallback(run), Slow(chosen)],
        logger=False,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        log_every_n_steps=2,
    )
    trainer.fit(Tiny(), train, validation)
    say(trained_steps=trainer.global_step, total_steps=4 * epochs(chosen))
