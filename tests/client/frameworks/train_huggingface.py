"""A Hugging Face Trainer (a tiny torch module, nothing downloaded) with
ExpsvcHuggingFaceCallback (see common.py)."""

from __future__ import annotations

import tempfile

import torch
from common import epochs, mode, pause, say, start
from torch.nn import functional
from transformers import Trainer, TrainerCallback, TrainingArguments

from expsvc_client.integrations.huggingface import ExpsvcHuggingFaceCallback


class Tiny(torch.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.layer = torch.nn.Linear(4, 2)

    def forward(self, x: torch.Tensor, labels: torch.Tensor | None = None) -> dict:
        logits = self.layer(x)
        loss = functional.cross_entropy(logits, labels) if labels is not None else None
        return {"loss": loss, "logits": logits}


class Slow(TrainerCallback):
    def __init__(self, chosen: str) -> None:
        self.chosen = chosen

    def on_step_end(self, *args: object, **kwargs: object) -> None:
        pause(self.chosen)


chosen = mode()
torch.manual_seed(0)
x = torch.randn(64, 4)
y = (x.sum(dim=1) > 0).long()
rows = [{"x": x[i], "labels": y[i]} for i in range(64)]

with start("huggingface") as run, tempfile.TemporaryDirectory() as output:
    trainer = Trainer(
        model=Tiny(),
        args=TrainingArguments(
            output_dir=output,
            per_device_train_batch_size=16,  # 4 steps per epoch
            per_device_eval_batch_size=16,
            num_train_epochs=epochs(chosen),
            learning_rate=0.1,
            logging_steps=2,
            eval_strategy="epoch",
            save_strategy="no",
            report_to="none",
            use_cpu=True,
            disable_tqdm=True,
        ),
        train_dataset=rows,
        eval_dataset=rows[:16],
        callbacks=[ExpsvcHuggingFaceCallback(run), Slow(chosen)],
    )
    trainer.train()
    say(trained_steps=trainer.state.global_step, total_steps=4 * epochs(chosen))
