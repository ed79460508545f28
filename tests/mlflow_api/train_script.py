"""An ordinary MLflow training script, as a team already has it: the test runs it in a
process of its own with only ``MLFLOW_TRACKING_URI`` and ``MLFLOW_TRACKING_TOKEN`` set to
our server. Arguments: a gate file (the script waits for it before logging, so the test
can subscribe first) and a file where it writes, as JSON, what it read back."""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

import mlflow
from mlflow import MlflowClient

gate, out = Path(sys.argv[1]), Path(sys.argv[2])
experiment = os.environ["EXPERIMENT"]

mlflow.set_experiment(experiment)
with mlflow.start_run(run_name="bs=256") as run:
    print(run.info.run_id, flush=True)
    while not gate.exists():
        time.sleep(0.02)
    mlflow.log_param("learning_rate", 0.1)
    mlflow.log_params({"batch_size": 256, "optimizer": "adam"})
    mlflow.set_tag("team", "vision")
    mlflow.set_tags({"stage": "dev"})
    for step in range(20):
        mlflow.log_metric("train/loss", 1.0 / (step + 1), step=step)
    mlflow.log_metrics({"val/acc": 0.8, "val/f1": 0.7}, step=19)
    for step in range(20, 40):
        mlflow.log_metrics({"train/loss": 1.0 / (step + 1)}, step=step, synchronous=False)
    mlflow.flush_async_logging()
    with tempfile.TemporaryDirectory() as folder:
        weights = Path(folder, "weights.bin")
        weights.write_bytes(bytes(range(256)) * 40)
        mlflow.log_artifact(str(weights))
        outputs = Path(folder, "outputs")
        outputs.mkdir()
        (outputs / "report.txt").write_text("accuracy 0.8\n")
        (outputs / "plots").mkdir()
        (outputs / "plots" / "loss.csv").write_text("step,loss\n0,1.0\n")
        mlflow.log_artifacts(str(outputs), artifact_path="outputs")
    mlflow.log_dict({"layers": 50, "activation": "relu"}, "config/model.json")
    mlflow.log_text("trained on cifar-10", "notes/readme.txt")
    with mlflow.start_run(run_name="fold-1", nested=True) as child:
        mlflow.log_metric("fold/acc", 0.75, step=0)
    run_id, child_id = run.info.run_id, child.info.run_id

ended = {}
for status in ("FAILED", "KILLED"):
    mlflow.start_run(run_name=f"ends {status}")
    ended[status] = mlflow.active_run().info.run_id
    mlflow.end_run(status=status)
try:
    with mlflow.start_run(run_name="raises") as failing:
        ended["raises"] = failing.info.run_id
        raise RuntimeError("diverged")
except RuntimeError:
    pass

client = MlflowClient()
got = client.get_run(run_id)
history = client.get_metric_history(run_id, "train/loss")
listed = [item.path for item in client.list_artifacts(run_id)]
found = mlflow.search_runs(
    experiment_names=[experiment],
    filter_string="metrics.`val/acc` > 0.5 and params.optimizer = 'adam'",
    output_format="list",
)
frame = mlflow.search_runs(experiment_names=[experiment], order_by=["attributes.start_time ASC"])
with tempfile.TemporaryDirectory() as folder:
    local = mlflow.artifacts.download_artifacts(run_id=run_id, dst_path=folder)
    downloaded = sorted(
        str(path.relative_to(local)) for path in Path(local).rglob("*") if path.is_file()
    )
    config = json.loads(Path(local, "config", "model.json").read_text())
    weights_size = Path(local, "weights.bin").stat().st_size

out.write_text(
    json.dumps(
        {
            "run_id": run_id,
            "child_id": child_id,
            "ended": ended,
            "status": got.info.status,
            "params": got.data.params,
            "tags": got.data.tags,
            "metrics": got.data.metrics,
            "history": [(m.step, m.value, m.timestamp) for m in history],
            "listed": sorted(listed),
            "found": [r.info.run_id for r in found],
            "frame_ids": list(frame["run_id"]),
            "frame_statuses": list(frame["status"]),
            "downloaded": downloaded,
            "config": config,
            "weights_size": weights_size,
        }
    )
)
