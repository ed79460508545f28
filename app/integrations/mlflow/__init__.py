"""The MLflow mirror: every run started here appears in an MLflow tracking server.

- ``queue``: what the request path writes, in its own transaction (no HTTP, no MLflow);
- ``mapping``: our experiment → MLflow params, tags, metrics and status, within its limits;
- ``client``: MLflow's REST API over httpx;
- ``mirror``: the background job that sends the queue, in order, and records progress;
- ``links``: what ``Experiment.mlflow`` shows.

This package imports nothing of MLflow and is only imported when
``EXPSVC_MLFLOW_TRACKING_URI`` is set.
"""
